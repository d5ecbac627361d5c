import { userInfo } from 'node:os';
import type { Adapter, ExecResult, ExecSpec } from '../contract.js';
import { ConfigError, PoolClosedError } from '../errors/index.js';
import { validateExecSpec } from '../local/validate-exec-spec.js';
import { normalizeControlMasterOptions, type ControlMasterAdapterOptions, type ResolvedControlMasterOptions } from './control-master-options.js';
import { controlPathTemplate, expandControlPath, validateControlPathLength } from './control-path.js';
import { ControlMaster, type MasterStats } from './master.js';
import { loadExeca } from '../load-execa.js';
import { runRemoteCommand, type RemoteRun } from './run-remote-command.js';
import { canceledBeforeStart } from '../results.js';

/** Test seams: the platform (for the Windows check) and the clock. */
export interface ControlMasterAdapterDependencies {
  readonly platform?: NodeJS.Platform;
  readonly now?: () => number;
}

export interface ControlMasterAdapterStats extends MasterStats {
  readonly target: string;
  /** Commands in flight now. */
  readonly running: number;
  /** Commands that settled (any exit status). */
  readonly commands: number;
}

/**
 * Runs commands with the system OpenSSH client over one shared master connection (ControlMaster), so the
 * user's ssh set-up (config, agent, ProxyJump, hardware keys) applies and only the first command pays for
 * the handshake. Creating one spawns nothing; the master starts on the first `exec`.
 */
export class ControlMasterAdapter implements Adapter {
  readonly target: string;
  readonly options: ResolvedControlMasterOptions;
  readonly #master: ControlMaster;
  readonly #now: () => number;
  readonly #live = new Set<RemoteRun>();
  #commands = 0;
  #disposed = false;

  constructor(options: ControlMasterAdapterOptions, dependencies: ControlMasterAdapterDependencies = {}) {
    if ((dependencies.platform ?? process.platform) === 'win32') {
      throw new ConfigError(
        'ControlMasterAdapter needs connection multiplexing, which OpenSSH for native Windows does not support; ' +
          'use $.ssh without controlMaster (the ssh2 transport), or run under WSL',
        'controlMaster',
      );
    }
    this.options = normalizeControlMasterOptions(options);
    this.#now = dependencies.now ?? (() => performance.now());
    this.target = `${this.options.username ?? userInfo().username}@${this.options.host}:${this.options.port ?? 22}`;
    const template = controlPathTemplate(this.options);
    validateControlPathLength(expandControlPath(template, this.options)); // before anything runs
    this.#master = new ControlMaster({
      options: this.options,
      target: this.target,
      template,
      isDefaultPath: this.options.controlPath === undefined,
      now: this.#now,
    });
  }

  async exec(spec: ExecSpec): Promise<ExecResult> {
    if (this.#disposed) throw new PoolClosedError(this.target);
    validateExecSpec(spec);
    if (spec.signal?.aborted === true) return canceledBeforeStart();
    const controlPath = await this.#master.ensure();
    const execa = await loadExeca();
    if (this.#disposed) throw new PoolClosedError(this.target);
    const run = runRemoteCommand(spec, { options: this.options, target: this.target, controlPath, master: this.#master, now: this.#now }, execa);
    this.#live.add(run);
    try {
      return await run.result;
    } finally {
      this.#live.delete(run);
      this.#commands++;
    }
  }

  /** Finds or starts the master now; resolves once it answers on its socket (a pool's create). */
  async start(): Promise<void> {
    if (this.#disposed) throw new PoolClosedError(this.target);
    await this.#master.ensure();
  }

  /** Whether the master answers `ssh -O check` (a pool's borrow check). */
  async isAlive(): Promise<boolean> {
    if (this.#disposed) return false;
    return (await this.#master.check()).kind === 'running';
  }

  /** The master's state and counters (for `getPoolStats()` on a ControlMaster target). */
  stats(): ControlMasterAdapterStats {
    return { ...this.#master.stats(), target: this.target, running: this.#live.size, commands: this.#commands };
  }

  /** Ends running commands (they settle with `isCanceled`), then the master (`ssh -O exit`) and its socket. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const live = [...this.#live];
    for (const run of live) run.kill('dispose');
    await Promise.allSettled(live.map((run) => run.result));
    await this.#master.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }
}

/** Same as `new ControlMasterAdapter(options)`. */
export function createControlMasterAdapter(options: ControlMasterAdapterOptions): ControlMasterAdapter {
  return new ControlMasterAdapter(options);
}
