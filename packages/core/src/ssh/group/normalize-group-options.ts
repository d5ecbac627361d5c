/**
 * The checks and defaults of `$.ssh.group(targets, options)` and of `group.all.with(...)`: the group's own
 * settings, and each host's target and connection options (the group's connection options under the
 * target's own). Every bad value is a `ConfigError` naming it, thrown before anything connects.
 */
import { ConfigError } from '@rexec/adapters';
import type { SshEnv, SshOptions, SshTarget } from '../options/ssh-options.js';
import { parseSshTarget } from '../target/parse-target.js';
import { expandHostPattern } from './expand-host-pattern.js';
import {
  badGroupOptionMessage,
  badRunOptionMessage,
  badTargetsMessage,
  badWeightMessage,
  emptyGroupMessage,
  hostInGroupOptionsMessage,
  perTargetShellMessage,
  targetProblemMessage,
  unknownRunOptionsMessage,
} from './group-messages.js';
import type { GroupRunOptions, GroupStrategy, GroupTarget, ProgressOption, ProgressStream, SshGroupOptions } from './group-types.js';

/** Every default of a group, in one place. */
export const GROUP_DEFAULTS = Object.freeze({
  strategy: 'round-robin',
  failover: true,
  concurrency: 50,
  maxConnecting: 10,
});

const STRATEGIES: readonly GroupStrategy[] = ['round-robin', 'least-connections', 'weighted', 'random'];
const GROUP_KEYS = ['strategy', 'failover', 'concurrency', 'maxConnecting', 'progress', 'verbose', 'random'] as const;
const RUN_KEYS = ['concurrency', 'batch', 'maxFailures', 'failFast', 'timeout', 'progress', 'verbose'] as const;

export interface ResolvedGroupOptions {
  readonly strategy: GroupStrategy;
  readonly failover: boolean;
  readonly concurrency: number;
  readonly maxConnecting: number;
  /** Where to draw progress, undefined for none. */
  readonly progress: ProgressStream | undefined;
  readonly verbose: boolean;
  readonly random: () => number;
  /** Connection options (and `pool`) for every host. */
  readonly connection: SshOptions;
}

/** One host before it is opened: what to hand `$.ssh`, and its weight. */
export interface HostSpec {
  readonly target: SshTarget;
  readonly options: SshOptions | undefined;
  readonly weight: number;
  /** How messages show the target as given (never its credentials). */
  readonly shown: string;
}

/** Run options with the group's defaults applied; `batch` and `maxFailures` still as given (they depend on the host count). */
export interface ResolvedRunOptions {
  readonly concurrency: number;
  readonly batch: number | `${number}%` | undefined;
  readonly maxFailures: number | `${number}%` | undefined;
  readonly failFast: boolean;
  readonly timeout: number | undefined;
  readonly progress: ProgressStream | undefined;
  readonly verbose: boolean;
}

const isPositiveInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value > 0;
const isLimit = (value: unknown): value is number => isPositiveInteger(value) || value === Infinity;

function progressStream(value: unknown, fail: (why: string) => never): ProgressStream | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return process.stdout;
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const stream = (value as { stream?: unknown }).stream;
    if (stream === undefined) return process.stdout;
    if (typeof stream === 'object' && stream !== null && typeof (stream as ProgressStream).write === 'function') return stream as ProgressStream;
  }
  return fail('expected true, false or { stream } (a stream with write())');
}

/** Splits the group's own settings from the connection options, checks them and applies the defaults. */
export function normalizeGroupOptions(options: SshGroupOptions = {}): ResolvedGroupOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError(badGroupOptionMessage('options', 'expected an object'), 'options');
  const own: Record<string, unknown> = {};
  const connection: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    if ((GROUP_KEYS as readonly string[]).includes(key)) own[key] = value;
    else if (value !== undefined) connection[key] = value;
  }
  if ('host' in connection) throw new ConfigError(hostInGroupOptionsMessage(), 'host');
  const fail = (option: string) => (why: string): never => {
    throw new ConfigError(badGroupOptionMessage(option, why), option);
  };
  const strategy = own['strategy'] ?? GROUP_DEFAULTS.strategy;
  if (!STRATEGIES.includes(strategy as GroupStrategy)) fail('strategy')(`expected one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}`);
  const failover = own['failover'] ?? GROUP_DEFAULTS.failover;
  if (typeof failover !== 'boolean') fail('failover')('expected true or false');
  const concurrency = own['concurrency'] ?? GROUP_DEFAULTS.concurrency;
  if (!isLimit(concurrency)) fail('concurrency')('expected a positive integer (hosts at once) or Infinity');
  const maxConnecting = own['maxConnecting'] ?? GROUP_DEFAULTS.maxConnecting;
  if (!isLimit(maxConnecting)) fail('maxConnecting')('expected a positive integer (handshakes at once) or Infinity');
  const verbose = own['verbose'] ?? false;
  if (typeof verbose !== 'boolean') fail('verbose')('expected true or false');
  const random = own['random'] ?? Math.random;
  if (typeof random !== 'function') fail('random')('expected a function returning a number in [0, 1)');
  return Object.freeze({
    strategy: strategy as GroupStrategy,
    failover: failover as boolean,
    concurrency: concurrency as number,
    maxConnecting: maxConnecting as number,
    progress: progressStream(own['progress'] as ProgressOption | undefined, fail('progress')),
    verbose: verbose as boolean,
    random: random as () => number,
    connection: Object.freeze(connection),
  });
}

/** A string target without the fields it names itself, so the group's `username`/`port` do not conflict with it. */
function optionsForString(target: string, connection: SshOptions): SshOptions {
  const parsed = parseSshTarget(target);
  const options: Record<string, unknown> = { ...connection };
  if (parsed.username !== undefined) delete options['username'];
  if (parsed.port !== undefined) delete options['port'];
  return options;
}

function shownTarget(target: GroupTarget): string {
  if (typeof target === 'string') return target;
  const { host, port, username } = target;
  return `${username === undefined ? '' : `${username}@`}${host ?? '(no host)'}${port === undefined ? '' : `:${port}`}`;
}

/** Runs `step` for `targets[index]`; a `ConfigError` it throws says which target it is about. */
export function inTarget<T>(index: number, shown: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(targetProblemMessage(index, shown, error.message), error.option, { cause: error });
    throw error;
  }
}

/** The hosts of `targets` (an array, or a `~/.ssh/config` host pattern), each with its options and weight. */
export function hostSpecsOf(targets: readonly GroupTarget[] | string, connection: SshOptions, env: SshEnv): HostSpec[] {
  const given: unknown = typeof targets === 'string' ? expandHostPattern(targets, env) : targets;
  if (!Array.isArray(given)) throw new ConfigError(badTargetsMessage(given === null ? 'null' : typeof given), 'targets');
  const list = given as readonly GroupTarget[];
  if (list.length === 0) throw new ConfigError(emptyGroupMessage(), 'targets');
  return list.map((target, index): HostSpec => {
    if (typeof target === 'string') return { target, options: inTarget(index, target, () => optionsForString(target, connection)), weight: 1, shown: target };
    if (typeof target !== 'object' || target === null || Array.isArray(target)) {
      throw new ConfigError(badTargetsMessage(`${typeof target} at targets[${index}]`), 'targets');
    }
    const { weight = 1, ...own } = target;
    for (const option of ['shell', 'pipefail'] as const) {
      if (own[option] !== undefined) throw new ConfigError(targetProblemMessage(index, shownTarget(target), perTargetShellMessage(option)), option);
    }
    if (typeof weight !== 'number' || !Number.isFinite(weight) || weight <= 0) throw new ConfigError(badWeightMessage(index, weight), 'weight');
    return { target: { ...connection, ...own }, options: undefined, weight, shown: shownTarget(target) };
  });
}

function checkShare(option: string, value: unknown, min: number): number | `${number}%` {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min) return value;
  if (typeof value === 'string' && /^\d+(\.\d+)?%$/.test(value)) {
    const share = Number(value.slice(0, -1));
    if (share <= 100 && (min === 0 || share > 0)) return value as `${number}%`;
  }
  const what = min === 0 ? 'an integer >= 0' : 'a positive integer';
  throw new ConfigError(badRunOptionMessage(option, `expected ${what} or a percentage of the hosts such as '25%'`), option);
}

/** `group.all.with(options)` checked and laid over `base` (the group's defaults, or the tag's current options). */
export function normalizeRunOptions(options: GroupRunOptions, base: ResolvedRunOptions): ResolvedRunOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ConfigError(badRunOptionMessage('options', 'expected an object'), 'options');
  const unknown = Object.keys(options).filter((key) => !(RUN_KEYS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new ConfigError(unknownRunOptionsMessage(unknown, RUN_KEYS), unknown[0]);
  const fail = (option: string) => (why: string): never => {
    throw new ConfigError(badRunOptionMessage(option, why), option);
  };
  const { concurrency, batch, maxFailures, failFast, timeout, progress, verbose } = options;
  if (concurrency !== undefined && !isLimit(concurrency)) fail('concurrency')('expected a positive integer (hosts at once) or Infinity');
  if (failFast !== undefined && typeof failFast !== 'boolean') fail('failFast')('expected true or false');
  if (timeout !== undefined && !isPositiveInteger(timeout)) fail('timeout')('expected a positive integer (milliseconds per host)');
  if (verbose !== undefined && typeof verbose !== 'boolean') fail('verbose')('expected true or false');
  return Object.freeze({
    concurrency: concurrency ?? base.concurrency,
    batch: batch === undefined ? base.batch : checkShare('batch', batch, 1),
    maxFailures: maxFailures === undefined ? base.maxFailures : checkShare('maxFailures', maxFailures, 0),
    failFast: failFast ?? base.failFast,
    timeout: timeout ?? base.timeout,
    progress: progress === undefined ? base.progress : progressStream(progress, fail('progress')),
    verbose: verbose ?? base.verbose,
  });
}

/** A count, or a share of `hosts` (`'25%'` of 10 hosts: 3 for a batch, rounded up; 2 for maxFailures, rounded down). */
export function countOf(value: number | `${number}%`, hosts: number, round: 'up' | 'down'): number {
  if (typeof value === 'number') return value;
  const exact = (Number(value.slice(0, -1)) / 100) * hosts;
  return round === 'up' ? Math.max(1, Math.ceil(exact - 1e-9)) : Math.floor(exact + 1e-9);
}
