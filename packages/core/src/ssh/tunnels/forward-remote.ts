/**
 * `remote.forwardRemote({ remotePort, localHost, localPort })` (docs/tunnels.md): the server listens on
 * `remotePort` (`tcpip-forward`) and every connection it accepts there comes back as a `forwarded-tcpip`
 * channel, joined here to a new TCP connection to `localHost:localPort`.
 *
 * The listener lives on one pooled connection and holds one lease of it for as long as the tunnel is open
 * (so the connection is never retired or evicted under it, and the process stays alive). The connections
 * through it ride that same connection: they are counted in its channels and in the tunnel's stats, and
 * bounded by `maxConnections`. When the connection drops, the tunnel asks again on another one (the same
 * remote port), retrying with back-off until it works or the tunnel is closed.
 */
import { connect } from 'node:net';
import { ConfigError, TunnelError, type TunnelProblem } from '@rexec/adapters';
import type { ClientChannel, TcpConnectionDetails } from 'ssh2';
import type { ChannelLeases, HeldLease } from '../channels/channel-leases.js';
import { CLOSE_WAIT_MS, problemOf, type ManagedTunnel } from './forward-local.js';
import { checkHost, checkMaxConnections, checkPort } from './tunnel-checks.js';
import { newCounters, snapshot, splice } from './tunnel-counters.js';
import type { RemoteForwardOptions } from './tunnel-types.js';

/** Back-off between tries to listen again after the connection under the tunnel dropped. */
const REESTABLISH_DELAYS_MS = [100, 500, 1_000, 2_000, 5_000];

type Accept = () => ClientChannel;
type Reject = () => void;

export async function openRemoteForward(channels: ChannelLeases, options: RemoteForwardOptions, onClosed: (tunnel: ManagedTunnel) => void = () => undefined): Promise<ManagedTunnel> {
  if (typeof options !== 'object' || options === null) throw new ConfigError('forwardRemote(options): options must be { remotePort, localPort, localHost? }', 'options');
  let remotePort = checkPort('forwardRemote', 'remotePort', options.remotePort, true);
  const remoteHost = checkHost('forwardRemote', 'remoteHost', options.remoteHost, '127.0.0.1');
  const localHost = checkHost('forwardRemote', 'localHost', options.localHost, '127.0.0.1');
  const localPort = checkPort('forwardRemote', 'localPort', options.localPort, false);
  const maxConnections = checkMaxConnections('forwardRemote', options.maxConnections);
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') throw new ConfigError('forwardRemote(): onError must be a function', 'onError');

  const counters = newCounters();
  const cutters = new Set<() => void>();
  let closed = false;
  let accepting = true;
  let held: HeldLease | undefined;
  let settledAll: (() => void) | undefined;
  const describe = (): string => `remote ${remoteHost}:${remotePort} → ${localHost}:${localPort}`;

  const report = (problem: TunnelProblem, reason: string | undefined, cause?: unknown): void => {
    if (onError === undefined) return;
    try {
      onError(new TunnelError({ problem, target: channels.target, tunnel: describe(), reason }, cause === undefined ? {} : { cause }));
    } catch {
      // a throwing listener must not break the tunnel
    }
  };
  const checkSettled = (): void => {
    if (closed && counters.open === 0) settledAll?.();
  };

  const onTcpConnection = (lease: HeldLease) => (details: TcpConnectionDetails, accept: Accept, reject: Reject): void => {
    if (details.destPort !== remotePort || details.destIP !== remoteHost) return;
    if (!accepting || closed || held !== lease) {
      counters.refused++;
      reject();
      return;
    }
    if (counters.open >= maxConnections) {
      counters.refused++;
      reject();
      report('max-connections', `${maxConnections} connections are open`);
      return;
    }
    counters.open++;
    counters.total++;
    const untrack = lease.conn.trackChannel();
    const channel = accept();
    channel.pause();
    channel.on('error', () => undefined);
    const socket = connect({ host: localHost, port: localPort, allowHalfOpen: true });
    socket.setNoDelay(true);
    const done = (): void => {
      untrack();
      counters.open--;
      checkSettled();
    };
    const failed = (error: Error): void => {
      counters.failed++;
      try {
        channel.close();
      } catch {
        // already gone
      }
      report('open-failed', `cannot reach ${localHost}:${localPort}: ${error.message}`, error);
      done();
    };
    socket.once('error', failed);
    socket.once('connect', () => {
      socket.off('error', failed);
      const cut = splice(socket, channel, counters, () => {
        cutters.delete(cut);
        done();
      });
      cutters.add(cut);
    });
  };

  /** Listens on the remote port from a pooled connection; rejects with a TunnelError. */
  const establish = async (): Promise<void> => {
    let lease: HeldLease;
    try {
      lease = await channels.lease();
    } catch (error) {
      throw new TunnelError({ problem: problemOf(error), target: channels.target, tunnel: describe(), reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
    const client = lease.conn.client;
    const listener = onTcpConnection(lease);
    try {
      remotePort = await new Promise<number>((resolve, reject) => {
        try {
          client.forwardIn(remoteHost, remotePort, (error, port) => (error ? reject(error) : resolve(port)));
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    } catch (error) {
      lease.end();
      const problem: TunnelProblem = lease.conn.isOpen ? 'forward-refused' : 'connection-lost';
      throw new TunnelError({ problem, target: channels.target, tunnel: describe(), reason: error instanceof Error ? error.message : String(error) }, { cause: error });
    }
    client.on('tcp connection', listener);
    held = lease;
    if (closed) return void (await release(lease, listener));
    lease.conn.onClose(() => {
      client.off('tcp connection', listener);
      lease.end();
      if (held !== lease) return;
      held = undefined;
      if (closed) return;
      report('connection-lost', 'the SSH connection under the tunnel dropped; listening again on another one');
      void reestablish(0);
    });
    heldListener = listener;
  };
  let heldListener: ((details: TcpConnectionDetails, accept: Accept, reject: Reject) => void) | undefined;

  /** Stops listening on `lease`'s connection and gives the lease back; resolves once the server confirmed (bounded). */
  const release = (lease: HeldLease, listener: typeof heldListener): Promise<void> =>
    new Promise<void>((resolve) => {
      const client = lease.conn.client;
      const finish = (): void => {
        if (listener !== undefined) client.off('tcp connection', listener);
        lease.end();
        resolve();
      };
      if (!lease.conn.isOpen) return finish();
      try {
        client.unforwardIn(remoteHost, remotePort, () => finish());
      } catch {
        return finish();
      }
      // A server that never answers must not keep the lease (and the process) forever.
      setTimeout(finish, CLOSE_WAIT_MS).unref();
    });

  const reestablish = async (attempt: number): Promise<void> => {
    if (closed) return;
    try {
      await establish();
    } catch (error) {
      if (closed) return;
      if (error instanceof TunnelError && error.problem === 'closed') {
        // The pool is closed: so is the tunnel.
        void tunnel.close();
        return;
      }
      report(error instanceof TunnelError ? error.problem : 'connection-lost', error instanceof Error ? error.message : String(error), error);
      const delay = REESTABLISH_DELAYS_MS[Math.min(attempt, REESTABLISH_DELAYS_MS.length - 1)] ?? 5_000;
      // Ref'd: an open tunnel keeps the process alive, also while it waits to listen again.
      retryTimer = setTimeout(() => void reestablish(attempt + 1), delay);
    }
  };
  let retryTimer: NodeJS.Timeout | undefined;

  await establish();

  let closing: Promise<void> | undefined;
  const tunnel: ManagedTunnel = {
    localHost,
    localPort,
    get remotePort() {
      return remotePort;
    },
    remoteHost,
    remoteSocket: undefined,
    get closed() {
      return closed;
    },
    stats: () => snapshot(counters),
    stopAccepting() {
      accepting = false;
      if (held !== undefined) void release(held, heldListener);
      held = undefined;
    },
    close() {
      closing ??= (async () => {
        closed = true;
        accepting = false;
        if (retryTimer !== undefined) clearTimeout(retryTimer);
        const released = held === undefined ? undefined : release(held, heldListener);
        held = undefined;
        const settled = new Promise<void>((resolve) => {
          settledAll = resolve;
          // A connection whose server never confirms the close must not hold close() forever.
          setTimeout(resolve, CLOSE_WAIT_MS).unref();
        });
        for (const cut of [...cutters]) cut();
        onClosed(tunnel);
        checkSettled();
        await Promise.all([released, settled]);
      })();
      return closing;
    },
  };
  return tunnel;
}
