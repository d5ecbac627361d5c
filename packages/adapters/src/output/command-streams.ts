/**
 * What every adapter does around one running command, whatever carries it (a local process, an `ssh`
 * client, an ssh2 channel): bounded stdout/stderr with guarded line callbacks, and the timeout and
 * AbortSignal that end it. Each adapter supplies `kill`, its own way to end the command.
 */
import type { Readable } from 'node:stream';
import type { ExecSpec } from '../contract.js';
import { createOutputCollector, type OutputCollector } from './output-collector.js';

/** Why a command is ended by the code here: output past `maxBuffer`, a throwing line callback, its timeout, its signal. */
export type StreamKillReason = 'maxBuffer' | 'callback' | 'timeout' | 'abort';

/** Why an adapter ended a command itself: one of the reasons above, or `'dispose'` (the adapter was disposed while it ran). */
export type KillReason = StreamKillReason | 'dispose';

export interface CommandStreams {
  readonly stdout: OutputCollector;
  readonly stderr: OutputCollector;
  /** The error a line callback threw (the command was killed for it, and must reject with it). */
  callbackFailure(): { readonly error: unknown } | undefined;
}

/**
 * stdout and stderr collectors bounded by `maxBuffer` (the first byte past it kills with `'maxBuffer'`),
 * whose line callbacks are guarded: the first that throws kills with `'callback'`, and later lines are not delivered.
 */
export function createCommandStreams(
  spec: Pick<ExecSpec, 'onStdoutLine' | 'onStderrLine' | 'stdoutTo'>,
  maxBuffer: number,
  kill: (reason: 'maxBuffer' | 'callback') => void,
): CommandStreams {
  let failure: { error: unknown } | undefined;
  const guard = (listener: ((line: string) => void) | undefined) =>
    listener === undefined
      ? undefined
      : (line: string): void => {
          if (failure !== undefined) return;
          try {
            listener(line);
          } catch (error) {
            failure = { error };
            kill('callback');
          }
        };
  const onOverflow = (): void => kill('maxBuffer');
  return {
    stdout: createOutputCollector({ maxBuffer, onLine: guard(spec.onStdoutLine), onOverflow, keep: spec.stdoutTo === undefined }),
    stderr: createOutputCollector({ maxBuffer, onLine: guard(spec.onStderrLine), onOverflow }),
    callbackFailure: () => failure,
  };
}

/**
 * Kills with `'timeout'` after `spec.timeout` ms (an unref'd timer) and with `'abort'` when `spec.signal`
 * aborts (at once if it already has). Returns the function that disarms both once the command settled.
 */
export function armKillTriggers(spec: Pick<ExecSpec, 'timeout' | 'signal'>, kill: (reason: 'timeout' | 'abort') => void): () => void {
  if (spec.signal === undefined && (spec.timeout === undefined || spec.timeout <= 0)) return disarmNothing;
  const timer = spec.timeout !== undefined && spec.timeout > 0 ? setTimeout(() => kill('timeout'), spec.timeout) : undefined;
  timer?.unref();
  const onAbort = (): void => kill('abort');
  if (spec.signal?.aborted === true) onAbort();
  else spec.signal?.addEventListener('abort', onAbort, { once: true });
  return () => {
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
  };
}

const disarmNothing = (): void => undefined;

/**
 * Streams a command's stdout into `spec.stdoutTo` when it has one: with backpressure (a full destination
 * pauses `stdout`, and so the command), ending the destination when stdout ends. A destination destroyed or
 * failing stops the piping; the command goes on, and whoever piped ends it.
 */
export function pipeStdout(stdout: Readable, spec: Pick<ExecSpec, 'stdoutTo'>): void {
  const destination = spec.stdoutTo;
  if (destination === undefined) return;
  // A destination gone early (the reader ended): the rest of stdout is read and dropped, so a process that
  // was blocked writing can exit and its stdout end (a paused stream would never end).
  const release = (): void => {
    stdout.unpipe(destination);
    stdout.resume();
  };
  destination.on('error', release);
  destination.once('close', release);
  stdout.pipe(destination);
}

type ExecaStdin = { stdin: 'ignore' } | { input: string | Buffer } | { stdin: [Readable, 'pipe'] };

/** execa's stdin options for `spec.stdin`: a string or Buffer as input, a stream piped, none as an empty stdin (never the parent's). */
export function execaStdinOptions(stdin: ExecSpec['stdin']): ExecaStdin {
  if (stdin === undefined) return { stdin: 'ignore' };
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) return { input: stdin };
  return { stdin: [stdin, 'pipe'] };
}
