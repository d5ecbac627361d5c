/**
 * Every message text rexec's errors carry is built here, so wording stays consistent
 * and no secret can slip in from a second place.
 */
import type { CommandOutput } from './command-output.js';

const STDERR_HEAD_CHARS = 1000;

function head(text: string, limit: number): string {
  const trimmed = text.trimEnd();
  return trimmed.length <= limit ? trimmed : `${trimmed.slice(0, limit)}… (${trimmed.length - limit} more characters)`;
}

/** A short description of a thrown value that is not always an Error. */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'string') return value;
  try {
    return JSON.stringify(value) ?? typeof value;
  } catch {
    return typeof value;
  }
}

/** ` after 3 attempts` when `retry()` ran the command more than once. */
function attemptsNote(result: CommandOutput | undefined): string {
  const attempts = result?.attempts ?? 1;
  return attempts > 1 ? ` after ${attempts} attempts` : '';
}

export function commandFailedMessage(
  result: CommandOutput,
  details: { isCanceled?: boolean; isMaxBuffer?: boolean; killed?: boolean },
): string {
  const where = result.target === 'local' ? '' : ` on ${result.target}`;
  let why: string;
  if (details.isMaxBuffer === true) why = 'output exceeded maxBuffer; the command was killed and the head of its output kept';
  else if (details.isCanceled === true && details.killed === true) {
    why = `killed by .kill()${result.signal === null ? '' : ` (${result.signal}, exit code ${result.exitCode})`}`;
  } else if (details.isCanceled === true) why = 'it was aborted';
  else if (result.signal !== null) why = `killed by ${result.signal} (exit code ${result.exitCode})`;
  else why = `exit code ${result.exitCode}`;
  const stderr = head(result.stderr, STDERR_HEAD_CHARS);
  return `Command failed${where}${attemptsNote(result)}: ${result.command}\n${why}${stderr === '' ? '' : `\nstderr: ${stderr}`}`;
}

export function timeoutMessage(what: string, timeout: number, result?: CommandOutput): string {
  const where = result === undefined || result.target === 'local' ? '' : ` on ${result.target}`;
  const stderr = result === undefined ? '' : head(result.stderr, STDERR_HEAD_CHARS);
  return `Timed out after ${timeout} ms${where}${attemptsNote(result)}: ${what}${stderr === '' ? '' : `\nstderr: ${stderr}`}`;
}

export function poolExhaustedMessage(target: string, max: number): string {
  return `Connection pool exhausted for ${target} (max: ${max})`;
}

export function acquireTimeoutMessage(target: string, timeout: number, lastCreateError?: unknown): string {
  const last = lastCreateError === undefined ? '' : `; last error while creating a resource: ${describe(lastCreateError)}`;
  return `Timed out after ${timeout} ms waiting for a resource from the pool for ${target}${last}`;
}

export function poolClosedMessage(target: string): string {
  return `The pool for ${target} is closed; create a new one (or a new $.ssh target) to run more commands`;
}

export function circuitOpenMessage(target: string, retryAfter: number, lastFailure?: unknown): string {
  const last = lastFailure === undefined ? '' : `; last failure: ${describe(lastFailure)}`;
  return `Circuit breaker open for ${target} after repeated failures; failing fast, retry after ${Math.round(retryAfter)} ms${last}`;
}

/** One line per host: `target: why` (the host's last failure). */
export function noHealthyHostMessage(group: string, failures: readonly { readonly target: string; readonly error: unknown }[]): string {
  const lines = failures.map(({ target, error }) => `  ${target}: ${error === undefined ? 'skipped (no failure recorded)' : describe(error).split('\n')[0]}`);
  return `No healthy host in ${group} to run the command (${failures.length} host${failures.length === 1 ? '' : 's'}, each skipped or failed before the command started); last failure per host:\n${lines.join('\n')}`;
}

export function hostNotRunMessage(target: string, reason: 'maxFailures' | 'failFast' | 'stopped', failed: number, maxFailures?: number): string {
  const hosts = `${failed} host${failed === 1 ? '' : 's'} failed`;
  if (reason === 'maxFailures') return `Not run on ${target}: the run stopped starting hosts after ${hosts}, more than maxFailures (${maxFailures ?? 0})`;
  if (reason === 'failFast') return `Not run on ${target}: the run stopped at the first failure (failFast)`;
  return `Not run on ${target}: the run was stopped before this host's turn`;
}

/** What to do about each transfer problem: the last sentence of a TransferError's message. */
const TRANSFER_HINTS: Readonly<Record<string, string>> = {
  'not-found': 'check the path (or pass mkdir: true to create missing parent directories of the destination)',
  exists: 'remove it first, or pass overwrite: true to replace it',
  'not-writable': 'check the permissions and that the file system is not mounted read-only, or choose another destination',
  'no-space': 'free some space on that file system (df -h), or choose another destination',
  'not-a-directory': 'a file stands where a directory must be: remove or rename it, or choose another destination',
  'is-a-directory': 'give the full path of the file to write (the destination is the file itself, not the directory it goes in)',
  unsupported: 'only regular files, directories and symlinks are transferred; verify needs sha256sum (or shasum) on the remote host',
  'verify-failed': 'the copy differs from the source: check for concurrent writers and try again',
  'connection-lost': 'the SSH connection dropped; try again (the pool opens a new connection)',
  timeout: 'raise `timeout` if the transfer is legitimately slow',
  aborted: 'the transfer was aborted through its signal',
  failed: 'see the reason and `cause`',
};

export function transferFailedMessage(details: {
  readonly problem: string;
  readonly direction: 'upload' | 'download';
  readonly target: string;
  readonly path: string;
  readonly side: 'local' | 'remote';
  readonly reason?: string | undefined;
  readonly leftover?: string | undefined;
}): string {
  const where = details.side === 'local' ? 'local path' : `remote path on ${details.target}`;
  const what: Readonly<Record<string, string>> = {
    'not-found': 'does not exist',
    exists: 'already exists (overwrite: false)',
    'not-writable': 'is not writable',
    'no-space': 'is on a full disk',
    'not-a-directory': 'is not a directory',
    'is-a-directory': 'is a directory',
    unsupported: 'cannot be transferred',
    'verify-failed': 'failed its sha256 check',
    'connection-lost': 'was being transferred when the connection was lost',
    timeout: 'was being transferred when the timeout ran out',
    aborted: 'was being transferred when the transfer was aborted',
    failed: 'could not be transferred',
  };
  const reason = details.reason === undefined || details.reason === '' ? '' : ` (${head(details.reason, 300)})`;
  const leftover = details.leftover === undefined ? '' : `; a temporary copy may remain at ${JSON.stringify(details.leftover)}: remove it`;
  const hint = TRANSFER_HINTS[details.problem] ?? TRANSFER_HINTS['failed'] ?? '';
  return `${details.direction === 'upload' ? 'Upload' : 'Download'} failed: ${where} ${JSON.stringify(details.path)} ${what[details.problem] ?? 'could not be transferred'}${reason}; ${hint}${leftover}`;
}

const TUNNEL_HINTS: Readonly<Record<string, string>> = {
  'listen-failed': 'choose another localPort (0 picks a free one) or localHost',
  'forward-refused': 'choose another remotePort (0 lets the server pick one), or allow forwarding in sshd_config (AllowTcpForwarding)',
  'open-failed': 'check that something listens at the far end of the tunnel and that forwarding is allowed (AllowTcpForwarding, AllowStreamLocalForwarding)',
  'max-connections': 'the connection was refused; raise maxConnections or use fewer connections at once',
  'no-channel': 'the pool had no free channel in time: raise pool.max, pool.maxChannels or pool.queueSize',
  'connection-lost': 'the SSH connection dropped; connections through the tunnel were closed, new ones get a new connection',
  closed: 'the tunnel (or its pool) was closed; open a new one',
};

export function tunnelFailedMessage(details: { readonly problem: string; readonly target: string; readonly tunnel: string; readonly reason?: string | undefined }): string {
  const reason = details.reason === undefined || details.reason === '' ? '' : `: ${head(details.reason, 300)}`;
  return `Tunnel ${details.tunnel} via ${details.target} failed (${details.problem})${reason}; ${TUNNEL_HINTS[details.problem] ?? ''}`;
}
