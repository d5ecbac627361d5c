/**
 * The pool's state, shared by its parts: every resource is an `Entry` in exactly one of the lists
 * idle / leased / validating / closing, and creates in flight are counted in `pending`.
 * Parts call each other through `ctx.ops` (set up in create-pool.ts), so no module imports in a cycle.
 */
import type { CircuitBreaker } from './circuit-breaker.js';
import type { Created, CreationEngine } from './generic-engine.js';
import type { SafeEmitter } from './safe-emitter.js';
import type { DestroyReason, PoolClock, PoolEvents, PoolFactory, ResolvedPoolOptions, ResourceState, TimerHandle } from './types.js';
import type { DeadlineWatch } from './deadline-watch.js';
import type { Waiter, WaiterQueue } from './waiter-queue.js';

export interface Entry<T> {
  readonly id: string;
  /** Creation order (`ctx.nextId` when it was made). */
  readonly seq: number;
  readonly resource: T;
  readonly slot: Created<T>;
  readonly createdAt: number;
  state: ResourceState;
  idleSince: number;
  lentAt: number;
  /** Not lent yet: its first borrower skips validation. */
  fresh: boolean;
  failedChecks: number;
  leakWarned: boolean;
  /** Set when destroy was asked for while the entry was validating. */
  doomed: DestroyReason | undefined;
}

export interface Counters {
  created: number;
  destroyed: number;
  acquired: number;
  released: number;
  hits: number;
  misses: number;
  waitTimeTotal: number;
  checksPassed: number;
  checkFailures: number;
}

/** A limit shared with other pools (the keyed pool's `maxTotal`): one permit per resource. */
export interface CapacityGate {
  join(member: GateMember): void;
  leave(member: GateMember): void;
  /** Takes a permit (one reserved for this member first); false puts the member in line for one. */
  take(member: GateMember): boolean;
  give(): void;
  /** The member needs no more permits for now; a permit reserved for it goes to the next in line. */
  withdraw(member: GateMember): void;
  /** True when another member waits for a permit: a returned resource should make room for it. */
  contended(member: GateMember): boolean;
}

/** What the gate asks of a pool sharing it. */
export interface GateMember {
  pump(): void;
  /** Destroys one idle resource above `min` to free a permit for another member. */
  shedIdle(): boolean;
  idleCount(): number;
}

export interface PoolHooks {
  readonly gate?: CapacityGate;
}

export interface PoolOps<T> {
  /** The step function: serves waiters from idle entries and starts the creates still needed. */
  pump(): void;
  /** Starts creates until `min` resources exist (with back-off after failures). */
  ensureMin(): void;
  /** Starts one create to replace a resource destroyed for an error (`recreateOnError`). */
  replace(): void;
  destroyEntry(entry: Entry<T>, reason: DestroyReason): Promise<void>;
  returnToIdle(entry: Entry<T>): void;
  /** A lease began: the leak watch arms itself if it is not armed. */
  leaseStarted(): void;
}

export interface PoolContext<T> {
  readonly options: ResolvedPoolOptions<T>;
  readonly factory: PoolFactory<T>;
  readonly clock: PoolClock;
  readonly target: string;
  readonly events: SafeEmitter<PoolEvents>;
  readonly breaker: CircuitBreaker;
  readonly engine: CreationEngine<T>;
  /** The validator in force, or undefined when validation is off or there is none. */
  readonly validator: ((resource: T) => Promise<boolean> | boolean) | undefined;
  readonly entries: Map<T, Entry<T>>;
  /** Idle entries; the last one is lent first (most recently used). */
  readonly idle: Array<Entry<T>>;
  /** Active entries in the order they were lent (for the leak watch). */
  readonly leases: Set<Entry<T>>;
  readonly waiters: WaiterQueue<T>;
  /** Every unsettled acquire (queued or being served), watched for its deadline. */
  readonly deadlines: DeadlineWatch<Waiter<T>>;
  readonly counters: Counters;
  /** Aborted when the pool closes: cuts retry back-offs short. */
  readonly closing: AbortController;
  /** Borrowed resources the pool destroyed while closing: a late `release` of one is a no-op. */
  readonly closedLeases: Set<T>;
  readonly hooks: PoolHooks;
  /** This pool as a member of `hooks.gate`. */
  readonly member: GateMember;
  readonly ops: PoolOps<T>;
  /** Create cycles in flight (each settles once its attempts and back-offs end). */
  readonly inflight: Set<Promise<unknown>>;
  /** Back-off state of `min` upkeep after failed creates. */
  readonly minRetry: { failures: number; timer: TimerHandle | undefined };
  pending: number;
  validating: number;
  closingCount: number;
  closed: boolean;
  lastCreateError: unknown;
  nextId: number;
  /** Called after any state change while the pool is closing (drain waits on it). */
  onChange: (() => void) | undefined;
}

const LEGAL: Readonly<Record<ResourceState, readonly ResourceState[]>> = {
  idle: ['active', 'validating', 'closing'],
  active: ['idle', 'validating', 'closing'],
  validating: ['idle', 'active', 'closing'],
  closing: [],
};

/** Moves an entry to another state along a legal edge and tells listeners. */
export function transition<T>(ctx: PoolContext<T>, entry: Entry<T>, to: ResourceState): void {
  const from = entry.state;
  if (!LEGAL[from].includes(to)) throw new Error(`rexec pool bug: illegal state change ${from} -> ${to} for ${entry.id}`);
  entry.state = to;
  if (ctx.events.has('connection:state')) ctx.events.emit('connection:state', { id: entry.id, from, to });
}

/** Resources that exist (counted against `max`) plus creates in flight. */
export function occupancy<T>(ctx: PoolContext<T>): number {
  return ctx.entries.size + ctx.closingCount + ctx.pending;
}

export function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

export function reportError<T>(ctx: PoolContext<T>, error: unknown): void {
  ctx.events.emit('pool:error', asError(error));
}

export function removeIdle<T>(ctx: PoolContext<T>, entry: Entry<T>): void {
  const index = ctx.idle.lastIndexOf(entry);
  if (index >= 0) ctx.idle.splice(index, 1);
}

export function notifyChange<T>(ctx: PoolContext<T>): void {
  ctx.onChange?.();
}
