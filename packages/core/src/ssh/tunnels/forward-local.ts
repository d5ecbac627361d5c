/**
 * `remote.forward(to, options)` (docs/tunnels.md): a local TCP listener whose every connection rides a
 * `direct-tcpip` channel (or `direct-streamlocal@openssh.com` for a Unix socket) of a pooled connection.
 * Each connection through the tunnel is one lease of the pool: it waits in the pool's queue when every
 * channel is taken, or gets a new pooled connection (up to `max`), exactly as a command does.
 */
import { setMaxListeners } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { AcquireTimeoutError, CircuitOpenError, ConfigError, ConnectionError, PoolClosedError, PoolExhaustedError, TunnelError, type TunnelProblem } from '@rexec/adapters';
import type { Client, ClientChannel } from 'ssh2';
import { ForwardRefusedError, type ChannelLeases } from '../channels/channel-leases.js';
import { newCounters, snapshot, splice } from './tunnel-counters.js';
import type { ForwardOptions, ForwardTarget, Tunnel } from './tunnel-types.js';
import { checkHost, checkMaxConnections, checkPort } from './tunnel-checks.js';

/** The longest `close()` waits for the connections through the tunnel to be closed on both sides. */
export const CLOSE_WAIT_MS = 2_000;

export interface ManagedTunnel extends Tunnel {
  /** Stops taking new connections; those open go on (the pool's drain). */
  stopAccepting(): void;
}

/** The problem a failure to carry one connection is. */
export function problemOf(error: unknown): TunnelProblem {
  if (error instanceof ForwardRefusedError) return 'open-failed';
  if (error instanceof AcquireTimeoutError || error instanceof PoolExhaustedError || error instanceof CircuitOpenError) return 'no-channel';
  if (error instanceof PoolClosedError) return 'closed';
  if (error instanceof ConnectionError) return 'connection-lost';
  return 'open-failed';
}

function checkTarget(to: unknown): ForwardTarget {
  if (typeof to !== 'object' || to === null) throw new ConfigError('forward(to): to must be { remoteHost, remotePort } or { remoteSocket }', 'to');
  const target = to as Record<string, unknown>;
  if ('remoteSocket' in target) {
    const path = target['remoteSocket'];
    if (typeof path !== 'string' || path === '' || path.includes('\0')) throw new ConfigError('forward(): remoteSocket must be the path of a Unix socket on the remote host', 'remoteSocket');
    return { remoteSocket: path };
  }
  return { remoteHost: checkHost('forward', 'remoteHost', target['remoteHost'], undefined), remotePort: checkPort('forward', 'remotePort', target['remotePort'], false) };
}

export async function openForward(channels: ChannelLeases, to: ForwardTarget, options: ForwardOptions = {}, onClosed: (tunnel: ManagedTunnel) => void = () => undefined): Promise<ManagedTunnel> {
  const target = checkTarget(to);
  const localHost = checkHost('forward', 'localHost', options.localHost, '127.0.0.1');
  const requestedPort = options.localPort === undefined ? 0 : checkPort('forward', 'localPort', options.localPort, true);
  const maxConnections = checkMaxConnections('forward', options.maxConnections);
  const onError = options.onError;
  if (onError !== undefined && typeof onError !== 'function') throw new ConfigError('forward(): onError must be a function', 'onError');

  const farEnd = 'remoteSocket' in target ? target.remoteSocket : `${target.remoteHost}:${target.remotePort}`;
  const counters = newCounters();
  const sockets = new Set<Socket>();
  const cutters = new Set<() => void>();
  /** Aborts the lease waits of connections not carried yet when the tunnel closes. */
  const closing = new AbortController();
  // Every open connection listens on it (50 at once is ordinary for a tunnel): no leak warning past 10.
  setMaxListeners(0, closing.signal);
  let closed = false;
  let accepting = true;
  let description = `127.0.0.1:? → ${farEnd}`;
  let settledAll: (() => void) | undefined;

  const report = (problem: TunnelProblem, reason: string | undefined, cause?: unknown): void => {
    if (onError === undefined) return;
    try {
      onError(new TunnelError({ problem, target: channels.target, tunnel: description, reason }, cause === undefined ? {} : { cause }));
    } catch {
      // a throwing listener must not break the tunnel
    }
  };
  const checkSettled = (): void => {
    if (closed && counters.open === 0) settledAll?.();
  };

  const open = (client: Client, socket: Socket, done: (error: Error | undefined, channel: ClientChannel | undefined) => void): void => {
    if ('remoteSocket' in target) client.openssh_forwardOutStreamLocal(target.remoteSocket, done);
    else client.forwardOut(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0, target.remoteHost, target.remotePort, done);
  };

  const onConnection = (socket: Socket): void => {
    if (!accepting || closed) {
      counters.refused++;
      socket.destroy();
      return;
    }
    if (counters.open >= maxConnections) {
      counters.refused++;
      socket.destroy();
      report('max-connections', `${maxConnections} connections are open`);
      return;
    }
    counters.open++;
    counters.total++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => undefined);
    // A client that leaves while its connection waits for a channel gives up its place in the queue.
    const gone = new AbortController();
    const onGone = (): void => gone.abort();
    socket.once('close', onGone);
    closing.signal.addEventListener('abort', onGone, { once: true });
    const finish = (): void => {
      sockets.delete(socket);
      closing.signal.removeEventListener('abort', onGone);
      counters.open--;
      checkSettled();
    };
    channels.open<ClientChannel>('forward', (client, done) => open(client, socket, done), { signal: gone.signal }).then(
      (held) => {
        socket.off('close', onGone);
        if (socket.destroyed || closed) {
          held.channel.close();
          held.release();
          finish();
          return;
        }
        const cut = splice(socket, held.channel, counters, () => {
          cutters.delete(cut);
          held.release();
          finish();
        });
        cutters.add(cut);
      },
      (error: unknown) => {
        socket.destroy();
        if (!gone.signal.aborted) {
          counters.failed++;
          report(problemOf(error), error instanceof Error ? error.message : String(error), error);
        }
        finish();
      },
    );
  };

  const server: Server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, onConnection);
  await new Promise<void>((resolve, reject) => {
    const fail = (error: Error): void => {
      server.close();
      reject(new TunnelError({ problem: 'listen-failed', target: channels.target, tunnel: `${localHost}:${requestedPort} → ${farEnd}`, reason: error.message }, { cause: error }));
    };
    server.once('error', fail);
    server.listen(requestedPort, localHost, () => {
      server.off('error', fail);
      resolve();
    });
  });
  server.on('error', () => undefined);
  const address = server.address();
  const localPort = typeof address === 'object' && address !== null ? address.port : requestedPort;
  description = `${localHost}:${localPort} → ${farEnd}`;

  let closing_: Promise<void> | undefined;
  const tunnel: ManagedTunnel = {
    localHost,
    localPort,
    remoteHost: 'remoteSocket' in target ? undefined : target.remoteHost,
    remotePort: 'remoteSocket' in target ? undefined : target.remotePort,
    remoteSocket: 'remoteSocket' in target ? target.remoteSocket : undefined,
    get closed() {
      return closed;
    },
    stats: () => snapshot(counters),
    stopAccepting() {
      accepting = false;
      server.close();
    },
    close() {
      closing_ ??= new Promise<void>((resolve) => {
        closed = true;
        accepting = false;
        settledAll = resolve;
        server.close();
        closing.abort();
        for (const cut of [...cutters]) cut();
        for (const socket of [...sockets]) socket.destroy();
        onClosed(tunnel);
        checkSettled();
        // A connection whose server never confirms the close must not hold close() forever.
        setTimeout(resolve, CLOSE_WAIT_MS).unref();
      });
      return closing_;
    },
  };
  return tunnel;
}
