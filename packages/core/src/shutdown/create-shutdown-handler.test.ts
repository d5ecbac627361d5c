import { EventEmitter } from 'node:events';
import { CommandError, ConnectionError, PoolClosedError, type CommandOutput } from '@rexec/adapters';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createShutdownHandler, type ShutdownPool, type ShutdownProcess, type ShutdownSignal } from './create-shutdown-handler.js';
import { normalizeShutdownOptions } from './shutdown-options.js';

/** A process that records what it is asked: kills, exits (which run the `exit` listeners, as process.exit does), stderr. */
class FakeProcess extends EventEmitter implements ShutdownProcess {
  readonly pid = 4242;
  platform = 'linux';
  exitCode: number | string | undefined = undefined;
  readonly kills: [number, ShutdownSignal][] = [];
  readonly exits: number[] = [];
  /** Everything in order: `exit <code>` and `kill <signal>`. */
  readonly steps: string[] = [];
  printed = '';
  readonly stderr = {
    write: (text: string): boolean => {
      this.printed += text;
      return true;
    },
  };
  kill(pid: number, signal: ShutdownSignal): boolean {
    this.kills.push([pid, signal]);
    this.steps.push(`kill ${signal}`);
    return true;
  }
  exit(code: number): void {
    this.exits.push(code);
    this.steps.push(`exit ${code}`);
    this.emit('exit', code);
  }
}

function output(fields: Partial<CommandOutput> = {}): CommandOutput {
  return { stdout: '', stderr: '', exitCode: 143, signal: 'SIGTERM', ok: false, duration: 5, command: 'sleep 30', target: 'root@db:22', ...fields };
}

/** Errors of commands the shutdown canceled or refused: they must end the process silently. */
function shutdownErrors(signal: ShutdownSignal): Error[] {
  return [
    new CommandError(output(), { isCanceled: true }),
    new CommandError(output({ exitCode: 128 + (signal === 'SIGINT' ? 2 : 15), signal })),
    new ConnectionError('Connection to root@db:22 closed while a command ran', 'root@db:22'),
    new PoolClosedError('root@db:22'),
    new Error('deploy step failed', { cause: new CommandError(output(), { isCanceled: true }) }),
  ];
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
    // exit(143) first, so the `exit` listeners run (local commands are killed there), then the signal from the last of them.
    expect(proc.steps).toEqual(['exit 143', 'kill SIGTERM']);
    expect(proc.listenerCount('SIGTERM')).toBe(0);
  });

  it('knows which signal it was installed for: process.emit(signal) without a name still ends with 128 + n', async () => {
    const proc = new FakeProcess();
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 1_000 }), { process: proc, pools: () => [fakePool(10)] });
    proc.emit('SIGINT');
    expect(proc.exitCode).toBe(130);
    await vi.advanceTimersByTimeAsync(20);
    expect(proc.steps).toEqual(['exit 130', 'kill SIGINT']);
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
    expect(other.exits).toEqual([]);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('on %s, the exit code is %i from the start, and the process ends with it and the signal', async (signal, code) => {
    const proc = new FakeProcess();
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 1_000 }), { process: proc, pools: () => [fakePool(100)] });
    expect(proc.exitCode).toBeUndefined();
    proc.emit(signal, signal);
    // Set at once: a script that ends by itself while draining ends with it too.
    expect(proc.exitCode).toBe(code);
    expect(proc.steps).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    expect(proc.steps).toEqual([`exit ${code}`, `kill ${signal}`]);
  });

  it('installs no error guard and leaves the exit code alone until a signal arrives', () => {
    const proc = new FakeProcess();
    proc.exitCode = 3;
    createShutdownHandler(normalizeShutdownOptions(), { process: proc, pools: () => [] });
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    expect(proc.exitCode).toBe(3);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'after %s, errors of commands the shutdown canceled print nothing, and the drain still decides when the process ends',
    async (signal) => {
      const proc = new FakeProcess();
      createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 500 }), { process: proc, pools: () => [fakePool(undefined)] });
      proc.emit(signal, signal);
      expect(proc.listenerCount('uncaughtException')).toBe(1);
      for (const error of shutdownErrors(signal)) proc.emit('uncaughtException', error, 'unhandledRejection');
      expect(proc.printed).toBe('');
      expect(proc.steps).toEqual([]);
      await vi.advanceTimersByTimeAsync(500);
      expect(proc.steps).toEqual([`exit ${signal === 'SIGINT' ? 130 : 143}`, `kill ${signal}`]);
      expect(proc.printed).toBe('');
    },
  );

  it('prints any other uncaught error after the signal, then ends the process at once with 128 + n', () => {
    const proc = new FakeProcess();
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 60_000 }), { process: proc, pools: () => [fakePool(undefined)] });
    proc.emit('SIGINT', 'SIGINT');
    // A command that failed by itself while draining (exit 3), not one the shutdown stopped.
    const failed = new CommandError(output({ exitCode: 3, signal: null }));
    proc.emit('uncaughtException', failed, 'unhandledRejection');
    expect(proc.printed).toContain('CommandError');
    expect(proc.printed).toContain('    at ');
    expect(proc.steps).toEqual(['exit 130', 'kill SIGINT']);
    expect(proc.listenerCount('SIGINT') + proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('prints a thrown non-error as Node does ("Uncaught ...")', () => {
    const proc = new FakeProcess();
    createShutdownHandler(normalizeShutdownOptions(), { process: proc, pools: () => [fakePool(undefined)] });
    proc.emit('SIGTERM', 'SIGTERM');
    proc.emit('uncaughtException', 'oops', 'uncaughtException');
    expect(proc.printed).toBe("Uncaught 'oops'\n");
    expect(proc.exits).toEqual([143]);
  });

  it("leaves uncaught errors to the script's own uncaughtException listener", async () => {
    const proc = new FakeProcess();
    const seen: unknown[] = [];
    proc.on('uncaughtException', (error) => seen.push(error));
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 100 }), { process: proc, pools: () => [fakePool(undefined)] });
    proc.emit('SIGINT', 'SIGINT');
    proc.emit('uncaughtException', new TypeError('boom'), 'uncaughtException');
    expect(seen).toHaveLength(1);
    expect(proc.printed).toBe('');
    expect(proc.exits).toEqual([]);
    // The shutdown itself still ends the process.
    await vi.advanceTimersByTimeAsync(100);
    expect(proc.steps).toEqual(['exit 130', 'kill SIGINT']);
  });

  it('with another listener for the signal: canceled commands stay silent, a genuine error exits with 128 + n without re-raising', async () => {
    const proc = new FakeProcess();
    proc.on('SIGTERM', () => {});
    createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 100 }), { process: proc, pools: () => [fakePool(undefined)] });
    proc.emit('SIGTERM', 'SIGTERM');
    expect(proc.exitCode).toBe(143);
    for (const error of shutdownErrors('SIGTERM')) proc.emit('uncaughtException', error, 'unhandledRejection');
    await vi.advanceTimersByTimeAsync(200);
    // The other listener decides when to end; the exit code it would end with is already 143.
    expect(proc.steps).toEqual([]);
    expect(proc.exitCode).toBe(143);
    proc.emit('uncaughtException', new RangeError('bad'), 'uncaughtException');
    expect(proc.printed).toContain('RangeError: bad');
    expect(proc.steps).toEqual(['exit 143']);
  });

  it('on Windows, where a signal raised at oneself terminates with exit code 1, only exits with 128 + n', async () => {
    const proc = new FakeProcess();
    proc.platform = 'win32';
    createShutdownHandler(normalizeShutdownOptions(), { process: proc, pools: () => [fakePool(10)] });
    proc.emit('SIGINT', 'SIGINT');
    await vi.advanceTimersByTimeAsync(10);
    expect(proc.steps).toEqual(['exit 130']);
  });

  it('uninstall() while draining removes the guard and gives the exit code back', async () => {
    const proc = new FakeProcess();
    proc.exitCode = 2;
    const uninstall = createShutdownHandler(normalizeShutdownOptions({ gracePeriod: 100 }), { process: proc, pools: () => [fakePool(50)] });
    proc.emit('SIGINT', 'SIGINT');
    expect(proc.exitCode).toBe(130);
    uninstall();
    expect(proc.exitCode).toBe(2);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(proc.steps).toEqual([]);
  });

  it('rejects bad options with ConfigError naming them', () => {
    expect(() => normalizeShutdownOptions({ gracePeriod: -1 })).toThrow(/gracePeriod/);
    expect(() => normalizeShutdownOptions({ gracePeriod: Number.NaN })).toThrow(/gracePeriod/);
    expect(() => normalizeShutdownOptions({ grace: 1 } as never)).toThrow(/unknown option "grace"/);
    expect(() => normalizeShutdownOptions({ forceAfterGracePeriod: 'yes' } as never)).toThrow(/forceAfterGracePeriod/);
  });
});
