/**
 * Keyed pool options: `maxPerKey` and `maxTotal` are checked here, every other option by
 * `normalizePoolOptions` (as the options of each key's pool, whose `max` is `maxPerKey`).
 */
import { ConfigError } from '@rexec/adapters';
import { normalizePoolOptions, POOL_DEFAULTS } from './normalize-pool-options.js';
import { invalidOptionMessage, notAnObjectMessage } from './pool-messages.js';
import type { KeyedPoolOptions } from './keyed-types.js';
import type { PoolOptions, ResolvedPoolOptions } from './types.js';

export const KEYED_POOL_DEFAULTS = Object.freeze({ maxPerKey: POOL_DEFAULTS.max, maxTotal: Number.POSITIVE_INFINITY });

export interface ResolvedKeyedPoolOptions<T> {
  readonly maxPerKey: number;
  readonly maxTotal: number;
  /** The options each key's pool is created with (`max` = `maxPerKey`). */
  readonly perKey: PoolOptions<T>;
  readonly resolved: ResolvedPoolOptions<T>;
}

export function normalizeKeyedPoolOptions<T>(options: KeyedPoolOptions<T> | undefined): ResolvedKeyedPoolOptions<T> {
  const raw: unknown = options ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(notAnObjectMessage('Keyed pool options', raw), 'pool');
  }
  const { maxPerKey = KEYED_POOL_DEFAULTS.maxPerKey, maxTotal = KEYED_POOL_DEFAULTS.maxTotal, ...rest } = raw as KeyedPoolOptions<T>;
  if ('max' in rest) {
    throw new ConfigError('Keyed pool option "max" does not exist: use maxPerKey (resources per key) and maxTotal (resources across all keys).', 'pool.max');
  }
  if (!(typeof maxPerKey === 'number' && Number.isInteger(maxPerKey) && maxPerKey >= 1)) {
    throw new ConfigError(invalidOptionMessage('maxPerKey', 'an integer ≥ 1', maxPerKey, 'Set maxPerKey to the most resources one key may hold, e.g. 5.'), 'pool.maxPerKey');
  }
  if (!(typeof maxTotal === 'number' && maxTotal >= 1 && (Number.isInteger(maxTotal) || maxTotal === Infinity))) {
    throw new ConfigError(invalidOptionMessage('maxTotal', 'an integer ≥ 1 (or Infinity)', maxTotal, 'Set maxTotal to the most resources all keys together may hold.'), 'pool.maxTotal');
  }
  const perKey: PoolOptions<T> = { ...rest, max: maxPerKey };
  return Object.freeze({ maxPerKey, maxTotal, perKey, resolved: normalizePoolOptions(perKey) });
}
