import { ConfigError } from '@rexec/adapters';
import { badOptionMessage, unknownOptionsMessage } from '../messages.js';
import type { SshOptions } from './ssh-options.js';

/** Every option `$.ssh` accepts, in the order the docs list them. */
export const SSH_OPTION_KEYS = Object.freeze([
  'host', 'port', 'username', 'privateKey', 'passphrase', 'password', 'agent', 'readyTimeout',
  'keepaliveInterval', 'knownHosts', 'hostKeyCheck', 'pool', 'controlMaster', 'controlPath', 'controlPersist',
  'shell', 'pipefail',
] as const);

const KNOWN = new Set<string>(SSH_OPTION_KEYS);
const HOST_KEY_CHECKS = ['strict', 'accept-new', 'off'];

type Check = (value: unknown) => string | undefined;

const isString: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'expected a non-empty string');
const isStringOrBuffer: Check = (v) =>
  (typeof v === 'string' && v !== '') || Buffer.isBuffer(v) ? undefined : 'expected a non-empty string or a Buffer';
const isBoolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'expected true or false');
const isPositiveInt: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v > 0 ? undefined : 'expected a positive integer (milliseconds)';
const isNonNegativeInt: Check = (v) =>
  typeof v === 'number' && Number.isInteger(v) && v >= 0 ? undefined : 'expected an integer >= 0 (milliseconds; 0 turns it off)';

const CHECKS: Readonly<Record<string, Check>> = Object.freeze({
  host: isString,
  username: isString,
  privateKey: isStringOrBuffer,
  passphrase: isStringOrBuffer,
  password: (v) => (typeof v === 'string' ? undefined : 'expected a string'),
  agent: (v) => (v === false || (typeof v === 'string' && v !== '') ? undefined : 'expected a socket path or false'),
  readyTimeout: isPositiveInt,
  keepaliveInterval: isNonNegativeInt,
  knownHosts: isString,
  hostKeyCheck: (v) => (typeof v === 'string' && HOST_KEY_CHECKS.includes(v) ? undefined : "expected 'strict', 'accept-new' or 'off'"),
  pool: (v) => (typeof v === 'object' && v !== null && !Array.isArray(v) ? undefined : 'expected an object of pool options'),
  controlMaster: isBoolean,
  controlPath: isString,
  controlPersist: (v) =>
    typeof v === 'boolean' || typeof v === 'string' || (typeof v === 'number' && v >= 0) ? undefined : 'expected a duration string, seconds, or a boolean',
  // Applied by `$.ssh` to the tag it returns (ssh/ssh-shell-choice.ts), not to the connection.
  shell: isString,
  pipefail: isBoolean,
});

/**
 * Throws a `ConfigError` for unknown keys (naming them all) or a value of the wrong type (naming the option,
 * never echoing a credential). `port` is checked by the target validation. Undefined values count as absent.
 */
export function validateSshOptionValues(options: SshOptions): void {
  const entries = Object.entries(options).filter(([, value]) => value !== undefined);
  const unknown = entries.map(([key]) => key).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) throw new ConfigError(unknownOptionsMessage(unknown, SSH_OPTION_KEYS), unknown[0]);
  for (const [key, value] of entries) {
    const problem = CHECKS[key]?.(value);
    if (problem !== undefined) throw new ConfigError(badOptionMessage(key, problem), key);
  }
}
