/**
 * `$.ssh` from the built @rexec/core for the transfer section: `upload` / `download` of a file, `upload` of a
 * directory (a tar stream when the host has tar), and `forward` for the tunnel. Each run is a new handle
 * (its own pool): the connect is inside the run, as it is for the OpenSSH processes.
 */
import { loadRexecSsh, rexecTarget } from './rexec-core.js';
import type { TransferPeer, TransferPeerLoader } from './transfer-peer.js';

interface TransferOutcome {
  readonly files: number;
  readonly bytes: number;
  readonly via: string;
}

/** The slice of a `$.ssh(...)` handle this peer drives (docs/files.md, docs/tunnels.md). */
interface TransferRemote {
  upload(source: string, dest: string): Promise<TransferOutcome>;
  download(source: string, dest: string): Promise<TransferOutcome>;
  forward(to: { remoteHost: string; remotePort: number }): Promise<{ readonly localPort: number; close(): Promise<unknown> }>;
  closePool(): Promise<unknown>;
}

const load: TransferPeerLoader = async (target) => {
  const ssh = await loadRexecSsh();
  const open: TransferRemote[] = [];
  let via: string | undefined;
  const remote = (): TransferRemote => {
    const handle = ssh(rexecTarget(target)) as unknown as TransferRemote;
    open.push(handle);
    return handle;
  };
  const closeAll = async (): Promise<void> => {
    const handles = open.splice(0);
    await Promise.all(handles.map((handle) => handle.closePool()));
  };
  const peer: TransferPeer = {
    putFile: async (local, dest) => {
      await remote().upload(local, dest);
    },
    getFile: async (source, local) => {
      await remote().download(source, local);
    },
    putTree: async (local, dest) => {
      via = (await remote().upload(local, dest)).via;
    },
    openTunnel: async (remoteHost, remotePort) => {
      const tunnel = await remote().forward({ remoteHost, remotePort });
      return {
        port: tunnel.localPort,
        close: async () => {
          await tunnel.close();
          await closeAll();
        },
      };
    },
    cleanup: closeAll,
    // closePool() ends transfers in progress; the child exits right after a hung run anyway.
    abort: () => void closeAll().catch(() => undefined),
    note: () => (via === undefined ? undefined : `directory via ${via}`),
  };
  return peer;
};

export default load;
