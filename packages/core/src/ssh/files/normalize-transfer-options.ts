/**
 * Defaults and checks of the options of `upload` / `download` (docs/files.md#options): a bad one is a
 * `ConfigError` naming it, thrown before anything connects.
 */
import { ConfigError } from '@rexec/adapters';
import type { TransferEntry, TransferOptions, TransferProgress } from './transfer-types.js';

export const DEFAULT_CONCURRENCY = 8;
const MAX_CONCURRENCY = 64;

export interface NormalizedTransferOptions {
  readonly mode: number | undefined;
  readonly mkdir: boolean;
  readonly atomic: boolean;
  readonly overwrite: boolean;
  readonly preserveTimes: boolean;
  readonly concurrency: number;
  readonly filter: ((entry: TransferEntry) => boolean) | undefined;
  readonly verify: boolean;
  readonly signal: AbortSignal | undefined;
  readonly timeout: number | undefined;
  readonly onProgress: ((progress: TransferProgress) => void) | undefined;
}

const KNOWN = ['mode', 'mkdir', 'atomic', 'overwrite', 'preserveTimes', 'concurrency', 'filter', 'verify', 'signal', 'timeout', 'onProgress'];

function bad(method: string, option: string, why: string): ConfigError {
  return new ConfigError(`${method}(): option "${option}" ${why}`, option);
}

export function normalizeTransferOptions(method: 'upload' | 'download', options: TransferOptions | undefined): NormalizedTransferOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) throw new ConfigError(`${method}(): options must be an object, got ${typeof options}`, 'options');
  const given = options ?? {};
  const unknown = Object.keys(given).filter((key) => !KNOWN.includes(key));
  if (unknown.length > 0) throw new ConfigError(`${method}(): unknown option${unknown.length === 1 ? '' : 's'} ${unknown.map((key) => `"${key}"`).join(', ')}; the known options are ${KNOWN.join(', ')}`, unknown[0]);
  const flag = (name: 'mkdir' | 'atomic' | 'overwrite' | 'preserveTimes' | 'verify', fallback: boolean): boolean => {
    const value = given[name];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw bad(method, name, `must be true or false, got ${typeof value}`);
    return value;
  };
  const { mode, concurrency, filter, signal, timeout, onProgress } = given;
  if (mode !== undefined && !(typeof mode === 'number' && Number.isInteger(mode) && mode >= 0 && mode <= 0o7777)) throw bad(method, 'mode', 'must be a file mode from 0 to 0o7777, e.g. 0o644');
  if (concurrency !== undefined && !(typeof concurrency === 'number' && Number.isInteger(concurrency) && concurrency >= 1 && concurrency <= MAX_CONCURRENCY)) {
    throw bad(method, 'concurrency', `must be an integer from 1 to ${MAX_CONCURRENCY}`);
  }
  if (filter !== undefined && typeof filter !== 'function') throw bad(method, 'filter', 'must be a function (entry) => boolean');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw bad(method, 'signal', 'must be an AbortSignal');
  if (timeout !== undefined && !(typeof timeout === 'number' && timeout > 0 && Number.isFinite(timeout))) throw bad(method, 'timeout', 'must be a positive number of ms');
  if (onProgress !== undefined && typeof onProgress !== 'function') throw bad(method, 'onProgress', 'must be a function');
  return {
    mode,
    mkdir: flag('mkdir', false),
    atomic: flag('atomic', true),
    overwrite: flag('overwrite', true),
    preserveTimes: flag('preserveTimes', false),
    concurrency: concurrency ?? DEFAULT_CONCURRENCY,
    filter,
    verify: flag('verify', false),
    signal,
    timeout,
    onProgress,
  };
}
