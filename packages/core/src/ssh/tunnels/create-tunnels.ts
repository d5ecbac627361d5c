/**
 * The `forward` and `forwardRemote` methods of one SSH pool's handle (docs/tunnels.md), and the tunnels
 * that pool has open: `drainPool()` stops them taking new connections, `closePool()` closes them.
 */
import { PoolClosedError } from '@rexec/adapters';
import type { ChannelLeases } from '../channels/channel-leases.js';
import { openForward, type ManagedTunnel } from './forward-local.js';
import { openRemoteForward } from './forward-remote.js';
import type { ForwardOptions, ForwardTarget, RemoteForwardOptions, Tunnel } from './tunnel-types.js';

export interface Tunnels {
  forward(to: ForwardTarget, options?: ForwardOptions): Promise<Tunnel>;
  forwardRemote(options: RemoteForwardOptions): Promise<Tunnel>;
  /** The pool drains: no tunnel takes a new connection; those open go on. */
  stopAccepting(): void;
  /** The pool closes: every tunnel is closed with every connection through it. */
  closeAll(): Promise<void>;
}

/** `isClosed`: the pool was drained or closed (no new tunnel then: `PoolClosedError`). */
export function createTunnels(channels: ChannelLeases, isClosed: () => boolean): Tunnels {
  const open = new Set<ManagedTunnel>();
  const forget = (tunnel: ManagedTunnel): void => void open.delete(tunnel);
  const keep = (tunnel: ManagedTunnel): Tunnel => {
    open.add(tunnel);
    return tunnel;
  };
  return {
    async forward(to, options) {
      if (isClosed()) throw new PoolClosedError(channels.target);
      return keep(await openForward(channels, to, options, forget));
    },
    async forwardRemote(options) {
      if (isClosed()) throw new PoolClosedError(channels.target);
      return keep(await openRemoteForward(channels, options, forget));
    },
    stopAccepting() {
      for (const tunnel of open) tunnel.stopAccepting();
    },
    async closeAll() {
      await Promise.all([...open].map((tunnel) => tunnel.close()));
    },
  };
}
