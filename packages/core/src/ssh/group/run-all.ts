/**
 * The engine of `group.all` and `group.each`: one command per host, `concurrency` hosts at once, in batches
 * (`batch`: a batch starts once the previous one is done), stopping new starts once more than `maxFailures`
 * hosts failed (or at the first failure with `failFast`). Every host gets one record, in any case: the
 * hosts left out get a `HostNotRunError` saying why. It holds no timer: the commands hold the process.
 */
import { CommandError, HostNotRunError, TimeoutError, type HostNotRunReason } from '@rexec/adapters';
import type { ProcessOutput } from '../../command/process-output.js';
import type { HostResult } from './group-types.js';
import { countOf, type ResolvedRunOptions } from './normalize-group-options.js';

export interface RunHost {
  readonly target: string;
}

export interface RunDeps<H extends RunHost> {
  readonly hosts: readonly H[];
  readonly options: ResolvedRunOptions;
  /** Runs the command on one host (its timeout already applied). */
  readonly runOn: (host: H) => Promise<ProcessOutput>;
  readonly now: () => number;
  /** Told when a host starts and when its record is ready (progress display). */
  readonly onStart?: ((target: string) => void) | undefined;
}

export interface RunHandle {
  /** Resolves once every host has a record; rejects with the first failure under `failFast`, as soon as it happens. */
  readonly done: Promise<void>;
  /** Resolves once every host has a record (also after a `failFast` rejection: the hosts running then have ended). Never rejects. */
  readonly finished: Promise<void>;
  /** Starts no more hosts: those not started get `HostNotRunError` (`reason: 'stopped'`). */
  stop(): void;
}

/** The output a failed command carried, if any. */
function outputOf(error: unknown): ProcessOutput | undefined {
  if (error instanceof CommandError) return error.result as ProcessOutput;
  if (error instanceof TimeoutError && error.result !== undefined) return error.result as ProcessOutput;
  return undefined;
}

/** The failure a record stands for, as an error (a non-zero exit under `.nothrow()` becomes its `CommandError`). */
export function errorOf(record: HostResult): Error {
  if (record.error !== undefined) return record.error;
  if (record.result !== undefined) return new CommandError(record.result, {});
  return new Error(`the command failed on ${record.target}`);
}

export function startRun<H extends RunHost>(deps: RunDeps<H>, onRecord: (record: HostResult, index: number) => void): RunHandle {
  const { hosts, options, now } = deps;
  const total = hosts.length;
  const batchSize = options.batch === undefined ? total : countOf(options.batch, total, 'up');
  const maxFailures = options.maxFailures === undefined ? Infinity : countOf(options.maxFailures, total, 'down');
  const recorded = new Array<boolean>(total).fill(false);
  let failed = 0;
  let stopped: HostNotRunReason | undefined;
  let rejectRun: ((error: Error) => void) | undefined;

  const record = (result: HostResult, index: number): void => {
    recorded[index] = true;
    onRecord(result, index);
  };

  const runOne = async (host: H, index: number): Promise<void> => {
    const began = now();
    deps.onStart?.(host.target);
    let result: HostResult;
    try {
      const output = await deps.runOn(host);
      result = { target: host.target, ok: output.ok, result: output, duration: now() - began };
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      result = { target: host.target, ok: false, result: outputOf(failure), error: failure, duration: now() - began };
    }
    if (!result.ok) {
      failed += 1;
      if (options.failFast && stopped === undefined) {
        stopped = 'failFast';
        record(result, index);
        rejectRun?.(errorOf(result));
        return;
      }
      if (failed > maxFailures && stopped === undefined) stopped = 'maxFailures';
    }
    record(result, index);
  };

  /** Runs one batch, `concurrency` hosts at a time, until it is done or the run stops. */
  const runBatch = async (from: number, to: number): Promise<void> => {
    let next = from;
    const worker = async (): Promise<void> => {
      while (stopped === undefined && next < to) {
        const index = next++;
        const host = hosts[index];
        if (host !== undefined) await runOne(host, index);
      }
    };
    const workers = Math.min(options.concurrency, to - from);
    await Promise.all(Array.from({ length: workers }, worker));
  };

  const run = async (): Promise<void> => {
    for (let from = 0; from < total && stopped === undefined; from += batchSize) await runBatch(from, Math.min(total, from + batchSize));
    const reason = stopped ?? 'stopped';
    hosts.forEach((host, index) => {
      if (!recorded[index]) record({ target: host.target, ok: false, error: new HostNotRunError(host.target, reason, failed, maxFailures), duration: 0 }, index);
    });
  };

  let finished: Promise<void> = Promise.resolve();
  const done = new Promise<void>((resolve, reject) => {
    rejectRun = reject;
    finished = run().then(resolve, reject);
  });
  return {
    done,
    finished,
    stop() {
      stopped ??= 'stopped';
    },
  };
}
