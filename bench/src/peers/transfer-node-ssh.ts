/**
 * node-ssh 13.2.1 `putDirectory` as its README shows it (`recursive: true, concurrency: 10`; its default is 1),
 * a new connection per run. It resolves `false` when a file failed: that run counts as failed.
 */
import type { NodeSSH as NodeSshClass } from 'node-ssh';
import { readKey } from './ssh2-client.js';
import type { TransferPeerLoader } from './transfer-peer.js';

const load: TransferPeerLoader = async (target) => {
  const { NodeSSH } = await import('node-ssh');
  const privateKey = (await readKey(target)).toString('utf8');
  const open: NodeSshClass[] = [];
  const disposeAll = (): void => {
    for (const ssh of open.splice(0)) ssh.dispose();
  };
  return {
    putTree: async (local, remote) => {
      const ssh = new NodeSSH();
      open.push(ssh);
      await ssh.connect({ host: target.host, port: target.port, username: target.username, privateKey });
      const failed: string[] = [];
      const ok = await ssh.putDirectory(local, remote, {
        recursive: true,
        concurrency: 10,
        tick: (localFile, _remoteFile, error) => {
          if (error !== null) failed.push(localFile);
        },
      });
      if (!ok) throw new Error(`putDirectory resolved false (${failed.length} failed, first: ${failed[0] ?? '?'})`);
    },
    cleanup: () => {
      disposeAll();
      return Promise.resolve();
    },
    abort: disposeAll,
  };
};

export default load;
