import { ConfigError, type Adapter } from '@rexec/adapters';
import {
  DEFAULT_COMMAND_SETTINGS,
  layerSettings,
  validateCwd,
  validateEnv,
  validateFlag,
  validateLog,
  validateMaxBuffer,
  validateSignalName,
  validateTimeout,
  type CommandSettings,
  type SettingsLayer,
} from '../command/command-options.js';
import { checkPipefail, validateShellPath } from '../command/shell-choice.js';
import type { CommandDefaults, ShellOptions } from './shell-types.js';

export interface ResolvedShellOptions {
  readonly adapter: () => Adapter;
  /** What the shell sets itself (createShell defaults, derived shells): these win over `within` blocks. */
  readonly own: SettingsLayer;
  /** `own` over the built-in defaults: what its commands get outside any `within` block. */
  readonly settings: CommandSettings;
  readonly secrets: readonly string[];
}

const SHELL_KEYS: ReadonlySet<string> = new Set(['adapter', 'defaults', 'secrets']);
const DEFAULT_KEYS: ReadonlySet<string> = new Set([
  'cwd', 'env', 'timeout', 'timeoutSignal', 'nothrow', 'quiet', 'verbose', 'maxBuffer', 'shell', 'pipefail', 'log',
]);

function rejectUnknownKeys(value: object, known: ReadonlySet<string>, where: string): void {
  const unknown = Object.keys(value).filter((key) => !known.has(key));
  if (unknown.length > 0) {
    throw new ConfigError(`${where} has unknown option(s) ${unknown.join(', ')} (known: ${[...known].join(', ')})`, unknown[0]);
  }
}

/** Throws `ConfigError` unless `value` has the `Adapter` shape (`target`, `exec`, `dispose`). */
export function validateAdapter(value: unknown): Adapter {
  const adapter = value as Partial<Adapter> | null;
  if (
    typeof adapter !== 'object' || adapter === null ||
    typeof adapter.target !== 'string' || typeof adapter.exec !== 'function' || typeof adapter.dispose !== 'function'
  ) {
    throw new ConfigError('adapter must implement the Adapter contract: { target: string, exec(spec), dispose() }', 'adapter');
  }
  return adapter as Adapter;
}

/** An adapter given directly is checked now; a factory is called (and checked) once, on first use. */
export function adapterSource(source: unknown): () => Adapter {
  if (typeof source !== 'function') {
    const adapter = validateAdapter(source);
    return () => adapter;
  }
  const factory = source as () => unknown;
  let adapter: Adapter | undefined;
  return () => (adapter ??= validateAdapter(factory()));
}

export function validateSecrets(secrets: Iterable<unknown>): string[] {
  const list = [...secrets];
  if (!list.every((secret): secret is string => typeof secret === 'string')) {
    throw new ConfigError('secrets must be strings', 'secrets');
  }
  return list;
}

/** The settings `defaults` sets, validated; only those given (so `within` blocks can fill in the rest). */
export function layerFromDefaults(defaults: CommandDefaults): SettingsLayer {
  rejectUnknownKeys(defaults, DEFAULT_KEYS, 'defaults');
  const layer: { -readonly [K in keyof CommandSettings]?: CommandSettings[K] } = {};
  if (defaults.cwd !== undefined) layer.cwd = validateCwd(defaults.cwd);
  if (defaults.env !== undefined) layer.env = validateEnv(defaults.env);
  if (defaults.timeout !== undefined) layer.timeout = validateTimeout(defaults.timeout);
  if (defaults.timeoutSignal !== undefined) layer.timeoutSignal = validateSignalName(defaults.timeoutSignal, 'timeoutSignal', 'timeoutSignal');
  if (defaults.nothrow !== undefined) layer.nothrow = validateFlag('nothrow', defaults.nothrow);
  if (defaults.quiet !== undefined) layer.quiet = validateFlag('quiet', defaults.quiet);
  if (defaults.verbose !== undefined) layer.verbose = validateFlag('verbose', defaults.verbose);
  if (defaults.maxBuffer !== undefined) layer.maxBuffer = validateMaxBuffer(defaults.maxBuffer);
  if (defaults.shell !== undefined) layer.shell = validateShellPath(defaults.shell);
  if (defaults.pipefail !== undefined) layer.pipefail = validateFlag('pipefail', defaults.pipefail);
  if (defaults.log !== undefined) layer.log = validateLog(defaults.log);
  checkPipefail(layer.shell, layer.pipefail ?? false, 'pipefail');
  return Object.freeze(layer);
}

/** Validates `createShell` options (unknown keys rejected) and applies the frozen command defaults. */
export function normalizeShellOptions(options: unknown): ResolvedShellOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigError('createShell needs an options object: createShell({ adapter })', 'options');
  }
  rejectUnknownKeys(options, SHELL_KEYS, 'createShell options');
  const { adapter, defaults = {}, secrets = [] } = options as ShellOptions;
  if (typeof defaults !== 'object' || defaults === null) throw new ConfigError('defaults must be an object', 'defaults');
  if (typeof (secrets as Partial<Iterable<unknown>>)[Symbol.iterator] !== 'function') {
    throw new ConfigError('secrets must be an iterable of strings, e.g. [password]', 'secrets');
  }
  const own = layerFromDefaults(defaults);
  return { adapter: adapterSource(adapter), own, settings: layerSettings(DEFAULT_COMMAND_SETTINGS, own), secrets: validateSecrets(secrets) };
}
