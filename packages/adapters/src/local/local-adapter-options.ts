import { constants } from 'node:os';
import { ConfigError } from '../errors/index.js';

/** How a `LocalAdapter` starts and stops commands. Every field is optional; see `LOCAL_ADAPTER_DEFAULTS`. */
export interface LocalAdapterOptions {
  /** The shell that runs each command string. Default `/bin/sh`. */
  readonly shell?: string;
  /** Arguments put before the command string. Default `['-c']`. */
  readonly shellArgs?: readonly string[];
  /** Bytes of stdout (and, separately, stderr) kept when a command sets no `maxBuffer`. Default 100 MiB. */
  readonly maxBuffer?: number;
  /** Signal sent to the command's process group on timeout, abort or overflow. Default `'SIGTERM'`. */
  readonly killSignal?: NodeJS.Signals;
  /** Milliseconds after `killSignal` before the group gets `SIGKILL`. Default 2000. */
  readonly forceKillAfterDelay?: number;
}

export type ResolvedLocalAdapterOptions = Required<LocalAdapterOptions>;

export const LOCAL_ADAPTER_DEFAULTS: Readonly<ResolvedLocalAdapterOptions> = Object.freeze({
  shell: '/bin/sh',
  shellArgs: Object.freeze(['-c']),
  maxBuffer: 100 * 1024 * 1024,
  killSignal: 'SIGTERM',
  forceKillAfterDelay: 2000,
});

const KNOWN_KEYS: ReadonlySet<string> = new Set(Object.keys(LOCAL_ADAPTER_DEFAULTS));

function fail(option: string, problem: string): never {
  throw new ConfigError(`LocalAdapter option "${option}" ${problem}`, option);
}

function validateNonNegativeInteger(option: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    fail(option, `must be a ${allowZero ? 'non-negative' : 'positive'} whole number of ${option === 'maxBuffer' ? 'bytes' : 'milliseconds'}, got ${String(value)}`);
  }
  return value;
}

/** Applies defaults and validates; throws `ConfigError` naming the first bad or unknown option. */
export function normalizeLocalAdapterOptions(options: unknown = {}): Readonly<ResolvedLocalAdapterOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigError('LocalAdapter options must be an object, e.g. new LocalAdapter({ shell: "/bin/bash" })', 'options');
  }
  const unknown = Object.keys(options).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) {
    fail(unknown[0] ?? '', `is not a known option (known: ${[...KNOWN_KEYS].join(', ')}); remove it`);
  }
  const input = options as LocalAdapterOptions;
  const resolved = { ...LOCAL_ADAPTER_DEFAULTS };
  if (input.shell !== undefined) {
    if (typeof input.shell !== 'string' || input.shell === '' || input.shell.includes('\0')) {
      fail('shell', 'must be the path of a shell, e.g. "/bin/bash"');
    }
    resolved.shell = input.shell;
  }
  if (input.shellArgs !== undefined) {
    if (!Array.isArray(input.shellArgs) || !input.shellArgs.every((arg) => typeof arg === 'string')) {
      fail('shellArgs', 'must be an array of strings, e.g. ["-c"]');
    }
    resolved.shellArgs = Object.freeze([...input.shellArgs]);
  }
  if (input.maxBuffer !== undefined) resolved.maxBuffer = validateNonNegativeInteger('maxBuffer', input.maxBuffer, false);
  if (input.forceKillAfterDelay !== undefined) {
    resolved.forceKillAfterDelay = validateNonNegativeInteger('forceKillAfterDelay', input.forceKillAfterDelay, true);
  }
  if (input.killSignal !== undefined) {
    if (typeof input.killSignal !== 'string' || !Object.hasOwn(constants.signals, input.killSignal)) {
      fail('killSignal', `must be a signal name such as "SIGTERM", got ${String(input.killSignal)}`);
    }
    resolved.killSignal = input.killSignal;
  }
  return Object.freeze(resolved);
}
