/**
 * The process lifetime rule, on `$.ssh` pools against the harness sshd: an idle pool never keeps the Node
 * process alive; anything pending does (a waiter, a borrowed connection in use). Each case runs a real child
 * script (fixtures/) and asserts on its exit code and output. Exit code 13 is Node's "unsettled top-level
 * await": the event loop emptied (every pool socket and timer unref'd) while the script still awaited.
 * (A script that runs commands and never calls closePool() exits promptly: process-exit.test.ts.)
 */
import { testHost } from '@rexec/testing';
import { describe, expect, it } from 'vitest';
import { describeRun, hostArgs, runScript } from '../support/run-script.js';

const host = testHost();
const fixture = (name: string): URL => new URL(`./fixtures/${name}`, import.meta.url);

describe('process lifetime: pending work on a $.ssh pool keeps the process alive', () => {
  it('a top-level remote.acquire() on a full pool ({ max: 1, queueTimeout: 800 }) rejects with AcquireTimeoutError after ~800 ms and the script exits 0', async () => {
    const run = await runScript(fixture('acquire-timeout-while-held.ts'), hostArgs(host), { killAfter: 25_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the lifetime rule: `held`, then exit 13 (the waiter did not keep the process alive).
    expect(run.stdout, describeRun(run)).toEqual(['held', expect.stringMatching(/^rejected AcquireTimeoutError \d+$/), 'released 1']);
    // 800 ms queue timeout; loose bounds for a loaded machine.
    const elapsed = Number(run.stdout[1]?.split(' ')[2]);
    expect(elapsed).toBeGreaterThanOrEqual(700);
    expect(elapsed).toBeLessThan(5_000);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
  });

  it('sftp on a borrowed connection (conn.client.sftp, readdir /) completes, and after release the script exits 0 without closePool()', async () => {
    const run = await runScript(fixture('sftp-on-borrowed.ts'), hostArgs(host), { killAfter: 25_000 });
    expect(run.killed, describeRun(run)).toBe(false);
    // Without the lifetime rule: `acquired`, then exit 13 while the sftp subsystem opens (the borrowed connection's socket is unref'd).
    expect(run.stdout, describeRun(run)).toEqual(['acquired', 'sftp', expect.stringMatching(/^entries \d+$/), expect.stringMatching(/^released \d+$/)]);
    // '/' always holds several entries (bin, etc, usr...); with or without '.' and '..', more than 2.
    expect(Number(run.stdout[2]?.split(' ')[1])).toBeGreaterThan(2);
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.signal).toBeNull();
    expect(run.stderr).toBe('');
    // Released and idle: the pool (idle timeout 60 s) must not hold the process after the last line.
    const lastAt = run.lines[3]?.at ?? Number.NaN;
    expect(run.exitedAt - lastAt).toBeLessThan(3_000);
  });
});
