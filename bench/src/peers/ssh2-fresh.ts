/**
 * Raw ssh2, a fresh connection per command (TCP_NODELAY on): connect, authenticate, run, end.
 * Its first-command figure is the reference for the first-command target.
 */
import { connectRaw, endRaw, execRaw, readKey } from './ssh2-client.js';
import type { Peer } from './peer.js';

const peer: Peer = {
  load: async (target) => {
    const privateKey = await readKey(target);
    return {
      open: () =>
        Promise.resolve({
          exec: async (command) => {
            const client = await connectRaw(target, { noDelay: true, privateKey });
            try {
              return await execRaw(client, command);
            } finally {
              await endRaw(client);
            }
          },
          close: () => Promise.resolve(),
        }),
    };
  },
};

export default peer;
