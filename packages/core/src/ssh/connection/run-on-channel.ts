import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import type { ClientChannel } from 'ssh2';
import { armKillTriggers, ConnectionError, createCommandStreams, pipeStdout, requestedKillSignal, type ExecResult, type ExecSpec, type KillReason } from '@rexec/adapters';
import { connectionLostMessage, noExitStatusMessage } from '../messages.js';
import type { RemoteSignal } from './command-wrapper.js';
import { createPgidFilter } from './pgid-filter.js';
import { recordedExit, sendSignalRequest } from './ssh2-internals.js';

export interface ChannelRunContext {
  readonly target: string;
  readonly now: () => number;
  /** Used when the spec sets no `maxBuffer`. */
  readonly maxBuffer: number;
  /** Milliseconds between TERM and KILL, and between KILL and closing the channel. */
  readonly forceKillAfterDelay: number;
  readonly transportOpen: () => boolean;
  /** Why the transport closed (e.g. ECONNRESET), once it did; the cause of a command's ConnectionError. */
  readonly transportError: () => Error | undefined;
  /** Signals a process group from a second channel; best effort, never throws. */
  readonly killGroup: (pgid: number, signal: RemoteSignal) => void;
}

export interface RunningCommand {
  /** The command's outcome: settles at its exit, or at most `SETTLE_AFTER_KILL_MS` after a kill began. */
  readonly result: Promise<ExecResult>;
  kill(reason: KillReason): void;
}

/**
 * How long a killed command's result may wait for the channel to report its end. Past it, the result
 * settles with what the command printed (its deadline holds whatever the transport does) and the remote
 * kill and channel close go on in the background, each step bounded by `forceKillAfterDelay`.
 */
export const SETTLE_AFTER_KILL_MS = 200;

function exitCodeOf(signal: string): number {
  return 128 + (constants.signals[signal as NodeJS.Signals] ?? 0);
}

/**
 * Runs one command on an open exec channel: collects output (bounded, line callbacks guarded), writes
 * stdin then EOF (unless the opener sent them with the exec request), and on timeout/abort/overflow kills the remote process group (TERM, then KILL after
 * `forceKillAfterDelay`, then closes the channel). Resolves for any exit; rejects with `ConnectionError`
 * when no exit status arrived and nobody killed the command (never a made-up 0). `onClosed` runs once the
 * channel is really closed (a kill on a silent transport can take its full bounded sequence).
 */
export function runOnChannel(channel: ClientChannel, spec: ExecSpec, ctx: ChannelRunContext, stdinSent: boolean, onClosed: () => void): RunningCommand {
  const started = ctx.now();
  let exit: { code: number | null; signal: string | null } | undefined;
  let killReason: KillReason | undefined;
  let lastSignal: RemoteSignal = 'TERM';
  let stdinError: unknown;
  let pgid: number | undefined;
  let finished = false;
  // Only a killed command arms timers: no array for the others.
  let timers: NodeJS.Timeout[] | undefined;
  const later = (ms: number, fn: () => void): void => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    (timers ??= []).push(timer);
  };

  const signalRemote = (name: RemoteSignal): void => {
    lastSignal = name;
    sendSignalRequest(channel, name);
    if (pgid !== undefined) ctx.killGroup(pgid, name);
  };
  const kill = (reason: KillReason): void => {
    if (finished || killReason !== undefined) return;
    killReason = reason;
    later(SETTLE_AFTER_KILL_MS, () => settleKilled(undefined));
    // The signal asked for (`.timeout(ms, signal)`, `command.kill(signal)`), else TERM; KILL follows if it is ignored.
    signalRemote((requestedKillSignal(spec, reason) ?? 'SIGTERM').replace(/^SIG/, ''));
    later(ctx.forceKillAfterDelay, () => {
      signalRemote('KILL');
      later(ctx.forceKillAfterDelay, () => {
        channel.close();
        later(ctx.forceKillAfterDelay, finish);
      });
    });
  };
  const streams = createCommandStreams(spec, spec.maxBuffer ?? ctx.maxBuffer, kill);
  const { stdout, stderr } = streams;
  const pgidFilter = createPgidFilter(
    (id) => {
      pgid = id;
      if (killReason !== undefined) ctx.killGroup(id, lastSignal);
    },
    (chunk) => stderr.write(chunk),
  );

  let settle: { resolve: (result: ExecResult) => void; reject: (error: unknown) => void } | undefined;
  let settled = false;
  const result = new Promise<ExecResult>((resolve, reject) => (settle = { resolve, reject }));

  const resolveWith = (value: ExecResult): void => {
    if (settled) return;
    settled = true;
    settle?.resolve(value);
  };
  const rejectWith = (error: unknown): void => {
    if (settled) return;
    settled = true;
    settle?.reject(error);
  };

  /** The result of a command we ended, with what it printed so far (the exit it reported, if it did). */
  function settleKilled(signal: string | null | undefined): void {
    const name = signal ?? `SIG${lastSignal}`;
    resolveWith({
      stdout: stdout.text(),
      stdoutBytes: stdout.bytes(),
      stderr: stderr.text(),
      exitCode: exit?.code ?? exitCodeOf(name),
      signal: exit?.code === null || exit === undefined ? name : null,
      timedOut: killReason === 'timeout',
      isCanceled: killReason === 'abort' || killReason === 'dispose',
      isMaxBuffer: killReason === 'maxBuffer',
      duration: ctx.now() - started,
    });
  }

  function finish(): void {
    if (finished) return;
    finished = true;
    if (timers !== undefined) for (const timer of timers) clearTimeout(timer);
    disarm();
    pgidFilter.end();
    stdout.end();
    stderr.end();
    onClosed();
    const failure = streams.callbackFailure();
    if (failure !== undefined) return rejectWith(failure.error);
    if (exit === undefined && (killReason === undefined || !ctx.transportOpen())) {
      if (ctx.transportOpen()) return rejectWith(new ConnectionError(noExitStatusMessage(ctx.target), ctx.target, { started: true }));
      const cause = ctx.transportError();
      const message = connectionLostMessage(ctx.target, 'the connection closed while the command ran');
      return rejectWith(new ConnectionError(message, ctx.target, cause === undefined ? { started: true } : { cause, started: true }));
    }
    if (stdinError !== undefined && killReason === undefined) return rejectWith(stdinError);
    settleKilled(exit === undefined ? undefined : exit.signal);
  }
  channel.on('error', () => undefined); // permanent: a reset channel must never crash the process
  channel.stderr.on('error', () => undefined);
  channel.on('data', (chunk: Buffer) => stdout.write(chunk));
  pipeStdout(channel, spec);
  channel.stderr.on('data', (chunk: Buffer) => pgidFilter.write(chunk));
  channel.on('exit', (code: number | null, signal?: string) => {
    exit = { code: typeof code === 'number' ? code : null, signal: signal ?? null };
  });
  // The exit may have come in the same chunk as the exec reply, before this listener existed.
  exit ??= recordedExit(channel);
  channel.on('close', finish);
  // Usually sent already, with the exec request (open-exec-channel.ts: `EarlyInput`).
  if (!stdinSent) writeStdin(channel, spec.stdin, (error) => (stdinError = error));

  const disarm = armKillTriggers(spec, kill);
  return { result, kill };
}

function writeStdin(channel: ClientChannel, stdin: ExecSpec['stdin'], onError: (error: unknown) => void): void {
  if (stdin === undefined) return void channel.end();
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) return void channel.end(stdin);
  const source: Readable = stdin;
  source.once('error', (error) => {
    onError(error);
    channel.end();
  });
  source.pipe(channel);
}
