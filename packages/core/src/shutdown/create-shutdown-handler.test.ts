import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShutdownHandler, type ShutdownPool, type ShutdownProcess, type ShutdownSignal } from './create-shutdown-handler.js';
import { normalizeShutdownOptions } from './shutdown-options.js';

class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly pid = 4242;
  readonly kills: [number, ShutdownSignal][] = [];
  kill(pid: number, signal: ShutdownSignal): boolean {
    this.kills.push([pid, signal]);
    return true;
  }
}

/** A pool whose drain finishes after `drainMs` (never, when undefined), and which records what was asked. */
function fakePool(drainMs: number | undefined): ShutdownPool & { calls: string[] } {
  const calls: string[] = [];
  let finishDrain: (() => void) | undefined;
  return {
    calls,
    drainPool: () => {
      calls.push('drain');
      return new Promise<void>((resolve) => {
        finishDrain = resolve;
        if (drainMs !== undefined) setTimeout(resolve, drainMs);
      });
    },
    closePool: () => {
      calls.push('close');
      finishDrain?.();
      return Promise.resolve();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('shutdown handler', () => {
  it('installs nothing until called, and removes its listeners on uninstall', () => {
    const proc = new FakeProcess();
    expect(proc.listenerCount('SIGINT')).toBe(0);
    const uninstall = createShutdownHandler(normalizeShutdownOptions(), { process: proc, pools: () => [] });
    expect(proc.listenerCount('SIGINT')).toBe(1);
    expect(proc.listenerCount('SIGTERM')).toBe(1);
    uninstall();
    uninstall();
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('drains every pool, then re-raises the signal once drained', async () => {
    const proc = new FakeProcess();
    const pools = [fakePool(100), fakePool(200)];
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 1_000 }), { process: proc, pools: () => pools });
    proc.emit('SIGTERM', 'SIGTERM');
    expect(pools.map((pool) => pool.calls)).toEqual([['drain'], ['drain']]);
    await vi.advanceTimersByTimeAsync(150);
    expect(proc.kills).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(proc.kills).toEqual([[4242, 'SIGTERM']]);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('closes pools still busy when the grace period ends', async () => {
    const proc = new FakeProcess();
    const stuck = fakePool(undefined);
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 500 }), { process: proc, pools: () => [stuck] });
    proc.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(499);
    expect(stuck.calls).toEqual(['drain']);
    await vi.advanceTimersByTimeAsync(1);
    expect(stuck.calls[1]).toBe('close');
    expect(proc.kills).toEqual([[4242, 'SIGINT']]);
  });

  it('keeps waiting past the grace period when forceAfterGracePeriod is false', async () => {
    const proc = new FakeProcess();
    const slow = fakePool(2_000);
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 500, forceAfterGracePeriod: false }), {
      process: proc,
      pools: () => [slow],
    });
    proc.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(slow.calls).toEqual(['drain']);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(proc.kills).toEqual([[4242, 'SIGINT']]);
  });

  it('closes everything at once on a second signal', async () => {
    const proc = new FakeProcess();
    const stuck = fakePool(undefined);
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 60_000 }), { process: proc, pools: () => [stuck] });
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(0);
    expect(stuck.calls.slice(0, 2)).toEqual(['drain', 'close']);
    expect(proc.kills).toEqual([[4242, 'SIGINT']]);
  });

  it('leaves the process alone when uninstalled before the drain ends, or when another listener remains', async () => {
    const proc = new FakeProcess();
    const uninstall = createShutdownHandler(normalizeShutdownOptions(), { process: proc, pools: () => [fakePool(100)] });
    proc.emit('SIGINT', 'SIGINT');
    uninstall();
    await vi.advanceTimersByTimeAsync(200);
    expect(proc.kills).toEqual([]);

    const other = new FakeProcess();
    other.on('SIGTERM', () => {});
    createShutdownHandler(normalizeShutdownOptions(), { process: other, pools: () => [fakePool(10)] });
    other.emit('SIGTERM', 'SIGTERM');
    await vi.advanceTimersByTimeAsync(20);
    expect(other.kills).toEqual([]);
  });

  it('rejects bad options with ConfigError naming them', () => {
    expect(() => normalizeShutdownOptions({ gracePeriod: -1 })).toThrow(/gracePeriod/);
    expect(() => normalizeShutdownOptions({ gracePeriod: Number.NaN })).toThrow(/gracePeriod/);
    expect(() => normalizeShutdownOptions({ grace: 1 } as never)).toThrow(/unknown option "grace"/);
    expect(() => normalizeShutdownOptions({ forceAfterGracePeriod: 'yes' } as never)).toThrow(/forceAfterGracePeriod/);
  });
});
