import { spawn, type ChildProcess } from 'node:child_process';
import { homedir } from 'node:os';
import type { Session } from 'ssh2';

/** What the server keeps of a running command: so `stop()` can end whatever is still running. */
export type RunningCommands = Set<ChildProcess>;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Ends every command still running (at server stop, or when a test kills the server). */
export function killAll(running: RunningCommands, signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const child of running) killGroup(child, signal);
  running.clear();
}

/**
 * One SSH session: an `exec` request runs `/bin/sh -c <command>` in the user's home directory in its own
 * process group (sshd does `setsid()`), stdin forwarded, stdout/stderr sent back, then `exit-status` or
 * `exit-signal`. `signal` requests are delivered to it. `env`, `pty`, `shell` and subsystems are refused.
 */
export function handleSession(session: Session, running: RunningCommands, log: (line: string) => void): void {
  let child: ChildProcess | undefined;
  session.on('env', (_accept, reject) => reject?.());
  session.on('pty', (_accept, reject) => reject?.());
  session.on('shell', (_accept, reject) => reject?.());
  session.on('subsystem', (_accept, reject) => reject?.());
  session.on('signal', (accept, reject, info) => {
    const name = `SIG${info.name}` as NodeJS.Signals;
    if (child === undefined) return reject?.();
    log(`signal ${name} to pid ${child.pid ?? '?'}`);
    killGroup(child, name);
    accept?.();
  });
  session.on('exec', (accept, reject, info) => {
    if (child !== undefined) return reject?.();
    const stream = accept();
    log(`exec: ${info.command}`);
    const proc = spawn('/bin/sh', ['-c', info.command], { cwd: homedir(), detached: true, stdio: 'pipe' });
    child = proc;
    running.add(proc);
    proc.stdout.pipe(stream, { end: false });
    proc.stderr.pipe(stream.stderr, { end: false });
    proc.stdin.on('error', () => undefined); // the command may exit before reading its input
    stream.pipe(proc.stdin);
    proc.once('error', (error) => {
      running.delete(proc);
      stream.stderr.write(`embedded ssh server: ${error.message}\n`);
      stream.exit(127);
      stream.end();
    });
    proc.once('close', (code, signal) => {
      running.delete(proc);
      log(`exit: ${signal ?? code ?? '?'} (pid ${proc.pid ?? '?'})`);
      if (signal !== null) stream.exit(signal.replace(/^SIG/, ''), false, '');
      else stream.exit(code ?? 255);
      stream.end();
    });
  });
}
