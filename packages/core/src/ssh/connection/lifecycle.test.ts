import { createRequire } from 'node:module';
import type { ClientChannel } from 'ssh2';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '@rexec/adapters';
import { startSshHost, testHost, type SshHost, type SshHostInfo } from '@rexec/testing';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { runTsScript } from '../../../test/support/run-ts-script.js';
import { isChannelRefusedError } from './channel-refused-error.js';
import { connectSsh } from './connect-ssh.js';
import type { SshConnection } from './ssh-connection.js';
import { canOpenSpareChannels, canSendKeepalive, openSpareChannel, requestExec, sendSignalRequest, SSH2_MAX_WINDOW, SSH2_PACKET_SIZE } from './ssh2-internals.js';

const host = testHost();

/** The sshd process serving a connection: the parent of the remote shell. */
async function serverProcessOf(conn: SshConnection): Promise<number> {
  return Number((await conn.exec({ command: 'echo $PPID' })).stdout.trim());
}

function waitForClose(conn: SshConnection, timeoutMs = 10_000): Promise<Error | undefined | 'timeout'> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    conn.onClose((error) => {
      clearTimeout(timer);
      resolve(error);
    });
  });
}

describe('connection lifecycle against OpenSSH sshd', () => {
  it('uses the ssh2 internals it relies on (signal requests, keepalive) in this ssh2 version', async () => {
    const conn = await connectSsh(resolveTestHost(host));
    expect(canSendKeepalive(conn.client)).toBe(true);
    // A signal request must still go out after stdin was closed (EOF sent), as it is for every command without streamed stdin.
    const sent = await new Promise<boolean[]>((resolve, reject) => {
      conn.client.exec('sleep 0.3', (error, channel) => {
        if (error !== undefined) return reject(error);
        const whileOpen = sendSignalRequest(channel, 'USR1');
        channel.end();
        const afterEof = sendSignalRequest(channel, 'USR1');
        channel.resume();
        channel.on('close', () => resolve([whileOpen, afterEof, sendSignalRequest(channel, 'USR1')]));
      });
    });
    expect(sent).toEqual([true, true, false]);
    await conn.close();
  });

  it('uses the ssh2 internals spare channels rely on (a channel opened ahead, its exec request sent later) in this ssh2 version', async () => {
    const require = createRequire(import.meta.url);
    const channelModule = require(require.resolve('ssh2/lib/Channel.js')) as { MAX_WINDOW: number; PACKET_SIZE: number };
    expect([channelModule.MAX_WINDOW, channelModule.PACKET_SIZE]).toEqual([SSH2_MAX_WINDOW, SSH2_PACKET_SIZE]);
    const conn = await connectSsh(resolveTestHost(host));
    expect(canOpenSpareChannels(conn.client)).toBe(true);
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      const sent = openSpareChannel(conn.client, (error, opened) => (error === undefined && opened !== undefined ? resolve(opened) : reject(error ?? new Error('no channel'))));
      if (!sent) reject(new Error('openSpareChannel sent nothing'));
    });
    const output = await new Promise<string>((resolve, reject) => {
      let text = '';
      const sent = requestExec(channel, 'echo spare', (error) => {
        if (error !== undefined) return reject(error);
        channel.on('data', (chunk: Buffer) => (text += chunk.toString()));
        channel.on('close', () => resolve(text));
        channel.end();
      });
      if (!sent) reject(new Error('requestExec sent nothing'));
    });
    expect(output).toBe('spare\n');
    await conn.close();
  });

  it('a connection whose server process dies: the running command rejects with ConnectionError, onClose gets the error, no crash', async () => {
    const conn = await connectSsh(resolveTestHost(host));
    const serverPid = await serverProcessOf(conn);
    const closed = waitForClose(conn);
    const running = conn.exec({ command: 'sleep 30' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    process.kill(serverPid, 'SIGKILL');
    await expect(running).rejects.toBeInstanceOf(ConnectionError);
    const error = await closed;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(conn.isOpen).toBe(false);
    // After the transport is gone, exec rejects at once (ssh2's synchronous "Not connected" never escapes).
    await expect(conn.exec({ command: 'true' })).rejects.toThrowError(/is closed; the command was not run/);
  });

  it('close() is idempotent, fires onClose without error, and later listeners still hear about it', async () => {
    const conn = await connectSsh(resolveTestHost(host));
    const closed = waitForClose(conn);
    await Promise.all([conn.close(), conn.close()]);
    expect(await closed).toBeUndefined();
    expect(await waitForClose(conn)).toBeUndefined();
    await expect(conn.exec({ command: 'true' })).rejects.toBeInstanceOf(ConnectionError);
  });

  it('SSH keepalive: answered keepalives keep an idle connection open; an unresponsive server is detected', async () => {
    const conn = await connectSsh(resolveTestHost(host, { keepaliveInterval: 100 }), { keepaliveCountMax: 3 });
    const serverPid = await serverProcessOf(conn);
    await new Promise((resolve) => setTimeout(resolve, 800)); // several intervals, more than countMax
    expect(conn.isOpen).toBe(true);
    const closed = waitForClose(conn);
    process.kill(serverPid, 'SIGSTOP');
    try {
      const error = await closed;
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain('no reply to 3 keepalives');
    } finally {
      for (const signal of ['SIGCONT', 'SIGTERM'] as const) {
        try {
          process.kill(serverPid, signal);
        } catch {
          // already gone: sshd ended it when the connection dropped
        }
      }
    }
  });

  it('idle connections never keep the process alive: a script that does not close exits by itself', async () => {
    const script = fileURLToPath(new URL('../../../test/support/idle-connection-script.ts', import.meta.url));
    const { exit, output } = await runTsScript(script, { REXEC_TEST_HOST: JSON.stringify(host satisfies SshHostInfo), REXEC_TEST_KEEPALIVE: '1000' });
    expect(output).toContain('remote-done open=true');
    expect(exit).toBe(0);
  });
});

describe('a server that refuses channels (sshd MaxSessions)', () => {
  let limited: SshHost;
  beforeAll(async () => {
    limited = await startSshHost({ maxSessions: 1 });
  });
  afterAll(async () => {
    await limited.stop();
  });

  it('rejects the extra exec with ChannelRefusedError before anything ran, and the connection stays usable', async () => {
    const conn = await connectSsh(resolveTestHost(limited));
    try {
      const first = conn.exec({ command: 'sleep 0.5; echo first' });
      const second = await conn.exec({ command: 'echo ran' }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isChannelRefusedError(second)).toBe(true);
      expect((second as Error).message).toContain(`refused a new session channel`);
      expect((await first).stdout).toBe('first\n');
      // Back to back: sshd frees a session slot a moment after the close handshake; the opener rides that out.
      for (let i = 0; i < 10; i++) expect((await conn.exec({ command: `echo again ${i}` })).stdout).toBe(`again ${i}\n`);
      expect(conn.openChannels).toBe(0);
    } finally {
      await conn.close();
    }
  });
});
