import { ConnectionError } from '@rexec/adapters';

/**
 * The server refused to open a session channel before anything ran (sshd `MaxSessions` reached:
 * ssh2 reports "(SSH) Channel open failure: open failed"). Internal, not exported publicly: the pooling
 * layer catches it, lowers that connection's channel limit and runs the command elsewhere.
 */
export class ChannelRefusedError extends Error {
  readonly code = 'ERR_CHANNEL_REFUSED' as const;
  /** Always safe: the command did not start. */
  readonly retryable = true;
  readonly target: string;
  /** The SSH reason code the server gave (2 = connect failed, 1 = administratively prohibited, ...). */
  readonly reason: number;

  constructor(target: string, reason: number, description: string, options?: { cause?: unknown }) {
    super(`The server ${target} refused a new session channel (${description || `reason ${reason}`}); the command did not start`, options);
    this.name = 'ChannelRefusedError';
    this.target = target;
    this.reason = reason;
  }
}

/**
 * A live server refused the exec request (CHANNEL_FAILURE): the command did not start, but the connection is
 * fine and another one of the same host would refuse it too, so the pool neither closes it nor moves the command.
 */
export class ExecRefusedError extends ConnectionError {}

export function isChannelRefusedError(value: unknown): value is ChannelRefusedError {
  return value instanceof ChannelRefusedError;
}
