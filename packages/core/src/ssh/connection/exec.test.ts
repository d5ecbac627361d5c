import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '@rexec/adapters';
import { testHost } from '@rexec/testing';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { connectSsh } from './connect-ssh.js';
import type { SshConnection } from './ssh-connection.js';

const host = testHost();
let conn: SshConnection;

beforeAll(async () => {
  conn = await connectSsh(resolveTestHost(host));
});
afterAll(async () => {
  await conn.close();
});

describe('SshConnection.exec against OpenSSH sshd', () => {
  it('returns stdout, stderr and the exit code', async () => {
    const result = await conn.exec({ command: 'echo out; echo err >&2; exit 3' });
    expect(result).toMatchObject({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, signal: null, timedOut: false, isCanceled: false, isMaxBuffer: false });
    expect(result.duration).toBeGreaterThanOrEqual(0);
  });

  it('reports 128 + n and the signal name when the remote command is killed by a signal', async () => {
    expect(await conn.exec({ command: 'kill -TERM $$' })).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });
    expect(await conn.exec({ command: 'kill -KILL $$' })).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
  });

  it('applies cwd and env in the command itself, quoted like local', async () => {
    const value = `it's "$HOME" \`x\` ; *\nline2`;
    const result = await conn.exec({ command: 'pwd; printf "%s" "$V"', cwd: '/tmp', env: { V: value } });
    expect(result.stdout).toBe(`/tmp\n${value}`);
    const missing = await conn.exec({ command: 'echo never', cwd: '/no/such/dir' });
    expect(missing.exitCode).not.toBe(0);
    expect(missing.stdout).toBe('');
    expect(missing.stderr).toMatch(/no\/such\/dir/);
  });

  it('sshd refuses env requests (no AcceptEnv), which is why env goes into the command', async () => {
    const viaEnvRequest = await new Promise<string>((resolve, reject) => {
      conn.client.exec('printf "%s" "${REXEC_PROBE-unset}"', { env: { REXEC_PROBE: 'set' } }, (error, channel) => {
        if (error) return reject(error);
        let out = '';
        channel.on('data', (chunk: Buffer) => (out += chunk.toString()));
        channel.stderr.resume();
        channel.on('close', () => resolve(out));
        channel.end();
      });
    });
    expect(viaEnvRequest).toBe('unset');
    expect((await conn.exec({ command: 'printf "%s" "$REXEC_PROBE"', env: { REXEC_PROBE: 'set' } })).stdout).toBe('set');
  });

  it('writes stdin from a string, a Buffer or a Readable, then EOF; without stdin, stdin is empty', async () => {
    expect((await conn.exec({ command: 'cat', stdin: 'from string' })).stdout).toBe('from string');
    expect((await conn.exec({ command: 'wc -c', stdin: Buffer.alloc(70_000, 1) })).stdout.trim()).toBe('70000');
    expect((await conn.exec({ command: 'cat', stdin: Readable.from(['a', 'b', 'c']) })).stdout).toBe('abc');
    expect((await conn.exec({ command: 'cat; echo end' })).stdout).toBe('end\n');
  });

  it('streams stdout and stderr lines as they arrive, without the pgid marker', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await conn.exec({
      command: 'printf "a\\nb\\r\\nc"; echo e1 >&2; echo e2 >&2',
      onStdoutLine: (line) => out.push(line),
      onStderrLine: (line) => err.push(line),
    });
    expect(out).toEqual(['a', 'b', 'c']);
    expect(err).toEqual(['e1', 'e2']);
    expect(result.stderr).toBe('e1\ne2\n');
  });

  it('kills the command past maxBuffer and keeps the head', async () => {
    const result = await conn.exec({ command: 'yes', maxBuffer: 1000 });
    expect(result.isMaxBuffer).toBe(true);
    expect(result.stdout).toHaveLength(1000);
    expect(result.signal).not.toBeNull();
  });

  it('rejects with the error a line callback threw, after killing the command', async () => {
    const boom = new Error('listener failed');
    await expect(conn.exec({ command: 'echo a; sleep 30', onStdoutLine: () => { throw boom; } })).rejects.toBe(boom);
  });

  it('rejects a bad env name with a ConfigError before opening a channel', async () => {
    await expect(conn.exec({ command: 'true', env: { 'NOT-OK': '1' } })).rejects.toBeInstanceOf(ConfigError);
    expect(conn.openChannels).toBe(0);
  });

  it('runs commands concurrently on one connection and counts open channels', async () => {
    const runs = Array.from({ length: 5 }, (_, i) => conn.exec({ command: `sleep 0.2; echo ${i}` }));
    expect(conn.openChannels).toBe(5);
    const results = await Promise.all(runs);
    expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n']);
    expect(conn.openChannels).toBe(0);
  });
});
