import type { Adapter } from '@rexec/adapters';
import type { Command } from '../command/command.js';
import type { CommandSettings } from '../command/command-options.js';
import type { LogHook } from '../command/log.js';
import type { ProcessOutput } from '../command/process-output.js';

/** Defaults a shell gives each of its commands; each command's modifiers override them. */
export interface CommandDefaults {
  /** Working directory. Default: the adapter's (locally, `process.cwd()` when the command runs). */
  cwd?: string | ProcessOutput;
  /** Variables merged onto the target's environment. Default: none. */
  env?: Record<string, string>;
  /** Milliseconds before a command is killed; 0 = no timeout. Default 0. */
  timeout?: number;
  /** The signal a timeout sends first. Default: the adapter's (`SIGTERM`). */
  timeoutSignal?: NodeJS.Signals;
  /** Resolve with the output instead of rejecting when a command fails. Default false. */
  nothrow?: boolean;
  /** Never echo, even when verbose. Default false. */
  quiet?: boolean;
  /** Echo each command and its output through `log`. Default false. */
  verbose?: boolean;
  /** Bytes of stdout (and, separately, stderr) kept; more kills the command. Default: the adapter's (local: 100 MiB). */
  maxBuffer?: number;
  /** The shell that runs each command (`exec SHELL -c command`). Default: the transport's (local: /bin/sh). */
  shell?: string;
  /** Run `set -o pipefail` first; needs a `shell` that has it (bash, zsh, ksh). Default false. */
  pipefail?: boolean;
  /** Where verbose output goes. Default: `defaultLog` (stderr, and stdout for stdout lines). */
  log?: LogHook;
}

/** What `shell.defaults` shows: every setting a shell applies (those of `within` blocks are not included). */
export type ShellDefaults = CommandSettings;

/** A command tag bound to one adapter and a set of defaults. Derived shells never change this one. */
export interface Shell {
  /** Runs shell source; each `${value}` becomes one quoted word. */
  (pieces: TemplateStringsArray, ...values: unknown[]): Command;
  /** Runs shell source with values inserted as they are, unquoted. Only for trusted values. */
  raw(pieces: TemplateStringsArray, ...values: unknown[]): Command;
  /** A shell whose commands run in `dir` (relative to this shell's directory, if it has one); a `ProcessOutput` gives its trimmed stdout. */
  cd(dir: string | ProcessOutput): Shell;
  /** A shell whose commands get these variables too. */
  env(vars: Record<string, string>): Shell;
  /** A shell whose commands are killed after `ms` milliseconds (0 = never), with `signal` first (default SIGTERM). */
  timeout(ms: number, signal?: NodeJS.Signals): Shell;
  /** A shell whose commands resolve instead of rejecting on failure. */
  nothrow(): Shell;
  /** A shell whose commands never echo. */
  quiet(): Shell;
  /** A shell whose commands echo themselves and their output. */
  verbose(): Shell;
  /** A shell whose commands run under `path` (`exec path -c command`), e.g. `'/bin/bash'`. */
  shell(path: string): Shell;
  /** A shell whose commands run `set -o pipefail` first (`on` = true); needs a `shell` that has it. */
  pipefail(on?: boolean): Shell;
  /** A shell whose verbose output goes to `hook` instead of stderr/stdout. */
  log(hook: LogHook): Shell;
  /** The same defaults on another adapter. */
  with(adapter: Adapter): Shell;
  /** A shell that shows each of these strings as `***` in results, errors and echo. */
  mask(...secrets: string[]): Shell;
  /** The defaults this shell applies. */
  readonly defaults: ShellDefaults;
}

export interface ShellOptions {
  /** Where commands run. A function is called once, when the first command starts. */
  adapter: Adapter | (() => Adapter);
  defaults?: CommandDefaults;
  /** Strings shown as `***` wherever a command is displayed (passwords, tokens). */
  secrets?: Iterable<string>;
}
