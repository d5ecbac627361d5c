import type { CommandOutput, ExecResult } from '@rexec/adapters';

/** Everything a finished command reports. Built from an adapter's `ExecResult` by `ProcessOutput.from`. */
export interface ProcessOutputInit extends Omit<CommandOutput, 'ok'> {
  readonly timedOut?: boolean;
  readonly isCanceled?: boolean;
  readonly isMaxBuffer?: boolean;
  readonly attempts?: number;
  /** stdout as bytes, when the adapter kept them; `buffer()` falls back to `stdout` encoded as UTF-8. */
  readonly stdoutBytes?: Buffer | undefined;
}

/**
 * The result of a command: what it printed and how it ended. Returned by `await $\`...\``, carried by
 * `CommandError.result`, and interpolated into another command as its trimmed stdout.
 */
export class ProcessOutput implements CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
  /** The exit status; `128 + n` when killed by signal n. */
  readonly exitCode: number;
  /** The signal that killed the command (`'SIGTERM'`), or null. */
  readonly signal: string | null;
  /** Exit code 0, no signal, and not stopped by a timeout, an abort or `maxBuffer`. */
  readonly ok: boolean;
  /** Milliseconds from start to settle. */
  readonly duration: number;
  /** The command as run, with registered secrets replaced by `***`. */
  readonly command: string;
  /** `'local'` or `user@host:port`. */
  readonly target: string;
  /** Killed because its timeout elapsed. */
  readonly timedOut: boolean;
  /** Killed because its AbortSignal was aborted (or the loop reading its lines stopped early). */
  readonly isCanceled: boolean;
  /** Killed because its output passed `maxBuffer`; `stdout`/`stderr` hold the head. */
  readonly isMaxBuffer: boolean;
  /** How many times the command ran: 1, or more after `.retry()` ran it again (this is the last run's output). */
  readonly attempts: number;
  readonly #bytes: Buffer | undefined;

  constructor(init: ProcessOutputInit) {
    this.stdout = init.stdout;
    this.stderr = init.stderr;
    this.exitCode = init.exitCode;
    this.signal = init.signal;
    this.duration = init.duration;
    this.command = init.command;
    this.target = init.target;
    this.timedOut = init.timedOut ?? false;
    this.isCanceled = init.isCanceled ?? false;
    this.isMaxBuffer = init.isMaxBuffer ?? false;
    this.attempts = init.attempts ?? 1;
    this.#bytes = init.stdoutBytes;
    this.ok = this.exitCode === 0 && this.signal === null && !this.timedOut && !this.isCanceled && !this.isMaxBuffer;
  }

  /** Wraps an adapter's result with the (masked) command and the adapter's target. */
  static from(result: ExecResult, context: { readonly command: string; readonly target: string; readonly attempts?: number }): ProcessOutput {
    // Field by field, not `{ ...result }`: this runs once per command and a spread copy costs more.
    return new ProcessOutput({
      stdout: result.stdout,
      stdoutBytes: result.stdoutBytes,
      stderr: result.stderr,
      exitCode: result.exitCode,
      signal: result.signal,
      duration: result.duration,
      timedOut: result.timedOut,
      isCanceled: result.isCanceled,
      isMaxBuffer: result.isMaxBuffer,
      command: context.command,
      target: context.target,
      attempts: context.attempts,
    });
  }

  /** stdout with surrounding whitespace removed — also what `${output}` interpolates as. */
  toString(): string {
    return this.stdout.trim();
  }

  /** stdout exactly as printed. */
  text(): string {
    return this.stdout;
  }

  /**
   * stdout exactly as the command printed it, byte for byte (`stdout` decodes it as UTF-8, which turns bytes
   * that are not UTF-8 into U+FFFD). A copy: changing it changes nothing here.
   */
  buffer(): Buffer {
    return this.#bytes === undefined ? Buffer.from(this.stdout, 'utf8') : Buffer.from(this.#bytes);
  }

  /** stdout split into lines (`\n` or `\r\n`), without the empty line after a final newline. */
  lines(): string[] {
    if (this.stdout === '') return [];
    const lines = this.stdout.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return lines;
  }

  /** stdout parsed as JSON. Throws `SyntaxError` naming the command and showing the start of stdout. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.stdout) as T;
    } catch (error) {
      const head = this.stdout.length > 200 ? `${this.stdout.slice(0, 200)}…` : this.stdout;
      throw new SyntaxError(
        `The stdout of \`${this.command}\` is not valid JSON (${(error as Error).message}); it starts with: ${JSON.stringify(head)}`,
        { cause: error },
      );
    }
  }
}
