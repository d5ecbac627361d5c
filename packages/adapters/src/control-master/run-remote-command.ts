import type { ExecResult, ExecSpec } from '../contract.js';
import type { Execa } from '../load-execa.js';
import { requestedKillSignal } from '../kill-request.js';
import { armKillTriggers, createCommandStreams, execaStdinOptions, pipeStdout } from '../output/command-streams.js';
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

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());

/** Runs `spec` through `ssh -o ControlMaster=auto` under the remote wrapper (see remote-script.ts). */
export function runRemoteCommand(spec: ExecSpec, context: RemoteRunContext, execa: Execa): RemoteRun {
  const { options, controlPath } = context;
  const started = context.now();
  const nonce = createNonce();
  const maxBuffer = spec.maxBuffer ?? options.maxBuffer;
  const subprocess = execa(options.sshPath, commandArgs(options, controlPath, buildRemoteCommand(buildUserScript(spec), nonce)), {
    ...execaStdinOptions(spec.stdin),
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
  });
  const exited = subprocess.then(() => undefined);

  let reason: RemoteKillReason | undefined;
  let killing: Promise<RemoteKillOutcome | undefined> | undefined;
  let announcePid: (pid: number) => void = () => undefined;
  const pidKnown = new Promise<number>((resolve) => (announcePid = resolve));

  const kill = (why: RemoteKillReason): void => {
    if (reason !== undefined) return;
    reason = why;
    killing = (async () => {
      const pid = filter.report.pid ?? (await Promise.race([pidKnown, exited, delay(options.checkTimeout)]));
      // A timeout sends `spec.timeoutSignal`, an abort by `command.kill(signal)` that signal (else SIGTERM).
      const outcome = typeof pid === 'number' ? await killRemoteGroup(options, controlPath, pid, requestedKillSignal(spec, why)) : undefined;
      // The local ssh ends with the remote group; if it does not (lost master), end it here.
      await Promise.race([exited, delay(options.checkTimeout)]);
      subprocess.kill('SIGKILL');
      return outcome;
    })();
  };

  const streams = createCommandStreams(spec, maxBuffer, kill);
  const { stdout, stderr } = streams;
  const filter = createMarkerFilter(nonce, (chunk) => stderr.write(chunk), (pid) => announcePid(pid));
  subprocess.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
  subprocess.stdout.on('end', () => stdout.end());
  pipeStdout(subprocess.stdout, spec);
  subprocess.stderr.on('data', (chunk: Buffer) => filter.write(chunk));
  subprocess.stderr.on('end', () => {
    filter.end();
    stderr.end();
  });

  const disarm = armKillTriggers(spec, kill);

  const result = (async (): Promise<ExecResult> => {
    const outcome = await subprocess;
    disarm();
    const killed = await killing;
    const callbackFailure = streams.callbackFailure();
    if (callbackFailure !== undefined) throw callbackFailure.error;
    return settleRemoteRun({
      context,
      report: filter.report,
      reason,
      killed,
      sshExitCode: outcome.exitCode,
      spawnErrorCode: outcome.exitCode === undefined && reason === undefined ? (outcome as { code?: string }).code : undefined,
      stdout: stdout.bytes(),
      stderr: stderr.text(),
      duration: context.now() - started,
    });
  })();
  return { result, kill };
}

