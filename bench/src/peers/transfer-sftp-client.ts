/**
 * ssh2-sftp-client 12.1.1 as its README shows it: `connect`, then `fastPut` / `fastGet` (ssh2's parallel
 * SFTP reads and writes, its defaults: 64 requests of 32 KiB in flight), a new client per run.
 */
import type SftpClientClass from 'ssh2-sftp-client';
import { readKey } from './ssh2-client.js';
import type { TransferPeerLoader } from './transfer-peer.js';

const load: TransferPeerLoader = async (target) => {
  // A CommonJS module (`export =`): Node's ESM import puts its exports on `default`.
  const SftpClient = ((await import('ssh2-sftp-client')) as unknown as { default: typeof SftpClientClass }).default;
  const privateKey = await readKey(target);
  const open: InstanceType<typeof SftpClient>[] = [];
  const connect = async (): Promise<InstanceType<typeof SftpClient>> => {
    const client = new SftpClient();
    open.push(client);
    await client.connect({ host: target.host, port: target.port, username: target.username, privateKey });
    return client;
  };
  const endAll = async (): Promise<void> => {
    const clients = open.splice(0);
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  };
  return {
    putFile: async (local, remote) => {
      await (await connect()).fastPut(local, remote);
    },
    getFile: async (remote, local) => {
      await (await connect()).fastGet(remote, local);
    },
    cleanup: async () => {
      await endAll();
    },
    abort: () => void endAll(),
  };
};

export default load;
