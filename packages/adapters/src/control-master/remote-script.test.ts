import { execFile, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitForEmptyGroup } from '@rexec/testing';
import { createMarkerFilter } from './marker-filter.js';
import { buildUserScript } from '../shell/user-script.js';
import { buildKillScript, buildRemoteCommand, createNonce } from './remote-script.js';

const run = promisify(execFile);

// The remote command string goes to the user's login shell; run it here under dash (/bin/sh) and bash.
const LOGIN_SHELLS = ['/bin/sh', 'bash'] as const;

function runAsLoginShell(shell: string, command: string, options: { cwd?: string; env?: Record<string, string>; input?: string } = {}) {
  const nonce = createNonce();
  const remote = buildRemoteCommand(buildUserScript({ command, cwd: options.cwd, env: options.env }), nonce);
  const ran = spawnSync(shell, ['-c', remote], { input: options.input ?? '', timeout: 10_000 });
  const out: Buffer[] = [];
  const filter = createMarkerFilter(nonce, (chunk) => out.push(chunk));
  filter.write(ran.stderr);
  filter.end();
  return { stdout: ran.stdout.toString(), stderr: Buffer.concat(out).toString(), status: ran.status, report: filter.report };
}

describe.each(LOGIN_SHELLS)('the remote wrapper under %s', (shell) => {
  it('reports a normal exit with its status, stdout and stderr intact', () => {
    const result = runAsLoginShell(shell, 'echo out; printf err >&2; exit 3');
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err', status: 3 });
    expect(result.report).toMatchObject({ normal: true, exit: { status: 3 } });
    expect(result.report.pid).toBeGreaterThan(0);
  });

  it('tells a death by signal from an exit with the same number, without a "Terminated" notice', () => {
    const killed = runAsLoginShell(shell, 'kill -TERM $$');
    expect(killed.report).toMatchObject({ normal: false, exit: { status: 143, signalName: 'TERM' } });
    expect(killed.stderr).toBe('');
    const exited = runAsLoginShell(shell, 'exit 143');
    expect(exited.report).toMatchObject({ normal: true, exit: { status: 143 } });
    const sigkill = runAsLoginShell(shell, 'kill -9 $$');
    expect(sigkill.report).toMatchObject({ normal: false, exit: { status: 137, signalName: 'KILL' } });
  });

  it('applies cwd and env inside the command, quoted', () => {
    const dir = mkdtempSync(join(tmpdir(), "rexec cm 'dir' "));
    try {
      const env = { A_B: "it's $HOME `x` \"q\"", EMPTY: '' };
      const result = runAsLoginShell(shell, 'pwd; printf "%s|%s" "$A_B" "$EMPTY"', { cwd: dir, env });
      expect(result.stdout).toBe(`${dir}\n${env.A_B}|`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('fails like cd does for a missing directory, naming it', () => {
    const result = runAsLoginShell(shell, 'echo never', { cwd: '/nonexistent/rexec-dir' });
    expect(result.stdout).toBe('');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('/nonexistent/rexec-dir');
  });

  it('forwards stdin to the command', () => {
    expect(runAsLoginShell(shell, 'cat', { input: 'line 1\nline 2' }).stdout).toBe('line 1\nline 2');
  });
});

describe('buildUserScript', () => {
  it('rejects an env name a shell cannot export', () => {
    expect(() => buildUserScript({ command: 'true', env: { 'A-B': 'x' } })).toThrow(/A-B/);
  });
});

describe('buildKillScript', () => {
  it.each([
    ['a group that dies on SIGTERM', 'sleep 30', ''],
    ['a group that ignores SIGTERM (SIGKILL after the grace period)', "trap '' TERM; sleep 30 & wait", 'KILL\n'],
    ['a group that ignores SIGTERM, sent SIGINT', "trap '' TERM; sleep 30", '', 'SIGINT'],
    ['a group that ignores SIGINT, sent SIGINT (SIGKILL after the grace period)', "trap '' INT; sleep 30 & wait", 'KILL\n', 'SIGINT'],
  ] as const)('ends %s', async (_name, body, expected, signal?: NodeJS.Signals) => {
    const leader = spawn('/bin/sh', ['-c', body], { detached: true, stdio: 'ignore' });
    const pgid = leader.pid!;
    const ended = once(leader, 'exit');
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the shell set its trap
    // Async, so that this process can reap its child meanwhile (as sshd does for the real wrapper).
    const killed = await run('/bin/sh', ['-c', buildKillScript(pgid, 300, signal)], { encoding: 'utf8', timeout: 10_000 });
    expect(killed.stdout).toBe(expected);
    await ended;
    expect(await waitForEmptyGroup(pgid)).toEqual([]);
  });

  it('refuses a signal name that is not one', () => {
    expect(() => buildKillScript(1, 100, 'SIGTERM; rm -rf /' as NodeJS.Signals)).toThrow(TypeError);
  });
});
