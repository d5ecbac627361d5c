import type { Adapter, ExecResult, ExecSpec } from '../contract.js';
import { ConfigError } from '../errors/index.js';
import { loadExeca } from '../load-execa.js';
import { canceledBeforeStart } from '../results.js';
import { normalizeLocalAdapterOptions, type LocalAdapterOptions, type ResolvedLocalAdapterOptions } from './local-adapter-options.js';
import { signalProcessGroup } from './process-group.js';
import { runLocalCommand, type LocalRun } from './run-local-command.js';
import { validateExecSpec } from './validate-exec-spec.js';
import { assertWorkingDirectory } from './working-directory.js';

/**
 * Runs commands on this machine with execa: `/bin/sh -c <command>` by default, each command the leader of
 * its own process group so that a timeout, an abort or an output overflow kills everything it started.
 * Creating one spawns nothing and reads no environment; commands see the environment of the moment they run.
 */
export class LocalAdapter implements Adapter {
  readonly target = 'local';
  readonly options: Readonly<ResolvedLocalAdapterOptions>;
  readonly #live = new Set<LocalRun>();
  #disposed = false;

  constructor(options: LocalAdapterOptions = {}) {
    this.options = normalizeLocalAdapterOptions(options);
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    if (this.#disposed) throw new ConfigError('This LocalAdapter was disposed; create a new one to run more commands', 'adapter');
    validateExecSpec(spec);
    if (spec.cwd !== undefined) await assertWorkingDirectory(spec.cwd);
    const execa = await loadExeca();
    // Aborted before it started: never spawn it (a started process could act before the kill reaches it).
    if (spec.signal?.aborted === true) return canceledBeforeStart();
    const run = runLocalCommand(spec, this.options, execa);
    if (this.#live.size === 0) process.on('exit', this.#killAllOnExit);
    this.#live.add(run);
    try {
      return await run.result;
    } finally {
      this.#live.delete(run);
      if (this.#live.size === 0) process.off('exit', this.#killAllOnExit);
    }
  }

  /**
   * Commands run in their own process groups, so they would outlive a script that calls
   * `process.exit()` while they run. On exit (synchronous, so no grace period) each group gets SIGKILL.
   */
  readonly #killAllOnExit = (): void => {
    for (const run of this.#live) if (run.pid !== undefined) signalProcessGroup(run.pid, 'SIGKILL');
  };

  /** Kills the process tree of every command still running (they settle with `isCanceled`), and waits for them. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    const live = [...this.#live];
    for (const run of live) run.kill('dispose');
    await Promise.allSettled(live.map((run) => run.result));
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Same as `new LocalAdapter(options)`. */
export function createLocalAdapter(options: LocalAdapterOptions = {}): LocalAdapter {
  return new LocalAdapter(options);
}
