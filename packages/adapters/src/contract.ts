import type { Readable, Writable } from 'node:stream';

/** Everything an adapter needs to run one command. Built by `@rexec/core` from a template and its modifiers. */
export interface ExecSpec {
  /** The final shell source, already quoted. Adapters hand it to a shell unchanged. */
  readonly command: string;
  /** Working directory. Remote adapters apply it in the command itself (`cd -- dir && ...`). */
  readonly cwd?: string | undefined;
  /** Variables merged onto the target's environment. Remote adapters apply them in the command itself. */
  readonly env?: Readonly<Record<string, string>> | undefined;
  /** Standard input; closed after it is written. Without it, stdin is empty (never inherited). */
  readonly stdin?: string | Buffer | Readable | undefined;
  /** Milliseconds before the command is killed (locally its whole tree; remotely signalled then closed). */
  readonly timeout?: number | undefined;
  /**
   * The signal sent first when `timeout` elapses; default the adapter's (`SIGTERM`); `SIGKILL` follows
   * after the adapter's grace delay if the command is still there (docs/commands.md#kill-ending-a-running-command).
   */
  readonly timeoutSignal?: NodeJS.Signals | undefined;
  /**
   * Aborting kills the command like a timeout does. When the abort's reason is a `KillRequest`
   * (`command.kill(signal)`), adapters that can choose the signal send that one first.
   */
  readonly signal?: AbortSignal | undefined;
  /** Bytes of stdout (and, separately, stderr) kept; past this the command is killed and `isMaxBuffer` set. */
  readonly maxBuffer?: number | undefined;
  /**
   * Where stdout goes instead of being kept (`a.pipe(b)`: `b`'s stdin): written with backpressure, ended
   * when stdout ends. The result's stdout is then empty and `maxBuffer` does not apply to it; line callbacks
   * still get every line.
   */
  readonly stdoutTo?: Writable | undefined;
  /** Called with each complete line of stdout, without its newline, as it arrives. */
  readonly onStdoutLine?: ((line: string) => void) | undefined;
  /** Called with each complete line of stderr, without its newline, as it arrives. */
  readonly onStderrLine?: ((line: string) => void) | undefined;
}

/**
 * What an adapter reports for a command that ran (whatever its exit status).
 * Adapters resolve with this for exits, signals, timeouts, aborts and output overflow;
 * they reject only when the command could not be run or its transport failed
 * (e.g. `ConnectionError`), never with a made-up exit code.
 */
export interface ExecResult {
  readonly stdout: string;
  /** stdout exactly as printed (`stdout` is these bytes as UTF-8). Adapters that cannot tell leave it out. */
  readonly stdoutBytes?: Buffer | undefined;
  readonly stderr: string;
  /** The exit status; `128 + n` when killed by signal n. */
  readonly exitCode: number;
  /** Signal name (`'SIGTERM'`) when the command was killed by one, else null. */
  readonly signal: string | null;
  /** Killed because `timeout` elapsed. */
  readonly timedOut: boolean;
  /** Killed because `signal` was aborted. */
  readonly isCanceled: boolean;
  /** Killed because output passed `maxBuffer`; stdout/stderr hold the head that was kept. */
  readonly isMaxBuffer: boolean;
  /** Wall-clock milliseconds from start to settle. */
  readonly duration: number;
  /**
   * Where the command ran, when the adapter chose it per command (a host group picks a host for each one):
   * results and errors name this instead of the adapter's `target`. Absent for adapters with one target.
   */
  readonly target?: string | undefined;
}

/** The execution contract: anything that can run a shell command string. */
export interface Adapter {
  /** `'local'` or `user@host:port`; shown in results and errors. */
  readonly target: string;
  exec(spec: ExecSpec): Promise<ExecResult>;
  /** Releases what the adapter holds (processes, masters, connections). Idempotent. */
  dispose(): Promise<void>;
}
