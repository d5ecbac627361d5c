import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { runFixture } from './child-process.js';

const host = testHost();

/** The signal that ended the script (tsx, which runs it, reports its child's signal as exit code 128 + n). */
function endedBy(exit: { code: number | null; signal: NodeJS.Signals | null }): string | null {
  if (exit.signal !== null) return exit.signal;
  return exit.code === 130 ? 'SIGINT' : exit.code === 143 ? 'SIGTERM' : `exit ${String(exit.code)}`;
}

describe('installShutdownHandlers in a real process', () => {
  it('on SIGTERM, lets the running remote command finish, then ends the process with the signal', async () => {
    const child = runFixture('shutdown-drain.ts', host, ['30000', 'sleep 1; echo finished']);
    await child.waitForLine('started');
    child.kill('SIGTERM');
    await expect(child.waitForLine('result ')).resolves.toMatchObject({ text: 'result finished' });
    expect(endedBy(await child.exited)).toBe('SIGTERM');
  });

  it('drains every pool: commands running on three pools all finish before the signal ends the process', async () => {
    const child = runFixture('shutdown-drain.ts', host, ['30000', 'sleep 1; echo finished', '3']);
    await child.waitForLine('started');
    child.kill('SIGTERM');
    const exit = await child.exited;
    expect(child.lines.map((line) => line.text)).toEqual(['started', 'result finished', 'result finished', 'result finished']);
    expect(endedBy(exit)).toBe('SIGTERM');
  });

  it('closes what still runs when the grace period ends', async () => {
    const child = runFixture('shutdown-drain.ts', host, ['300', 'sleep 30; echo too-late']);
    await child.waitForLine('started');
    const signalled = Date.now();
    child.kill('SIGINT');
    const outcome = await child.waitForLine('error ');
    expect(outcome.text).toMatch(/^error (ConnectionError|CommandError)$/);
    const exit = await child.exited;
    expect(endedBy(exit)).toBe('SIGINT');
    // Far sooner than the 30 s command: the grace period (300 ms) plus closing.
    expect(exit.at - signalled).toBeLessThan(15_000);
  });
});
