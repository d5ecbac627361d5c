/** The errors of host groups (`$.ssh.group`, docs/fleets.md). */
import { hostNotRunMessage, noHealthyHostMessage } from './messages.js';
import { RexecError, type RexecErrorOptions } from './rexec-error.js';

/** A host of a group and why it could not take a command: its last failure (undefined when none was seen). */
export interface HostFailure {
  /** `user@host:port`. */
  readonly target: string;
  readonly error: Error | undefined;
}

/**
 * No host of a group could start the command: every one was skipped (circuit open, recent connect failures)
 * or failed before the command started. The command ran nowhere. `failures` has each host's last failure.
 */
export class NoHealthyHostError extends RexecError {
  readonly code = 'ERR_NO_HEALTHY_HOST' as const;
  readonly retryable = true;
  /** The group, as in messages: `group of N hosts (a, b, …)`. */
  readonly group: string;
  readonly failures: readonly HostFailure[];

  constructor(group: string, failures: readonly HostFailure[], options?: RexecErrorOptions) {
    super(noHealthyHostMessage(group, failures), options);
    this.group = group;
    this.failures = Object.freeze([...failures]);
  }
}

/** Why `group.all` left a host out. */
export type HostNotRunReason = 'maxFailures' | 'failFast' | 'stopped';

/**
 * `group.all` / `group.each` did not start the command on this host: more hosts had failed than
 * `maxFailures` allows, `failFast` stopped the run, or the run was stopped (the loop over `each` ended).
 */
export class HostNotRunError extends RexecError {
  readonly code = 'ERR_HOST_NOT_RUN' as const;
  readonly retryable = true;
  readonly target: string;
  readonly reason: HostNotRunReason;
  /** Hosts that had failed when this one was left out. */
  readonly failed: number;

  constructor(target: string, reason: HostNotRunReason, failed: number, maxFailures?: number) {
    super(hostNotRunMessage(target, reason, failed, maxFailures));
    this.target = target;
    this.reason = reason;
    this.failed = failed;
  }
}

export function isNoHealthyHostError(value: unknown): value is NoHealthyHostError {
  return value instanceof NoHealthyHostError;
}
export function isHostNotRunError(value: unknown): value is HostNotRunError {
  return value instanceof HostNotRunError;
}
