import { RexecError, type RexecErrorOptions } from './rexec-error.js';

/** The transport could not be set up or was lost: refused, DNS failure, handshake timeout, reset. */
export class ConnectionError extends RexecError {
  readonly code = 'ERR_CONNECTION' as const;
  readonly retryable = true;
  /** `user@host:port`. */
  readonly target: string;
  /**
   * True when the command had started on the remote host before the transport was lost: it may have run
   * (in part), so it is never run again for you. False when it never started (a pooled command like that
   * is moved to another connection before you see this error).
   */
  readonly started: boolean;

  constructor(message: string, target: string, options?: RexecErrorOptions & { readonly started?: boolean }) {
    super(message, options);
    this.target = target;
    this.started = options?.started === true;
  }
}

/** The server refused every authentication method tried. */
export class AuthenticationError extends RexecError {
  readonly code = 'ERR_AUTHENTICATION' as const;
  readonly retryable = false;
  readonly target: string;
  /** The methods offered, in order (`'publickey'`, `'password'`, `'agent'`, ...). Never their secrets. */
  readonly methodsTried: readonly string[];

  constructor(message: string, target: string, methodsTried: readonly string[], options?: RexecErrorOptions) {
    super(message, options);
    this.target = target;
    this.methodsTried = methodsTried;
  }
}

export type HostKeyProblem = 'unknown' | 'changed';

/** The server's host key is not trusted: unknown to known_hosts, or different from the one recorded. */
export class HostKeyError extends RexecError {
  readonly code = 'ERR_HOST_KEY' as const;
  readonly retryable = false;
  readonly target: string;
  readonly problem: HostKeyProblem;
  /** SHA256 fingerprint of the key the server presented. */
  readonly fingerprint: string;
  /** SHA256 fingerprint(s) recorded for this host, when the key changed. */
  readonly expectedFingerprints: readonly string[];

  constructor(
    message: string,
    details: { target: string; problem: HostKeyProblem; fingerprint: string; expectedFingerprints?: readonly string[] },
    options?: RexecErrorOptions,
  ) {
    super(message, options);
    this.target = details.target;
    this.problem = details.problem;
    this.fingerprint = details.fingerprint;
    this.expectedFingerprints = details.expectedFingerprints ?? [];
  }
}

export function isConnectionError(value: unknown): value is ConnectionError {
  return value instanceof ConnectionError;
}
export function isAuthenticationError(value: unknown): value is AuthenticationError {
  return value instanceof AuthenticationError;
}
export function isHostKeyError(value: unknown): value is HostKeyError {
  return value instanceof HostKeyError;
}
