import type { Readable } from 'node:stream';
import { ConfigError, type Adapter } from '@rexec/adapters';
import {
  resolveCwd,
  validateCwd,
  validateEnv,
  validateSignal,
  validateStdin,
  validateTimeout,
  type CommandSettings,
  type CommandStdin,
} from './command-options.js';
import { createLineQueue, type LineQueue } from './line-queue.js';
import type { ProcessOutput } from './process-output.js';
import { runCommand } from './run-command.js';

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
  #stopper: AbortController | undefined;
  #stage: CommandStage = 'initial';

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

  /** Kill the command (locally its whole process tree) after `ms` milliseconds; 0 means never. */
  timeout(ms: number): this {
    return this.#modify('timeout', () => ({ timeout: validateTimeout(ms) }));
  }

  /** Working directory; a relative path is taken from the shell's `cd`. */
  cwd(dir: string): this {
    return this.#modify('cwd', () => ({ cwd: resolveCwd(this.#settings.cwd, validateCwd(dir)) }));
  }

  /** Variables merged onto the shell's env (and the target's environment). */
  env(vars: Record<string, string>): this {
    return this.#modify('env', () => ({ env: { ...this.#settings.env, ...validateEnv(vars) } }));
  }

  /** Standard input; without it stdin is empty. */
  stdin(input: string | Buffer | Readable): this {
    return this.#modify('stdin', () => {
      this.#stdin = validateStdin(input);
      return {};
    });
  }

  /** Aborting kills the command like a timeout does; it then rejects with `CommandError` (`isCanceled`). */
  signal(signal: AbortSignal): this {
    return this.#modify('signal', () => {
      this.#signal = validateSignal(signal);
      return {};
    });
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

  /**
   * Streams stdout line by line as the command prints. After the last line the loop ends, or throws the
   * command's error. Leaving the loop early (`break`) kills the command. Iterating a command that already
   * started yields its lines once it has finished.
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
      // A bad value stops the command for good: it never runs, and rejects with the error thrown here.
      this.#stage = 'settled';
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

  #start(): void {
    if (this.#stage !== 'initial') return;
    this.#stage = 'running';
    void runCommand({
      adapter: this.#plan.adapter,
      command: this.#plan.command,
      display: this.#plan.display,
      settings: this.#settings,
      stdin: this.#stdin,
      signals: [this.#signal, this.#stopper?.signal],
      readers: this.#readers ?? NO_READERS,
      echoes: () => this.#echoes(),
      nothrow: () => this.#settings.nothrow,
    }).then((settlement) => {
      this.#stage = 'settled';
      if (settlement.ok) this.#settle.resolve(settlement.output);
      else this.#settle.reject(settlement.error);
    });
  }

  #echoes(): boolean {
    return this.#settings.verbose && !this.#settings.quiet;
  }
}

const NO_READERS: ReadonlySet<LineQueue> = new Set();

async function* linesWhenDone(command: Promise<ProcessOutput>): AsyncGenerator<string> {
  yield* (await command).lines();
}
