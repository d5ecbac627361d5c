import { readFileSync } from 'node:fs';
import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { waitUntil } from '../support/process-probe.js';
import { describeRun, hostArgs, runScript, shellStatus, type ScriptResult } from '../support/run-script.js';
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

const topLevelAwait = new URL('./fixtures/shutdown-top-level-await.ts', import.meta.url);

/** Runs the top-level-await fixture (`where`: remote or local) and sends `signal` once its command runs. */
function interrupt(where: 'remote' | 'local', signal: NodeJS.Signals): Promise<ScriptResult> {
  return runScript(topLevelAwait, [...hostArgs(host), where, '300'], { killAfter: 20_000, signalOn: { line: 'running ', signal } });
}

/** What a script killed by a signal prints: nothing of its own, no error, no stack. */
function expectNoStack(run: ScriptResult): void {
  expect(run.stderr, describeRun(run)).not.toContain('CommandError');
  expect(run.stderr, describeRun(run)).not.toContain('ConnectionError');
  expect(run.stderr, describeRun(run)).not.toContain('    at ');
}

/** True while `pid` runs (a zombie waiting for its reaper counts as ended). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

describe('installShutdownHandlers: a signal while the top-level await is on a running command', () => {
  it('SIGINT with a remote `sleep 30` running: exit status 130 (128 + 2), no CommandError, no stack', async () => {
    const run = await interrupt('remote', 'SIGINT');
    expect(run.killed, describeRun(run)).toBe(false);
    expect(run.stdout, describeRun(run)).toEqual([expect.stringMatching(/^running \d+$/)]);
    // Without the fix: exit 1 and the CommandError (isCanceled) of the grace period's close, with its stack.
    expect(shellStatus(run), describeRun(run)).toBe(130);
    // Dead of the signal itself (after the exit listeners ran), as Node is without handlers: a calling shell
    // sees 130 and knows the script was interrupted.
    expect(run.signal, describeRun(run)).toBe('SIGINT');
    expectNoStack(run);
    // The 300 ms grace period, then the close: far from the command's 30 s.
    expect(run.exitedAt - (run.lines[0]?.at ?? 0)).toBeLessThan(15_000);
  });

  it('SIGTERM with a remote `sleep 30` running: exit status 143 (128 + 15), no stack', async () => {
    const run = await interrupt('remote', 'SIGTERM');
    expect(run.killed, describeRun(run)).toBe(false);
    expect(run.stdout, describeRun(run)).toEqual([expect.stringMatching(/^running \d+$/)]);
    expect(shellStatus(run), describeRun(run)).toBe(143);
    expect(run.signal, describeRun(run)).toBe('SIGTERM');
    expectNoStack(run);
  });

  it('SIGINT with a local `sleep 30` running: exit status 130, no stack, and the local command is not left behind', async () => {
    const run = await interrupt('local', 'SIGINT');
    expect(run.killed, describeRun(run)).toBe(false);
    expect(run.stdout, describeRun(run)).toEqual([expect.stringMatching(/^running \d+$/)]);
    expect(shellStatus(run), describeRun(run)).toBe(130);
    expect(run.signal, describeRun(run)).toBe('SIGINT');
    expectNoStack(run);
    // The local command leads its own process group, which a signal to the script does not reach.
    const pid = Number(run.stdout[0]?.split(' ')[1]);
    const gone = await waitUntil(() => !running(pid), 5_000);
    if (!gone) process.kill(pid, 'SIGKILL');
    expect(gone, `the local sleep (pid ${pid}) outlived the script`).toBe(true);
  });

  it('a genuine error before any signal is still printed (CommandError with its stack, exit 1)', async () => {
    const run = await runScript(topLevelAwait, [...hostArgs(host), 'local', '300', 'fail'], { killAfter: 20_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    expect(run.code, describeRun(run)).toBe(1);
    expect(run.stderr).toContain('CommandError');
    expect(run.stderr).toContain('    at ');
  });
});
