import { LocalAdapter } from '@rexec/adapters';
import { createShell } from './shell/create-shell.js';
import type { Shell } from './shell/shell-types.js';
import { createSshShell, type SshShell } from './ssh/pool/create-ssh-shell.js';
import type { SshOptions, SshTarget } from './ssh/options/ssh-options.js';
import { withGroup, type SshGroupFactory } from './ssh/group/with-group.js';
import { shellChoiceOf, withShellChoice } from './ssh/ssh-shell-choice.js';

/** The type of `$`: a shell over this machine. Extra properties (e.g. `$.ssh`) are added here. */
export type Dollar = Shell & {
  /**
   * A tag over a pooled SSH target (`'user@host:port'`, an `~/.ssh/config` alias, or options), that is also
   * its pool handle. Calls with the same identity and pool options share one pool. Connects on first use.
   * `$.ssh.group(targets, options)`: many hosts (docs/fleets.md).
   */
  ssh: SshGroupFactory & ((target: SshTarget, options?: SshOptions) => SshShell);
};

/**
 * The command tag for this machine: `await $\`echo ${name}\``. Importing it spawns nothing and reads no
 * environment; its `LocalAdapter` is created when the first command starts.
 * To add a property (such as `ssh`), write `Object.assign(localShell, { ssh })` and extend `Dollar`.
 */
const localShell: Shell = createShell({ adapter: () => new LocalAdapter() });

export const $: Dollar = Object.assign(localShell, {
  ssh: withGroup((target: SshTarget, options?: SshOptions): SshShell => {
    const choice = shellChoiceOf(target, options); // `shell`/`pipefail` shape the tag, not the pool
    return withShellChoice(createSshShell(target, options), choice);
  }),
});
