/**
 * `$.ssh(target, { shell, pipefail })`: the tag `$.ssh` returns, with those as its defaults. They choose how
 * each command runs, not where, so they are no part of the pool's identity: every shell choice for one
 * target shares its pool.
 */
import { checkPipefail, validateShellPath } from '../command/shell-choice.js';
import type { Shell } from '../shell/shell-types.js';
import type { SshOptions, SshTarget } from './options/ssh-options.js';

/** The `shell` and `pipefail` given in the target object or the options (checked before any pool is made). */
export function shellChoiceOf(target: SshTarget, options: SshOptions | undefined): { shell?: string; pipefail?: boolean } {
  const given: SshOptions = { ...(typeof target === 'object' && target !== null ? target : {}), ...options };
  const choice: { shell?: string; pipefail?: boolean } = {};
  if (given.shell !== undefined) choice.shell = validateShellPath(given.shell);
  if (given.pipefail !== undefined) choice.pipefail = given.pipefail;
  if (choice.pipefail !== undefined) checkPipefail(choice.shell, choice.pipefail, 'pipefail');
  return choice;
}

/** `tag` with the shell choice applied, keeping the other properties it carries (the pool handle). */
export function withShellChoice<T extends Shell>(tag: T, choice: { shell?: string; pipefail?: boolean }): T {
  if (choice.shell === undefined && choice.pipefail === undefined) return tag;
  let derived: Shell = tag;
  if (choice.shell !== undefined) derived = derived.shell(choice.shell);
  if (choice.pipefail !== undefined) derived = derived.pipefail(choice.pipefail);
  const derivedMethods: Partial<Shell> = { ...derived };
  // The derived tag, then what `tag` carries besides a Shell's methods (the pool handle), then the derived methods again.
  return Object.assign<Shell, T, Partial<Shell>>(derived, tag, derivedMethods);
}
