/**
 * The `shell` and `pipefail` settings: which shell runs a command, and whether a pipeline fails when any
 * of its commands does. Without `shell` each transport uses its own (docs/commands.md#shell-and-pipefail):
 * `/bin/sh -c` locally and on ControlMaster targets, the remote login shell over ssh2.
 */
import { posix } from 'node:path';
import { ConfigError, quote } from '@rexec/adapters';

/** Shells known to have `set -o pipefail`. */
const PIPEFAIL_SHELLS: ReadonlySet<string> = new Set(['bash', 'zsh', 'ksh', 'ksh93', 'mksh', 'oksh', 'yash']);
/** Shells known not to (dash, and `sh`, which is dash on Debian/Ubuntu and busybox ash on Alpine). */
const NO_PIPEFAIL_SHELLS: ReadonlySet<string> = new Set(['sh', 'dash', 'ash', 'posh', 'busybox']);

/** `bash` for `/usr/local/bin/bash` or `bash5`: the name pipefail support is judged by. */
export function shellName(shell: string): string {
  return posix.basename(shell).replace(/[\d.]+$/, '') || posix.basename(shell);
}

export function validateShellPath(shell: unknown): string {
  if (typeof shell !== 'string' || shell.trim() === '' || /[\0\n]/.test(shell)) {
    throw new ConfigError(
      `shell must be the path (or name) of a POSIX shell, e.g. '/bin/bash', got ${JSON.stringify(shell) ?? String(shell)}`,
      'shell',
    );
  }
  return shell;
}

/**
 * Throws `ConfigError` naming `option` (the setting being changed) when `pipefail` is on and `shell` is
 * not known to support it: no shell (each transport's own may be dash), sh/dash/ash, or a shell rexec
 * does not know.
 */
export function checkPipefail(shell: string | undefined, pipefail: boolean, option: 'shell' | 'pipefail'): void {
  if (!pipefail) return;
  if (shell === undefined) {
    throw new ConfigError(
      'pipefail needs a shell that has it, and the default shell may not (/bin/sh locally and on ControlMaster targets, ' +
        "which is dash on Debian/Ubuntu; the login shell over ssh2). Choose one first: $.shell('/bin/bash').pipefail(), " +
        "or { shell: '/bin/bash', pipefail: true }",
      option,
    );
  }
  const name = shellName(shell);
  if (NO_PIPEFAIL_SHELLS.has(name)) {
    throw new ConfigError(
      `pipefail is not supported by ${shell} (${name} has no \`set -o pipefail\`; /bin/sh is dash on Debian/Ubuntu). ` +
        `Use shell: '/bin/bash' (or zsh, ksh)${option === 'shell' ? ', or turn pipefail off first with .pipefail(false)' : ''}`,
      option,
    );
  }
  if (!PIPEFAIL_SHELLS.has(name)) {
    throw new ConfigError(
      `rexec cannot tell whether ${shell} supports pipefail (it knows ${[...PIPEFAIL_SHELLS].join(', ')}); ` +
        "use one of those, e.g. shell: '/bin/bash', or write `set -o pipefail` in the command yourself",
      option,
    );
  }
}

/**
 * The command as the transport's shell runs it: with a `shell`, `exec SHELL -c 'SCRIPT'` (one process: the
 * pid, the process group and the exit status stay the command's), where SCRIPT starts with `set -o pipefail`
 * when asked. The remote `cd`/`export` lines run before it, in the transport's shell, so they still apply.
 */
export function commandForShell(command: string, shell: string | undefined, pipefail: boolean): string {
  if (shell === undefined) return command;
  return `exec ${quote(shell)} -c ${quote(pipefail ? `set -o pipefail\n${command}` : command)}`;
}
