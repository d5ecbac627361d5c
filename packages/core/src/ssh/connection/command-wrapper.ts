import { buildUserScript, type ExecSpec } from '@rexec/adapters';

/** The first stderr line of every remote command: the process group id of its session (see `pgid-filter.ts`). */
export const PGID_MARKER = 'rexec:pgid=';

/**
 * The shell source sent in the exec request. sshd runs it with the user's login shell (`$SHELL -c`),
 * which must be POSIX-like (sh, dash, bash, zsh, ksh). Not `exec /bin/sh -c '...'` as ControlMaster does:
 * that costs one more exec per command (~1 ms, +40 % latency on loopback, measured with `pnpm bench`),
 * so ssh2 commands run in the login shell's dialect (docs/ssh.md). It:
 *  1. prints `rexec:pgid=$$` to stderr: sshd starts every session with `setsid()`, so `$$` is the id of the
 *     process group holding the whole command; a timeout or abort kills that group from a second channel
 *     (sshd refuses `signal` requests for root logins, see docs/ssh.md);
 *  2. `cd -- dir || exit` (sshd has no working-directory request);
 *  3. `export K=v` (sshd's `AcceptEnv` refuses env requests by default);
 *  4. runs the command on its own line, so its own `;`, `&&`, comments and heredocs mean what they do locally.
 */
export function wrapRemoteCommand(spec: Pick<ExecSpec, 'command' | 'cwd' | 'env'>): string {
  return `printf '${PGID_MARKER}%s\\n' "$$" >&2\n${buildUserScript(spec)}`;
}

/**
 * A signal name without `SIG`, from this machine's signal table (`TERM`, `KILL`, `INT`, …): safe to put in
 * a command line as it is.
 */
export type RemoteSignal = string;

/** The command that signals a session's process group from a second channel (POSIX `kill -s SIG -- -pgid`). */
export function killGroupCommand(pgid: number, signal: RemoteSignal): string {
  return `kill -s ${signal} -- -${pgid} 2>/dev/null || kill -${signal} -${pgid} 2>/dev/null; exit 0`;
}
