/**
 * A channel that closes with no exit status while the connection stays up is a failure, never exit 0
 * (issue 4, item 3). OpenSSH always sends a status unless the session dies with the connection (that case
 * is in test/ssh-pool/failures.test.ts), so an in-process ssh2 server plays the server that does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionError } from '@rexec/adapters';
import { $ } from '../../index.js';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import { startPasswordSshServer, type PasswordSshServer } from '../../../test/support/password-ssh-server.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from './connect-ssh.js';

const home = tempDir();
let server: PasswordSshServer;
let target: { host: string; port: number; username: string; password: string; knownHosts: string; agent: false };

beforeAll(async () => {
  server = await startPasswordSshServer(home, 'alice', 'alice-password', (command, channel) => {
    channel.write(command.includes('no-status') ? 'partial output\n' : 'ok\n');
    if (!command.includes('no-status')) channel.exit(0);
    channel.end();
  });
  target = { host: '127.0.0.1', port: server.port, username: 'alice', password: 'alice-password', knownHosts: server.knownHosts, agent: false };
});
afterAll(async () => {
  await server.stop();
});

describe('a command whose channel closes without an exit status', () => {
  it('rejects with ConnectionError on the connection, which stays usable', async () => {
    const conn = await connectSsh(normalizeSshOptions(target, {}, { HOME: home }));
    try {
      const error = await conn.exec({ command: 'no-status' }).then(() => undefined, (caught: unknown) => caught);
      expect(error).toBeInstanceOf(ConnectionError);
      expect((error as Error).message).toContain(`The command on alice@127.0.0.1:${server.port} ended without an exit status`);
      expect(conn.isOpen).toBe(true);
      expect(await conn.exec({ command: 'fine' })).toMatchObject({ exitCode: 0, stdout: 'ok\n' });
    } finally {
      await conn.close();
    }
  });

  it('through $.ssh: rejects even with .nothrow(), never a made-up exit 0', async () => {
    const remote = $.ssh(target);
    await expect(remote.nothrow()`no-status`).rejects.toBeInstanceOf(ConnectionError);
    await expect(remote`no-status`).rejects.toBeInstanceOf(ConnectionError);
    await expect(remote`fine`).resolves.toMatchObject({ exitCode: 0 });
    await remote.closePool();
  });
});
