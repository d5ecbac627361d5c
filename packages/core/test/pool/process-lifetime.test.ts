/**
 * The process lifetime rule, on the generic pool (no SSH): an idle pool never keeps the Node process
 * alive; anything pending does (a waiter, a create or retry that a waiter needs). Each case runs a real
 * child script (fixtures/) and asserts on its exit code and output. Exit code 13 is Node's "unsettled
 * top-level await": the event loop emptied while the script still awaited the pool.
 * (An idle pool with every timer armed plus a forgotten lease: timers.test.ts, fixtures/idle-pool.ts.)
 */
import { describe, expect, it } from 'vitest';
import { describeRun, runScript } from '../support/run-script.js';

const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

/** A line `<word> <n> ...`: the number after the first word. */
function numberAfter(line: string | undefined, word: string): number {
  const match = new RegExp(`^${word} (\\d+)`).exec(line ?? '');
  return match === null ? Number.NaN : Number(match[1]);
}

describe('process lifetime: pending work on a generic pool keeps the process alive', () => {
  it('a top-level acquire whose first create fails is served by the retry (retryDelay 200 ms) and the script exits 0', async () => {
    const run = await runScript(fixture('create-fails-once.ts'), [], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the lifetime rule: no output, exit 13 (nothing kept the process alive through the retry delay).
    expect(run.stdout, describeRun(run)).toEqual(['acquired 2', 'released 1']);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
  });

  it('a top-level acquire on a full pool ({ max: 1, acquire: 200 }) rejects with AcquireTimeoutError after ~200 ms and the script exits 0', async () => {
    const run = await runScript(fixture('acquire-timeout-while-held.ts'), [], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the lifetime rule: `held`, then exit 13 (the waiter did not keep the process alive).
    expect(run.stdout, describeRun(run)).toEqual(['held', expect.stringMatching(/^rejected AcquireTimeoutError \d+$/), 'released 1']);
    // 200 ms timeout; loose bounds for a loaded machine.
    const elapsed = Number(run.stdout[1]?.split(' ')[2]);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(3_000);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
  });

  it('a top-level acquire on a full pool ({ max: 1 }) is served when the holder releases from an unref\'d timer 300 ms later, and the script exits 0', async () => {
    const run = await runScript(fixture('release-from-unref-timer.ts'), [], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the lifetime rule: `held`, then exit 13 (the waiter did not keep the process alive, so the unref'd timer never fired).
    expect(run.stdout, describeRun(run)).toEqual(['held', expect.stringMatching(/^served \d+ same=true$/)]);
    const elapsed = numberAfter(run.stdout[1], 'served');
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(5_000);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
  });
});

describe('process lifetime: a close in progress keeps the process alive until its destroys end', () => {
  it.each(['clear', 'drain'])('await pool.%s() with a destroy that waits on an unref\'d timer completes, and the script exits 0', async (how) => {
    const run = await runScript(fixture('close-with-slow-destroy.ts'), [how], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the rule: exit 13 with no output (the event loop emptied during the destroy).
    expect(run.stdout, describeRun(run)).toEqual(['closed 1']);
    expect(run.code, describeRun(run)).toBe(0);
  });
});

describe('process lifetime: an idle generic pool never keeps the process alive', () => {
  it('a pool on default options whose resources were all released (no drain/clear) lets the script end promptly with exit 0', async () => {
    const run = await runScript(fixture('idle-after-release.ts'), [], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    expect(run.stdout, describeRun(run)).toEqual(['idle 3 3 0', expect.stringMatching(/^done \d+$/)]);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    // Idle timeout 60 s, evictor and health checks 30 s: an exit this soon means none of them held the process.
    const doneAt = run.lines[1]?.at ?? Number.NaN;
    expect(run.exitedAt - doneAt).toBeLessThan(2_000);
  });
});
