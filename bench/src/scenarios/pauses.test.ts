import { describe, expect, it } from 'vitest';
import type { PausesParams } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';
import { runPauses } from './pauses.js';

/** A peer that answers at once (or fails `echo x` when asked to) and records every command it ran. */
function fakePeer(options: { failEcho?: boolean } = {}): { peer: LoadedPeer; ran: string[] } {
  const ran: string[] = [];
  const exec = (command: string): Promise<string> => {
    ran.push(command);
    if (command === 'echo x' && options.failEcho === true) return Promise.reject(new Error('lost'));
    return Promise.resolve(command === 'echo x' ? 'x\n' : '');
  };
  return { peer: { open: () => Promise.resolve({ exec, close: () => Promise.resolve() }) }, ran };
}

const params = (overrides: Partial<PausesParams> = {}): PausesParams => ({
  script: ['true', 'echo x'],
  pausesMs: [0, 20],
  commandsPerRow: 6,
  block: 3,
  warmup: 2,
  budgetMs: 10_000,
  ...overrides,
});

describe('runPauses', () => {
  it('times each command without its pause, every row to its count, with a lead-in per block', async () => {
    const { peer, ran } = fakePeer();
    const result = await runPauses(peer, params());
    expect(result.rows.map((row) => [row.pauseMs, row.samples.length, row.errors, row.pausesTaken.length])).toEqual([
      [0, 6, 0, 0],
      [20, 6, 0, 6],
    ]);
    // The commands answer at once: a 20 ms pause in a sample would show.
    expect(Math.max(...result.rows.flatMap((row) => row.samples))).toBeLessThan(15);
    expect(Math.min(...(result.rows[1]?.pausesTaken ?? []))).toBeGreaterThanOrEqual(19);
    // 2 warm-up + 2 blocks per row × (1 lead-in + 3 timed), the script in turn.
    expect(ran).toHaveLength(2 + 2 * 2 * 4);
    expect(ran.slice(0, 4)).toEqual(['true', 'echo x', 'true', 'echo x']);
  });

  it('counts failed commands instead of timing them', async () => {
    const { peer } = fakePeer({ failEcho: true });
    const result = await runPauses(peer, params({ pausesMs: [0], block: 6, warmup: 0 }));
    const row = result.rows[0];
    expect(row?.errors).toBeGreaterThan(0);
    expect((row?.samples.length ?? 0) + (row?.errors ?? 0)).toBe(6);
    expect(row?.firstError).toMatch(/lost/);
  });

  it('starts no block after its time budget', async () => {
    const { peer } = fakePeer();
    const result = await runPauses(peer, params({ pausesMs: [0, 20], commandsPerRow: 1_000, block: 5, budgetMs: 150 }));
    const done = result.rows.reduce((sum, row) => sum + row.samples.length, 0);
    expect(done).toBeGreaterThan(0);
    expect(done).toBeLessThan(100);
  });

  it('needs the back-to-back row', async () => {
    await expect(runPauses(fakePeer().peer, params({ pausesMs: [5] }))).rejects.toThrow(/include 0/);
  });
});
