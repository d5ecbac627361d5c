/**
 * Which signal ends a command. An adapter ends a command with its default signal (`SIGTERM` unless
 * configured), except when the spec asks for another: `timeoutSignal` for a timeout, and a `KillRequest`
 * as the abort reason of `spec.signal` for an abort (what `@rexec/core`'s `command.kill(signal)` sends).
 */
import type { ExecSpec } from './contract.js';
import type { KillReason } from './output/command-streams.js';

const BRAND = Symbol.for('rexec.KillRequest');

/**
 * The reason `command.kill(signal)` aborts a command's `AbortSignal` with: adapters that can choose the
 * signal send `signal` first (then `SIGKILL` after their grace delay, as for any kill).
 */
export class KillRequest {
  readonly [BRAND] = true;
  constructor(readonly signal: NodeJS.Signals) {}

  /** True for a `KillRequest`, also one made by another copy of this package. */
  static is(value: unknown): value is KillRequest {
    return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
  }
}

/** The signal the spec asks for when a command is ended for `reason`, or undefined for the adapter's default. */
export function requestedKillSignal(spec: Pick<ExecSpec, 'signal' | 'timeoutSignal'>, reason: KillReason): NodeJS.Signals | undefined {
  if (reason === 'timeout') return spec.timeoutSignal;
  if (reason === 'abort') {
    const why: unknown = spec.signal?.reason;
    return KillRequest.is(why) ? why.signal : undefined;
  }
  return undefined;
}
