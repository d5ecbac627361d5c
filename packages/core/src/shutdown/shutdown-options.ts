import { ConfigError } from '@rexec/adapters';

/** Options of `installShutdownHandlers`. */
export interface ShutdownOptions {
  /** Ms running commands may take to finish after SIGINT/SIGTERM before the pools are closed. Default 30000. */
  readonly gracePeriod?: number | undefined;
  /** Close pools that are still busy when the grace period ends (else keep waiting). Default true. */
  readonly forceAfterGracePeriod?: boolean | undefined;
}

export interface ResolvedShutdownOptions {
  readonly gracePeriod: number;
  readonly forceAfterGracePeriod: boolean;
}

const SHUTDOWN_DEFAULTS: ResolvedShutdownOptions = Object.freeze({ gracePeriod: 30_000, forceAfterGracePeriod: true });
const KNOWN = Object.keys(SHUTDOWN_DEFAULTS);

/** Applies the defaults and validates; throws `ConfigError` naming the option that is wrong. */
export function normalizeShutdownOptions(options: ShutdownOptions = {}): ResolvedShutdownOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('installShutdownHandlers(options): options must be an object like { gracePeriod: 30000 }', 'options');
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(
      `installShutdownHandlers: unknown option${unknown.length === 1 ? '' : 's'} ${unknown.map((k) => `"${k}"`).join(', ')}; the known options are ${KNOWN.join(', ')}`,
      unknown[0],
    );
  }
  const gracePeriod = options.gracePeriod ?? SHUTDOWN_DEFAULTS.gracePeriod;
  if (typeof gracePeriod !== 'number' || !Number.isFinite(gracePeriod) || gracePeriod < 0) {
    throw new ConfigError(
      `installShutdownHandlers: gracePeriod must be a finite number of milliseconds >= 0, got ${String(gracePeriod)}`,
      'gracePeriod',
    );
  }
  const force = options.forceAfterGracePeriod ?? SHUTDOWN_DEFAULTS.forceAfterGracePeriod;
  if (typeof force !== 'boolean') {
    throw new ConfigError(
      `installShutdownHandlers: forceAfterGracePeriod must be true or false, got ${String(force)}`,
      'forceAfterGracePeriod',
    );
  }
  return Object.freeze({ gracePeriod, forceAfterGracePeriod: force });
}
