import { randomBytes } from 'node:crypto';
import { quote } from '../shell/quote.js';

/**
 * The wrapper every command runs under on the remote host, as `/bin/sh -c WRAPPER rexec NONCE SCRIPT`.
 * - It prints its pid first: sshd made it a session (and process group) leader, so `kill -- -PID` over
 *   the master ends the command and everything it started (timeouts, aborts).
 * - It runs SCRIPT in a child `/bin/sh` whose EXIT trap prints `NONCE:normal` when the script ends by
 *   itself. OpenSSH's client cannot report a remote `exit-signal` (it exits 255), so the wrapper does:
 *   status > 128 without `normal` means the child was killed by signal status-128, named by `kill -l`.
 * - It outlives a SIGTERM to the group (`trap : TERM`; the child still gets the default action), so
 *   it can report how the child ended; the remote kill waits for it, and SIGKILL ends it regardless.
 * - It ends with `NONCE:exit:STATUS:SIGNAL`: a session without it did not finish (connection lost).
 * - Its own stderr is /dev/null and the real one waits on fd 3 (markers go there); the child moves fd 3
 *   back to 2 itself. So the notice a shell prints on its stderr when a foreground child is killed
 *   ("Terminated") is lost, as it is for a local `/bin/sh -c` that is killed itself.
 * One line, because csh-family login shells cannot carry newlines inside quotes.
 */
const WRAPPER =
  `exec 3>&2 2>/dev/null; trap : TERM; printf '%s:pid:%s\\n' "$1" "$$" >&3; /bin/sh -c "$2"; s=$?; g=; ` +
  `if [ "$s" -gt 128 ]; then g=$(kill -l "$s"); fi; ` +
  `printf '%s:exit:%s:%s\\n' "$1" "$s" "$g" >&3; exit "$s"`;

/** A fresh random marker for one command; nothing the command prints can guess it. */
export function createNonce(): string {
  return `rexec-${randomBytes(12).toString('hex')}`;
}


/** The one string ssh sends: the login shell execs `/bin/sh` running the wrapper (so `$$` is the session leader). */
export function buildRemoteCommand(userScript: string, nonce: string): string {
  const child = `exec 2>&3 3>&-\ntrap 'printf "%s\\n" ${nonce}:normal >&2' EXIT\n${userScript}`;
  return `exec /bin/sh -c ${quote(WRAPPER)} rexec ${quote(nonce)} ${quote(child)}`;
}

/**
 * The remote kill: `signal` (SIGTERM unless `command.kill()` or a timeout asked for another) to the command's
 * process group; when its leader (the wrapper, which waits for the command's shell) is still there after
 * `graceMs`, prints `KILL`; then SIGKILL to whatever is left in the group (background jobs that ignored the
 * signal). Only the leader is waited for: other members may linger as zombies where pid 1 does not reap.
 * `sleep 0.1` falls back to `sleep 1` where fractions are not supported.
 */
export function buildKillScript(pid: number, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): string {
  const rounds = Math.max(1, Math.ceil(graceMs / 100));
  const name = signal.replace(/^SIG/, '');
  if (!/^[A-Z0-9]+$/.test(name)) throw new TypeError(`not a signal name: ${signal}`);
  return (
    `kill -s ${name} -- -${pid} 2>/dev/null || kill -s ${name} ${pid} 2>/dev/null; i=0; ` +
    `while kill -s 0 ${pid} 2>/dev/null && [ $i -lt ${rounds} ]; do sleep 0.1 2>/dev/null || sleep 1; i=$((i+1)); done; ` +
    `if kill -s 0 ${pid} 2>/dev/null; then echo KILL; fi; kill -s KILL -- -${pid} 2>/dev/null; exit 0`
  );
}
