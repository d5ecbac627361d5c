/**
 * `within(defaults, fn)`: defaults for every command started inside `fn`, across its awaits, on every
 * transport (`$`, `$.ssh(...)`, any `createShell` tag). Kept in an AsyncLocalStorage, created by the
 * first `within` call, so a script that never calls it pays nothing for async context tracking.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { ConfigError } from '@rexec/adapters';
import {
  layerSettings,
  validateCwd,
  validateEnv,
  validateFlag,
  validateLog,
  validateTimeout,
  type SettingsLayer,
} from '../command/command-options.js';
import type { LogHook } from '../command/log.js';
import type { ProcessOutput } from '../command/process-output.js';

/** What `within` may set. A command's own modifiers and its tag's defaults (`$.cd()`, `$.timeout()`, …) win over these. */
export interface WithinDefaults {
  /** Working directory; a tag's relative `cd` and a command's relative `.cwd()` are joined to it. */
  readonly cwd?: string | ProcessOutput;
  /** Variables merged under the tag's and the command's. */
  readonly env?: Record<string, string>;
  /** Milliseconds before each command is killed; 0 = none. */
  readonly timeout?: number;
  readonly nothrow?: boolean;
  readonly verbose?: boolean;
  readonly quiet?: boolean;
  /** Where verbose output goes (docs/commands.md#the-log-hook). */
  readonly log?: LogHook;
}

const WITHIN_KEYS: ReadonlySet<string> = new Set(['cwd', 'env', 'timeout', 'nothrow', 'verbose', 'quiet', 'log']);

let storage: AsyncLocalStorage<SettingsLayer> | undefined;

/** The defaults of the `within` blocks the caller runs in (inner over outer), or undefined outside any. */
export function withinDefaults(): SettingsLayer | undefined {
  return storage?.getStore();
}

function layerFrom(defaults: unknown): SettingsLayer {
  if (typeof defaults !== 'object' || defaults === null || Array.isArray(defaults)) {
    throw new ConfigError('within(defaults, fn) takes an object of defaults first, e.g. within({ cwd: "/srv/app" }, async () => { ... })', 'defaults');
  }
  const unknown = Object.keys(defaults).filter((key) => !WITHIN_KEYS.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`within() has unknown option(s) ${unknown.join(', ')} (known: ${[...WITHIN_KEYS].join(', ')})`, unknown[0]);
  }
  const given = defaults as WithinDefaults;
  const layer: { -readonly [K in keyof SettingsLayer]: SettingsLayer[K] } = {};
  if (given.cwd !== undefined) layer.cwd = validateCwd(given.cwd);
  if (given.env !== undefined) layer.env = validateEnv(given.env);
  if (given.timeout !== undefined) layer.timeout = validateTimeout(given.timeout);
  if (given.nothrow !== undefined) layer.nothrow = validateFlag('nothrow', given.nothrow);
  if (given.verbose !== undefined) layer.verbose = validateFlag('verbose', given.verbose);
  if (given.quiet !== undefined) layer.quiet = validateFlag('quiet', given.quiet);
  if (given.log !== undefined) layer.log = validateLog(given.log);
  return layer;
}

/**
 * Runs `fn` with `defaults` applied to every command started inside it, including after awaits and in
 * callbacks it schedules; returns what `fn` returns. Nested blocks add to the outer one (a relative `cwd`
 * is joined to the outer, `env` merged). Bad defaults throw `ConfigError` before `fn` runs.
 */
export function within<T>(defaults: WithinDefaults, fn: () => T): T {
  const layer = layerFrom(defaults);
  if (typeof fn !== 'function') throw new TypeError('within(defaults, fn) needs a function to run, e.g. within({ cwd }, async () => { await $`ls` })');
  storage ??= new AsyncLocalStorage<SettingsLayer>();
  const outer = storage.getStore();
  return storage.run(outer === undefined ? Object.freeze(layer) : layerSettings(outer, layer), fn);
}
