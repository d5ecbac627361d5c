/**
 * A script with pauses: one session runs the commands of a script in turn, with an awaited timer
 * of L ms of "local work" before each timed command, the way a deployment script computes between
 * its remote commands. Each command's own time is measured — from the call to its result, the
 * pause excluded — so a client that does extra work after an idle gap (a borrow check, a reconnect)
 * shows it, and one that does not matches its own back-to-back figure (the L = 0 row, no timer).
 *
 * The rows take turns in blocks, and each block starts with one untimed lead-in command, so the
 * first timed command of the back-to-back row follows a command, not the previous row's pause.
 * Bounded in count (`commandsPerRow`) and in time (`budgetMs`, checked before every block).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PauseSamples, PausesParams, PausesResult } from '../child/protocol.js';
import type { LoadedPeer } from '../peers/peer.js';
import type { Progress } from './progress.js';

/** `echo x` prints `x\n`, `true` nothing; other commands are not checked. */
const expectedOutput = (command: string): string | undefined =>
  command === 'true' ? '' : /^echo \w+$/.test(command) ? `${command.slice(5)}\n` : undefined;

interface Row {
  readonly pauseMs: number;
  readonly samples: number[];
  readonly pausesTaken: number[];
  errors: number;
  untimedErrors: number;
  firstError?: string | undefined;
}

export async function runPauses(peer: LoadedPeer, params: PausesParams, progress?: Progress): Promise<PausesResult> {
  if (params.script.length === 0) throw new Error('pauses: empty script');
  if (params.block < 1 || params.commandsPerRow < 1) throw new Error('pauses: block and commandsPerRow must be at least 1');
  if (!params.pausesMs.includes(0)) throw new Error('pauses: pausesMs must include 0 (the back-to-back baseline)');
  const rows: Row[] = params.pausesMs.map((pauseMs) => ({ pauseMs, samples: [], pausesTaken: [], errors: 0, untimedErrors: 0 }));
  let step = 0;
  const next = (): string => params.script[step++ % params.script.length] ?? 'true';
  const done = (row: Row): number => row.samples.length + row.errors;
  let ok = 0;
  let failed = 0;
  let warmupErrors = 0;

  const session = await peer.open({ purpose: 'sequential' });
  try {
    for (let i = 0; i < params.warmup; i++) await session.exec(next()).catch(() => warmupErrors++);
    const loopStart = performance.now();
    while (rows.some((row) => done(row) < params.commandsPerRow) && performance.now() - loopStart < params.budgetMs) {
      for (const row of rows) {
        const count = Math.min(params.block, params.commandsPerRow - done(row));
        if (count <= 0 || performance.now() - loopStart >= params.budgetMs) continue;
        await session.exec(next()).catch((error: unknown) => {
          row.untimedErrors++;
          row.firstError ??= `lead-in: ${String(error)}`;
        });
        for (let i = 0; i < count; i++) {
          if (row.pauseMs > 0) {
            const pauseStart = performance.now();
            await sleep(row.pauseMs);
            row.pausesTaken.push(performance.now() - pauseStart);
          }
          const command = next();
          const expected = expectedOutput(command);
          const before = performance.now();
          try {
            const stdout = await session.exec(command);
            const elapsed = performance.now() - before;
            if (expected !== undefined && stdout !== expected) throw new Error(`unexpected output ${JSON.stringify(stdout.slice(0, 40))}`);
            row.samples.push(elapsed);
            ok++;
          } catch (error) {
            row.errors++;
            row.firstError ??= String(error);
            failed++;
          }
          progress?.set(ok, failed);
        }
      }
    }
  } finally {
    await session.close();
  }
  return {
    kind: 'pauses',
    warmupErrors,
    rows: rows.map(({ pauseMs, samples, pausesTaken, errors, untimedErrors, firstError }): PauseSamples => ({
      pauseMs,
      samples,
      pausesTaken,
      errors,
      untimedErrors,
      firstError,
    })),
  };
}
