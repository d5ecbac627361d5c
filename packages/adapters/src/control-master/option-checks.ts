import { homedir } from 'node:os';
import { ConfigError } from '../errors/index.js';

/** Throws the ConfigError every ControlMasterAdapter option problem becomes. */
export function failOption(option: string, problem: string): never {
  throw new ConfigError(`ControlMasterAdapter option "${option}" ${problem}`, option);
}

const hasControlCharacter = (value: string): boolean => [...value].some((char) => char.charCodeAt(0) < 0x20 || char.charCodeAt(0) === 0x7f);

/** A word passed to ssh as its own argument: no whitespace or control characters, not starting with "-". */
export function checkWord(option: string, value: unknown, example: string): string {
  if (typeof value !== 'string' || value === '' || /\s/.test(value) || hasControlCharacter(value) || value.startsWith('-')) {
    failOption(option, `must be a non-empty string without spaces that does not start with "-", e.g. ${example}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A file path; `~/` is expanded to the home directory (ssh would, but the socket length check needs it). */
export function checkPath(option: string, value: unknown): string {
  if (typeof value !== 'string' || value === '' || /[\0\n\r]/.test(value)) {
    failOption(option, `must be a file path, got ${JSON.stringify(value)}`);
  }
  return value === '~' ? homedir() : value.startsWith('~/') ? `${homedir()}${value.slice(1)}` : value;
}

/** A whole number of milliseconds (or bytes) within bounds. */
export function checkInteger(option: string, value: unknown, min: number, unit: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    failOption(option, `must be a whole number of ${unit} >= ${min}, got ${String(value)}`);
  }
  return value;
}

const TIME_UNITS: Readonly<Record<string, number>> = Object.freeze({ '': 1, s: 1, m: 60, h: 3600, d: 86400, w: 604800 });

/**
 * `controlPersist` as ssh wants it, and in ms (undefined = until `ssh -O exit`).
 * Accepts seconds (number), an OpenSSH time string (`'90'`, `'10m'`, `'1h30m'`) or `true` (`yes`).
 */
export function checkControlPersist(value: unknown): { readonly arg: string; readonly ms: number | undefined } {
  if (value === true || value === 'yes') return { arg: 'yes', ms: undefined };
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return { arg: String(value), ms: value * 1000 };
  if (typeof value === 'string' && /^(\d+[smhdw]?)+$/i.test(value)) {
    let seconds = 0;
    for (const [, amount, unit] of value.matchAll(/(\d+)([smhdw]?)/gi)) {
      seconds += Number(amount) * (TIME_UNITS[(unit ?? '').toLowerCase()] ?? 1);
    }
    if (seconds > 0) return { arg: value, ms: seconds * 1000 };
  }
  return failOption(
    'controlPersist',
    `must be seconds > 0 (60), an OpenSSH time such as "10m", or true to keep the master until dispose(); got ${JSON.stringify(value)}. ` +
      'A master that does not persist cannot be shared between commands',
  );
}

/** OpenSSH options the adapter sets itself; `sshOptions` may not override them. */
const MANAGED = new Map([
  ['controlmaster', 'it is always "auto" for commands'],
  ['controlpath', 'use the "controlPath" option'],
  ['controlpersist', 'use the "controlPersist" option'],
  ['batchmode', 'it is always "yes": nothing may prompt'],
  ['stricthostkeychecking', 'use the "hostKeyCheck" option'],
  ['userknownhostsfile', 'use the "knownHosts" option'],
]);

/** Extra `-o Key=Value` options such as `{ ProxyJump: 'bastion' }`. */
export function checkSshOptions(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    failOption('sshOptions', 'must be an object of OpenSSH options, e.g. { ProxyJump: "bastion" }');
  }
  const result: Record<string, string> = {};
  for (const [key, option] of Object.entries(value)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key)) failOption('sshOptions', `has a key that is not an OpenSSH option name: ${JSON.stringify(key)}`);
    const managed = MANAGED.get(key.toLowerCase());
    if (managed !== undefined) failOption('sshOptions', `may not set ${key}: ${managed}`);
    if (typeof option !== 'string' || /[\0\n\r]/.test(option)) failOption('sshOptions', `value of ${key} must be a one-line string`);
    result[key] = option;
  }
  return Object.freeze(result);
}
