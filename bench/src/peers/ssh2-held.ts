/**
 * Raw ssh2 on one held connection: every command is a new channel on the same `Client`.
 * `createHeldPeer(true)` is the floor (TCP_NODELAY on); `createHeldPeer(false)` is ssh2's default.
 * For throughput the one connection multiplexes every command, with at most `maxChannels` open.
 */
import type { Client } from 'ssh2';
import { connectRaw, endRaw, execRaw, inDirectory, readKey } from './ssh2-client.js';
import type { OpenOptions, Peer, PeerSession } from './peer.js';
import { createSemaphore } from './semaphore.js';

/**
 * A session that opens its connection on the first command, like a lazy client would. With `endStdin`
 * (the deploy) every command also gets EOF on stdin at once, as `$.ssh` sends it for a command without stdin.
 */
function lazyHeldSession(connect: () => Promise<Client>, maxChannels: number | undefined, endStdin: boolean): PeerSession {
  let client: Promise<Client> | undefined;
  const limit = maxChannels === undefined ? <T>(task: () => Promise<T>) => task() : createSemaphore(maxChannels);
  return {
    exec: async (command, options) => {
      client ??= connect();
      const ready = await client;
      return limit(() => execRaw(ready, inDirectory(command, options?.cwd), { stdin: options?.stdin, nothrow: options?.nothrow, endStdin }));
    },
    close: async () => {
      if (client !== undefined) await endRaw(await client);
    },
  };
}

export function createHeldPeer(noDelay: boolean): Peer {
  return {
    load: async (target) => {
      const privateKey = await readKey(target);
      const connect = (): Promise<Client> => connectRaw(target, { noDelay, privateKey });
      return {
        open: (options: OpenOptions) => Promise.resolve(lazyHeldSession(connect, options.maxChannels, options.purpose === 'deploy')),
        openIdle: async (n) => {
          const clients: Client[] = [];
          for (let i = 0; i < n; i++) clients.push(await connect());
          return {
            exec: (command) => (clients[0] === undefined ? Promise.reject(new Error('no connection')) : execRaw(clients[0], command)),
            close: async () => {
              await Promise.all(clients.map((client) => endRaw(client)));
            },
          };
        },
      };
    },
  };
}
