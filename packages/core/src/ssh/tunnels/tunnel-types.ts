/**
 * The public types of `remote.forward()` and `remote.forwardRemote()` (docs/tunnels.md).
 */
import type { TunnelError } from '@rexec/adapters';

/** Where a local tunnel leads on the remote side: a TCP address as the remote host sees it, or a Unix socket there. */
export type ForwardTarget = { readonly remoteHost: string; readonly remotePort: number } | { readonly remoteSocket: string };

export interface ForwardOptions {
  /** Local port to listen on; 0 (default) picks a free one (read it from `tunnel.localPort`). */
  readonly localPort?: number | undefined;
  /** Local address to listen on. Default `'127.0.0.1'`. */
  readonly localHost?: string | undefined;
  /** Connections through the tunnel at once; one more is refused (`TunnelError` `'max-connections'`). Default: no limit but the pool's. */
  readonly maxConnections?: number | undefined;
  /** Told about each connection the tunnel could not carry (refused, far end unreachable, no channel in time, connection lost). */
  readonly onError?: ((error: TunnelError) => void) | undefined;
}

export interface RemoteForwardOptions {
  /** Port the server listens on; 0 lets it pick one (read it from `tunnel.remotePort`). */
  readonly remotePort: number;
  /** Address the server listens on. Default `'127.0.0.1'` (sshd's `GatewayPorts` decides whether others are allowed). */
  readonly remoteHost?: string | undefined;
  /** Where connections go on this side. Default host `'127.0.0.1'`. */
  readonly localHost?: string | undefined;
  readonly localPort: number;
  readonly maxConnections?: number | undefined;
  readonly onError?: ((error: TunnelError) => void) | undefined;
}

/** `tunnel.stats()`. */
export interface TunnelStats {
  /** Connections through the tunnel now. */
  readonly open: number;
  /** Connections carried since it opened. */
  readonly total: number;
  /** Connections refused (past `maxConnections`, or the tunnel was closing). */
  readonly refused: number;
  /** Connections that could not be carried (far end unreachable, no channel in time, connection lost before they opened). */
  readonly failed: number;
  /** Bytes sent from this machine's side of the tunnel to the remote side. */
  readonly bytesToRemote: number;
  /** Bytes sent from the remote side to this machine's side. */
  readonly bytesToLocal: number;
}

/** An open tunnel. It keeps the process alive until `close()` (or the pool's `closePool()` / `drainPool()`). */
export interface Tunnel {
  /** `forward`: the local address it listens on. `forwardRemote`: where its connections go. */
  readonly localHost: string;
  readonly localPort: number;
  /** `forwardRemote`: the port the server listens on (the one it picked for 0). `forward`: the far end's port, if TCP. */
  readonly remotePort: number | undefined;
  /** `forwardRemote`: the address the server listens on. `forward`: the far end's host, if TCP. */
  readonly remoteHost: string | undefined;
  /** `forward` to a Unix socket: its path. */
  readonly remoteSocket: string | undefined;
  /** True once `close()` was called or the pool closed. */
  readonly closed: boolean;
  /** Stops listening and ends every connection through the tunnel; resolves once they are gone. Idempotent. */
  close(): Promise<void>;
  stats(): TunnelStats;
}
