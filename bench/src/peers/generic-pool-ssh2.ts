/**
 * generic-pool of exclusively leased raw ssh2 connections (TCP_NODELAY on): each command borrows a
 * whole connection, runs, and returns it. What a user builds by hand from generic-pool and ssh2.
 */
import { createPool } from 'generic-pool';
import type { Client } from 'ssh2';
import { connectRaw, endRaw, execRaw, readKey } from './ssh2-client.js';
import type { Peer } from './peer.js';

const peer: Peer = {
  load: async (target) => {
    const privateKey = await readKey(target);
    return {
      open: (options) => {
        const pool = createPool<Client>(
          { create: () => connectRaw(target, { noDelay: true, privateKey }), destroy: (client) => endRaw(client) },
          { min: 0, max: options.maxConnections ?? 4 },
        );
        return Promise.resolve({
          exec: (command) => pool.use((client) => execRaw(client, command)),
          close: async () => {
            await pool.drain();
            await pool.clear();
          },
        });
      },
    };
  },
};

export default peer;
