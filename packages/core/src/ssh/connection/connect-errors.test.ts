import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { inspect } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { AuthenticationError, ConnectionError } from '@rexec/adapters';
import { testHost } from '@rexec/testing';
import { generateKey } from '../../../test/support/generate-key.js';
import { resolveTestHost } from '../../../test/support/resolve-test-host.js';
import { tempDir } from '../../../test/support/temp-dir.js';
import { connectSsh } from './connect-ssh.js';

const host = testHost();
const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A loopback TCP server with a behaviour per connection: say nothing, or hang up at once. */
async function listen(onConnection: (socket: Socket) => void): Promise<number> {
  const server = createServer((socket) => {
    socket.resume(); // read, so the client's close is seen and the server can close
    onConnection(socket);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function connectError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the connect to fail');
}

describe('connectSsh failures', () => {
  it('refused: a ConnectionError naming user@host:port', async () => {
    const port = await freePort();
    const error = await connectError(connectSsh(resolveTestHost(host, { port })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`${host.username}@127.0.0.1:${port}`);
    expect(error.message).toMatch(/refused/);
  });

  it('DNS failure: a ConnectionError saying the name does not resolve', async () => {
    const error = await connectError(connectSsh(resolveTestHost(host, { host: 'rexec-test.invalid' })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`${host.username}@rexec-test.invalid:${host.port}`);
    expect(error.message).toMatch(/does not resolve/);
  });

  it('handshake timeout: a peer that accepts and never speaks fails after readyTimeout', async () => {
    const port = await listen(() => undefined);
    const error = await connectError(connectSsh(resolveTestHost(host, { port, readyTimeout: 300 })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`Cannot connect to ${host.username}@127.0.0.1:${port}: no SSH handshake within 300 ms`);
  });

  it('reset: a peer that hangs up during the handshake is a ConnectionError, not a crash', async () => {
    const port = await listen((socket) => socket.destroy());
    const error = await connectError(connectSsh(resolveTestHost(host, { port })));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('authentication: lists the methods tried and what the server accepts, never the secrets', async () => {
    const home = tempDir();
    const stranger = generateKey(home, 'stranger', { passphrase: 'stranger-passphrase' });
    const password = 'not-the-password-42';
    const error = await connectError(
      connectSsh(resolveTestHost(host, { privateKey: stranger.path, passphrase: 'stranger-passphrase', password })),
    );
    expect(error).toBeInstanceOf(AuthenticationError);
    const auth = error as AuthenticationError;
    expect(auth.methodsTried).toEqual(['publickey']);
    expect(auth.message).toContain(`Authentication failed for ${host.username}@127.0.0.1:${host.port}`);
    expect(auth.message).toContain('methods tried: publickey');
    expect(auth.message).toContain('the server accepts: publickey');
    const everything = `${auth.message}\n${inspect(auth, { depth: Infinity, showHidden: true })}\n${JSON.stringify(auth)}`;
    expect(everything).not.toContain(password);
    expect(everything).not.toContain('stranger-passphrase');
    expect(everything).not.toContain(stranger.text.split('\n')[1]);
  });

  it('an encrypted key with a wrong passphrase is a ConfigError, before any connection', async () => {
    const home = tempDir();
    const key = generateKey(home, 'locked', { passphrase: 'right-passphrase' });
    const error = await connectError(connectSsh(resolveTestHost(host, { privateKey: key.path, passphrase: 'wrong-passphrase' })));
    expect(error.name).toBe('ConfigError');
    expect(error.message).toContain(key.path);
    expect(error.message).not.toContain('wrong-passphrase');
  });
});
