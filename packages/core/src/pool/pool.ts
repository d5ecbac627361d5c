/**
 * `createPool(factory, options)`: a pool of any resource (docs/pool.md). One object owns all of it:
 *
 * - resources, each an `Entry` in one state (`LEGAL` below): `idle` (no holder, in the idle list),
 *   `active` (one holder or more), `validating` (a check runs), `closing` (being destroyed);
 * - leases: a resource is lent to up to `limit` holders at once (`maxLeases`, lowered per resource by
 *   `limitLeases`), or to one holder alone (`exclusive`); every lease is a record in `leases`;
 * - one queue of waiters, with one deadline watch, served by one step function (`pump`);
 * - creates in flight (`pending`), each a cycle of attempts with back-off, run only while someone needs it;
 * - one closing state: open → draining → closed;
 * - the process-lifetime rule: an idle pool never keeps Node alive; a waiter, a lease, a `warm` or a close
 *   in progress does (see `hold`).
 *
 * generic-pool underneath counts and makes resources (generic-engine.ts); lending is ours.
 */
import { AcquireTimeoutError, CircuitOpenError, ConfigError, PoolClosedError, PoolExhaustedError } from '@rexec/adapters';
import { createCircuitBreaker, type CircuitBreaker } from './circuit-breaker.js';
import { cancel, schedule, sleep, withTimeout } from './clock.js';
import type { CapacityGate, GateMember } from './capacity-gate.js';
import { createDeadlineWatch, type Deadlined, type DeadlineWatch } from './deadline-watch.js';
import { createCreationEngine, type Created, type CreationEngine, type Slot } from './generic-engine.js';
import { normalizePoolOptions } from './normalize-pool-options.js';
import { hold, release } from './process-hold.js';
import {
  badAcquireOptionMessage, badCountMessage, badReasonMessage, duplicateResourceMessage, foreignResourceMessage,
  invalidOptionMessage, notOnLoanMessage,
} from './pool-messages.js';
import { formatPrometheus } from './prometheus.js';
import { validateFactory } from './validate-factory.js';
import { createSafeEmitter, type SafeEmitter } from './safe-emitter.js';
import type {
  AcquireOptions, DestroyReason, DrainOptions, PoolEvents, PoolFactory, PoolMetrics, PoolOptions, PoolStats,
  ResolvedPoolOptions, ResourcePool, ResourceState, TimerHandle,
} from './types.js';
import { createWaiterQueue, type QueueLinks, type WaiterQueue } from './waiter-queue.js';

export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;
/** Cap on one create back-off delay, however many failures came before. */
const MAX_BACKOFF_MS = 30_000;
const DESTROY_REASONS: readonly DestroyReason[] = ['idle', 'lifetime', 'validation', 'error', 'closed'];
const DONE: Promise<void> = Promise.resolve();
/** The reason `closing` is aborted with (nobody reads it). */
const CLOSED = 'pool closed';

const LEGAL: Readonly<Record<ResourceState, readonly ResourceState[]>> = {
  idle: ['active', 'validating', 'closing'],
  active: ['idle', 'validating', 'closing'],
  validating: ['idle', 'active', 'closing'],
  closing: [],
};
/** `LEGAL` as a lookup, `ALLOWED[from][to]`: checked on every change, twice per acquire+release (a search of the list cost more). */
const ALLOWED: Readonly<Record<ResourceState, Readonly<Partial<Record<ResourceState, true>>>>> = {
  idle: Object.fromEntries(LEGAL.idle.map((to) => [to, true])),
  active: Object.fromEntries(LEGAL.active.map((to) => [to, true])),
  validating: Object.fromEntries(LEGAL.validating.map((to) => [to, true])),
  closing: Object.fromEntries(LEGAL.closing.map((to) => [to, true])),
};

interface Entry<T> {
  readonly id: string;
  /** Creation order: a resource made after an acquire began was made for it (a miss). */
  readonly seq: number;
  readonly resource: T;
  readonly slot: Created<T>;
  readonly createdAt: number;
  state: ResourceState;
  /** The leases it carries, oldest first. */
  readonly held: Array<Lease<T>>;
  /** Holders it may carry at once: `maxLeases`, only ever lowered. */
  limit: number;
  /** Lent whole: no other holder until it is idle again. */
  exclusive: boolean;
  /** Last time a lease began or ended on it (or its creation): a borrow check is skipped within `validateAfterIdle`. */
  lastUsedAt: number;
  idleSince: number;
  /** Not lent yet: its first borrower skips the check. */
  fresh: boolean;
  failedChecks: number;
  /** Destroy was asked for while a check ran. */
  doomed: DestroyReason | undefined;
}

/** One holder's use of a resource, from acquire to release. */
export interface Lease<T> {
  readonly resource: T;
  /** The resource's id, as in events. */
  readonly id: string;
  readonly startedAt: number;
  /** Internal: the resource's entry, and whether this lease has ended. */
  readonly entry: Entry<T>;
  ended: boolean;
  leakWarned: boolean;
  /** Internal: the leases held that began just before and just after this one (the pool's list of leases). */
  older: Lease<T> | undefined;
  newer: Lease<T> | undefined;
}

export interface LeaseOptions extends AcquireOptions {
  /**
   * A new try of work the pool already took (its resource failed it before it started): it waits at the
   * front of the queue, is not counted against `queueSize`, and is still served while the pool drains.
   */
  retry?: boolean;
  /** Why an earlier try of the same work failed: the cause of its AcquireTimeoutError if it times out. */
  cause?: unknown;
}

interface Waiter<T> extends QueueLinks<Waiter<T>>, Deadlined<Waiter<T>> {
  readonly startedAt: number;
  readonly createdBefore: number;
  readonly probe: number | undefined;
  readonly exclusive: boolean;
  /** `lease()` (settled with the lease) rather than `acquire()` (with its resource). */
  readonly wantsLease: boolean;
  readonly resolve: (value: Lease<T> | T) => void;
  readonly reject: (error: unknown) => void;
  /** Clock time at which the wait ends (`Infinity` for never), and the timeout it had. */
  readonly deadline: number;
  readonly timeout: number;
  readonly cause: unknown;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

export interface PoolHooks {
  /** A limit shared with other pools (the keyed pool's `maxTotal`). */
  readonly gate?: CapacityGate;
}

/** The delay before retry number `failures`: `retryDelay · 2^(failures-1)`, jittered to 50–100 %. */
export function backoffDelay(retryDelay: number, failures: number, random: () => number = Math.random): number {
  const base = Math.min(retryDelay * 2 ** Math.max(0, failures - 1), Math.max(retryDelay, MAX_BACKOFF_MS));
  return base / 2 + (random() * base) / 2;
}

/** `ms` jittered to 50–100 %, so pools that failed together do not retry in lockstep. */
function jittered(ms: number, random: () => number = Math.random): number {
  return ms / 2 + (random() * ms) / 2;
}

/**
 * Whether a creation error says that trying again cannot help (`retryable: false`: an AuthenticationError,
 * a HostKeyError, a ConfigError). It is not retried and the circuit breaker does not count it.
 */
export function isPermanentFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { retryable?: unknown }).retryable === false;
}

/**
 * A promise rejected with `reason` as it is: an abort's `signal.reason` (or whatever a caller's code threw)
 * goes to the caller unchanged, as it did when `acquire` rejected from inside a promise executor.
 */
function rejectWith(reason: unknown): Promise<never> {
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
  return Promise.reject(reason);
}

function asError(value: unknown): Error {
  return value instanceof Error ? value : new Error(String(value));
}

/** Ms one create or destroy may take: `acquire`, or 30 s when that is unbounded. */
function operationTimeout(options: Pick<ResolvedPoolOptions, 'acquire'>): number {
  return Number.isFinite(options.acquire) ? options.acquire : 30_000;
}

function checkAcquireOptions(options: LeaseOptions | undefined): void {
  if (options === undefined) return;
  const { timeout, signal } = options;
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0)) {
    throw new ConfigError(badAcquireOptionMessage('timeout', timeout), 'acquire.timeout');
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new ConfigError(badAcquireOptionMessage('signal', signal), 'acquire.signal');
  }
}

export class Pool<T> implements ResourcePool<T> {
  readonly target: string;
  readonly options: ResolvedPoolOptions<T>;

  private readonly factory: PoolFactory<T>;
  private readonly hooks: PoolHooks;
  private readonly events: SafeEmitter<PoolEvents>;
  /** Whether anyone listens to the events of every lease, kept current by the emitter: no payload is built for nobody. */
  private readonly hears = { state: false, acquire: false, release: false };
  private readonly breaker: CircuitBreaker;
  private readonly engine: CreationEngine<T>;
  private readonly validator: ((resource: T) => Promise<boolean> | boolean) | undefined;
  private readonly member: GateMember;

  private readonly entries = new Map<T, Entry<T>>();
  /** No holder, ready to lend; the last one is lent first (most recently used). */
  private readonly idle: Array<Entry<T>> = [];
  /** Shared, active, with room for another holder. */
  private readonly shared = new Set<Entry<T>>();
  /**
   * Every lease held, in the order they began (the leak watch reads them in that order): a list linked
   * through the leases, as a Set would hash each new lease and regrow its table.
   */
  private oldestLease: Lease<T> | undefined;
  private newestLease: Lease<T> | undefined;
  private leaseCount = 0;
  private readonly waiters: WaiterQueue<Waiter<T>>;
  private readonly deadlines: DeadlineWatch<Waiter<T>>;
  /** Resources destroyed while held: a late `release` of one is a no-op. */
  private readonly gone = new WeakSet<object>();
  private readonly counters = { created: 0, destroyed: 0, acquired: 0, released: 0, hits: 0, misses: 0, waitTimeTotal: 0, checksPassed: 0, checkFailures: 0 };
  /** Create cycles in flight. */
  private readonly inflight = new Set<Promise<Entry<T> | undefined>>();
  private pending = 0;
  private validating = 0;
  private closingCount = 0;
  /** `warm()` calls in progress: like waiters, they keep the process alive and creates going. */
  private warmers = 0;
  private phase: 'open' | 'draining' | 'closed' = 'open';
  private closed: Promise<void> | undefined;
  private hurry: (() => void) | undefined;
  private onChange: (() => void) | undefined;
  private readonly closing = new AbortController();
  private lastCreateError: unknown;
  private nextId = 0;
  private minRetry: { failures: number; timer: TimerHandle | undefined } = { failures: 0, timer: undefined };
  /** No connect attempt starts before this clock time (after a failed one). */
  private retryAt = 0;
  /** When the last connect attempt failed: attempts started before it were of the same wave. */
  /**
   * Failed waves of connect attempts so far. An attempt belongs to the wave current when it started: its
   * failure starts a new wave only if none failed since (event order, not clock time: attempts of one wave start
   * a millisecond or two apart and a refused connect fails within one).
   */
  private failedWaves = 0;
  private pumping = false;
  private again = false;
  private readonly timers: Array<TimerHandle | undefined> = [];
  private leakTimer: TimerHandle | undefined;
  /** Whether this pool holds the process (process-hold.ts): while something is pending, the lifetime rule. */
  private held = false;
  /** A drain or clear is under way: its destroys keep the process alive until they end. */
  private closingNow = false;

  constructor(factory: PoolFactory<T>, options: PoolOptions<T> | undefined, hooks: PoolHooks = {}) {
    validateFactory(factory);
    const resolved = normalizePoolOptions(options);
    const { clock, target } = resolved;
    this.factory = factory;
    this.options = resolved;
    this.target = target;
    this.hooks = hooks;
    this.events = createSafeEmitter<PoolEvents>(
      (error, event) => {
        if (event !== 'pool:error') this.report(error);
      },
      () => {
        this.hears.state = this.events.has('connection:state');
        this.hears.acquire = this.events.has('connection:acquire');
        this.hears.release = this.events.has('connection:release');
      },
    );
    this.breaker = createCircuitBreaker(resolved.circuitBreaker, {
      clock,
      target,
      onTransition: (to, payload) => {
        this.events.emit(to === 'closed' ? 'circuit:close' : `circuit:${to}`, payload);
        // Waiters a create in flight is for get that create's own error if it fails; the rest fail now.
        if (to === 'open') this.failUncovered();
        if (to === 'closed') queueMicrotask(() => this.ensureMin());
      },
    });
    this.engine = createCreationEngine(factory, { clock, target, max: resolved.max, timeout: operationTimeout(resolved), onError: (error) => this.report(error) });
    const validate = factory.validate === undefined ? undefined : (resource: T) => factory.validate?.(resource) ?? false;
    this.validator = resolved.validate ? (resolved.validator ?? validate) : undefined;
    this.waiters = createWaiterQueue<Waiter<T>>(resolved.queuePriority, (waiter) => waiter.exclusive);
    this.deadlines = createDeadlineWatch<Waiter<T>>(clock, (waiter) => {
      this.fail(waiter, new AcquireTimeoutError(target, waiter.timeout, waiter.cause ?? this.lastCreateError));
    });
    this.member = { pump: () => this.pump(), shedIdle: () => this.shedIdle(), idleCount: () => this.idle.length };
    hooks.gate?.join(this.member);
    this.every(resolved.evictionRun, () => this.evict());
    if (this.validator !== undefined) this.every(resolved.validateInterval, () => this.checkAllIdle());
    if (resolved.metrics) this.every(resolved.metricsInterval, () => this.events.emit('pool:metrics', this.metrics()));
    this.ensureMin();
  }

  on<E extends keyof PoolEvents>(event: E, listener: (payload: PoolEvents[E]) => void): this {
    this.events.on(event, listener);
    return this;
  }

  once<E extends keyof PoolEvents>(event: E, listener: (payload: PoolEvents[E]) => void): this {
    this.events.once(event, listener);
    return this;
  }

  off<E extends keyof PoolEvents>(event: E, listener?: (payload: PoolEvents[E]) => void): this {
    this.events.off(event, listener);
    return this;
  }

  // ── lending ──────────────────────────────────────────────────────────────────────────────────────

  acquire(options?: AcquireOptions): Promise<T> {
    let got: Lease<T> | Promise<unknown>;
    try {
      got = this.request(options, false);
    } catch (error) {
      return rejectWith(error);
    }
    return got instanceof Promise ? (got as Promise<T>) : Promise.resolve(got.resource);
  }

  /** Like `acquire`, giving the lease itself: `endLease(lease)` ends exactly this one. */
  lease(options?: LeaseOptions): Promise<Lease<T>> {
    let got: Lease<T> | Promise<unknown>;
    try {
      got = this.request(options, true);
    } catch (error) {
      return rejectWith(error);
    }
    return got instanceof Promise ? (got as Promise<Lease<T>>) : Promise.resolve(got);
  }

  /**
   * A lease at once when a resource has room and nobody waits (no promise executor, no closure: the common
   * case), else a promise settled with the lease (`wantsLease`) or its resource, or rejected.
   */
  private request(options: LeaseOptions | undefined, wantsLease: boolean): Lease<T> | Promise<unknown> {
    const retry = options?.retry === true;
    if (this.phase === 'closed' || (this.phase === 'draining' && !retry)) return Promise.reject(new PoolClosedError(this.target));
    try {
      checkAcquireOptions(options);
    } catch (error) {
      return Promise.reject(asError(error));
    }
    const signal = options?.signal;
    if (signal?.aborted === true) return rejectWith(signal.reason);
    const admission = this.breaker.admit();
    if (!admission.allowed) return Promise.reject(this.circuitError(admission.retryAfter));
    const exclusive = options?.exclusive === true;
    const startedAt = this.options.clock.now();
    let entry: Entry<T> | undefined;
    if (this.waiters.size === 0 && !retry) {
      entry = this.pick(exclusive, startedAt);
      if (entry !== undefined && admission.probe === undefined && !this.needsCheck(entry, startedAt)) {
        const lease = this.lend(entry, startedAt, this.nextId, exclusive, startedAt);
        this.settleChange();
        return lease;
      }
    }
    // `queueSize` caps the acquires left waiting: those a create in flight will serve do not count.
    const { max, queueSize, maxLeases } = this.options;
    const queued = this.waiters.size - this.pending * maxLeases;
    if (entry === undefined && !retry && this.occupancy() >= max && queued >= queueSize) {
      if (admission.probe !== undefined) this.breaker.settleProbe(admission.probe, false);
      this.events.emit('pool:queue:full', { waiting: queued, queueSize });
      return Promise.reject(new PoolExhaustedError(this.target, max));
    }
    const timeout = options?.timeout ?? Math.min(this.options.acquire, this.options.queueTimeout);
    const { probe } = admission;
    return new Promise((resolve, reject) => {
      const waiter: Waiter<T> = {
        startedAt, createdBefore: this.nextId, probe, exclusive, wantsLease, resolve, reject,
        deadline: startedAt + timeout, timeout, cause: options?.cause, signal, onAbort: undefined, settled: false,
        prev: undefined, next: undefined, queued: false, watchPrev: undefined, watchNext: undefined, watched: false,
      };
      this.enqueue(waiter, entry, retry);
    });
  }

  /** A waiter starts waiting: for `entry` when it was picked for it (it needs a check first), else in the queue. */
  private enqueue(waiter: Waiter<T>, entry: Entry<T> | undefined, retry: boolean): void {
    const { signal, startedAt } = waiter;
    this.deadlines.add(waiter);
    if (signal !== undefined) {
      waiter.onAbort = () => this.fail(waiter, signal.reason);
      signal.addEventListener('abort', waiter.onAbort, { once: true });
    }
    if (entry !== undefined) {
      this.serve(waiter, entry, startedAt);
    } else if (retry) {
      this.waiters.pushNext(waiter);
      this.pump(startedAt);
    } else {
      this.waiters.push(waiter);
      this.pump(startedAt);
    }
    this.settleChange();
  }

  /** A resource with room for this holder: the busiest shared one (so the others can go idle), else the most recently used idle one. */
  private pick(exclusive: boolean, now: number): Entry<T> | undefined {
    if (!exclusive && this.shared.size > 0) {
      let best: Entry<T> | undefined;
      for (const entry of this.shared) {
        if (this.retiring(entry, now)) {
          this.shared.delete(entry);
          continue;
        }
        if (best === undefined || entry.held.length > best.held.length) best = entry;
      }
      if (best !== undefined) return best;
    }
    for (let entry = this.idle.pop(); entry !== undefined; entry = this.idle.pop()) {
      if (this.retiring(entry, now)) {
        void this.destroyEntry(entry, 'lifetime');
        continue;
      }
      return entry;
    }
    return undefined;
  }

  private retiring(entry: Entry<T>, now: number): boolean {
    return this.options.maxLifetime !== Infinity && now - entry.createdAt >= this.options.maxLifetime;
  }

  private needsCheck(entry: Entry<T>, now: number): boolean {
    if (this.validator === undefined || !this.options.validateOnBorrow || entry.fresh || entry.held.length > 0) return false;
    return now - entry.lastUsedAt >= this.options.validateAfterIdle;
  }

  /** Whether `entry` belongs in the shared set (active, shared, room left). */
  private place(entry: Entry<T>): void {
    if (entry.state === 'active' && !entry.exclusive && entry.held.length < entry.limit) this.shared.add(entry);
    else if (this.shared.size > 0) this.shared.delete(entry);
  }

  private lend(entry: Entry<T>, startedAt: number, createdBefore: number, exclusive: boolean, now: number): Lease<T> {
    if (entry.state !== 'active') this.transition(entry, 'active');
    const lease: Lease<T> = {
      resource: entry.resource, id: entry.id, startedAt: now, entry, ended: false, leakWarned: false, older: this.newestLease, newer: undefined,
    };
    entry.held.push(lease);
    entry.exclusive = exclusive;
    entry.lastUsedAt = now;
    entry.fresh = false;
    this.place(entry);
    if (this.newestLease === undefined) this.oldestLease = lease;
    else this.newestLease.newer = lease;
    this.newestLease = lease;
    this.leaseCount += 1;
    const counters = this.counters;
    counters.acquired += 1;
    if (entry.seq > createdBefore) counters.misses += 1;
    else counters.hits += 1;
    const waitTime = now - startedAt;
    counters.waitTimeTotal += waitTime;
    if (this.leakTimer === undefined && this.phase !== 'closed') this.leakTimer = schedule(this.options.clock, this.options.leaseWarning, () => this.sweepLeaks());
    if (this.hears.acquire) this.events.emit('connection:acquire', { id: entry.id, waitTime });
    this.updateHold();
    return lease;
  }

  /** Gives `entry` to `waiter`, checking it first when it has been unused longer than `validateAfterIdle`. */
  private serve(waiter: Waiter<T>, entry: Entry<T>, now: number): void {
    if (!this.needsCheck(entry, now)) {
      this.grant(waiter, entry, now);
      return;
    }
    this.transition(entry, 'validating');
    this.validating += 1;
    void this.check(entry).then((valid) => {
      this.validating -= 1;
      const doomed = entry.doomed ?? (this.phase === 'closed' ? 'closed' : valid ? undefined : 'validation');
      if (doomed !== undefined) {
        void this.destroyEntry(entry, doomed);
        if (!waiter.settled) {
          if (this.phase === 'closed') {
            this.fail(waiter, new PoolClosedError(this.target));
          } else {
            // It moves to another resource or a new one, keeping its turn.
            this.waiters.pushNext(waiter);
            this.failUncovered();
          }
        }
      } else if (waiter.settled) {
        this.toIdle(entry);
      } else {
        this.grant(waiter, entry, this.options.clock.now());
      }
      this.settleChange();
      this.pump();
    });
  }

  private grant(waiter: Waiter<T>, entry: Entry<T>, now: number): void {
    this.unqueue(waiter);
    const lease = this.lend(entry, waiter.startedAt, waiter.createdBefore, waiter.exclusive, now);
    if (waiter.probe !== undefined) this.breaker.settleProbe(waiter.probe, true);
    waiter.resolve(waiter.wantsLease ? lease : lease.resource);
  }

  /** The waiter leaves the queue and the deadline watch, and its abort listener is dropped. */
  private unqueue(waiter: Waiter<T>): void {
    waiter.settled = true;
    this.waiters.remove(waiter);
    this.deadlines.delete(waiter);
    if (waiter.onAbort !== undefined) waiter.signal?.removeEventListener('abort', waiter.onAbort);
  }

  private reject(waiter: Waiter<T>, error: unknown): void {
    this.unqueue(waiter);
    if (waiter.probe !== undefined) this.breaker.settleProbe(waiter.probe, false);
    waiter.reject(error);
  }

  private fail(waiter: Waiter<T>, error: unknown): void {
    if (waiter.settled) return;
    this.reject(waiter, error);
    this.settleChange();
    this.pump();
  }

  /** Fails up to `count` waiters, in queue order; only then serves the rest (so no create starts in between). */
  private failSome(count: number, error: unknown): void {
    for (let i = 0; i < count; i += 1) {
      const waiter = this.waiters.take();
      if (waiter === undefined) break;
      this.reject(waiter, error);
    }
    this.settleChange();
    this.pump();
  }

  /** Waiters no create in flight is for, while the circuit is open: they would wait for nothing. */
  private failUncovered(): void {
    if (!this.options.circuitBreaker.enabled) return;
    const circuit = this.breaker.state();
    if (circuit.kind !== 'open') return;
    const retryAfter = Math.max(0, circuit.openedAt + circuit.wait - this.options.clock.now());
    while (this.waiters.size > this.pending * this.options.maxLeases) {
      const waiter = this.waiters.take();
      if (waiter === undefined) break;
      this.fail(waiter, this.circuitError(retryAfter));
    }
  }

  private circuitError(retryAfter: number): CircuitOpenError {
    const cause = this.lastCreateError;
    return new CircuitOpenError(this.target, retryAfter, cause === undefined ? {} : { cause });
  }

  /**
   * The step function: serves waiters from resources with room, then starts the creates still needed.
   * `now` is the caller's clock reading, if it has one: one read serves the whole step.
   */
  private pump(now?: number): void {
    // Re-entrant calls (from a listener, or a step that settles something) run once more, not nested.
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      let given = now;
      do {
        this.again = false;
        this.step(given);
        // A listener may have moved the clock before a repeated step: that one reads it afresh.
        given = undefined;
      } while (this.again);
    } finally {
      this.pumping = false;
    }
    this.updateHold();
  }

  private step(given: number | undefined): void {
    let now = given;
    // In queue order; a waiter for a whole resource that cannot have one yet does not hold up the shared
    // waiters behind it (they may fit on a busy resource). A shared waiter that cannot be served means no
    // resource has room at all: stop there.
    let blocked = false;
    for (let waiter = this.waiters.peek(); waiter !== undefined; ) {
      // A listener run by the last serve may have taken this one out of the queue: start over.
      if (!waiter.queued) {
        this.again = true;
        break;
      }
      const next = this.waiters.after(waiter);
      if (!(blocked && waiter.exclusive)) {
        now ??= this.options.clock.now();
        const entry = this.pick(waiter.exclusive, now);
        if (entry !== undefined) {
          this.waiters.remove(waiter);
          this.serve(waiter, entry, now);
        } else if (waiter.exclusive) {
          blocked = true;
        } else {
          break;
        }
      }
      waiter = next;
    }
    const { maxLeases } = this.options;
    // A whole resource for each exclusive waiter, a share for each other one.
    let needed = Math.ceil((this.waiters.size - this.waiters.marked) / maxLeases) + this.waiters.marked - this.pending;
    let verdict: 'ok' | 'local' | 'gate' = 'ok';
    while (needed > 0 && (verdict = this.reserveCreate()) === 'ok') {
      needed -= 1;
      void this.startCycle();
    }
    if (needed > 0 && verdict === 'local') this.failUncovered();
    // Stay in line for a shared permit only while one is what this pool is waiting for.
    if (this.hooks.gate !== undefined && (needed <= 0 || verdict === 'local')) this.hooks.gate.withdraw(this.member);
  }

  // ── giving back ──────────────────────────────────────────────────────────────────────────────────

  release(resource: T): Promise<void> {
    const entry = this.entries.get(resource);
    if (entry === undefined) {
      if (typeof resource === 'object' && resource !== null && this.gone.has(resource)) return DONE;
      return Promise.reject(new ConfigError(foreignResourceMessage(this.target, 'release'), 'release.resource'));
    }
    const lease = entry.held[0];
    if (lease === undefined) {
      return Promise.reject(new ConfigError(notOnLoanMessage(this.target, entry.id, entry.state), 'release.resource'));
    }
    return this.endLease(lease);
  }

  /** Ends one lease. Ending it twice, or after its resource was destroyed, does nothing. */
  endLease(lease: Lease<T>): Promise<void> {
    if (lease.ended) return DONE;
    const entry = lease.entry;
    const now = this.finishLease(lease, true);
    if (entry.held.length > 0) {
      this.place(entry);
      this.pump(now);
      return DONE;
    }
    entry.exclusive = false;
    if (this.phase === 'closed') return this.destroyEntry(entry, 'closed');
    if (this.phase === 'draining' && this.waiters.size === 0) {
      void this.destroyEntry(entry, 'closed');
      return DONE;
    }
    if (this.retiring(entry, now)) {
      void this.destroyEntry(entry, 'lifetime');
      return DONE;
    }
    if (!this.options.validateOnReturn || this.validator === undefined) {
      this.toIdle(entry, now);
      this.pump(now);
      return DONE;
    }
    this.transition(entry, 'validating');
    this.validating += 1;
    return this.check(entry).then((valid) => {
      this.validating -= 1;
      const doomed = entry.doomed ?? (valid ? undefined : 'validation');
      if (doomed !== undefined) void this.destroyEntry(entry, doomed);
      else this.toIdle(entry);
      this.settleChange();
      this.pump();
    });
  }

  private finishLease(lease: Lease<T>, released: boolean): number {
    lease.ended = true;
    const held = lease.entry.held;
    // `release` ends the oldest lease: a shift, not a splice (which allocates the array it returns).
    if (held[0] === lease) {
      held.shift();
    } else {
      const index = held.indexOf(lease);
      if (index >= 0) held.splice(index, 1);
    }
    const entry = lease.entry;
    if (lease.older === undefined) this.oldestLease = lease.newer;
    else lease.older.newer = lease.newer;
    if (lease.newer === undefined) this.newestLease = lease.older;
    else lease.newer.older = lease.older;
    lease.older = undefined;
    lease.newer = undefined;
    this.leaseCount -= 1;
    this.counters.released += 1;
    const now = this.options.clock.now();
    entry.lastUsedAt = now;
    if (released && this.hears.release) this.events.emit('connection:release', { id: entry.id, duration: now - lease.startedAt });
    this.updateHold();
    this.settleChange();
    return now;
  }

  /** An entry with no holder becomes idle (or is given up for another pool sharing the limit). */
  private toIdle(entry: Entry<T>, now: number = this.options.clock.now()): void {
    if (this.phase === 'closed') {
      void this.destroyEntry(entry, 'closed');
      return;
    }
    if (this.hooks.gate?.contended(this.member) === true) {
      void this.destroyEntry(entry, 'idle');
      return;
    }
    this.transition(entry, 'idle');
    entry.idleSince = now;
    this.idle.push(entry);
  }

  destroy(resource: T, reason: DestroyReason = 'error'): Promise<void> {
    if (!DESTROY_REASONS.includes(reason)) return Promise.reject(new ConfigError(badReasonMessage(reason, DESTROY_REASONS), 'destroy.reason'));
    const entry = this.entries.get(resource);
    if (entry === undefined) {
      if (typeof resource === 'object' && resource !== null && this.gone.has(resource)) return DONE;
      return Promise.reject(new ConfigError(foreignResourceMessage(this.target, 'destroy'), 'destroy.resource'));
    }
    if (entry.state === 'closing') return DONE;
    if (entry.state === 'validating') {
      entry.doomed = reason;
      return DONE;
    }
    const sizeBefore = this.entries.size;
    const done = this.destroyEntry(entry, reason);
    if (reason !== 'error' || !this.options.recreateOnError) return done;
    // Once the broken one is gone (so it never waits on `max`), bring the pool back to its size, unless
    // `min` upkeep or a waiter's create already did.
    return done.then(() => {
      if (this.phase === 'open' && this.entries.size + this.pending < sizeBefore && this.reserveCreate() === 'ok') void this.startCycle();
    });
  }

  /**
   * Lowers how many holders `resource` may carry at once (never below 1): a server that refused one more
   * session shows its real limit. Holders above the new limit keep their lease.
   */
  limitLeases(resource: T, limit: number): void {
    const entry = this.entries.get(resource);
    if (entry === undefined) return;
    entry.limit = Math.max(1, Math.min(entry.limit, limit));
    this.place(entry);
  }

  /** Holders `resource` may carry at once right now (undefined once it left the pool). */
  leaseLimit(resource: T): number | undefined {
    return this.entries.get(resource)?.limit;
  }

  private destroyEntry(entry: Entry<T>, reason: DestroyReason): Promise<void> {
    if (entry.state === 'closing') return DONE;
    if (entry.state === 'idle') {
      const index = this.idle.lastIndexOf(entry);
      if (index >= 0) this.idle.splice(index, 1);
    }
    this.shared.delete(entry);
    if (entry.held.length > 0) {
      if (typeof entry.resource === 'object' && entry.resource !== null) this.gone.add(entry.resource);
      for (const lease of [...entry.held]) this.finishLease(lease, false);
    }
    this.transition(entry, 'closing');
    this.entries.delete(entry.resource);
    this.closingCount += 1;
    return this.engine.destroy(entry.slot).then(() => {
      this.closingCount -= 1;
      this.counters.destroyed += 1;
      this.events.emit('connection:destroy', { id: entry.id, reason });
      this.hooks.gate?.give();
      this.settleChange();
      this.pump();
      this.ensureMin();
    });
  }

  // ── creating ─────────────────────────────────────────────────────────────────────────────────────

  /** Resources that exist (counted against `max`) plus creates in flight. */
  private occupancy(): number {
    return this.entries.size + this.closingCount + this.pending;
  }

  /** Whether one more create may start now: `'ok'` (a shared permit, if any, is taken), `'local'` (our limits or circuit) or `'gate'`. */
  private reserveCreate(): 'ok' | 'local' | 'gate' {
    if (this.phase === 'closed' || this.occupancy() >= this.options.max || this.pending >= this.options.maxConnecting) return 'local';
    if (this.breaker.state().kind === 'open') return 'local';
    const gate = this.hooks.gate;
    return gate === undefined || gate.take(this.member) ? 'ok' : 'gate';
  }

  /** Whether a create in flight still serves someone: a waiter, a `warm()`, or `min`. */
  private createNeeded(): boolean {
    if (this.phase === 'closed') return false;
    return this.waiters.size > 0 || this.warmers > 0 || (this.phase === 'open' && this.entries.size + this.pending <= this.options.min);
  }

  private startCycle(): Promise<Entry<T> | undefined> {
    this.pending += 1;
    const cycle = this.runCycle().then((slot) => this.finishCycle(slot));
    this.inflight.add(cycle);
    void cycle.finally(() => this.inflight.delete(cycle));
    return cycle;
  }

  /**
   * Up to `1 + retryAttempts` attempts, for as long as someone needs the resource. With `retryFailed`, after a
   * failed connect no attempt of any create starts before `retryAt` (`retryDelay`, jittered): creates that
   * failed together retry together, so a wave of them counts as one failure for the circuit breaker, and the
   * host is not hammered by every new waiter.
   */
  private async runCycle(): Promise<Slot<T>> {
    const attempts = this.options.retryFailed ? 1 + this.options.retryAttempts : 1;
    const clock = this.options.clock;
    for (let attempt = 1; ; attempt += 1) {
      // Until `retryAt`, looked at again after each sleep: a wave that failed while this cycle slept moved it
      // on, and an attempt started before it would be a failure of its own (a wave counted twice).
      for (let wait = this.options.retryFailed ? this.retryAt - clock.now() : 0; wait > 0; wait = this.retryAt - clock.now()) {
        await sleep(clock, wait, this.closing.signal);
        if (!this.createNeeded() || this.breaker.state().kind === 'open') return { ok: false, error: this.lastCreateError ?? new PoolClosedError(this.target) };
      }
      const startedAt = clock.now();
      const wave = this.failedWaves;
      const slot = await this.engine.create();
      if (slot.ok) {
        this.breaker.recordSuccess();
        this.lastCreateError = undefined;
        this.retryAt = 0;
        return slot;
      }
      this.lastCreateError = slot.error;
      if (isPermanentFailure(slot.error)) return slot;
      // The first failure of a wave counts for the breaker and sets when the next attempts may start; the
      // others of the wave wait for that.
      if (wave === this.failedWaves) {
        this.failedWaves += 1;
        this.breaker.recordFailure(startedAt);
        this.retryAt = clock.now() + jittered(this.options.retryDelay);
      }
      if (attempt >= attempts || !this.createNeeded() || this.breaker.state().kind !== 'closed') return slot;
    }
  }

  private finishCycle(slot: Slot<T>): Entry<T> | undefined {
    this.pending -= 1;
    this.settleChange();
    if (slot.ok && this.entries.has(slot.resource)) {
      this.engine.discard(slot);
      this.hooks.gate?.give();
      this.report(new ConfigError(duplicateResourceMessage(this.target, this.entries.get(slot.resource)?.id ?? '?'), 'factory.create'));
      this.pump();
      return undefined;
    }
    if (slot.ok) {
      this.nextId += 1;
      const now = this.options.clock.now();
      const entry: Entry<T> = {
        id: this.factory.id?.(slot.resource) ?? `${this.target}#${this.nextId}`, seq: this.nextId, resource: slot.resource, slot,
        createdAt: now, state: 'idle', held: [], limit: this.options.maxLeases, exclusive: false, lastUsedAt: now, idleSince: now,
        fresh: true, failedChecks: 0, doomed: undefined,
      };
      this.entries.set(slot.resource, entry);
      this.counters.created += 1;
      this.events.emit('connection:create', { id: entry.id, target: this.target });
      // Draining with nobody left to serve, or closed: it is not needed.
      if (this.phase === 'closed' || (this.phase === 'draining' && this.waiters.size === 0)) void this.destroyEntry(entry, 'closed');
      else this.idle.push(entry);
      this.pump();
      return entry;
    }
    this.hooks.gate?.give();
    if (this.phase !== 'closed') this.report(slot.error);
    // The waiters this create was for (those no other create covers) get its error now. After a permanent
    // failure so does every uncovered waiter: one more attempt each would fail the same way.
    const uncovered = this.waiters.size - this.pending * this.options.maxLeases;
    if (uncovered > 0) this.failSome(isPermanentFailure(slot.error) ? uncovered : Math.min(uncovered, this.options.maxLeases), slot.error);
    else this.pump();
    return undefined;
  }

  private ensureMin(): void {
    if (this.phase !== 'open' || this.minRetry.timer !== undefined || this.breaker.state().kind !== 'closed') return;
    // After a permanent failure (bad credentials), `min` waits for an acquire to try again: no background logins.
    if (isPermanentFailure(this.lastCreateError)) return;
    let deficit = this.options.min - (this.entries.size + this.pending);
    while (deficit > 0 && this.reserveCreate() === 'ok') {
      deficit -= 1;
      void this.startCycle().then((entry) => {
        if (entry !== undefined) {
          this.minRetry.failures = 0;
          return;
        }
        if (this.phase !== 'open' || this.minRetry.timer !== undefined || isPermanentFailure(this.lastCreateError)) return;
        this.minRetry.failures += 1;
        this.minRetry.timer = schedule(this.options.clock, backoffDelay(Math.max(this.options.retryDelay, 1), this.minRetry.failures), () => {
          this.minRetry.timer = undefined;
          this.ensureMin();
        });
      });
    }
  }

  /** Creates resources until `min(n, max)` exist; resolves once they do, rejects with the creation error if they cannot. */
  async warm(n: number): Promise<void> {
    if (!(Number.isInteger(n) && n >= 0)) throw new ConfigError(badCountMessage('warm', n), 'warm.n');
    if (this.phase !== 'open') throw new PoolClosedError(this.target);
    const wanted = Math.min(n, this.options.max);
    let failure: unknown;
    this.warmers += 1;
    this.updateHold();
    try {
      while (this.entries.size < wanted) {
        if (this.phase !== 'open') throw new PoolClosedError(this.target);
        if (this.entries.size + this.pending < wanted && this.reserveCreate() === 'ok') {
          void this.startCycle().then((entry) => {
            if (entry === undefined) failure ??= this.lastCreateError ?? new PoolClosedError(this.target);
          });
          continue;
        }
        if (failure !== undefined || this.inflight.size === 0) break;
        await Promise.race(this.inflight);
      }
    } finally {
      this.warmers -= 1;
      this.updateHold();
    }
    if (this.entries.size >= wanted) return;
    if (failure !== undefined) throw asError(failure);
    const circuit = this.breaker.state();
    if (circuit.kind === 'open') throw this.circuitError(Math.max(0, circuit.openedAt + circuit.wait - this.options.clock.now()));
    throw new PoolClosedError(this.target);
  }

  // ── checks and upkeep ────────────────────────────────────────────────────────────────────────────

  /** Runs the validator: a throw, a rejection, a non-`true` answer or a hang past `validateTimeout` mean "invalid". */
  private async check(entry: Entry<T>): Promise<boolean> {
    const validator = this.validator;
    if (validator === undefined) return true;
    const outcome = await withTimeout(this.options.clock, this.options.validateTimeout, async () => validator(entry.resource), () => false, () => undefined);
    const valid = outcome.ok === true && outcome.value === true;
    if (valid) {
      this.counters.checksPassed += 1;
      entry.lastUsedAt = this.options.clock.now();
    } else {
      this.counters.checkFailures += 1;
    }
    return valid;
  }

  /** Destroys idle entries past `maxLifetime`, and those idle longer than `idle` while above `min`. */
  private evict(): void {
    const now = this.options.clock.now();
    const { idle, maxLifetime, min } = this.options;
    let kept = this.entries.size;
    for (const entry of [...this.idle]) {
      if (now - entry.createdAt >= maxLifetime) {
        kept -= 1;
        void this.destroyEntry(entry, 'lifetime');
      } else if (now - entry.idleSince >= idle && kept > min) {
        kept -= 1;
        void this.destroyEntry(entry, 'idle');
      }
    }
    this.ensureMin();
  }

  /** Destroys the least recently used idle entry, if the pool holds more than `min` (another pool sharing the limit needs room). */
  private shedIdle(): boolean {
    const entry = this.idle[0];
    if (entry === undefined || this.entries.size <= this.options.min) return false;
    void this.destroyEntry(entry, 'idle');
    return true;
  }

  /** Checks every idle resource (each goes idle → validating → idle or closing). */
  private checkAllIdle(): void {
    for (const entry of [...this.idle]) {
      this.idle.splice(this.idle.indexOf(entry), 1);
      this.transition(entry, 'validating');
      this.validating += 1;
      void this.check(entry).then((valid) => {
        this.validating -= 1;
        entry.failedChecks = valid ? 0 : entry.failedChecks + 1;
        const doomed = entry.doomed ?? (this.phase === 'closed' ? 'closed' : entry.failedChecks >= this.options.healthCheckRetries ? 'validation' : undefined);
        if (doomed !== undefined) {
          void this.destroyEntry(entry, doomed);
        } else if (this.waiters.size > 0) {
          this.toIdle(entry);
        } else {
          // Back at the least recently used end, as if the check had not touched it.
          this.transition(entry, 'idle');
          this.idle.unshift(entry);
        }
        this.settleChange();
        this.pump();
      });
    }
  }

  /** Fires `pool:leak` once per lease held past `leaseWarning`; leases are in the order they began. */
  private sweepLeaks(): void {
    this.leakTimer = undefined;
    const now = this.options.clock.now();
    const limit = this.options.leaseWarning;
    let next: number | undefined;
    const overdue: Array<Lease<T>> = [];
    for (let lease = this.oldestLease; lease !== undefined; lease = lease.newer) {
      if (lease.leakWarned) continue;
      const heldFor = now - lease.startedAt;
      if (heldFor < limit) {
        next = limit - heldFor;
        break;
      }
      lease.leakWarned = true;
      overdue.push(lease);
    }
    // Listeners run after the walk (one may end a lease, which unlinks it); a lease ended by then is not reported.
    for (const lease of overdue) if (!lease.ended) this.events.emit('pool:leak', { id: lease.id, heldFor: now - lease.startedAt });
    if (next !== undefined && this.phase !== 'closed') this.leakTimer = schedule(this.options.clock, next, () => this.sweepLeaks());
  }

  /** Runs `task` every `ms` on an unref'd timer until the pool closes. */
  private every(ms: number, task: () => void): void {
    const slot = this.timers.length;
    const tick = (): void => {
      task();
      if (this.phase !== 'closed') this.timers[slot] = schedule(this.options.clock, ms, tick);
    };
    this.timers.push(schedule(this.options.clock, ms, tick));
  }

  // ── lifetime and closing ─────────────────────────────────────────────────────────────────────────

  /** The lifetime rule: the process stays alive while anything waits on this pool; an idle pool lets it exit. */
  private updateHold(): void {
    const busy = this.waiters.size > 0 || this.leaseCount > 0 || this.warmers > 0 || this.closingNow;
    if (busy === this.held) return;
    this.held = busy;
    if (busy) hold();
    else release();
  }

  private settleChange(): void {
    this.onChange?.();
  }

  /** Resolves when `predicate` holds (checked on every change), after `ms`, or at once when `clear` hurries it. */
  private waitFor(predicate: () => boolean, ms: number, hurriable: boolean): Promise<void> {
    return new Promise((resolve) => {
      if (ms <= 0 || predicate()) {
        resolve();
        return;
      }
      const done = (): void => {
        cancel(this.options.clock, timer);
        this.onChange = undefined;
        if (hurriable) this.hurry = undefined;
        resolve();
      };
      const timer = schedule(this.options.clock, ms, done);
      this.onChange = () => {
        if (predicate()) done();
      };
      if (hurriable) this.hurry = done;
    });
  }

  private async close(timeout: number): Promise<void> {
    this.closingNow = true;
    this.updateHold();
    try {
      await this.closeSteps(timeout);
    } finally {
      this.closingNow = false;
      this.updateHold();
    }
  }

  private async closeSteps(timeout: number): Promise<void> {
    this.phase = 'draining';
    cancel(this.options.clock, this.minRetry.timer);
    this.minRetry.timer = undefined;
    if (this.waiters.size === 0) for (const entry of [...this.idle]) void this.destroyEntry(entry, 'closed');
    // Queued acquires are still served; borrowed resources come back.
    await this.waitFor(() => this.waiters.size === 0 && this.leaseCount === 0 && this.validating === 0, timeout, true);
    this.phase = 'closed';
    for (const timer of this.timers) cancel(this.options.clock, timer);
    cancel(this.options.clock, this.leakTimer);
    // A reason of our own: abort() without one builds a DOMException (a stack trace) per pool closed.
    this.closing.abort(CLOSED);
    for (const waiter of this.waiters.takeAll()) this.fail(waiter, new PoolClosedError(this.target));
    for (const entry of [...this.entries.values()]) {
      if (entry.state === 'validating') entry.doomed = 'closed';
      else void this.destroyEntry(entry, 'closed');
    }
    this.updateHold();
    // Checks and destroys still running are each bounded by their own timeouts.
    await this.waitFor(() => this.entries.size === 0 && this.closingCount === 0, Infinity, false);
    this.breaker.dispose();
    this.deadlines.stop();
    // A create still in flight is not waited for: its resource is destroyed when it lands.
    const ending = Promise.allSettled([...this.inflight]).then(async () => this.engine.close());
    if (this.pending === 0) await ending;
    else ending.catch((error: unknown) => this.report(error));
    this.hooks.gate?.leave(this.member);
  }

  drain(options?: DrainOptions): Promise<void> {
    const timeout = options?.timeout ?? DEFAULT_DRAIN_TIMEOUT_MS;
    if (!(typeof timeout === 'number' && timeout >= 0)) {
      return Promise.reject(new ConfigError(invalidOptionMessage('drain.timeout', 'a number of ms ≥ 0', timeout, 'Pass the ms to wait for borrowed resources, e.g. 30000.'), 'drain.timeout'));
    }
    this.closed ??= this.close(timeout);
    return this.closed;
  }

  clear(): Promise<void> {
    if (this.closed !== undefined) {
      this.hurry?.();
      return this.closed;
    }
    this.closed = this.close(0);
    return this.closed;
  }

  // ── reading ──────────────────────────────────────────────────────────────────────────────────────

  private metrics(): PoolMetrics {
    const c = this.counters;
    return {
      connectionsCreated: c.created,
      connectionsDestroyed: c.destroyed,
      totalAcquired: c.acquired,
      totalReleased: c.released,
      averageWaitTime: c.acquired === 0 ? 0 : c.waitTimeTotal / c.acquired,
      utilizationRate: this.activeCount() / this.options.max,
    };
  }

  private activeCount(): number {
    let active = 0;
    for (const entry of this.entries.values()) if (entry.state === 'active') active += 1;
    return active;
  }

  stats(): PoolStats {
    return {
      active: this.activeCount(),
      leases: this.leaseCount,
      idle: this.idle.length,
      waiting: this.waiters.size,
      total: this.entries.size + this.closingCount,
      pending: this.pending,
      validating: this.validating,
      closing: this.closingCount,
      min: this.options.min,
      max: this.options.max,
      hits: this.counters.hits,
      misses: this.counters.misses,
      ...this.metrics(),
      healthChecksPassed: this.counters.checksPassed,
      healthCheckFailures: this.counters.checkFailures,
      circuit: this.options.circuitBreaker.enabled ? this.breaker.state().kind : 'closed',
    };
  }

  idOf(resource: T): string {
    const entry = this.entries.get(resource);
    if (entry === undefined) throw new ConfigError(foreignResourceMessage(this.target, 'idOf'), 'idOf.resource');
    return entry.id;
  }

  prometheus(): string {
    return formatPrometheus([{ labels: { target: this.target }, stats: this.stats() }]);
  }

  private transition(entry: Entry<T>, to: ResourceState): void {
    const from = entry.state;
    if (ALLOWED[from][to] !== true) throw new Error(`rexec pool bug: illegal state change ${from} -> ${to} for ${entry.id}`);
    entry.state = to;
    if (to !== 'active' && this.shared.size > 0) this.shared.delete(entry);
    if (this.hears.state) this.events.emit('connection:state', { id: entry.id, from, to });
  }

  private report(error: unknown): void {
    this.events.emit('pool:error', asError(error));
  }
}

export function createPool<T>(factory: PoolFactory<T>, options?: PoolOptions<T>): ResourcePool<T> {
  return new Pool(factory, options);
}
