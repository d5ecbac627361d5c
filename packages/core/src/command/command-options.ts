import { constants } from 'node:os';
import { posix } from 'node:path';
import { Readable } from 'node:stream';
import { ConfigError, isShellVariableName } from '@rexec/adapters';
import type { LogHook } from './log.js';
import { ProcessOutput } from './process-output.js';

/** The resolved settings of one command: `within` defaults, a shell's defaults, then the command's own modifiers. */
export interface CommandSettings {
  /** Working directory, or undefined for the adapter's own (locally: the process's cwd). */
  readonly cwd: string | undefined;
  /** Variables merged onto the target's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** Milliseconds before the command is killed; 0 means no timeout. */
  readonly timeout: number;
  /** The signal a timeout sends first; undefined for the adapter's (SIGTERM). */
  readonly timeoutSignal: NodeJS.Signals | undefined;
  /** Resolve with the output instead of rejecting when the command fails. */
  readonly nothrow: boolean;
  /** Echo the command and its output through `log` (unless `quiet`). */
  readonly verbose: boolean;
  /** Never echo, even when `verbose`. */
  readonly quiet: boolean;
  /** Bytes of stdout (and of stderr) kept; undefined for the adapter's default. */
  readonly maxBuffer: number | undefined;
  /** The shell that runs the command (`exec SHELL -c command`); undefined for the transport's own. */
  readonly shell: string | undefined;
  /** `set -o pipefail` first (only with a `shell` that has it). */
  readonly pipefail: boolean;
  /** Where verbose output goes; undefined for `defaultLog`. */
  readonly log: LogHook | undefined;
}

export const DEFAULT_COMMAND_SETTINGS: CommandSettings = Object.freeze({
  cwd: undefined,
  env: Object.freeze({}),
  timeout: 0,
  timeoutSignal: undefined,
  nothrow: false,
  verbose: false,
  quiet: false,
  maxBuffer: undefined,
  shell: undefined,
  pipefail: false,
  log: undefined,
});

/** Some settings, as a shell's own defaults or a `within` block give them. */
export type SettingsLayer = Partial<CommandSettings>;

/**
 * `over` on top of `base`: a relative `cwd` is joined to the base's, `env` is merged, anything else
 * `over` sets replaces the base's value.
 */
export function layerSettings<T extends SettingsLayer>(base: T, over: SettingsLayer): T {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    if (value === undefined) continue;
    if (key === 'cwd') out['cwd'] = resolveCwd(base.cwd, value as string);
    else if (key === 'env') out['env'] = Object.freeze({ ...base.env, ...(value as Record<string, string>) });
    else out[key] = value;
  }
  return Object.freeze(out) as T;
}

export type CommandStdin = string | Buffer | Readable;

/** Throws `ConfigError` unless `ms` is a finite number of milliseconds >= 0. */
export function validateTimeout(ms: unknown): number {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) {
    throw new ConfigError(
      `timeout must be a finite number of milliseconds >= 0 (0 means no timeout), got ${String(ms)}`,
      'timeout',
    );
  }
  return ms;
}

/**
 * Throws `ConfigError` naming `option` unless `value` is a signal name of this platform (`'SIGTERM'`),
 * suggesting the `SIG`-prefixed name when that is what was missing.
 */
export function validateSignalName(value: unknown, option: string, where: string): NodeJS.Signals {
  if (typeof value === 'string' && Object.hasOwn(constants.signals, value)) return value as NodeJS.Signals;
  const hint =
    typeof value === 'string' && Object.hasOwn(constants.signals, `SIG${value.toUpperCase()}`)
      ? `; write '${`SIG${value.toUpperCase()}`}'`
      : typeof value === 'number'
        ? '; give the name, not the number'
        : '';
  throw new ConfigError(`${where} needs a signal name such as 'SIGTERM', 'SIGINT' or 'SIGKILL', got ${JSON.stringify(value) ?? String(value)}${hint}`, option);
}

/** A directory path, or a `ProcessOutput` whose trimmed stdout is one (`$.cd(await $\`mktemp -d\`)`). */
export function validateCwd(dir: unknown): string {
  if (dir instanceof ProcessOutput) {
    const path = dir.toString();
    if (path === '' || path.includes('\0') || path.includes('\n')) {
      throw new ConfigError(
        `cwd was given the result of \`${dir.command}\`, whose stdout is ${path === '' ? 'empty' : 'not one path (it has several lines)'}; ` +
          'pass a command that prints one directory',
        'cwd',
      );
    }
    return path;
  }
  if (typeof dir !== 'string' || dir === '' || dir.includes('\0')) {
    throw new ConfigError(`cwd must be a non-empty directory path (or a ProcessOutput printing one) without NUL bytes, got ${JSON.stringify(dir) ?? String(dir)}`, 'cwd');
  }
  return dir;
}

/** Relative paths are taken from `base` (POSIX, as remote hosts are); absolute ones replace it. */
export function resolveCwd(base: string | undefined, dir: string): string {
  return base === undefined || posix.isAbsolute(dir) ? dir : posix.join(base, dir);
}

/** Names must be shell variable names (remote adapters write `export NAME=value`); values strings. */
export function validateEnv(vars: unknown): Readonly<Record<string, string>> {
  if (typeof vars !== 'object' || vars === null || Array.isArray(vars)) {
    throw new ConfigError('env must be an object of variable names to string values, e.g. { NODE_ENV: "production" }', 'env');
  }
  for (const [name, value] of Object.entries(vars)) {
    if (!isShellVariableName(name)) {
      throw new ConfigError(`env name ${JSON.stringify(name)} is not a valid variable name (letters, digits, _; not starting with a digit)`, 'env');
    }
    if (typeof value !== 'string' || value.includes('\0')) {
      throw new ConfigError(`env ${name} must be a string without NUL bytes, got ${typeof value}; convert it with String()`, 'env');
    }
  }
  return Object.freeze({ ...(vars as Record<string, string>) });
}

export function validateMaxBuffer(bytes: unknown): number {
  if (typeof bytes !== 'number' || !Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new ConfigError(`maxBuffer must be a positive whole number of bytes, got ${String(bytes)}`, 'maxBuffer');
  }
  return bytes;
}

export function validateStdin(input: unknown): CommandStdin {
  if (typeof input === 'string' || Buffer.isBuffer(input) || input instanceof Readable) return input;
  throw new ConfigError(`stdin must be a string, a Buffer or a Readable stream, got ${input === null ? 'null' : typeof input}`, 'stdin');
}

export function validateSignal(signal: unknown): AbortSignal {
  if (signal instanceof AbortSignal) return signal;
  throw new ConfigError('signal must be an AbortSignal, e.g. new AbortController().signal', 'signal');
}

export function validateFlag(name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${name} must be true or false, got ${String(value)}`, name);
  return value;
}

export function validateLog(log: unknown): LogHook {
  if (typeof log !== 'function') {
    throw new ConfigError(`log must be a function (entry) => void, got ${log === null ? 'null' : typeof log}; see docs/commands.md#the-log-hook`, 'log');
  }
  return log as LogHook;
}
