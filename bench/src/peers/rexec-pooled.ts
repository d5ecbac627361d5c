/**
 * `$.ssh` from @rexec/core, pooled: the default pool for sequential latency, deploy and faults (with
 * the caller's pool options there), `pool: { max }` for throughput and the memory scenario
 * (`warmPool(n)` then idle connections are measured). Exec options map onto the tag as a user writes
 * it: `remote.cd(dir).nothrow().timeout(ms)\`…\`.stdin(text)`.
 */
import { loadRexecSsh, rexecTarget, type RemoteTag } from './rexec-core.js';
import { asTemplate } from './template.js';
import type { ExecOptions, OpenOptions, Peer, PeerSession } from './peer.js';

function tagFor(remote: RemoteTag, options: ExecOptions | undefined): RemoteTag {
  let tag = remote;
  if (options?.cwd !== undefined) tag = tag.cd(options.cwd);
  if (options?.nothrow === true) tag = tag.nothrow();
  if (options?.timeoutMs !== undefined) tag = tag.timeout(options.timeoutMs);
  return tag;
}

const poolFor = ({ purpose, maxConnections, poolOptions }: OpenOptions): Record<string, unknown> | undefined => {
  if (poolOptions !== undefined) return { pool: poolOptions };
  return purpose !== 'sequential' && maxConnections !== undefined ? { pool: { max: maxConnections } } : undefined;
};

const session = (remote: RemoteTag): PeerSession => ({
  exec: async (command, options) => {
    const run = tagFor(remote, options)(asTemplate(command));
    return (await (options?.stdin === undefined ? run : run.stdin(options.stdin))).stdout;
  },
  close: async () => {
    await remote.closePool();
  },
});

const peer: Peer = {
  load: async (target) => {
    const ssh = await loadRexecSsh();
    const options = rexecTarget(target);
    return {
      open: (open) => Promise.resolve(session(ssh(options, poolFor(open)))),
      openIdle: async (n) => {
        const remote = ssh(options, { pool: { max: n } });
        await remote.warmPool(n);
        return session(remote);
      },
    };
  },
};

export default peer;
