/**
 * The hook that puts `group` on `$.ssh`: `$.ssh.group(targets, options)` (docs/fleets.md). dollar.ts wraps
 * its `ssh` function with `withGroup`; everything else of host groups lives in this folder.
 */
import { createSshGroup } from './create-ssh-group.js';
import type { GroupTarget, SshGroup, SshGroupOptions } from './group-types.js';

/** What `withGroup` adds to `$.ssh`. */
export interface SshGroupFactory {
  /**
   * A host group: `` group`cmd` `` runs on one host picked by `strategy` (failing over to the next healthy host
   * when the command could not start), `group.all` / `group.each` run on every host. `targets`: an array of
   * targets as `$.ssh` takes them (objects may carry a `weight`), or a `~/.ssh/config` host pattern (`'web*'`).
   * Each host keeps its own pool, shared through the registry as `$.ssh` shares it.
   */
  group(targets: readonly GroupTarget[] | string, options?: SshGroupOptions): SshGroup;
}

export function withGroup<F extends object>(ssh: F): F & SshGroupFactory {
  return Object.assign(ssh, { group: (targets: readonly GroupTarget[] | string, options?: SshGroupOptions): SshGroup => createSshGroup(targets, options) });
}
