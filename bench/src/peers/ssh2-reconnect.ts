/**
 * Raw ssh2 with a naive reconnect loop, the way the issue describes a hand-written client: one
 * connection (TCP_NODELAY on), every command a channel on it (at most `maxChannels` open, as the
 * throughput multiplexer), and when the connection errors or closes, reconnect — at once, then every
 * `RECONNECT_DELAY_MS` until it works. Commands issued while it is down fail at once ("not connected"):
 * the loop reconnects, it does not queue. Bounded: at most `MAX_RECONNECT_ATTEMPTS` tries per outage.
 */
import type { Client } from 'ssh2';
import { connectRaw, endRaw, execRaw, inDirectory, readKey } from './ssh2-client.js';
import type { Peer, PeerSession } from './peer.js';
import { createSemaphore } from './semaphore.js';
import { NAIVE_RECONNECT_DELAY_MS as RECONNECT_DELAY_MS } from '../plan.js';
const MAX_RECONNECT_ATTEMPTS = 240;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function reconnectingSession(connect: () => Promise<Client>, maxChannels: number | undefined): PeerSession {
  let client: Client | undefined;
  let connecting: Promise<void> | undefined;
  let everConnected = false;
  let closed = false;
  const limit = maxChannels === undefined ? <T>(task: () => Promise<T>) => task() : createSemaphore(maxChannels);

  const reconnect = (): Promise<void> => {
    connecting ??= (async () => {
      for (let attempt = 0; attempt < MAX_RECONNECT_ATTEMPTS && !closed; attempt++) {
        try {
          const next = await connect();
          if (closed) {
            next.end();
            return;
          }
          next.once('close', () => {
            if (client !== next) return;
            client = undefined;
            if (!closed) void reconnect();
          });
          client = next;
          everConnected = true;
          return;
        } catch {
          await sleep(RECONNECT_DELAY_MS);
        }
      }
    })().finally(() => {
      connecting = undefined;
    });
    return connecting;
  };

  return {
    exec: async (command, options) => {
      // The first command waits for the first connection, as any lazy client does; later ones do not wait.
      if (!everConnected) await reconnect();
      return limit(() => {
        const ready = client;
        if (ready === undefined) return Promise.reject(new Error('not connected (reconnecting)'));
        return execRaw(ready, inDirectory(command, options?.cwd), { stdin: options?.stdin, nothrow: options?.nothrow });
      });
    },
    close: async () => {
      closed = true;
      await connecting;
      if (client !== undefined) await endRaw(client);
    },
  };
}

const peer: Peer = {
  load: async (target) => {
    const privateKey = await readKey(target);
    const connect = (): Promise<Client> => connectRaw(target, { noDelay: true, privateKey, readyTimeoutMs: 5_000 });
    return { open: (options) => Promise.resolve(reconnectingSession(connect, options.maxChannels)) };
  },
};

export default peer;
