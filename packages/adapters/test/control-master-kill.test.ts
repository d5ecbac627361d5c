import { readFileSync } from 'node:fs';
import { isAlive, testHost, waitForEmptyGroup } from '@rexec/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { ControlMasterAdapter, KillRequest } from '../src/index.js';
import { createSocketDir, harnessOptions } from './control-master-helpers.js';

// The harness host is this machine, so /proc shows the remote processes.
const host = testHost();
const sockets = createSocketDir();
const adapter = new ControlMasterAdapter(harnessOptions(host, sockets.dir, { forceKillAfterDelay: 1000 }));
afterAll(async () => {
  await adapter.dispose();
  sockets.cleanup();
});

// Prints the shell's pid and a background sleep's pid, then waits.
const TREE = 'echo $$; sleep 313 & echo $!; sleep 313';

function processGroupOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
}

/** Runs TREE; `end` is called once both pids are known (while they run), and returns the pids and group. */
async function runTree(end: () => void, extra: { timeout?: number; timeoutSignal?: NodeJS.Signals; signal?: AbortSignal } = {}) {
  const pids: number[] = [];
  let group = 0;
  const result = await adapter.exec({
    command: TREE,
    ...extra,
    onStdoutLine: (line) => {
      pids.push(Number(line));
      if (pids.length === 1) group = processGroupOf(pids[0]!);
      if (pids.length === 2) end();
    },
  });
  return { result, shell: pids[0]!, child: pids[1]!, group };
}

async function expectAllGone(shell: number, child: number, group: number): Promise<void> {
  expect(await waitForEmptyGroup(group)).toEqual([]);
  expect(await isAlive(shell)).toBe(false);
  expect(await isAlive(child)).toBe(false);
}

describe('ControlMasterAdapter: ending remote commands', () => {
  it('a timeout ends the remote process group (the sleep is gone on the host)', async () => {
    const { result, shell, child, group } = await runTree(() => undefined, { timeout: 1500 });
    expect(result).toMatchObject({ timedOut: true, isCanceled: false, exitCode: 143, signal: 'SIGTERM' });
    expect(group).toBeGreaterThan(0);
    await expectAllGone(shell, child, group);
  });

  it('an abort ends it too and reports isCanceled', async () => {
    const controller = new AbortController();
    const { result, shell, child, group } = await runTree(() => controller.abort(), { signal: controller.signal });
    expect(result).toMatchObject({ isCanceled: true, timedOut: false, exitCode: 143, signal: 'SIGTERM' });
    await expectAllGone(shell, child, group);
  });

  it('an abort whose reason is a KillRequest sends that signal to the remote group', async () => {
    const controller = new AbortController();
    const { result, shell, child, group } = await runTree(() => controller.abort(new KillRequest('SIGKILL')), { signal: controller.signal });
    expect(result).toMatchObject({ isCanceled: true, exitCode: 137, signal: 'SIGKILL' });
    await expectAllGone(shell, child, group);
  });

  it('a timeout sends spec.timeoutSignal', async () => {
    const { result, shell, child, group } = await runTree(() => undefined, { timeout: 1000, timeoutSignal: 'SIGINT' });
    expect(result).toMatchObject({ timedOut: true, exitCode: 130, signal: 'SIGINT' });
    await expectAllGone(shell, child, group);
  });

  it('SIGKILL follows when the command ignores SIGTERM', async () => {
    const result = await adapter.exec({ command: "trap '' TERM; echo $$; sleep 311", timeout: 1000 });
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGKILL', exitCode: 137 });
    expect(await isAlive(Number(result.stdout.trim()))).toBe(false);
  });

  it('an already aborted signal runs nothing', async () => {
    const controller = new AbortController();
    controller.abort();
    const before = adapter.stats().commands;
    expect(await adapter.exec({ command: 'touch /tmp/rexec-should-not-exist', signal: controller.signal })).toMatchObject({ isCanceled: true });
    expect(adapter.stats().commands).toBe(before);
  });

  it('dispose ends running commands and the master', async () => {
    const other = new ControlMasterAdapter(harnessOptions(host, sockets.dir, { controlPath: `${sockets.dir}/d-%C` }));
    const pids: number[] = [];
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => (started = resolve));
    const pending = other.exec({ command: TREE, onStdoutLine: (line) => pids.push(Number(line)) === 2 && started() });
    await running;
    const group = processGroupOf(pids[0]!);
    const masterPid = other.stats().pid!;
    await other.dispose();
    expect(await pending).toMatchObject({ isCanceled: true });
    await expectAllGone(pids[0]!, pids[1]!, group);
    expect(await isAlive(masterPid)).toBe(false);
    expect(other.stats().state).toBe('closed');
  });
});
