/**
 * The one place SSH pool options get their defaults: SSH_POOL_* environment variables (read now, at
 * call time), then the generic pool's defaults; explicit options win over both. The SSH-only options
 * (`maxChannels`, `validator` taking a pooled connection) are taken out here; the rest is checked by
 * the generic pool's normalizer. Unknown keys and bad values throw `ConfigError` naming `pool.<name>`.
 */
import { ConfigError } from '@rexec/adapters';
import { POOL_OPTION_NAMES, normalizePoolOptions } from '../../pool/normalize-pool-options.js';
import { invalidOptionMessage, notAnObjectMessage, unknownOptionsMessage } from '../../pool/pool-messages.js';
import type { PoolOptions, ResolvedPoolOptions } from '../../pool/types.js';
import type { SshConnection } from '../connection/ssh-connection.js';
import { readSshPoolEnv, type SshPoolEnv } from './ssh-pool-env.js';
import type { PooledSshConnection, SshPoolOptions } from './ssh-pool-types.js';

export type SshValidator = (conn: PooledSshConnection) => Promise<boolean> | boolean;

export interface ResolvedSshPoolOptions {
  /** The generic pool's options, `target` set; its `validator` is unused (the SSH factory validates). */
  readonly pool: ResolvedPoolOptions<SshConnection>;
  readonly maxChannels: number;
  /** Ms a channel may take to open before its connection is taken as dead. */
  readonly channelOpenTimeout: number;
  /** Session channels each connection keeps open ahead of commands. */
  readonly spareChannels: number;
  /** The user's validator; undefined means the default check (one SSH keepalive). */
  readonly validator: SshValidator | undefined;
}

export const SSH_POOL_DEFAULTS = Object.freeze({ maxChannels: 8, channelOpenTimeout: 5000, spareChannels: 1 });

const SSH_POOL_OPTION_NAMES: readonly string[] = Object.freeze([
  // maxLeases is what maxChannels sets: one name for it.
  ...POOL_OPTION_NAMES.filter((name) => name !== 'target' && name !== 'maxLeases'),
  'maxChannels',
  'channelOpenTimeout',
  'spareChannels',
]);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(name: string, expected: string, got: unknown, hint: string): never {
  throw new ConfigError(invalidOptionMessage(name, expected, got, hint), `pool.${name}`);
}

export function normalizeSshPoolOptions(input: SshPoolOptions | undefined, target: string, env: SshPoolEnv): ResolvedSshPoolOptions {
  const raw: unknown = input ?? {};
  if (!isPlainObject(raw)) throw new ConfigError(notAnObjectMessage('pool', raw), 'pool');
  if ('maxLeases' in raw) {
    invalid('maxLeases', 'no value: for $.ssh it is maxChannels', raw['maxLeases'], 'Set maxChannels instead: the commands one connection may carry at once, e.g. 8.');
  }
  const unknown = Object.keys(raw).filter((key) => !SSH_POOL_OPTION_NAMES.includes(key));
  if (unknown.length > 0) {
    throw new ConfigError(unknownOptionsMessage('pool', unknown, SSH_POOL_OPTION_NAMES), `pool.${unknown[0] ?? ''}`);
  }
  const {
    maxChannels = SSH_POOL_DEFAULTS.maxChannels,
    channelOpenTimeout = SSH_POOL_DEFAULTS.channelOpenTimeout,
    spareChannels = SSH_POOL_DEFAULTS.spareChannels,
    validator,
    ...generic
  } = raw;
  if (typeof spareChannels !== 'number' || !Number.isInteger(spareChannels) || spareChannels < 0) {
    invalid('spareChannels', 'an integer ≥ 0', spareChannels, 'Set spareChannels to the session channels each connection keeps open ahead of commands, e.g. 1 (0 turns them off).');
  }
  if (typeof channelOpenTimeout !== 'number' || !(channelOpenTimeout > 0) || (channelOpenTimeout > 2_147_483_647 && channelOpenTimeout !== Infinity)) {
    invalid('channelOpenTimeout', 'a number of ms > 0 (or Infinity)', channelOpenTimeout, 'Set channelOpenTimeout to the ms a channel may take to open before its connection is taken as dead, e.g. 5000.');
  }
  if (typeof maxChannels !== 'number' || !Number.isInteger(maxChannels) || maxChannels < 1) {
    invalid('maxChannels', 'an integer ≥ 1', maxChannels, 'Set maxChannels to the concurrent commands one connection may carry, e.g. 8 (at most sshd MaxSessions, default 10).');
  }
  if (validator !== undefined && typeof validator !== 'function') {
    invalid('validator', 'a function (conn) => Promise<boolean>', validator, 'Pass an async function that resolves true while the connection is usable.');
  }
  const explicit = Object.fromEntries(Object.entries(generic).filter(([, value]) => value !== undefined));
  const pool = normalizePoolOptions<SshConnection>({ ...readSshPoolEnv(env), ...(explicit as PoolOptions<SshConnection>), target });
  return Object.freeze({ pool, maxChannels, channelOpenTimeout, spareChannels, validator: validator as SshValidator | undefined });
}
