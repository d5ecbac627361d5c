/**
 * Fakes for the channel scheduler's unit tests: a connection that behaves like sshd's session limit
 * (refuses a channel past `maxSessions`), and a pool-like source that counts what it lends.
 * Timing uses setTimeout so tests drive it with fake timers.
 */
import { ConnectionError } from '@rexec/adapters';
import type { ConnectionSource } from '../channel-scheduler.js';

export class FakeChannelRefusedError extends Error {
  override readonly name = 'ChannelRefusedError';
}

export const isFakeRefusal = (error: unknown): boolean => error instanceof FakeChannelRefusedError;

export class FakeConnection {
  isOpen = true;
  /** Sessions the server counts (running commands, plus finished ones within `sessionLag`). */
  open = 0;
  peakOpen = 0;
  /** Commands running right now, and the most at once. */
  active = 0;
  peakActive = 0;
  commands = 0;
  private readonly running = new Set<(error: Error) => void>();

  constructor(
    readonly id: number,
    readonly maxSessions: number,
    /** Ms the server keeps counting a session after its command finished (sshd does, briefly). */
    readonly sessionLag = 0,
  ) {}

  /** Runs a fake command for `ms`; refuses the channel past `maxSessions`, like sshd. */
  exec(ms: number, output = `ok ${this.id}`): Promise<string> {
    if (!this.isOpen) return Promise.reject(new ConnectionError('not connected', 'fake'));
    if (this.open >= this.maxSessions) return Promise.reject(new FakeChannelRefusedError('open failed'));
    this.open++;
    this.commands++;
    this.peakOpen = Math.max(this.peakOpen, this.open);
    this.active++;
    this.peakActive = Math.max(this.peakActive, this.active);
    return new Promise<string>((resolve, reject) => {
      const fail = (error: Error): void => {
        clearTimeout(timer);
        this.open--;
        this.active--;
        reject(error);
      };
      const timer = setTimeout(() => {
        this.running.delete(fail);
        this.active--;
        if (this.sessionLag > 0) setTimeout(() => this.open--, this.sessionLag);
        else this.open--;
        resolve(output);
      }, ms);
      this.running.add(fail);
    });
  }

  /** The transport drops: every running command rejects with ConnectionError. */
  drop(): void {
    this.isOpen = false;
    for (const fail of this.running) fail(new ConnectionError('connection reset', 'fake'));
    this.running.clear();
  }
}

export interface FakeSourceOptions {
  readonly max: number;
  readonly maxSessions?: number;
  /** Ms the server keeps counting a finished session (see FakeConnection). */
  readonly sessionLag?: number;
  /** Ms a new connection takes. */
  readonly connectMs?: number;
  /** A released connection this returns true for is retired (as a pool does past `maxLifetime`). */
  readonly retireOnRelease?: (conn: FakeConnection) => boolean;
  /** When set, every acquire fails with this after `connectMs`. */
  readonly failWith?: () => Error;
}

export interface FakeSource extends ConnectionSource<FakeConnection> {
  readonly created: FakeConnection[];
  readonly idle: FakeConnection[];
  readonly borrowed: Set<FakeConnection>;
  readonly destroyed: FakeConnection[];
  acquires: number;
  /** Acquires asked while `max` connections were already lent or being created. */
  overMax: number;
  peakBorrowed: number;
  failWith: (() => Error) | undefined;
}

/** A pool of fake connections: lends idle ones first, creates up to `max`, never more. */
export function createFakeSource(options: FakeSourceOptions): FakeSource {
  let creating = 0;
  const source: FakeSource = {
    created: [],
    idle: [],
    borrowed: new Set(),
    destroyed: [],
    acquires: 0,
    overMax: 0,
    peakBorrowed: 0,
    failWith: options.failWith,
    acquire() {
      source.acquires++;
      return new Promise<FakeConnection>((resolve, reject) => {
        const idle = source.idle.pop();
        const lend = (conn: FakeConnection): void => {
          source.borrowed.add(conn);
          source.peakBorrowed = Math.max(source.peakBorrowed, source.borrowed.size);
          resolve(conn);
        };
        if (idle !== undefined) return lend(idle);
        if (source.borrowed.size + creating >= options.max) {
          source.overMax++;
          return reject(new Error('fake source: asked for more than max connections'));
        }
        creating++;
        setTimeout(() => {
          creating--;
          if (source.failWith !== undefined) return reject(source.failWith());
          const conn = new FakeConnection(source.created.length + 1, options.maxSessions ?? Infinity, options.sessionLag);
          source.created.push(conn);
          lend(conn);
        }, options.connectMs ?? 5);
      });
    },
    release(conn) {
      if (!source.borrowed.delete(conn)) throw new Error('fake source: release of a connection not lent');
      if (options.retireOnRelease?.(conn) === true) source.destroyed.push(conn);
      else source.idle.push(conn);
    },
    destroy(conn) {
      if (!source.borrowed.delete(conn)) throw new Error('fake source: destroy of a connection not lent');
      source.destroyed.push(conn);
    },
  };
  return source;
}
