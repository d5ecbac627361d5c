/**
 * The channel scheduler's contract: where it borrows connections, its options, and what it offers.
 * See channel-scheduler.ts for how it works.
 */
import type { QueuePriority } from './command-queue.js';

/** Where the scheduler borrows connections: the generic pool, in practice. */
export interface ConnectionSource<C> {
  acquire(): Promise<C>;
  /** Gives back a connection that carries no command. */
  release(conn: C): void;
  /** Gives back a connection whose transport was lost (reason `'error'`). */
  destroy(conn: C): void;
}

export interface ChannelSchedulerOptions<C = unknown> {
  /** `user@host:port`, for errors. */
  readonly target: string;
  /** Connections the pool may hold (`pool.max`). */
  readonly max: number;
  /** Commands one connection may carry until the server says otherwise. */
  readonly maxChannels: number;
  /** Ms a command may wait for a channel. */
  readonly queueTimeout: number;
  readonly queuePriority: QueuePriority;
  /** Commands allowed to wait; one more rejects with `PoolExhaustedError`. */
  readonly maxQueued: number;
  /** True for the connection layer's "channel refused before anything ran" error. */
  readonly isChannelRefused: (error: unknown) => boolean;
  /**
   * True for a connection that should take no new command and go back to the pool once it carries none
   * (past `maxLifetime`: the pool retires it there, even while other commands keep waiting).
   */
  readonly retiring?: (conn: C) => boolean;
  /** Called when the command line is full, before the command is rejected. */
  readonly onQueueFull?: (waiting: number, maxQueued: number) => void;
  readonly now?: () => number;
}

export interface ChannelSchedulerStats {
  /** Commands running. */
  readonly running: number;
  /** Commands waiting for a channel. */
  readonly waiting: number;
  /** Connections held (each carrying commands, or about to go back to the pool). */
  readonly connections: number;
  /** Connections requested from the pool and not yet received. */
  readonly connecting: number;
}

export interface ChannelScheduler<C> {
  /** Runs `task` on a channel slot of some connection; settles as `task` does. */
  run<T>(task: (conn: C) => Promise<T>): Promise<T>;
  /** Tells the scheduler a connection's transport closed: if it holds it, it hands it to `source.destroy` and returns true. */
  connectionLost(conn: C): boolean;
  /** The current channel limit of a held connection. */
  limitOf(conn: C): number | undefined;
  stats(): ChannelSchedulerStats;
  /** Accepts no new command; resolves once every accepted one settled and every connection went back. */
  drain(): Promise<void>;
  /** Rejects waiting commands with `PoolClosedError` and forgets every connection; returns the ones held. */
  close(): C[];
}
