/**
 * The SSH pool defaults that come from the environment (docs/configuration.md), read when a pool is created,
 * never at import. Explicit `pool` options beat them. A malformed value is a `ConfigError` naming
 * the variable, rather than a silently ignored setting.
 * (`SSH_POOL_CONNECTION_TIMEOUT_MS` is the connection's `readyTimeout`: see normalize-ssh-options.ts.)
 */
import { ConfigError } from '@rexec/adapters';
import { badPoolEnvMessage } from './ssh-pool-messages.js';

export type SshPoolEnv = Readonly<Record<string, string | undefined>>;

/** Pool option defaults found in `env`; absent or empty variables give nothing. */
export interface SshPoolEnvDefaults {
  readonly max?: number;
  readonly idle?: number;
  readonly validate?: boolean;
  readonly validateInterval?: number;
  readonly validateAfterIdle?: number;
}

const POSITIVE_INTEGER = /^[1-9]\d*$/;

function integer(env: SshPoolEnv, name: string, meaning: string): number | undefined {
  const text = env[name]?.trim();
  if (text === undefined || text === '') return undefined;
  if (!POSITIVE_INTEGER.test(text) || !Number.isSafeInteger(Number(text))) {
    throw new ConfigError(badPoolEnvMessage(name, text, `a positive integer (${meaning})`), name);
  }
  return Number(text);
}

function flag(env: SshPoolEnv, name: string): boolean | undefined {
  const text = env[name]?.trim().toLowerCase();
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === '1') return true;
  if (text === 'false' || text === '0') return false;
  throw new ConfigError(badPoolEnvMessage(name, env[name] ?? '', '"true" or "false"'), name);
}

export function readSshPoolEnv(env: SshPoolEnv): SshPoolEnvDefaults {
  const found: { -readonly [K in keyof SshPoolEnvDefaults]: SshPoolEnvDefaults[K] } = {};
  const max = integer(env, 'SSH_POOL_MAX_CONNECTIONS', 'connections per pool');
  const idle = integer(env, 'SSH_POOL_IDLE_TIMEOUT_MS', 'milliseconds');
  const validate = flag(env, 'SSH_POOL_HEALTH_CHECKS');
  const validateInterval = integer(env, 'SSH_POOL_HEALTH_CHECK_INTERVAL_MS', 'milliseconds');
  const validateAfterIdle = integer(env, 'SSH_POOL_VALIDATE_AFTER_IDLE_MS', 'milliseconds');
  if (max !== undefined) found.max = max;
  if (idle !== undefined) found.idle = idle;
  if (validate !== undefined) found.validate = validate;
  if (validateInterval !== undefined) found.validateInterval = validateInterval;
  if (validateAfterIdle !== undefined) found.validateAfterIdle = validateAfterIdle;
  return found;
}
