import { transferFailedMessage, tunnelFailedMessage } from './messages.js';
import { RexecError, type RexecErrorOptions } from './rexec-error.js';

/**
 * What went wrong in a file transfer (`upload` / `download`, docs/files.md#errors). Stable: scripts may switch on it.
 * - `'not-found'`: the source, or the destination's parent directory (without `mkdir: true`), does not exist;
 * - `'exists'`: the destination exists and `overwrite: false`;
 * - `'not-writable'`: permission denied or a read-only file system where something had to be written;
 * - `'no-space'`: the disk (or quota) is full;
 * - `'not-a-directory'`: a file stands where a directory is expected (a parent of the destination, or the
 *   destination of a directory);
 * - `'is-a-directory'`: a directory stands where a file is expected (the destination of a file);
 * - `'unsupported'`: the source is not a file or a directory (a socket, a device), or the remote host lacks a
 *   tool the transfer needs (`sha256sum` for `verify`);
 * - `'verify-failed'`: the sha256 of both ends differ (`verify: true`);
 * - `'connection-lost'`: the SSH connection dropped mid-transfer;
 * - `'timeout'`, `'aborted'`: `timeout` ran out, `signal` was aborted;
 * - `'failed'`: anything else (the message and `cause` say what).
 */
export type TransferProblem =
  | 'not-found'
  | 'exists'
  | 'not-writable'
  | 'no-space'
  | 'not-a-directory'
  | 'is-a-directory'
  | 'unsupported'
  | 'verify-failed'
  | 'connection-lost'
  | 'timeout'
  | 'aborted'
  | 'failed';

export interface TransferErrorDetails {
  readonly problem: TransferProblem;
  /** `'upload'` (local → remote) or `'download'` (remote → local). */
  readonly direction: 'upload' | 'download';
  /** `user@host:port`. */
  readonly target: string;
  /** The path the problem is about (a source, a destination, a parent directory). */
  readonly path: string;
  /** Which machine `path` is on. */
  readonly side: 'local' | 'remote';
  /** What went wrong, in words (`'No space left on device'`). */
  readonly reason?: string | undefined;
  /** A temporary file or directory the transfer could not remove (the connection was gone), if any. */
  readonly leftover?: string | undefined;
}

/** A file transfer failed (docs/files.md#errors). With `atomic` (the default) nothing was left at the destination. */
export class TransferError extends RexecError {
  readonly code = 'ERR_TRANSFER' as const;
  readonly retryable: boolean;
  readonly problem: TransferProblem;
  readonly direction: 'upload' | 'download';
  readonly target: string;
  readonly path: string;
  readonly side: 'local' | 'remote';
  /** What went wrong, in words, when known (`'No space left on device'`). */
  readonly reason: string | undefined;
  /** A temporary file or directory that could not be removed (the connection was gone), if any. */
  readonly leftover: string | undefined;

  constructor(details: TransferErrorDetails, options?: RexecErrorOptions) {
    super(transferFailedMessage(details), options);
    this.problem = details.problem;
    this.direction = details.direction;
    this.target = details.target;
    this.path = details.path;
    this.side = details.side;
    this.reason = details.reason;
    this.leftover = details.leftover;
    this.retryable = details.problem === 'connection-lost' || details.problem === 'timeout';
  }
}

/**
 * What went wrong in a tunnel (`forward` / `forwardRemote`, docs/tunnels.md#errors):
 * - `'listen-failed'`: the local port could not be listened on (taken, not allowed);
 * - `'forward-refused'`: the server refused to listen on the remote port (`forwardRemote`: taken, or
 *   `AllowTcpForwarding` forbids it);
 * - `'open-failed'`: the server could not reach the tunnel's far end (nothing listens there, or forwarding is
 *   not allowed), or this side could not reach `localHost:localPort` (`forwardRemote`);
 * - `'max-connections'`: a connection arrived while `maxConnections` were open: it was refused;
 * - `'no-channel'`: the pool had no channel for the connection in time (its queue was full or its wait ran out);
 * - `'connection-lost'`: the SSH connection under the tunnel dropped;
 * - `'closed'`: the tunnel or its pool was closed.
 */
export type TunnelProblem = 'listen-failed' | 'forward-refused' | 'open-failed' | 'max-connections' | 'no-channel' | 'connection-lost' | 'closed';

export interface TunnelErrorDetails {
  readonly problem: TunnelProblem;
  /** `user@host:port`. */
  readonly target: string;
  /** The tunnel, as `127.0.0.1:4000 → db.internal:5432` (or `remote 127.0.0.1:9000 → 127.0.0.1:3000`). */
  readonly tunnel: string;
  readonly reason?: string | undefined;
}

/** A tunnel could not be set up, or one of its connections could not be carried (docs/tunnels.md#errors). */
export class TunnelError extends RexecError {
  readonly code = 'ERR_TUNNEL' as const;
  readonly retryable: boolean;
  readonly problem: TunnelProblem;
  readonly target: string;
  readonly tunnel: string;

  constructor(details: TunnelErrorDetails, options?: RexecErrorOptions) {
    super(tunnelFailedMessage(details), options);
    this.problem = details.problem;
    this.target = details.target;
    this.tunnel = details.tunnel;
    this.retryable = details.problem === 'max-connections' || details.problem === 'no-channel' || details.problem === 'connection-lost';
  }
}

export function isTransferError(value: unknown): value is TransferError {
  return value instanceof TransferError;
}
export function isTunnelError(value: unknown): value is TunnelError {
  return value instanceof TunnelError;
}
