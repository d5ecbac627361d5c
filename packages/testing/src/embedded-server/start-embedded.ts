import { appendFileSync } from 'node:fs';
import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import type { HostFiles } from '../host-files.js';
import { authenticate, parseClientKey } from './authenticate.js';
import { handleSession, killAll, type RunningCommands } from './exec-session.js';

export interface RunningEmbeddedServer {
  readonly port: number;
  stop(): Promise<void>;
  /** Resets every connection (a RST) and sends `signal` to the commands they run; keeps listening. */
  killSessions(signal: NodeJS.Signals): Promise<void>;
  /** Stops listening, then `killSessions(signal)`. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Listens again on the same port (same host key, same accepted client key). */
  restart(): Promise<void>;
}

const RESTART_ATTEMPTS = 5;
const RESTART_PAUSE = 200;

function listenOn(port: number, onSocket: (socket: Socket) => void): Promise<Server> {
  const listener = createServer(onSocket);
  return new Promise<Server>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen(port, '127.0.0.1', () => {
      listener.off('error', reject);
      listener.on('error', () => undefined);
      resolve(listener);
    });
  });
}

/**
 * An in-process SSH server (ssh2) for machines without OpenSSH `sshd`: publickey auth with the
 * generated client key only, `exec` requests run under `/bin/sh -c`. Listens on 127.0.0.1, a free port.
 * It accepts TCP connections itself and hands them to ssh2 (`injectSocket`), so it can reset them.
 */
export async function startEmbeddedServer(files: HostFiles, username: string): Promise<RunningEmbeddedServer> {
  const log = (line: string): void => appendFileSync(files.logPath, `${new Date().toISOString()} ${line}\n`);
  const allowed = parseClientKey(files.client.publicKey);
  const running: RunningCommands = new Set();
  const clients = new Set<Connection>();
  const sockets = new Set<Socket>();
  const server = new ssh2.Server({ hostKeys: [files.hostKey.privateKey] }, (client) => {
    log('connection');
    clients.add(client);
    client.on('authentication', (ctx) => authenticate(ctx, username, allowed, log));
    client.on('ready', () => client.on('session', (accept) => handleSession(accept(), running, log)));
    client.on('error', (error) => log(`client error: ${error.message}`));
    client.on('close', () => {
      clients.delete(client);
      log('connection closed');
    });
  });
  const onSocket = (socket: Socket): void => {
    sockets.add(socket);
    // Nagle's algorithm would hold each small reply for the client's delayed ACK (~40 ms a command), as sshd does not.
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
    server.injectSocket(socket);
  };
  let listener: Server | undefined = await listenOn(0, onSocket);
  const port = (listener.address() as AddressInfo).port;
  log(`embedded ssh server listening on 127.0.0.1:${port}`);

  const closeListener = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const closing = listener;
      listener = undefined;
      if (closing === undefined) resolve();
      else closing.close(() => resolve());
    });
  const killSessions = async (signal: NodeJS.Signals): Promise<void> => {
    killAll(running, signal);
    const open = [...sockets];
    const closed = Promise.all(open.filter((socket) => !socket.closed).map((socket) => once(socket, 'close')));
    for (const socket of open) {
      if (socket.connecting || socket.destroyed) socket.destroy();
      else socket.resetAndDestroy();
    }
    await closed;
  };
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      killAll(running);
      const closed = closeListener(); // resolves once every connection it accepted is closed
      for (const client of clients) client.end();
      await closed;
    })();
    return stopped;
  };
  return {
    port,
    stop,
    killSessions,
    kill: async (signal) => {
      const closed = closeListener();
      log(`killed (${signal})`);
      await killSessions(signal);
      await closed;
    },
    restart: async () => {
      if (listener !== undefined) throw new Error('the embedded server is already listening');
      for (let attempt = 1; ; attempt++) {
        try {
          listener = await listenOn(port, onSocket);
          log(`embedded ssh server listening again on 127.0.0.1:${port}`);
          return;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= RESTART_ATTEMPTS) throw error;
          await sleep(RESTART_PAUSE);
        }
      }
    },
  };
}
