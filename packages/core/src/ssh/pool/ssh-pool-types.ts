/**
 * The public types of SSH pooling (docs/ssh.md): pool options, the pool handle that `$.ssh(...)` carries,
 * and a borrowed connection.
 */
import type { Readable } from 'node:stream';
import type { ControlMasterAdapterStats } from '@rexec/adapters';
import type { Client } from 'ssh2';
import type { ProcessOutput } from '../../command/process-output.js';
import type { PoolEventTarget, PoolEvents, PoolOptions, PoolStats } from '../../pool/types.js';
import type { DownloadDestination, DownloadOptions, TransferResult, UploadOptions, UploadSource } from '../files/transfer-types.js';
import type { ForwardOptions, ForwardTarget, RemoteForwardOptions, Tunnel } from '../tunnels/tunnel-types.js';

/** Options of `conn.exec(command, options)` on a borrowed connection. */
export interface SshExecOptions {
  /** Resolve with the result instead of rejecting on a non-zero exit. */
  readonly nothrow?: boolean | undefined;
  /** Run in this directory (`cd -- dir && ...` on the remote side). */
  readonly cwd?: string | undefined;
  /** Variables set for the command (in the command itself: sshd's AcceptEnv is not relied on). */
  readonly env?: Readonly<Record<string, string>> | undefined;
  readonly stdin?: string | Buffer | Readable | undefined;
  /** Ms before the remote command is signalled and its channel closed (`TimeoutError`). */
  readonly timeout?: number | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** `conn.getStats()`. */
export interface SshConnectionStats {
  readonly id: string;
  /** `user@host:port`. */
  readonly target: string;
  /** Epoch ms of the completed handshake. */
  readonly createdAt: number;
  /** Epoch ms the last command on it started (its creation time before any). */
  readonly lastUsedAt: number;
  /** Commands run on it, through the pool or by hand. */
  readonly useCount: number;
  /** Channels open on it right now. */
  readonly channelCount: number;
  readonly isHealthy: boolean;
  /** Ms since `createdAt`. */
  readonly uptime: number;
}

/** A pooled SSH connection, lent by `acquire()` until `release(conn)`; also what a `validator` receives. */
export interface PooledSshConnection {
  readonly id: string;
  readonly target: string;
  /** The ssh2 `Client`, for sftp or port forwarding. */
  readonly client: Client;
  /** Runs a shell command string as is (no quoting: build it yourself or use the `$.ssh` tag). */
  exec(command: string, options?: SshExecOptions): Promise<ProcessOutput>;
  /** True while the transport is open. */
  isHealthy(): boolean;
  getStats(): SshConnectionStats;
}

/** `pool: {...}` of `$.ssh(target, { pool })` (docs/ssh.md#options). */
export interface SshPoolOptions extends Omit<PoolOptions<PooledSshConnection>, 'target'> {
  /** Concurrent commands one connection may carry (lowered per connection when sshd refuses a channel). Default 8. */
  maxChannels?: number;
  /** Ms a channel may take to open before its connection is taken as dead (closed; the command moves to another). Default 5000. */
  channelOpenTimeout?: number;
  /** Session channels each connection keeps open ahead of commands, so a command costs one round trip. Default 1; 0 turns them off. */
  spareChannels?: number;
}

/**
 * `getPoolStats()`: every field of docs/ssh.md#the-pool-handle (plus `leases`, `pending`, `validating`, `closing`). `waiting` counts commands
 * waiting for a channel too. On a `controlMaster: true` target, `controlMaster` reports the OpenSSH master
 * (`state`, `pid`, `controlPath`, `starts`, `restarts`, `lastError`...); it is absent on ssh2 targets.
 */
export interface SshPoolStats extends PoolStats {
  readonly controlMaster?: ControlMasterAdapterStats;
}

export type SshPoolEvents = PoolEvents;

/** The pool methods on the object `$.ssh(...)` returns. */
export interface SshPoolHandle extends PoolEventTarget<SshPoolEvents> {
  getPoolStats(): SshPoolStats;
  /** Opens connections until `n` exist (at most `max`); resolves when they are ready. */
  warmPool(n: number): Promise<void>;
  /** Takes no new command; running and waiting ones finish, then every connection closes. */
  drainPool(): Promise<void>;
  /** Closes every connection at once: running commands are stopped (`CommandError` with `isCanceled`, or `ConnectionError`), waiting ones get `PoolClosedError`. */
  closePool(): Promise<void>;
  /** Borrows a connection for your exclusive use; give it back with `release(conn)`. */
  acquire(): Promise<PooledSshConnection>;
  release(conn: PooledSshConnection): Promise<void>;
  /** Copies a local file, directory, Buffer or stream to the remote path `dest` (docs/files.md). */
  upload(source: UploadSource, dest: string, options?: UploadOptions): Promise<TransferResult>;
  /** Copies the remote file or directory `source` to the local path `dest` (or a file into a stream) (docs/files.md). */
  download(source: string, dest: DownloadDestination, options?: DownloadOptions): Promise<TransferResult>;
  /** Listens locally; each connection rides a channel of a pooled connection to `to` on the remote side (docs/tunnels.md). */
  forward(to: ForwardTarget, options?: ForwardOptions): Promise<Tunnel>;
  /** The server listens on `remotePort`; each connection there comes back to `localHost:localPort` (docs/tunnels.md). */
  forwardRemote(options: RemoteForwardOptions): Promise<Tunnel>;
}
