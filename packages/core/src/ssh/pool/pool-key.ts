/**
 * The registry key of an SSH pool: the connection identity (`user@host:port#credential-fingerprint`,
 * from ssh/identity.ts) plus a signature of the resolved pool options. Same identity and same options
 * share one pool; asking for other pool options (say `max: 2`) gets a pool of its own rather than
 * silently reusing one configured differently. Functions (validator, clock) are compared by identity.
 */
import type { ResolvedSshPoolOptions } from './normalize-ssh-pool-options.js';

/** Numbers an object by identity, e.g. from the registry's `idOf`. */
export type ObjectIds = (value: object) => number;

export function poolKey(identityKey: string, options: ResolvedSshPoolOptions, idOf: ObjectIds): string {
  const signature = JSON.stringify({ ...options.pool, maxChannels: options.maxChannels, channelOpenTimeout: options.channelOpenTimeout, spareChannels: options.spareChannels, validator: options.validator }, (_key, value: unknown) => {
    if (typeof value === 'function') return `fn#${idOf(value)}`;
    if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
    return value;
  });
  return `${identityKey} ${signature}`;
}
