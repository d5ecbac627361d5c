/**
 * Channels the files and tunnels modules open themselves (an sftp session, a tar exec, a direct-tcpip), each
 * as one lease of the SSH pool, exactly as a command is (docs/files.md, docs/tunnels.md):
 *
 *   pool.lease() ─► conn.trackChannel() ─► open the channel on conn.client ─► … ─► release(): untrack, pool.endLease()
 *
 * So they count against the same `maxChannels` budget, wait in the same queue, show in the same events and
 * stats, and keep the process alive while open. A session channel the server refuses (sshd `MaxSessions`)
 * lowers that connection's limit and tries again, as a command does; a channel that cannot open because its
 * connection is gone or silent moves to another connection (at most `MAX_MOVES` times).
 */
import { AcquireTimeoutError, ConnectionError, type ExecResult, type ExecSpec } from '@rexec/adapters';
import type { Client } from 'ssh2';
import type { Pool, Lease } from '../../pool/pool.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import { channelOpenTimeoutMessage, connectionLostMessage } from '../messages.js';

/** What a channel is for: a session (sftp, exec) counts against sshd's `MaxSessions`; a forward does not. */
export type ChannelKind = 'session' | 'forward';

/** Opens one channel on `client`; calls `done` once. May throw (ssh2's "Not connected"). */
export type OpenChannel<C> = (client: Client, done: (error: Error | undefined, channel: C | undefined) => void) => void;

export interface ChannelLeaseOptions {
  readonly signal?: AbortSignal | undefined;
  /** Ms to wait for a channel (queue, connect, open) in all. Default: the pool's queue limit. */
  readonly timeout?: number | undefined;
}

/** A lease with no channel of its own (the listener of a reverse tunnel): `end()` gives it back. */
export interface HeldLease {
  readonly conn: SshConnection;
  /** The connection's id, as in events. */
  readonly id: string;
  /** Idempotent. */
  end(): void;
}

/** An open channel and its lease: `release()` (idempotent) once the channel closed. */
export interface HeldChannel<C> {
  readonly channel: C;
  readonly conn: SshConnection;
  readonly id: string;
  release(): void;
}

/** The server refused a forward channel (nothing listens at the far end, or forwarding is not allowed). */
export class ForwardRefusedError extends Error {
  readonly reason: number;
  constructor(description: string, reason: number, options?: { cause?: unknown }) {
    super(description, options);
    this.name = 'ForwardRefusedError';
    this.reason = reason;
  }
}

export interface ChannelLeases {
  readonly target: string;
  /** Leases a share of a pooled connection without opening a channel. */
  lease(options?: ChannelLeaseOptions): Promise<HeldLease>;
  /** Leases a share of a pooled connection and opens one channel on it. */
  open<C extends ChannelLike>(kind: ChannelKind, open: OpenChannel<C>, options?: ChannelLeaseOptions): Promise<HeldChannel<C>>;
  /** Runs a short command as a pooled command (the tag's path): `sha256sum`, `command -v tar`, `rm -rf`. */
  run(spec: ExecSpec): Promise<ExecResult>;
}

/** What every ssh2 channel (and the sftp wrapper) has: a way to close it. */
export interface ChannelLike {
  end(): unknown;
}

export interface ChannelLeasesDeps {
  readonly pool: Pool<SshConnection>;
  readonly target: string;
  /** The pool's limit on one wait in its queue (`min(acquire, queueTimeout)`). */
  readonly queueTimeout: number;
  /** Ms a channel may take to open before its connection is taken as dead (`channelOpenTimeout`). */
  readonly openTimeout: number;
  readonly now: () => number;
  /** The pool's command path, for short commands. */
  readonly run: (spec: ExecSpec) => Promise<ExecResult>;
}

/** Moves of one channel whose connection was lost or silent before it opened. */
const MAX_MOVES = 3;

/** The pause before a session channel refused while nothing else of ours was on its connection is asked for again. */
function refusalPause(refusals: number): number {
  return Math.min(250, 5 * 2 ** Math.max(0, refusals - 1));
}

interface Attempt {
  readonly moves: number;
  readonly refusals: number;
  readonly cause: unknown;
}

export function createChannelLeases(deps: ChannelLeasesDeps): ChannelLeases {
  const { pool, target } = deps;

  const waitLease = (options: ChannelLeaseOptions | undefined, startedAt: number, attempt: Attempt | undefined): Promise<Lease<SshConnection>> => {
    const limit = options?.timeout ?? deps.queueTimeout;
    const left = limit - (deps.now() - startedAt);
    if (left <= 0) return Promise.reject(new AcquireTimeoutError(target, limit, attempt?.cause));
    return pool.lease({
      timeout: Math.max(1, left),
      ...(options?.signal === undefined ? {} : { signal: options.signal }),
      ...(attempt === undefined ? {} : { retry: true, cause: attempt.cause }),
    });
  };

  const lease = async (options?: ChannelLeaseOptions): Promise<HeldLease> => {
    const held = await waitLease(options, deps.now(), undefined);
    return { conn: held.resource, id: held.id, end: () => void pool.endLease(held) };
  };

  const open = <C extends ChannelLike>(kind: ChannelKind, opener: OpenChannel<C>, options?: ChannelLeaseOptions): Promise<HeldChannel<C>> => {
    const startedAt = deps.now();
    const tryOnce = async (attempt: Attempt | undefined): Promise<HeldChannel<C>> => {
      const held = await waitLease(options, startedAt, attempt);
      const conn = held.resource;
      const untrack = conn.trackChannel();
      const giveBack = (): void => {
        untrack();
        void pool.endLease(held);
      };
      let channel: C;
      try {
        channel = await openOn(conn, opener, deps.openTimeout, target);
      } catch (error) {
        const moves = attempt?.moves ?? 0;
        const refusals = attempt?.refusals ?? 0;
        if (error instanceof OpenTimeout) {
          // A silent transport: closed (its commands move too), and this channel tries another connection.
          giveBack();
          void pool.destroy(conn, 'error').catch(() => undefined);
          const lost = new ConnectionError(channelOpenTimeoutMessage(target, deps.openTimeout), target, { cause: error });
          if (moves >= MAX_MOVES) throw lost;
          return tryOnce({ moves: moves + 1, refusals, cause: lost });
        }
        if (typeof (error as { reason?: unknown }).reason === 'number') {
          if (kind === 'forward') {
            giveBack();
            throw new ForwardRefusedError((error as Error).message.replace(/^\(SSH\) Channel open failure: /, ''), (error as { reason: number }).reason, { cause: error });
          }
          // sshd's session limit: what our other holders keep open there is all it allows.
          const others = held.entry.held.length - 1;
          pool.limitLeases(conn, others);
          giveBack();
          const next: Attempt = { moves, refusals: refusals + 1, cause: error };
          if (others === 0) await new Promise<void>((resolve) => setTimeout(resolve, refusalPause(next.refusals)));
          return tryOnce(next);
        }
        giveBack();
        if (!conn.isOpen) void pool.destroy(conn, 'error').catch(() => undefined);
        const lost = error instanceof ConnectionError ? error : new ConnectionError(connectionLostMessage(target, (error as Error).message), target, { cause: error });
        if (moves >= MAX_MOVES || options?.signal?.aborted === true) throw lost;
        return tryOnce({ moves: moves + 1, refusals, cause: lost });
      }
      let released = false;
      return {
        channel,
        conn,
        id: held.id,
        release: () => {
          if (released) return;
          released = true;
          giveBack();
        },
      };
    };
    return tryOnce(undefined);
  };

  return { target, lease, open, run: deps.run };
}

class OpenTimeout extends Error {}

/** Opens the channel, bounded by `openTimeout` (a channel that opens after it is closed at once). */
function openOn<C extends ChannelLike>(conn: SshConnection, opener: OpenChannel<C>, openTimeout: number, target: string): Promise<C> {
  return new Promise<C>((resolve, reject) => {
    let settled = false;
    const timer = Number.isFinite(openTimeout)
      ? setTimeout(() => {
          if (settled) return;
          settled = true;
          reject(new OpenTimeout(`no channel opened within ${openTimeout} ms`));
        }, openTimeout)
      : undefined;
    timer?.unref();
    const done = (error: Error | undefined, channel: C | undefined): void => {
      if (timer !== undefined) clearTimeout(timer);
      if (settled) {
        if (channel !== undefined) channel.end();
        return;
      }
      settled = true;
      if (error !== undefined || channel === undefined) reject(error ?? new ConnectionError(connectionLostMessage(target, 'no channel'), target));
      else resolve(channel);
    };
    if (!conn.isOpen) return done(new ConnectionError(connectionLostMessage(target, 'the connection is closed'), target), undefined);
    try {
      opener(conn.client, done);
    } catch (error) {
      // ssh2 throws "Not connected" synchronously once the socket is gone.
      done(error instanceof Error ? error : new Error(String(error)), undefined);
    }
  });
}
