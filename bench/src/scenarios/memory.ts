/**
 * Memory per idle connection: RSS, heap and external memory after `n` connections are opened and
 * left idle, minus the same figures before, each after a full GC (the child runs with --expose-gc).
 */
import type { MemoryParams, MemoryResult } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';

const settle = async (): Promise<NodeJS.MemoryUsage> => {
  const gc = (globalThis as { gc?: () => void }).gc;
  for (let i = 0; i < 3; i++) {
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage();
};

export async function runMemory(peer: LoadedPeer, params: MemoryParams): Promise<MemoryResult> {
  if (peer.openIdle === undefined) throw new Error('this peer cannot hold idle connections');
  // Warm the code paths once so that the delta is connections, not first-use module state.
  const warm = await peer.openIdle(1);
  await warm.exec('true');
  await warm.close();
  const before = await settle();
  const idle = await peer.openIdle(params.connections);
  const after = await settle();
  await idle.close();
  return {
    kind: 'memory',
    connections: params.connections,
    rssDeltaBytes: after.rss - before.rss,
    heapDeltaBytes: after.heapUsed - before.heapUsed,
    externalDeltaBytes: after.external + after.arrayBuffers - (before.external + before.arrayBuffers),
  };
}
