import { Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ConnectionError } from '@rexec/adapters';
import { testHost } from '@rexec/testing';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { runTsScript } from '../../../test/support/run-ts-script.js';
import { connectSsh } from './connect-ssh.js';

const host = testHost();

describe('the transport under an SshConnection', () => {
  it('loads ssh2 only when a connection is made, never on import', async () => {
    const script = fileURLToPath(new URL('../../../test/support/lazy-load-script.ts', import.meta.url));
    const { exit, output } = await runTsScript(script, {});
    expect(exit).toBe(0);
    expect(JSON.parse(output.trim().split('\n').at(-1)!)).toEqual({ before: false, after: true, hasClient: true });
  });

  it('turns Nagle off on the socket (setNoDelay), which costs ~40 ms per command otherwise', async () => {
    const spy = vi.spyOn(Socket.prototype, 'setNoDelay');
    try {
      const conn = await connectSsh(resolveTestHost(host));
      await conn.close();
      expect(spy).toHaveBeenCalledWith(true);
    } finally {
      spy.mockRestore();
    }
  });

  it("ssh2's synchronous 'Not connected' throw becomes a ConnectionError naming the target", async () => {
    const conn = await connectSsh(resolveTestHost(host));
    conn.client.end(); // the socket stops being writable now; the close event comes later
    const error = await conn.exec({ command: 'true' }).then(() => undefined, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as ConnectionError).target).toBe(`${host.username}@127.0.0.1:${host.port}`);
    expect((error as Error).cause).toMatchObject({ message: 'Not connected' });
    await conn.close();
  });
});
