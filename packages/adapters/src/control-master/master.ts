import { rm } from 'node:fs/promises';
import { ConnectionError, PoolClosedError } from '../errors/index.js';
import type { ResolvedControlMasterOptions } from './control-master-options.js';
import { prepareControlDir, removeStaleSocket } from './control-path.js';
import { checkMaster, exitMaster, type MasterCheck } from './master-check.js';
import { resolveControlPath } from './resolve-control-path.js';
import { runSsh } from './run-ssh.js';
import { masterArgs } from './ssh-args.js';
import { sshFailure } from './ssh-failure.js';

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

/** `idle` (none yet) → `starting` → `ready`; `failed` after a start that failed; `closed` after dispose. */
export type MasterState = 'idle' | 'starting' | 'ready' | 'failed' | 'closing' | 'closed';

export interface MasterStats {
  readonly state: MasterState;
  /** The socket path with OpenSSH's tokens expanded, once known. */
  readonly controlPath: string | undefined;
  /** The master's pid as `ssh -O check` reports it. */
  readonly pid: number | undefined;
  /** True when a master was already running at the path (another process's): dispose leaves it alone. */
  readonly adopted: boolean;
  readonly starts: number;
  /** Starts after a master was seen dead or stale. */
  readonly restarts: number;
  readonly checks: number;
  readonly lastError: string | undefined;
}

export interface MasterContext {
  readonly options: ResolvedControlMasterOptions;
  readonly target: string;
  readonly template: string;
  readonly isDefaultPath: boolean;
  readonly now: () => number;
}

/** One OpenSSH master: found or started on demand, checked, restarted when dead or stale, ended by `close()`. */
export class ControlMaster {
  readonly #context: MasterContext;
  #state: MasterState = 'idle';
  #path: string | undefined;
  #pid: number | undefined;
  #adopted = false;
  #starts = 0;
  #restarts = 0;
  #checks = 0;
  #lastError: string | undefined;
  #freshUntil = 0;
  #pending: Promise<string> | undefined;

  constructor(context: MasterContext) {
    this.#context = context;
  }

  /** Resolves with the socket path once a master answers on it. One check/start at a time, shared by callers. */
  ensure(): Promise<string> {
    if (this.#state === 'closing' || this.#state === 'closed') return Promise.reject(new PoolClosedError(this.#context.target));
    if (this.#state === 'ready' && this.#path !== undefined && this.#context.now() < this.#freshUntil) return Promise.resolve(this.#path);
    this.#pending ??= this.#ensureSlow().finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  /**
   * A command went through the master: it is alive for a while yet (its ControlPersist timer restarts
   * when the last session ends), so the next command may skip `ssh -O check`.
   */
  noteActivity(): void {
    const { controlPersistMs } = this.#context.options;
    this.#freshUntil = this.#context.now() + Math.min(30_000, controlPersistMs === undefined ? 30_000 : controlPersistMs / 2);
  }

  /** Something looked wrong (a session ended without a status): check before the next command. */
  markSuspect(): void {
    this.#freshUntil = 0;
  }

  /** `ssh -O check` now; `running` also refreshes the state. */
  async check(): Promise<MasterCheck> {
    const path = this.#path ?? (await this.#resolvePath());
    this.#checks++;
    const found = await checkMaster(this.#context.options, path);
    if (found.kind === 'running') this.#pid = found.pid;
    return found;
  }

  get controlPath(): string | undefined {
    return this.#path;
  }

  stats(): MasterStats {
    return {
      state: this.#state,
      controlPath: this.#path,
      pid: this.#pid,
      adopted: this.#adopted,
      starts: this.#starts,
      restarts: this.#restarts,
      checks: this.#checks,
      lastError: this.#lastError,
    };
  }

  /** Ends the master with `ssh -O exit` and removes its socket, unless it was adopted. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closing' || this.#state === 'closed') return;
    const wasUsed = this.#state !== 'idle';
    this.#state = 'closing';
    await this.#pending?.catch(() => undefined);
    if (wasUsed && !this.#adopted && this.#path !== undefined) {
      const exited = await exitMaster(this.#context.options, this.#path);
      // No answer on the socket (removed or hung): the master is a local ssh process; end it by pid.
      if (!exited && this.#pid !== undefined) signalProcess(this.#pid, 'SIGTERM');
      await rm(this.#path, { force: true });
    }
    this.#state = 'closed';
  }

  async #resolvePath(): Promise<string> {
    const path = await resolveControlPath(this.#context.options, this.#context.template);
    await prepareControlDir(path, this.#context.isDefaultPath);
    this.#path = path;
    return path;
  }

  async #ensureSlow(): Promise<string> {
    const wasReady = this.#state === 'ready';
    const path = this.#path ?? (await this.#resolvePath());
    const found = await this.check();
    if (found.kind === 'running') {
      if (this.#starts === 0) this.#adopted = true;
      return this.#ready(path);
    }
    if (found.kind === 'stale') await removeStaleSocket(path); // else a new master would refuse the path
    if (wasReady || this.#starts > 0) this.#restarts++;
    this.#state = 'starting';
    try {
      await this.#start(path);
    } catch (error) {
      this.#state = 'failed';
      this.#lastError = error instanceof Error ? error.message : String(error);
      throw error;
    }
    return this.#ready(path);
  }

  #ready(path: string): string {
    this.#state = 'ready';
    this.#lastError = undefined;
    this.noteActivity();
    return path;
  }

  async #start(path: string): Promise<void> {
    const { options, target } = this.#context;
    this.#starts++;
    this.#adopted = false;
    const run = await runSsh(options.sshPath, masterArgs(options, path), { timeout: options.readyTimeout, forceKillAfterDelay: 500, ownProcessGroup: true });
    if (run.timedOut) {
      const said = run.stderr.trim() === '' ? '' : ` OpenSSH said:\n${run.stderr.trim()}`;
      throw new ConnectionError(`The OpenSSH master for ${target} did not connect and authenticate within ${options.readyTimeout} ms (readyTimeout); it was killed.${said}`, target);
    }
    if (run.exitCode !== 0) throw sshFailure(run.stderr, target, 'Starting the OpenSSH master failed');
    const found = await this.check();
    if (found.kind !== 'running') {
      throw new ConnectionError(`The OpenSSH master for ${target} started but does not answer on ${path}: ${found.kind === 'stale' ? found.why : 'no socket'}`, target);
    }
  }
}
