import type { Readable, Writable } from 'node:stream';
import type { ExecSpec } from '@rexec/adapters';
import type { CommandSettings } from './command-options.js';
import type { LineQueue } from './line-queue.js';
import { defaultLog } from './log.js';
import { commandForShell } from './shell-choice.js';

export interface ExecSpecInputs {
  readonly command: string;
  /** The command with secrets masked: what the log shows. */
  readonly display: string;
  readonly settings: CommandSettings;
  readonly stdin: string | Buffer | Readable | undefined;
  /** Where stdout goes when this command is piped into another. */
  readonly stdoutTo?: Writable | undefined;
  /** The user's signal and the one that stops the command (`kill()`, or a line reader leaving early). */
  readonly signals: readonly (AbortSignal | undefined)[];
  /** Line readers (`for await`) registered before the command started; each gets every stdout line. */
  readonly readers: ReadonlySet<LineQueue>;
  /** Read on each line, so `.quiet()` applied while running takes effect at once. */
  readonly echoes: () => boolean;
}

/** Turns a command's settings into what an adapter runs; line callbacks only when something reads them. */
export function buildExecSpec(inputs: ExecSpecInputs, target: string): ExecSpec {
  const { command, display, settings, stdin, stdoutTo, signals, readers, echoes } = inputs;
  const { cwd, env, timeout, timeoutSignal, maxBuffer, verbose, shell, pipefail } = settings;
  const log = settings.log ?? defaultLog;
  const active = signals.filter((signal): signal is AbortSignal => signal !== undefined);
  const wantsStdout = readers.size > 0 || verbose;
  return {
    command: commandForShell(command, shell, pipefail),
    cwd,
    env: Object.keys(env).length > 0 ? env : undefined,
    stdin,
    timeout: timeout > 0 ? timeout : undefined,
    timeoutSignal: timeout > 0 ? timeoutSignal : undefined,
    signal: active.length > 1 ? AbortSignal.any(active) : active[0],
    maxBuffer,
    stdoutTo,
    onStdoutLine: !wantsStdout
      ? undefined
      : (line) => {
          if (echoes()) log({ kind: 'stdout', line, command: display, target });
          for (const reader of readers) reader.push(line);
        },
    onStderrLine: !verbose
      ? undefined
      : (line) => {
          if (echoes()) log({ kind: 'stderr', line, command: display, target });
        },
  };
}
