/**
 * `$.ssh` from @rexec/core, pooled: the default pool for sequential latency, `pool: { max }` for
 * throughput and the memory scenario (`warmPool(n)` then idle connections are measured).
 */
import { loadRexecSsh, rexecTarget, type RemoteTag } from './rexec-core.js';
import { asTemplate } from './template.js';
import type { Peer, PeerSession } from './peer.js';

const session = (remote: RemoteTag): PeerSession => ({
  exec: async (command) => (await remote(asTemplate(command))).stdout,
  close: async () => {
    await remote.closePool();
  },
});

const peer: Peer = {
  load: async (target) => {
    const ssh = await loadRexecSsh();
    const options = rexecTarget(target);
    return {
      open: ({ purpose, maxConnections }) =>
        Promise.resolve(session(ssh(options, purpose === 'sequential' || maxConnections === undefined ? undefined : { pool: { max: maxConnections } }))),
      openIdle: async (n) => {
        const remote = ssh(options, { pool: { max: n } });
        await remote.warmPool(n);
        return session(remote);
      },
    };
  },
};

export default peer;
