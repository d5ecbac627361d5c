/*
 * Notes from the connection layer (connect-ssh.ts, create-ssh-connection.ts) for the pooling layer:
 * - No members were added or renamed. The object also has `toJSON()` and a `util.inspect` form that show
 *   only id/target/state (no client internals).
 * - The socket is ref'd only while a channel is open (exec or an internal kill channel), so an idle
 *   connection never keeps the process alive; keepalive runs on an unref'd timer.
 * - `exec` resolves for timeout/abort/maxBuffer kills. To kill, it signals the remote process GROUP from a
 *   short second exec channel (`kill -s TERM -- -pgid`, KILL after `forceKillAfterDelay`), because sshd
 *   refuses `signal` requests for root logins. These internal channels are not counted in `openChannels`.
 * - A refusal right after one of this connection's channels closed is retried inside `exec` (20 ms, 60 ms):
 *   sshd frees the session slot a moment after the close handshake. A `ChannelRefusedError` that still
 *   comes out means the connection really is at `MaxSessions`.
 * - `close()` first kills commands still running (their results resolve with `isCanceled`), then ends.
 *   While it runs it holds a ref'd timer (bounded by the close's own two waits of `forceKillAfterDelay`),
 *   so `await remote.closePool()` as a script's last line completes instead of exiting with code 13.
 * - `onClose` listeners get a `ConnectionError` when the transport failed or the server hung up, and
 *   `undefined` after `close()`.
 */
import type { ExecResult, ExecSpec } from '@rexec/adapters';
import type { Client } from 'ssh2';

/** How the pool runs a command on a connection. */
export interface ExecOptions {
  /**
   * Ms the channel may take to open before the connection is taken as dead: it is closed and the command
   * rejects with a ConnectionError (`started: false`) that the pool retries elsewhere.
   */
  readonly openTimeout?: number | undefined;
}

/**
 * One live ssh2 connection to one target. Created by `connectSsh`, owned by the pool.
 * This interface is the seam between the connection layer (connect, auth, host keys, exec)
 * and the pooling layer (channel scheduling, borrowing, events).
 */
export interface SshConnection {
  /** Unique per process, e.g. `deploy@web1:22#3`. */
  readonly id: string;
  /** `user@host:port`. */
  readonly target: string;
  /** The ssh2 client, for sftp or forwarding. */
  readonly client: Client;
  /** Epoch ms of the completed handshake. */
  readonly createdAt: number;
  /** False once the transport closed or errored. */
  readonly isOpen: boolean;
  /** Channels currently open on this connection. */
  readonly openChannels: number;
  /**
   * Runs one command on a new session channel. Resolves for any exit, signal, timeout or abort
   * (see ExecResult). Rejects with `ChannelRefusedError` when the server refused the channel
   * before anything ran (safe to retry elsewhere), or `ConnectionError` when the transport was lost.
   */
  exec(spec: ExecSpec, options?: ExecOptions): Promise<ExecResult>;
  /** Registers a listener called once when the transport closes; `error` is set when it failed. */
  onClose(listener: (error: Error | undefined) => void): void;
  /**
   * Sends one SSH keepalive request (no channel, no remote process) and resolves true when the server
   * answers, false when it cannot be sent. It never settles if the server stays silent: bound it.
   */
  ping(): Promise<boolean>;
  /**
   * Keeps up to `count` session channels open ahead of commands (spares), within `budget()` channels in all
   * (commands running plus spares). A spare the server refuses calls `onRefused(channelsHeld)`: the server's
   * real limit. Spares never keep the process alive and close with the connection.
   */
  keepSpareChannels(count: number, budget: () => number, onRefused: (channelsHeld: number) => void): void;
  /** Spare channels open now. */
  readonly spareChannels: number;
  /**
   * Counts a channel opened on `client` outside `exec` (an sftp session, a tar exec, a direct-tcpip or
   * forwarded channel of the files and tunnels modules) as open: it is in `openChannels`, counts against the
   * spare channels' budget, and refs the socket so the process stays alive while it is open, as an exec
   * channel does. Call it before opening the channel; call the returned function once the channel closed
   * or failed to open (calling it again does nothing).
   */
  trackChannel(): () => void;
  /** Ends the connection; resolves once it is closed. Idempotent. */
  close(): Promise<void>;
}
