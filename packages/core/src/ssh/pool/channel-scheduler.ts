/**
 * Runs commands on channels of pooled connections. A command needs a channel, not a whole connection:
 * up to `maxChannels` commands share one connection; when every held connection is full another is
 * borrowed from the pool (up to `max`), else the command waits in line (`queuePriority`, bounded by
 * `queueTimeout`). A channel the server refuses (sshd `MaxSessions` below `maxChannels`) lowers that
 * connection's limit to the channels it carries and the command is retried: it never fails because of it
 * (when nothing else of ours ran there, it retries after a short pause: see refusal-pauses.ts).
 * A connection left with no command goes back to the pool (after the current turn, so back-to-back
 * commands reuse it), where idle eviction and validation apply. Pure logic: no SSH, no I/O.
 */
import { AcquireTimeoutError, PoolClosedError, PoolExhaustedError, isConnectionError } from '@rexec/adapters';
import { createChannelLanes, type ChannelHost, type Lane } from './channel-lanes.js';
import type { ChannelScheduler, ChannelSchedulerOptions, ConnectionSource } from './channel-scheduler-types.js';
import { createCommandQueue, type Waiter } from './command-queue.js';
import { createRefusalPauses, refusalPause } from './refusal-pauses.js';

export function createChannelScheduler<C extends ChannelHost>(
  source: ConnectionSource<C>,
  options: ChannelSchedulerOptions<C>,
): ChannelScheduler<C> {
  const now = options.now ?? (() => performance.now());
  const lanes = createChannelLanes<C>();
  const queue = createCommandQueue<Lane<C>>({
    priority: options.queuePriority,
    now,
    onExpired: (waiter) => {
      waiter.reject(timedOut(waiter));
      checkDrained();
    },
  });
  const pauses = createRefusalPauses<Waiter<Lane<C>>>();
  const retiring = options.retiring ?? (() => false);
  const pickFree = (): Lane<C> | undefined => lanes.pickFree(retiring);
  let state: 'open' | 'draining' | 'closed' = 'open';
  let connecting = 0;
  let lastCreateError: unknown;
  const drainWaiters: (() => void)[] = [];

  function timedOut(waiter: Waiter<Lane<C>>): AcquireTimeoutError {
    return new AcquireTimeoutError(options.target, options.queueTimeout, waiter.lastError ?? lastCreateError);
  }

  function checkDrained(): void {
    if (state === 'open' || queue.size > 0 || pauses.size > 0 || lanes.size > 0 || connecting > 0) return;
    for (const resolve of drainWaiters.splice(0)) resolve();
  }

  function retire(conn: C): boolean {
    if (lanes.remove(conn) === undefined) return false;
    source.destroy(conn);
    return true;
  }

  function releaseIdleLanes(): void {
    // Runs after every command: no copy of the lanes (the loop only arms timers).
    for (const lane of lanes.values()) {
      if (lane.inFlight > 0 || lane.releaseTimer !== undefined || (queue.size > 0 && !retiring(lane.conn))) continue;
      lane.releaseTimer = setImmediate(() => {
        lane.releaseTimer = undefined;
        if (lane.inFlight > 0 || lanes.get(lane.conn) !== lane) return;
        lanes.remove(lane.conn);
        if (lane.conn.isOpen) source.release(lane.conn);
        else source.destroy(lane.conn);
        // A retiring connection may leave commands waiting: they need another one.
        if (queue.size > 0) pump();
        else checkDrained();
      });
    }
  }

  function requestConnections(): void {
    let uncovered = queue.size - connecting * options.maxChannels;
    while (uncovered > 0 && lanes.size + connecting < options.max) {
      connecting++;
      uncovered -= options.maxChannels;
      source.acquire().then(onConnection, onConnectionFailed);
    }
  }

  function onConnection(conn: C): void {
    connecting--;
    if (state === 'closed') source.release(conn);
    else if (!conn.isOpen) source.destroy(conn);
    else lanes.add(conn, options.maxChannels);
    pump();
  }

  function onConnectionFailed(error: unknown): void {
    connecting--;
    lastCreateError = error;
    // Nothing held and nothing coming: no waiter can be served, so each learns why now, not at its timeout.
    if (lanes.size === 0 && connecting === 0) for (const waiter of queue.takeAll()) waiter.reject(error);
    checkDrained();
  }

  function pump(): void {
    while (queue.size > 0) {
      const lane = pickFree();
      if (lane === undefined) break;
      queue.take()?.start(lane);
    }
    if (state !== 'closed') requestConnections();
    releaseIdleLanes();
    checkDrained();
  }

  function onRefused(lane: Lane<C>, waiter: Waiter<Lane<C>>, error: unknown): void {
    const held = lanes.get(lane.conn) === lane;
    if (held) lane.limit = Math.max(1, Math.min(lane.limit, lane.inFlight));
    waiter.lastError = error;
    if (state === 'closed') return waiter.reject(new PoolClosedError(options.target));
    if (now() >= waiter.deadline) return waiter.reject(timedOut(waiter));
    // Other commands of ours hold the server's sessions: the next one to finish frees a slot.
    if (held && lane.inFlight > 0) return queue.push(waiter, true);
    // Nothing else of ours ran there: the server still counts a session that just closed (or allows none).
    waiter.refusals++;
    pauses.pause(waiter, Math.min(refusalPause(waiter.refusals), Math.max(0, waiter.deadline - now())), (paused) => {
      if (state === 'closed') paused.reject(new PoolClosedError(options.target));
      else if (now() >= paused.deadline) paused.reject(timedOut(paused));
      else {
        queue.push(paused, true);
        pump();
      }
      checkDrained();
    });
  }

  function execute<T>(lane: Lane<C>, waiter: Waiter<Lane<C>>, task: (conn: C) => Promise<T>, resolve: (value: T) => void): void {
    lane.inFlight++;
    if (lane.releaseTimer !== undefined) clearImmediate(lane.releaseTimer);
    lane.releaseTimer = undefined;
    const failed = (error: unknown): void => {
      lane.inFlight--;
      if (options.isChannelRefused(error)) onRefused(lane, waiter, error);
      else {
        if (!lane.conn.isOpen || isConnectionError(error)) retire(lane.conn);
        waiter.reject(error);
      }
      pump();
    };
    let running: Promise<T>;
    try {
      running = task(lane.conn);
    } catch (error) {
      // A task that throws synchronously settles like one that rejects, on a later microtask as well.
      queueMicrotask(() => failed(error));
      return;
    }
    // No promise wrapped around the task's: this runs for every command.
    running.then((value) => {
      lane.inFlight--;
      resolve(value);
      pump();
    }, failed);
  }

  return {
    run<T>(task: (conn: C) => Promise<T>): Promise<T> {
      if (state !== 'open') return Promise.reject(new PoolClosedError(options.target));
      return new Promise<T>((resolve, reject) => {
        const waiter: Waiter<Lane<C>> = {
          deadline: now() + options.queueTimeout,
          refusals: 0,
          lastError: undefined,
          reject,
          start: (lane) => execute(lane, waiter, task, resolve),
        };
        const lane = queue.size === 0 ? pickFree() : undefined;
        if (lane !== undefined) return waiter.start(lane);
        if (queue.size >= options.maxQueued) {
          options.onQueueFull?.(queue.size, options.maxQueued);
          return reject(new PoolExhaustedError(options.target, options.max));
        }
        queue.push(waiter);
        pump();
      });
    },
    connectionLost(conn) {
      const held = retire(conn);
      pump();
      return held;
    },
    limitOf(conn) {
      return lanes.get(conn)?.limit;
    },
    stats() {
      return { running: lanes.inFlight, waiting: queue.size + pauses.size, connections: lanes.size, connecting };
    },
    drain() {
      if (state === 'open') state = 'draining';
      const drained = new Promise<void>((resolve) => drainWaiters.push(resolve));
      pump();
      return drained;
    },
    close() {
      state = 'closed';
      for (const waiter of [...queue.takeAll(), ...pauses.takeAll()]) waiter.reject(new PoolClosedError(options.target));
      const held = lanes.all().map((lane) => lane.conn);
      for (const conn of held) lanes.remove(conn);
      for (const resolve of drainWaiters.splice(0)) resolve();
      return held;
    },
  };
}

export type { ChannelScheduler, ChannelSchedulerOptions, ChannelSchedulerStats, ConnectionSource } from './channel-scheduler-types.js';
