import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { ExecResult, ExecSpec } from '../contract.js';
import { createOutputCollector } from '../output/output-collector.js';
import { createMarkerFilter } from './marker-filter.js';
import { killRemoteGroup, type RemoteKillOutcome } from './remote-kill.js';
import { buildUserScript } from '../shell/user-script.js';
import { buildRemoteCommand, createNonce } from './remote-script.js';
import { settleRemoteRun } from './settle-remote-run.js';
import { commandArgs } from './ssh-args.js';
import type { RemoteKillReason, RemoteRunContext } from './remote-run-types.js';

/** One command in flight over the master: its eventual result, and a way to end it on the remote host. */
export interface RemoteRun {
  readonly result: Promise<ExecResult>;
  kill(reason: RemoteKillReason): void;
}

type StdinOptions = { stdin: 'ignore' } | { input: string | Buffer } | { stdin: [Readable, 'pipe'] };

function stdinOptions(stdin: ExecSpec['stdin']): StdinOptions {
  if (stdin === undefined) return { stdin: 'ignore' };
  if (typeof stdin === 'string' || Buffer.isBuffer(stdin)) return { input: stdin };
  return { stdin: [stdin, 'pipe'] };
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Runs `spec` through `ssh -o ControlMaster=auto` under the remote wrapper (see remote-script.ts). */
export function runRemoteCommand(spec: ExecSpec, context: RemoteRunContext): RemoteRun {
  const { options, controlPath } = context;
  const started = context.now();
  const nonce = createNonce();
  const maxBuffer = spec.maxBuffer ?? options.maxBuffer;
  const subprocess = execa(options.sshPath, commandArgs(options, controlPath, buildRemoteCommand(buildUserScript(spec), nonce)), {
    ...stdinOptions(spec.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  const exited = subprocess.then(() => undefined);

  let reason: RemoteKillReason | undefined;
  let killing: Promise<RemoteKillOutcome | undefined> | undefined;
  let callbackFailure: { error: unknown } | undefined;
  let announcePid: (pid: number) => void = () => undefined;
  const pidKnown = new Promise<number>((resolve) => (announcePid = resolve));

  const kill = (why: RemoteKillReason): void => {
    if (reason !== undefined) return;
    reason = why;
    killing = (async () => {
      const pid = filter.report.pid ?? (await Promise.race([pidKnown, exited, delay(options.checkTimeout)]));
      const outcome = typeof pid === 'number' ? await killRemoteGroup(options, controlPath, pid) : undefined;
      // The local ssh ends with the remote group; if it does not (lost master), end it here.
      await Promise.race([exited, delay(options.checkTimeout)]);
      subprocess.kill('SIGKILL');
      return outcome;
    })();
  };

  const guard = (listener: ((line: string) => void) | undefined) =>
    listener === undefined
      ? undefined
      : (line: string): void => {
          if (callbackFailure !== undefined) return;
          try {
            listener(line);
          } catch (error) {
            callbackFailure = { error };
            kill('callback');
          }
        };
  const onOverflow = (): void => kill('maxBuffer');
  const stdout = createOutputCollector({ maxBuffer, onLine: guard(spec.onStdoutLine), onOverflow });
  const stderr = createOutputCollector({ maxBuffer, onLine: guard(spec.onStderrLine), onOverflow });
  const filter = createMarkerFilter(nonce, (chunk) => stderr.write(chunk), (pid) => announcePid(pid));
  subprocess.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
  subprocess.stdout.on('end', () => stdout.end());
  subprocess.stderr.on('data', (chunk: Buffer) => filter.write(chunk));
  subprocess.stderr.on('end', () => {
    filter.end();
    stderr.end();
  });

  const timer = spec.timeout ? setTimeout(() => kill('timeout'), spec.timeout) : undefined;
  timer?.unref();
  const onAbort = (): void => kill('abort');
  if (spec.signal?.aborted === true) onAbort();
  else spec.signal?.addEventListener('abort', onAbort, { once: true });

  const result = (async (): Promise<ExecResult> => {
    const outcome = await subprocess;
    clearTimeout(timer);
    spec.signal?.removeEventListener('abort', onAbort);
    const killed = await killing;
    if (callbackFailure !== undefined) throw callbackFailure.error;
    return settleRemoteRun({
      context,
      report: filter.report,
      reason,
      killed,
      sshExitCode: outcome.exitCode,
      spawnErrorCode: outcome.exitCode === undefined && reason === undefined ? (outcome as { code?: string }).code : undefined,
      stdout: stdout.text(),
      stderr: stderr.text(),
      duration: context.now() - started,
    });
  })();
  return { result, kill };
}

