import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import ssh2 from 'ssh2';
import type { Connection } from 'ssh2';
import type { HostFiles } from '../host-files.js';
import { authenticate, parseClientKey } from './authenticate.js';
import { handleSession, killAll, type RunningCommands } from './exec-session.js';

export interface RunningEmbeddedServer {
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * An in-process SSH server (ssh2) for machines without OpenSSH `sshd`: publickey auth with the
 * generated client key only, `exec` requests run under `/bin/sh -c`. Listens on 127.0.0.1, a free port.
 */
export async function startEmbeddedServer(files: HostFiles, username: string): Promise<RunningEmbeddedServer> {
  const log = (line: string): void => appendFileSync(files.logPath, `${new Date().toISOString()} ${line}\n`);
  const allowed = parseClientKey(files.client.publicKey);
  const running: RunningCommands = new Set();
  const clients = new Set<Connection>();
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
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  log(`embedded ssh server listening on 127.0.0.1:${port}`);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= new Promise<void>((resolve) => {
      killAll(running);
      server.close(() => resolve());
      for (const client of clients) client.end(); // close() waits for open connections
    });
    return stopped;
  };
  return { port, stop };
}
