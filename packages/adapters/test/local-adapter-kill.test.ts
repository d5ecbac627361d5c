import { afterAll, describe, expect, it } from 'vitest';
import { KillRequest, LocalAdapter } from '../src/index.js';
import { isAlive, waitForEmptyGroup } from '@rexec/testing';

const adapter = new LocalAdapter({ forceKillAfterDelay: 500 });
afterAll(() => adapter.dispose());

// The shell prints its own pid (= the process group id) and the pid of a background child, then waits.
const TREE = 'echo $$; sleep 317 & echo $!; sleep 317';

function pidsOf(stdout: string): { shell: number; child: number } {
  const [shell, child] = stdout.trim().split('\n').map(Number);
  if (shell === undefined || child === undefined || Number.isNaN(shell) || Number.isNaN(child)) {
    throw new Error(`expected two pids in stdout, got ${JSON.stringify(stdout)}`);
  }
  return { shell, child };
}

describe('LocalAdapter: killing the whole process tree', () => {
  it('on timeout: reports timedOut and leaves no process of the group behind', async () => {
    const result = await adapter.exec({ command: TREE, timeout: 1500 });
    expect(result).toMatchObject({ timedOut: true, isCanceled: false, exitCode: 143, signal: 'SIGTERM' });
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('on abort: reports isCanceled and leaves no process of the group behind', async () => {
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await adapter.exec({
      command: TREE,
      signal: controller.signal,
      onStdoutLine: (line) => {
        lines.push(line);
        if (lines.length === 2) controller.abort();
      },
    });
    expect(result).toMatchObject({ isCanceled: true, timedOut: false, exitCode: 143, signal: 'SIGTERM' });
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('an already aborted signal kills the command at once', async () => {
    const result = await adapter.exec({ command: 'sleep 317', signal: AbortSignal.abort() });
    expect(result.isCanceled).toBe(true);
    expect(result.exitCode).toBeGreaterThan(128);
  });

  it('escalates to SIGKILL when the group ignores the kill signal', async () => {
    const result = await adapter.exec({ command: "trap '' TERM; echo $$; sleep 317 & echo $!; wait", timeout: 1000 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL', exitCode: 137 });
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('a timeout sends spec.timeoutSignal instead of the kill signal', async () => {
    const result = await adapter.exec({ command: TREE, timeout: 300, timeoutSignal: 'SIGKILL' });
    expect(result).toMatchObject({ timedOut: true, exitCode: 137, signal: 'SIGKILL' });
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('an abort whose reason is a KillRequest(SIGINT) sends SIGINT first (the shell traps it), then ends the group', async () => {
    // Whether a shell waiting on a foreground job dies of SIGINT itself varies (dash, and the signal mask a
    // test runner leaves): a trap shows which signal arrived first.
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await adapter.exec({
      command: "trap 'echo got-INT; exit 130' INT; echo $$; sleep 317 & echo $!; wait",
      signal: controller.signal,
      onStdoutLine: (line) => {
        if (lines.push(line) === 2) controller.abort(new KillRequest('SIGINT'));
      },
    });
    expect(result).toMatchObject({ isCanceled: true });
    expect(result.stdout).toContain('got-INT');
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it.each(['SIGKILL', 'SIGHUP'] as const)('an abort whose reason is a KillRequest(%s) sends that signal to the group', async (signal) => {
    const controller = new AbortController();
    const lines: string[] = [];
    const result = await adapter.exec({
      command: TREE,
      signal: controller.signal,
      onStdoutLine: (line) => {
        if (lines.push(line) === 2) controller.abort(new KillRequest(signal));
      },
    });
    expect(result).toMatchObject({ isCanceled: true, signal });
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('over maxBuffer: kills the tree, keeps the head of the output, and never reports a plain success', async () => {
    const result = await adapter.exec({ command: 'echo $$; sleep 317 & echo $!; yes', maxBuffer: 64 * 1024 });
    expect(result.isMaxBuffer).toBe(true);
    expect(result.stdout.length).toBe(64 * 1024);
    const { shell, child } = pidsOf(result.stdout.split('\n').slice(0, 2).join('\n'));
    expect(result.stdout.split('\n')[2]).toBe('y');
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });

  it('applies maxBuffer to stderr separately', async () => {
    const result = await adapter.exec({ command: 'echo small; yes err >&2', maxBuffer: 1000 });
    expect(result).toMatchObject({ isMaxBuffer: true, stdout: 'small\n' });
    expect(result.stderr).toBe('err\n'.repeat(250));
  });

  it('a throwing line callback kills the command and rejects with its error', async () => {
    const pending = adapter.exec({
      command: 'echo $$; sleep 317',
      onStdoutLine: () => {
        throw new Error('listener broke');
      },
    });
    await expect(pending).rejects.toThrow('listener broke');
  });

  it('dispose kills running commands; they settle as canceled', async () => {
    const local = new LocalAdapter();
    const lines: string[] = [];
    let started!: () => void;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const running = local.exec({ command: TREE, onStdoutLine: (line) => lines.push(line) === 2 && started() });
    await ready;
    await local.dispose();
    const result = await running;
    expect(result.isCanceled).toBe(true);
    const { shell, child } = pidsOf(result.stdout);
    expect(await waitForEmptyGroup(shell)).toEqual([]);
    expect(await isAlive(child)).toBe(false);
  });
});
