/**
 * A TCP proxy on loopback in front of a test host, with a switch for network faults: freeze (a network
 * that goes silent without closing anything), freezeOpen (only the connections open now go silent: the
 * path they took died, new connections get through), thaw, and reset (every connection torn down with a RST).
 */
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { requireLoopback } from './loopback.js';

export interface FaultProxyOptions {
  /** Where the host is; a loopback address only (127.x.x.x, ::1, localhost). */
  readonly targetHost: string;
  readonly targetPort: number;
  /** Where the proxy listens (on a free port); a loopback address only. Default `127.0.0.1`. */
  readonly listenHost?: string;
  /** Ms each chunk (and each close) waits in each direction: a round trip costs twice this. Default 0. */
  readonly delayMs?: number;
}

export interface FaultProxyStats {
  /** Client connections accepted since the start. */
  readonly accepted: number;
  /** Client connections open now (the same as `connections`). */
  readonly open: number;
  readonly frozen: boolean;
  /** Client connections frozen now (by `freeze()` or `freezeOpen()`). */
  readonly frozenConnections: number;
  /** Bytes forwarded from clients to the target, and from the target to clients. */
  readonly bytesToTarget: number;
  readonly bytesToClient: number;
  /** Connections torn down by `reset()` or `close()`. */
  readonly resets: number;
}

export interface FaultProxy {
  readonly host: string;
  readonly port: number;
  /** Client connections open now. */
  readonly connections: number;
  /** True from `freeze()` to `thaw()` (new connections are frozen too); `freezeOpen()` leaves it false. */
  readonly frozen: boolean;
  /**
   * Stops forwarding in both directions, on every open and every future connection, without closing
   * anything: no byte, no FIN, no RST reaches either side. Bytes that arrive meanwhile are kept (in the
   * kernel and the proxy's socket buffers, up to TCP's windows) and `thaw()` delivers them in order; a
   * close or error of one side is held back too and passed on at `thaw()`. The proxy's kernel still
   * completes TCP handshakes and acknowledges segments: SSH keepalives go unanswered, TCP keepalives do not.
   */
  freeze(): void;
  /**
   * Freezes the connections open now, as `freeze()` does, and only them: connections accepted later are
   * forwarded as usual (a client that reconnects gets through, its old connections stay silent). Returns
   * how many it froze.
   */
  freezeOpen(): number;
  /** Resumes forwarding on every frozen connection: what was held back is delivered, then traffic flows again. */
  thaw(): void;
  /** Tears down every open connection at once, both sides, with a RST (`resetAndDestroy`); returns how many. */
  reset(): number;
  /** Stops listening and resets every connection. Idempotent. */
  close(): Promise<void>;
  stats(): FaultProxyStats;
}

/** Ends a socket abruptly: a RST when it is a connected TCP socket, else a plain destroy. */
function abort(socket: Socket): void {
  try {
    if (socket.destroyed) return;
    if (socket.connecting) socket.destroy();
    else socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}

interface Link {
  readonly sockets: readonly [Socket, Socket];
  /** Closes and ends seen while frozen, passed on at thaw. */
  readonly held: (() => void)[];
  /** The sockets whose reading waits for the other side to drain (resumed by 'drain', not by thaw). */
  readonly waitingForDrain: Set<Socket>;
  /** Nothing is forwarded while true (set by `freeze()`, `freezeOpen()` or a connection accepted while frozen). */
  frozen: boolean;
}

/**
 * Starts a proxy on a free port of `listenHost` that forwards each connection to `targetHost:targetPort`
 * (one upstream connection per client connection, TCP_NODELAY on both). Connect a client to
 * `{ host, port }`; the host key is the target's, so a known_hosts entry must name the proxy's port
 * (see `knownHostsFor`).
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const { targetHost, targetPort } = options;
  const listenHost = options.listenHost ?? '127.0.0.1';
  const delayMs = options.delayMs ?? 0;
  if (!(Number.isFinite(delayMs) && delayMs >= 0)) throw new TypeError(`startFaultProxy: delayMs must be a number of ms ≥ 0, got ${String(delayMs)}`);
  requireLoopback('startFaultProxy: targetHost', targetHost);
  requireLoopback('startFaultProxy: listenHost', listenHost);
  if (!Number.isInteger(targetPort) || targetPort < 1 || targetPort > 65535) {
    throw new RangeError(`startFaultProxy: targetPort must be a port number, got ${targetPort}`);
  }
  const links = new Set<Link>();
  let frozen = false;
  let accepted = 0;
  let bytesToTarget = 0;
  let bytesToClient = 0;
  let resets = 0;

  const later = (link: Link, action: () => void): void => {
    if (link.frozen) link.held.push(action);
    else action();
  };

  /** Forwards `from` → `to` with backpressure handled here (not `pipe`, whose 'drain' would undo a freeze). */
  const forward = (link: Link, from: Socket, to: Socket, count: (bytes: number) => void): void => {
    from.on('data', (chunk: Buffer) => {
      count(chunk.length);
      if (delayMs > 0) {
        // Equal delays fire in the order they were set: the stream keeps its order.
        setTimeout(() => to.writable && to.write(chunk), delayMs);
        return;
      }
      if (!to.write(chunk)) {
        link.waitingForDrain.add(from);
        from.pause();
      }
    });
    to.on('drain', () => {
      link.waitingForDrain.delete(from);
      if (!link.frozen) from.resume();
    });
    const afterDelay = (action: () => void): void => void (delayMs > 0 ? setTimeout(action, delayMs) : action());
    from.once('end', () => afterDelay(() => later(link, () => to.end())));
    let failed = false;
    from.once('error', () => (failed = true));
    from.once('close', () => afterDelay(() => later(link, () => (failed ? abort(to) : to.end(() => to.destroy())))));
  };

  const server = createServer((client) => {
    accepted++;
    const upstream = connect({ host: targetHost, port: targetPort });
    const link: Link = { sockets: [client, upstream], held: [], waitingForDrain: new Set(), frozen };
    links.add(link);
    let open = 2;
    for (const socket of link.sockets) {
      socket.setNoDelay(true);
      socket.on('error', () => undefined); // 'close' follows; the other side is told there
      socket.once('close', () => {
        if (--open === 0) links.delete(link);
      });
    }
    forward(link, client, upstream, (bytes) => (bytesToTarget += bytes));
    forward(link, upstream, client, (bytes) => (bytesToClient += bytes));
    if (link.frozen) for (const socket of link.sockets) socket.pause();
  });
  server.on('error', () => undefined); // after listen: nothing to do (accept errors end only that connection)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, listenHost, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const reset = (): number => {
    let count = 0;
    for (const link of [...links]) {
      link.held.length = 0;
      for (const socket of link.sockets) abort(socket);
      links.delete(link);
      count++;
    }
    resets += count;
    return count;
  };
  let closing: Promise<void> | undefined;
  const freezeLink = (link: Link): void => {
    link.frozen = true;
    for (const socket of link.sockets) socket.pause();
  };
  const frozenConnections = (): number => [...links].filter((link) => link.frozen).length;

  return {
    host: listenHost,
    port,
    get connections() {
      return links.size;
    },
    get frozen() {
      return frozen;
    },
    freeze: () => {
      frozen = true;
      for (const link of links) freezeLink(link);
    },
    freezeOpen: () => {
      let count = 0;
      for (const link of links) {
        if (!link.frozen) count++;
        freezeLink(link);
      }
      return count;
    },
    thaw: () => {
      frozen = false;
      for (const link of [...links]) {
        if (!link.frozen) continue;
        link.frozen = false;
        for (const socket of link.sockets) if (!link.waitingForDrain.has(socket)) socket.resume();
        for (const action of link.held.splice(0)) action();
      }
    },
    reset,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        reset();
      });
      return closing;
    },
    stats: () => ({ accepted, open: links.size, frozen, frozenConnections: frozenConnections(), bytesToTarget, bytesToClient, resets }),
  };
}
