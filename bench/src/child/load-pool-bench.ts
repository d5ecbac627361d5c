/**
 * Loads the pool microbenchmark, which the pool's owner writes in bench/src/pool-bench.ts
 * (`runPoolBench({ quick })`). Until it is in the tree the pool section is "not available".
 */
import { PeerUnavailableError } from '../peers/peer.js';

export type RunPoolBench = (options: { quick: boolean }) => Promise<unknown>;

export async function loadPoolBench(): Promise<RunPoolBench> {
  const specifier = '../pool-bench.js';
  let module: { runPoolBench?: unknown };
  try {
    module = (await import(specifier)) as { runPoolBench?: unknown };
  } catch (error) {
    throw new PeerUnavailableError(`bench/src/pool-bench.ts could not be loaded: ${String(error)}`);
  }
  if (typeof module.runPoolBench !== 'function') throw new PeerUnavailableError('bench/src/pool-bench.ts exports no runPoolBench');
  return module.runPoolBench as RunPoolBench;
}
