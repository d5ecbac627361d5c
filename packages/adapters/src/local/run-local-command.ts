import type { ExecResult, ExecSpec } from '../contract.js';
import type { Execa } from '../load-execa.js';
import { exitCodeForSignal } from '../results.js';
import { ConfigError } from '../errors/index.js';
import { describe } from '../errors/messages.js';
import { requestedKillSignal } from '../kill-request.js';
import { armKillTriggers, createCommandStreams, execaStdinOptions, pipeStdout, type KillReason } from '../output/command-streams.js';
import type { ResolvedLocalAdapterOptions } from './local-adapter-options.js';
import { createTreeKiller, type TreeKiller } from './process-group.js';

/** One local command in flight: its eventual result, and a way to kill its whole process tree. */
export interface LocalRun {
  /** The shell's pid, which is also its process group id; undefined when it could not be spawned. */
  readonly pid: number | undefined;
  readonly result: Promise<ExecResult>;
  kill(reason: KillReason): void;
}

function exitCodeOf(exitCode: number | undefined, signal: string | undefined): number {
  if (exitCode !== undefined) return exitCode;
  return signal === undefined ? 128 : exitCodeForSignal(signal);
}

/** Spawns `shell -c command` as the leader of a new process group and collects its output. */
export function runLocalCommand(spec: ExecSpec, options: Readonly<ResolvedLocalAdapterOptions>, execa: Execa): LocalRun {
  const maxBuffer = spec.maxBuffer ?? options.maxBuffer;
  const subprocess = execa(options.shell, [...options.shellArgs, spec.command], {
    ...execaStdinOptions(spec.stdin),
    cwd: spec.cwd,
    env: spec.env,
    extendEnv: true,
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    detached: true,
    cleanup: false,
    reject: false,
  });
  const pid = subprocess.pid;
  const killer: TreeKiller =
    pid === undefined
      ? { reason: null, kill: () => undefined, dispose: () => undefined }
      : createTreeKiller({ pid, killSignal: options.killSignal, forceKillAfterDelay: options.forceKillAfterDelay });

  const streams = createCommandStreams(spec, maxBuffer, (reason) => killer.kill(reason));
  const { stdout, stderr } = streams;
  subprocess.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
  subprocess.stdout.on('end', () => stdout.end());
  pipeStdout(subprocess.stdout, spec);
  subprocess.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));
  subprocess.stderr.on('end', () => stderr.end());

  // A timeout sends `spec.timeoutSignal`, an abort by `command.kill(signal)` that signal (else the killSignal option).
  const disarm = armKillTriggers(spec, (reason) => killer.kill(reason, requestedKillSignal(spec, reason)));

  const result = (async (): Promise<ExecResult> => {
    const outcome = await subprocess;
    disarm();
    killer.dispose();
    const callbackFailure = streams.callbackFailure();
    if (callbackFailure !== undefined) throw callbackFailure.error;
    if (outcome.exitCode === undefined && outcome.signal === undefined) {
      const where = spec.cwd === undefined ? '' : ` in "${spec.cwd}"`;
      throw new ConfigError(
        `Could not start the shell "${options.shell}"${where} (${outcome.code ?? 'spawn failed'}); ` +
          'install it or set the LocalAdapter "shell" option to an existing shell',
        'shell',
        // No `cause`: execa's error and Node's spawn error both carry the command line, which may hold secrets.
      );
    }
    // A cause with no kill of ours is a failure around the process, e.g. the stdin stream errored.
    if (killer.reason === null && outcome.cause !== undefined) {
      throw outcome.cause instanceof Error ? outcome.cause : new Error(describe(outcome.cause));
    }
    return {
      stdout: stdout.text(),
      stdoutBytes: stdout.bytes(),
      stderr: stderr.text(),
      exitCode: exitCodeOf(outcome.exitCode, outcome.signal),
      signal: outcome.signal ?? null,
      timedOut: killer.reason === 'timeout',
      isCanceled: killer.reason === 'abort' || killer.reason === 'dispose',
      isMaxBuffer: killer.reason === 'maxBuffer',
      duration: outcome.durationMs,
    };
  })();
  return { pid, result, kill: (reason) => killer.kill(reason) };
}
