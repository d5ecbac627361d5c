import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testHost, waitUntilGone } from '@rexec/testing';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { connectSsh } from './connect-ssh.js';
import { SETTLE_AFTER_KILL_MS } from './run-on-channel.js';
import type { SshConnection } from './ssh-connection.js';

// The host is 127.0.0.1: a pid printed by the remote command can be checked in /proc here.
const host = testHost();
let conn: SshConnection;

beforeAll(async () => {
  conn = await connectSsh(resolveTestHost(host), { forceKillAfterDelay: 1000 });
});
afterAll(async () => {
  await conn.close();
});

/** Runs `command`, which must print pids (one per line) first, and returns the result and those pids. */
async function runAndCollectPids(command: string, extra: { timeout?: number; signal?: AbortSignal } = {}) {
  const pids: number[] = [];
  const result = await conn.exec({ command, ...extra, onStdoutLine: (line) => pids.push(Number(line)) });
  return { result, pids };
}

describe('timeouts and aborts really end the remote process', () => {
  it('timeout: the remote sleep is gone afterwards, and the result says timedOut with SIGTERM', async () => {
    const { result, pids } = await runAndCollectPids('echo $$; exec sleep 30', { timeout: 300 });
    expect(pids).toHaveLength(1);
    expect(result).toMatchObject({ timedOut: true, isCanceled: false, signal: 'SIGTERM', exitCode: 143 });
    expect(await waitUntilGone([pids[0]!])).toEqual([]);
  });

  it('timeout: a shell and its background children (the whole process group) are gone', async () => {
    const { result, pids } = await runAndCollectPids('sleep 31 & echo $!; sleep 32 & echo $!; echo $$; wait', { timeout: 300 });
    expect(pids).toHaveLength(3);
    expect(result.timedOut).toBe(true);
    for (const pid of pids) expect(await waitUntilGone([pid])).toEqual([]);
  });

  it('a command that ignores TERM: its result settles soon after its deadline, and KILL ends it in the background', async () => {
    const started = performance.now();
    const { result, pids } = await runAndCollectPids("trap '' TERM; echo $$; while :; do sleep 0.1; done", { timeout: 300 });
    // Settled with the signal sent by then, within the settle bound of its deadline, not after the kill sequence.
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGTERM', exitCode: 143 });
    expect(performance.now() - started).toBeLessThan(300 + SETTLE_AFTER_KILL_MS + 1_000);
    expect(await waitUntilGone([pids[0]!])).toEqual([]);
  });

  it('AbortSignal: aborting mid-run ends the remote process and marks the result canceled', async () => {
    const controller = new AbortController();
    const pids: number[] = [];
    const running = conn.exec({
      command: 'echo $$; exec sleep 30',
      signal: controller.signal,
      onStdoutLine: (line) => {
        pids.push(Number(line));
        controller.abort();
      },
    });
    const result = await running;
    expect(result).toMatchObject({ isCanceled: true, timedOut: false, signal: 'SIGTERM' });
    expect(await waitUntilGone([pids[0]!])).toEqual([]);
  });

  it('an already aborted signal never lets the command do its work', async () => {
    const result = await conn.exec({ command: 'sleep 2; echo ran', signal: AbortSignal.abort() });
    expect(result.isCanceled).toBe(true);
    expect(result.stdout).toBe('');
  });

  it('close() ends commands still running on the connection', async () => {
    const own = await connectSsh(resolveTestHost(host), { forceKillAfterDelay: 1000 });
    const pids: number[] = [];
    let started: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => (started = resolve));
    const running = own.exec({ command: 'echo $$; exec sleep 30', onStdoutLine: (line) => (pids.push(Number(line)), started()) });
    await ready;
    await own.close();
    expect(own.isOpen).toBe(false);
    await expect(running).resolves.toMatchObject({ isCanceled: true });
    expect(await waitUntilGone([pids[0]!])).toEqual([]);
  });
});
