/**
 * Diagnostic: the floor's client (raw ssh2, held, nodelay) sending what `$.ssh` sends for a command —
 * its remote wrapper (`printf 'rexec:pgid=%s\n' "$$" >&2` on the line before the command, so a
 * timeout can kill the remote process group) and an EOF on stdin. The difference between this row
 * and the floor is what rexec's wire protocol costs; between this row and `$.ssh`, what its
 * JavaScript (tag, Command, pool, result objects) costs. The wrapper text copies
 * packages/core/src/ssh/connection/command-wrapper.ts for a command without cwd or env.
 */
import type { Client } from 'ssh2';
import { connectRaw, endRaw, execRaw, readKey } from './ssh2-client.js';
import type { Peer } from './peer.js';

const wrap = (command: string): string => `printf 'rexec:pgid=%s\\n' "$$" >&2\n${command}`;

const peer: Peer = {
  load: async (target) => {
    const privateKey = await readKey(target);
    return {
      open: () => {
        let client: Promise<Client> | undefined;
        return Promise.resolve({
          exec: async (command) => {
            client ??= connectRaw(target, { noDelay: true, privateKey });
            return execRaw(await client, wrap(command), { endStdin: true });
          },
          close: async () => {
            if (client !== undefined) await endRaw(await client);
          },
        });
      },
    };
  },
};

export default peer;
