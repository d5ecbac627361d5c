import { existsSync } from 'node:fs';
import ssh2 from 'ssh2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSshHost, type SshHost } from '../src/index.js';
import { connectSsh2 } from './ssh2-connection.js';
import { ssh2Exec } from './ssh2-exec.js';

describe('the embedded ssh2 server', () => {
  let host: SshHost;
  beforeAll(async () => {
    host = await startSshHost({ kind: 'embedded' });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it("answers without Nagle's delay: small commands on one connection take milliseconds, not the ~40 ms of a delayed ACK", async () => {
    // Both ends without Nagle: the client as rexec's (setNoDelay), the server as the embedded one must be.
    const connection = await connectSsh2(host, { noDelay: true });
    try {
      const times: number[] = [];
      for (let i = 0; i < 9; i += 1) {
        const started = performance.now();
        expect(await connection.exec('true')).toMatchObject({ code: 0 });
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      expect(times[4]).toBeLessThan(25);
    } finally {
      connection.end();
    }
  });

  it('runs `echo ok` over a plain ssh2 client', async () => {
    expect(host.kind).toBe('embedded');
    expect(host.pid).toBeUndefined();
    expect(await ssh2Exec(host, 'echo ok')).toMatchObject({ stdout: 'ok\n', stderr: '', code: 0, signal: null });
  });

  it('runs commands under /bin/sh -c with stdin, stderr and exit codes', async () => {
    const result = await ssh2Exec(host, 'read x; echo "got $x"; echo err >&2; exit 3', { stdin: 'a b\n' });
    expect(result).toMatchObject({ stdout: 'got a b\n', stderr: 'err\n', code: 3, signal: null });
  });

  it('reports exit-signal when the command is killed', async () => {
    const result = await ssh2Exec(host, 'kill -TERM $$');
    expect(result.signal).toBe('SIGTERM');
  });

  it('delivers signal requests to the running command', async () => {
    const result = await ssh2Exec(host, 'echo started; exec sleep 30', {
      onStdout: (_chunk, channel) => {
        channel.signal('KILL');
        channel.end();
      },
    });
    expect(result).toMatchObject({ stdout: 'started\n', signal: 'SIGKILL' });
  });

  it('refuses env requests like sshd without AcceptEnv', async () => {
    const result = await ssh2Exec(host, 'printf %s "${REXEC_X-unset}"', { env: { REXEC_X: 'set' } });
    expect(result.stdout).toBe('unset');
  });

  it('refuses a key it does not know', async () => {
    const stranger = ssh2.utils.generateKeyPairSync('ed25519');
    const client = new ssh2.Client();
    const outcome = await new Promise<string>((resolve) => {
      client.on('ready', () => resolve('ready'));
      client.on('error', (error) => resolve(error.message));
      client.connect({ host: host.host, port: host.port, username: host.username, privateKey: stranger.private, readyTimeout: 10_000 });
    });
    client.end();
    expect(outcome).toMatch(/authentication methods failed/i);
  });

  it('removes its temp dir on stop', async () => {
    const other = await startSshHost({ kind: 'embedded' });
    expect(existsSync(other.dir)).toBe(true);
    await other.stop();
    expect(existsSync(other.dir)).toBe(false);
  });
});
