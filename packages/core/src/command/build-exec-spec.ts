import type { Readable } from 'node:stream';
import type { ExecSpec } from '@rexec/adapters';
import type { CommandSettings } from './command-options.js';
import { echoLine } from './echo.js';
import type { LineQueue } from './line-queue.js';

export interface ExecSpecInputs {
  readonly command: string;
  readonly settings: CommandSettings;
  readonly stdin: string | Buffer | Readable | undefined;
  /** The user's signal and the one that stops the command when a line reader leaves early. */
  readonly signals: readonly (AbortSignal | undefined)[];
  /** Line readers (`for await`) registered before the command started; each gets every stdout line. */
  readonly readers: ReadonlySet<LineQueue>;
  /** Read on each line, so `.quiet()` applied while running takes effect at once. */
  readonly echoes: () => boolean;
}

/** Turns a command's settings into what an adapter runs; line callbacks only when something reads them. */
export function buildExecSpec({ command, settings, stdin, signals, readers, echoes }: ExecSpecInputs): ExecSpec {
  const { cwd, env, timeout, maxBuffer, verbose } = settings;
  const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const wantsStdout = readers.size > 0 || verbose;
  return {
    command,
    cwd,
    env: Object.keys(env).length > 0 ? env : undefined,
    stdin,
    timeout: timeout > 0 ? timeout : undefined,
    signal: active.length > 1 ? AbortSignal.any(active) : active[0],
    maxBuffer,
    onStdoutLine: !wantsStdout
      ? undefined
      : (line) => {
          if (echoes()) echoLine('stdout', line);
          for (const reader of readers) reader.push(line);
        },
    onStderrLine: !verbose
      ? undefined
      : (line) => {
          if (echoes()) echoLine('stderr', line);
        },
  };
}
