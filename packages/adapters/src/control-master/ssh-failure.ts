import { AuthenticationError, ConnectionError, HostKeyError, type RexecError } from '../errors/index.js';

/** OpenSSH's own message, without the banner lines of its host-key warning. */
export function opensshMessage(stderr: string): string {
  return stderr
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line !== '' && !/^@+$/.test(line) && !line.startsWith('@ '))
    .join('\n');
}

/**
 * The typed error for an ssh that failed to connect: refused or unreachable → `ConnectionError`,
 * `Permission denied (...)` → `AuthenticationError` (the methods OpenSSH lists), host-key trouble →
 * `HostKeyError`. OpenSSH's message is kept in every case.
 */
export function sshFailure(stderr: string, target: string, what: string): RexecError {
  const said = opensshMessage(stderr) || 'ssh exited without a message';
  const denied = /Permission denied \(([^)]*)\)/.exec(said);
  if (denied !== null) {
    const methods = (denied[1] ?? '').split(',').map((method) => method.trim()).filter((method) => method !== '');
    return new AuthenticationError(
      `${what}: authentication to ${target} failed (tried ${methods.join(', ') || 'nothing'}; BatchMode=yes never prompts). OpenSSH said:\n${said}`,
      target,
      methods,
    );
  }
  if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|host key is known for/i.test(stderr)) {
    const changed = /HAS CHANGED|has changed/.test(stderr);
    const fingerprint = /SHA256:[A-Za-z0-9+/]+/.exec(said)?.[0] ?? '';
    const advice = changed
      ? 'if the change is expected, remove the old line from known_hosts'
      : 'add the host key to known_hosts (ssh-keyscan), or use hostKeyCheck: "accept-new"';
    return new HostKeyError(`${what}: the host key of ${target} is ${changed ? 'different from the one recorded' : 'not known'}; ${advice}. OpenSSH said:\n${said}`, {
      target,
      problem: changed ? 'changed' : 'unknown',
      fingerprint,
    });
  }
  return new ConnectionError(`${what}: could not connect to ${target}. OpenSSH said:\n${said}`, target);
}
