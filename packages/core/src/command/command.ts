import { PassThrough, Readable, type Writable } from 'node:stream';
import { CommandError, ConfigError, KillRequest, exitCodeForSignal, type Adapter } from '@rexec/adapters';
import {
  resolveCwd,
  validateCwd,
  validateEnv,
  validateSignal,
  validateSignalName,
  validateStdin,
  validateTimeout,
  type CommandSettings,
  type CommandStdin,
} from './command-options.js';
import { createLineQueue, type LineQueue } from './line-queue.js';
import { defaultLog } from './log.js';
import { ProcessOutput } from './process-output.js';
import { normalizeRetryOptions, recordAttempts, retryDelay, type ResolvedRetryOptions, type RetryOptions } from './retry.js';
import { runCommand } from './run-command.js';
import type { Settlement } from './settle-result.js';

/** What a shell hands a command: the source to run, how to show it, where to run it, and its defaults. */
export interface CommandPlan {
  /** The shell source, values already quoted. */
  readonly command: string;
  /** `command` with registered secrets replaced by `***`: what echo, results and errors show. */
  readonly display: string;
  /** Returns the adapter to run on (called once, when the command starts). */
  readonly adapter: () => Adapter;
  readonly settings: CommandSettings;
}

/** `initial`: modifiers may be applied. `running`: handed to the adapter. `settled`: resolved or rejected. */
export type CommandStage = 'initial' | 'running' | 'settled';

type Settle = { resolve: (output: ProcessOutput) => void; reject: (error: Error) => void };

/**
 * One command: a promise of its `ProcessOutput`, with modifiers. It starts on the next microtask, or
 * as soon as it is awaited (`then`), so modifiers chained in the same expression or statement apply.
 * `.nothrow()` and `.quiet()` may still be called while it runs; the others only before it starts.
 */
export class Command extends Promise<ProcessOutput> implements AsyncIterable<string> {
  // `then`/`catch`/`finally` return plain promises, not new commands.
  static override get [Symbol.species](): PromiseConstructor {
    return Promise;
  }

  readonly #plan: CommandPlan;
  readonly #settle: Settle;
  /** Line readers (`for await`) registered before the start; created by the first one. */
  #readers: Set<LineQueue> | undefined;
  #settings: CommandSettings;
  #stdin: CommandStdin | undefined;
  #signal: AbortSignal | undefined;
  /** Aborted by `kill()` (with a `KillRequest`) or by a line reader that stops early. Created at the start. */
  #stopper: AbortController | undefined;
  /** The signal `kill()` asked for, once it was called. */
  #killed: NodeJS.Signals | undefined;
  #retry: ResolvedRetryOptions | undefined;
  #stage: CommandStage = 'initial';
  /** The command whose stdout is this one's stdin (`a.pipe(b)`, `b.stdin(a)`); this one settles after it. */
  #upstream: Command | undefined;
  /** Set on a command piped into another before it started: where its stdout goes instead of its result. */
  #stdoutTo: Writable | undefined;
  /** Ended by the other side of its pipe (which failed, or stopped reading): its own failure does not count. */
  #endedByPipe = false;
  /** This run's outcome is known (the command may still be waiting for its upstream to settle). */
  #ran = false;

  constructor(plan: CommandPlan) {
    let settle: Settle | undefined;
    super((resolve, reject) => {
      settle = { resolve, reject };
    });
    this.#settle = settle as Settle;
    this.#plan = plan;
    this.#settings = plan.settings;
    queueMicrotask(() => this.#start());
  }

  /** The command as it will run (or ran), with secrets masked. */
  get command(): string {
    return this.#plan.display;
  }

  get stage(): CommandStage {
    return this.#stage;
  }

  override then<R1 = ProcessOutput, R2 = never>(
    onFulfilled?: ((output: ProcessOutput) => R1 | PromiseLike<R1>) | null,
    onRejected?: ((reason: unknown) => R2 | PromiseLike<R2>) | null,
  ): Promise<R1 | R2> {
    this.#start();
    return super.then(onFulfilled, onRejected);
  }

  /** Resolve with the output, whatever the exit code, signal or timeout, instead of rejecting. */
  nothrow(): this {
    if (this.#stage === 'settled') throw this.#tooLate('nothrow', 'settled');
    this.#settings = { ...this.#settings, nothrow: true };
    return this;
  }

  /** Echo nothing for this command, even when the shell is verbose. */
  quiet(): this {
    this.#settings = { ...this.#settings, quiet: true };
    return this;
  }

  /** Echo the command and its output (see docs/commands.md, "Echo"). */
  verbose(): this {
    return this.#modify('verbose', () => ({ verbose: true, quiet: false }));
  }

  /**
   * Kill the command (locally its whole process tree, remotely its process group) after `ms` milliseconds;
   * 0 means never. `signal` is sent first (default SIGTERM), then SIGKILL 2 s later if anything is left.
   */
  timeout(ms: number, signal?: NodeJS.Signals): this {
    return this.#modify('timeout', () => ({
      timeout: validateTimeout(ms),
      ...(signal === undefined ? {} : { timeoutSignal: validateSignalName(signal, 'timeout', '.timeout(ms, signal)') }),
    }));
  }

  /** Working directory (or a `ProcessOutput` printing one); a relative path is taken from the shell's `cd`. */
  cwd(dir: string | ProcessOutput): this {
    return this.#modify('cwd', () => ({ cwd: resolveCwd(this.#settings.cwd, validateCwd(dir)) }));
  }

  /** Variables merged onto the shell's env (and the target's environment). */
  env(vars: Record<string, string>): this {
    return this.#modify('env', () => ({ env: { ...this.#settings.env, ...validateEnv(vars) } }));
  }

  /**
   * Standard input; without it stdin is empty. A `ProcessOutput` gives its stdout bytes; a `Command` streams
   * its stdout in as `command.pipe(this)` does. A stream cannot be combined with `.retry()` (it is read once).
   */
  stdin(input: string | Buffer | Readable | Command | ProcessOutput): this {
    return this.#modify('stdin', () => {
      const stdin = input instanceof Command ? this.#pipeFrom(input) : input instanceof ProcessOutput ? input.buffer() : validateStdin(input);
      if (!isReplayable(stdin) && this.#retry !== undefined && this.#retry.times > 0) throw streamWithRetry('stdin');
      this.#stdin = stdin;
      return {};
    });
  }

  /**
   * Streams this command's stdout into `destination`'s stdin, with backpressure, on any pair of targets, and
   * returns `destination`: awaiting it settles when both ended. A failure on either side ends the other and
   * rejects with the failing side's own error (its `command` and `target` say which); `.nothrow()` on this
   * side makes its failure not count, as a shell pipeline without `pipefail` does. This command's own result
   * then has an empty stdout (docs/commands.md#pipes-and-bytes).
   */
  pipe(destination: Command): Command {
    if (!(destination instanceof Command)) {
      throw new ConfigError(`.pipe() takes a command (e.g. .pipe(remote\`tar x -C /srv\`)), got ${destination === null ? 'null' : typeof destination}`, 'pipe');
    }
    return destination.stdin(this);
  }

  /** Aborting kills the command like a timeout does; it then rejects with `CommandError` (`isCanceled`). */
  signal(signal: AbortSignal): this {
    return this.#modify('signal', () => {
      this.#signal = validateSignal(signal);
      return {};
    });
  }

  /**
   * Run the command again when it fails, up to `times` more times (docs/commands.md#retry). By default a
   * non-zero exit, a timeout, and a connection error from before the command started are retried; a lost
   * connection while it ran (`ConnectionError` with `started: true`) is not, unless `when` says so.
   */
  retry(options: number | RetryOptions): this {
    return this.#modify('retry', () => {
      const retry = normalizeRetryOptions(options);
      if (retry.times > 0 && this.#stdin !== undefined && !isReplayable(this.#stdin)) throw streamWithRetry('retry');
      if (retry.times > 0 && this.#stdoutTo !== undefined) throw pipedWithRetry(this.#plan.display);
      this.#retry = retry;
      return {};
    });
  }

  /**
   * Ends the command: sends `signal` (default SIGTERM) to its process group — locally its whole tree,
   * remotely the remote group, as a timeout does — then SIGKILL after the grace delay if anything is left.
   * It settles as canceled (`CommandError` with `isCanceled`, or resolves with `.nothrow()`), and is not
   * retried. Called before it starts, it never runs. Returns false when it had already settled or been killed.
   * What each transport sends: docs/commands.md#kill-ending-a-running-command.
   */
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    const name = validateSignalName(signal, 'signal', '.kill(signal)');
    if (this.#stage === 'settled' || this.#killed !== undefined) return false;
    this.#killed = name;
    this.#stopper?.abort(new KillRequest(name));
    return true;
  }

  /** stdout split into lines. */
  lines(): Promise<string[]> {
    return this.then((output) => output.lines());
  }

  /** stdout parsed as JSON. */
  json<T = unknown>(): Promise<T> {
    return this.then((output) => output.json<T>());
  }

  /** stdout exactly as printed. */
  text(): Promise<string> {
    return this.then((output) => output.text());
  }

  /** stdout exactly as printed, as bytes (binary output survives; `text()` decodes UTF-8). */
  buffer(): Promise<Buffer> {
    return this.then((output) => output.buffer());
  }

  /**
   * Streams stdout line by line as the command prints. After the last line the loop ends, or throws the
   * command's error. Leaving the loop early (`break`) kills the command. Iterating a command that already
   * started yields its lines once it has finished. A retried command streams the lines of every run.
   */
  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#stage !== 'initial') return linesWhenDone(this);
    this.#stopper ??= new AbortController();
    const stopper = this.#stopper;
    const reader = createLineQueue(() => stopper.abort());
    (this.#readers ??= new Set()).add(reader);
    super.then(
      () => reader.close(),
      (error: unknown) => reader.fail(error),
    );
    return reader;
  }

  #modify(name: string, change: () => Partial<CommandSettings>): this {
    if (this.#stage !== 'initial') throw this.#tooLate(name, this.#stage);
    try {
      this.#settings = { ...this.#settings, ...change() };
    } catch (error) {
      // A bad value stops the command for good: it never runs, and rejects with the error thrown here
      // (a command piped into it is ended: nothing would read its output).
      this.#stage = 'settled';
      if (this.#upstream !== undefined) this.#upstream.#endByPipe();
      super.then(undefined, () => undefined);
      this.#settle.reject(error as Error);
      throw error;
    }
    return this;
  }

  #tooLate(name: string, stage: CommandStage): ConfigError {
    return new ConfigError(
      `.${name}() was called after the command ${stage === 'settled' ? 'settled' : 'started'}: ${this.#plan.display}\n` +
        'Apply modifiers in the same statement that creates the command (it starts on the next microtask, or when awaited)',
      name,
    );
  }

  /**
   * Makes `source` this command's upstream and returns the stream to read as stdin: its live stdout when it
   * has not started yet, else its stdout bytes once it has settled.
   */
  #pipeFrom(source: Command): Readable {
    if (source === this) throw new ConfigError(`A command cannot read its own stdout: ${this.#plan.display}`, 'stdin');
    if (source.#stdoutTo !== undefined) {
      throw new ConfigError(`The stdout of \`${source.#plan.display}\` is already piped into another command; a command's stdout feeds one command`, 'stdin');
    }
    if (this.#upstream !== undefined) throw new ConfigError(`\`${this.#plan.display}\` already reads another command's stdout`, 'stdin');
    const live = source.#stage === 'initial';
    if (live && source.#retry !== undefined && source.#retry.times > 0) throw pipedWithRetry(source.#plan.display);
    this.#upstream = source;
    if (!live) {
      // Already running: its output is buffered anyway; hand it over once it is complete.
      return Readable.from(
        (async function* () {
          yield (await source).buffer();
        })(),
        { objectMode: false },
      );
    }
    const pipe = new PassThrough();
    source.#stdoutTo = pipe;
    return pipe;
  }

  #start(): void {
    if (this.#stage !== 'initial') return;
    this.#stage = 'running';
    // Killed before it started: it never runs (nor does the command that would have fed it).
    if (this.#killed !== undefined) {
      if (this.#upstream !== undefined) this.#upstream.#endByPipe();
      return this.#finishCanceled(0, undefined);
    }
    this.#stopper ??= new AbortController();
    const upstream = this.#upstream;
    // A failure upstream ends this side at once (its own error is the one reported).
    if (upstream !== undefined) {
      void upstream.#outcome().then((up) => {
        if (!up.ok && !upstream.#endedByPipe) this.#endByPipe();
      });
    }
    this.#run(1);
  }

  /** How this command settled, for the command reading its stdout; never rejects. */
  #outcome(): Promise<{ ok: true } | { ok: false; error: Error }> {
    return super.then(
      () => ({ ok: true as const }),
      (error: unknown) => ({ ok: false as const, error: error as Error }),
    );
  }

  /** Ends this command for the other side of its pipe, unless its run already ended. */
  #endByPipe(): void {
    // Nobody reads its stdout any more: what it still prints is dropped, so it is not left blocked on a full pipe.
    this.#stdoutTo?.destroy();
    if (this.#ran) return;
    if (this.kill()) this.#endedByPipe = true;
    // Its rejection is the pipe's business, never an unhandled one.
    void this.#outcome();
  }

  /**
   * The last step of a command that reads another's stdout: a failure here ends the upstream; success here
   * with input left unread ends it too (the reader stopped, as \`head\` does in a shell); then, once the
   * upstream settled, the side that failed on its own decides — this side first, as \`pipefail\` does.
   */
  #settleWithUpstream(upstream: Command, settlement: Settlement, attempts: number): void {
    const input = this.#stdin;
    const unread = input instanceof PassThrough && !input.writableEnded;
    if (!settlement.ok || unread) upstream.#endByPipe();
    void upstream.#outcome().then((up) => {
      if (!settlement.ok && !this.#endedByPipe) return this.#finish(settlement, attempts);
      if (!up.ok && !upstream.#endedByPipe) {
        return this.#finish({ ok: false, error: up.error, output: settlement.output, target: settlement.target }, attempts);
      }
      this.#finish(settlement, attempts);
    });
  }

  #run(attempt: number): void {
    void runCommand({
      adapter: this.#plan.adapter,
      command: this.#plan.command,
      display: this.#plan.display,
      settings: this.#settings,
      stdin: this.#stdin,
      signals: [this.#signal, this.#stopper?.signal],
      readers: this.#readers ?? NO_READERS,
      stdoutTo: this.#stdoutTo,
      echoes: () => this.#echoes(),
      attempt,
      killed: () => this.#killed !== undefined,
    }).then((settlement) => {
      this.#ran = true;
      if (this.#upstream !== undefined) {
        return this.#settleWithUpstream(this.#upstream, settlement, attempt);
      }
      if (settlement.ok || this.#retry === undefined || attempt > this.#retry.times) return this.#finish(settlement, attempt);
      this.#maybeRetry(settlement, attempt, this.#retry);
    });
  }

  /** Runs attempt `attempt + 1` after the delay, when the failure is worth it; settles otherwise. */
  #maybeRetry(settlement: Settlement & { ok: false }, attempt: number, retry: ResolvedRetryOptions): void {
    const { error } = settlement;
    // Stopped on purpose (kill, abort, a reader that left): never run again.
    if (this.#stopped() || (error instanceof CommandError && error.isCanceled)) return this.#finish(settlement, attempt);
    let again: boolean;
    try {
      again = retry.when(error) === true;
    } catch (thrown) {
      return this.#finish({ ok: false, error: thrown instanceof Error ? thrown : new Error(String(thrown)) }, attempt);
    }
    if (!again) return this.#finish(settlement, attempt);
    const delay = retryDelay(attempt, retry);
    if (this.#echoes()) {
      const target = settlement.target ?? '';
      try {
        (this.#settings.log ?? defaultLog)({ kind: 'retry', attempt, attempts: retry.times + 1, delay, error, command: this.#plan.display, target });
      } catch (thrown) {
        // A log hook that throws fails the command, as it does on any other entry.
        return this.#finish({ ok: false, error: thrown instanceof Error ? thrown : new Error(String(thrown)) }, attempt);
      }
    }
    const stops = [this.#stopper?.signal, this.#signal].filter((signal): signal is AbortSignal => signal !== undefined);
    const onStop = (): void => {
      clearTimeout(timer);
      for (const signal of stops) signal.removeEventListener('abort', onStop);
      this.#finishCanceled(attempt, settlement);
    };
    const timer = setTimeout(() => {
      for (const signal of stops) signal.removeEventListener('abort', onStop);
      this.#run(attempt + 1);
    }, delay);
    for (const signal of stops) signal.addEventListener('abort', onStop, { once: true });
  }

  #stopped(): boolean {
    return this.#stopper?.signal.aborted === true || this.#signal?.aborted === true;
  }

  #finish(settlement: Settlement, attempts: number): void {
    this.#stage = 'settled';
    if (settlement.ok) return this.#settle.resolve(settlement.output);
    const { error, output } = settlement;
    if (output !== undefined && this.#settings.nothrow) return this.#settle.resolve(output);
    if (attempts > 1) recordAttempts(error, attempts);
    this.#settle.reject(error);
  }

  /**
   * Settles as canceled without running (again): killed before it started, or killed or aborted while it
   * waited to be retried (then `last`, the failure it would have retried, is the error's cause).
   */
  #finishCanceled(attempts: number, last: (Settlement & { ok: false }) | undefined): void {
    let target = last?.target;
    try {
      target ??= this.#plan.adapter().target;
    } catch (error) {
      return this.#finish({ ok: false, error: error as Error }, attempts);
    }
    const signal = this.#killed ?? 'SIGTERM';
    const output = new ProcessOutput({
      stdout: '',
      stderr: '',
      exitCode: exitCodeForSignal(signal),
      signal,
      duration: 0,
      command: this.#plan.display,
      target,
      isCanceled: true,
      attempts: Math.max(1, attempts),
    });
    const error = new CommandError(output, { isCanceled: true, killed: this.#killed !== undefined }, last === undefined ? undefined : { cause: last.error });
    this.#finish({ ok: false, output, error }, attempts);
  }

  #echoes(): boolean {
    return this.#settings.verbose && !this.#settings.quiet;
  }
}

const NO_READERS: ReadonlySet<LineQueue> = new Set();

function isReplayable(stdin: CommandStdin): boolean {
  return typeof stdin === 'string' || Buffer.isBuffer(stdin);
}

function pipedWithRetry(display: string): ConfigError {
  return new ConfigError(
    `.retry() cannot run \`${display}\` again: its stdout is piped into another command, which reads it once. ` +
      'Retry the whole pipeline in a function with retry(options, fn), or drop .retry()',
    'retry',
  );
}

function streamWithRetry(option: 'stdin' | 'retry'): ConfigError {
  return new ConfigError(
    '.retry() cannot run a command again with a stream as stdin: the first run reads it. ' +
      'Pass stdin as a string or a Buffer (e.g. await text(stream)), or drop .retry()',
    option,
  );
}

async function* linesWhenDone(command: Promise<ProcessOutput>): AsyncGenerator<string> {
  yield* (await command).lines();
}
