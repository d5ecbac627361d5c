/**
 * `$.ssh(target, options?)`: a command tag over a pooled SSH target, carrying the pool handle.
 * Options are resolved now (a bad target, option or key file throws `ConfigError` here); nothing
 * connects until the first command. Calls with the same identity (user@host:port + credentials) and
 * the same pool options share one pool through the registry. `controlMaster: true` targets run through
 * the OpenSSH client instead (control-master-target.ts).
 */
import { ExecRefusedError, isChannelRefusedError } from '../connection/channel-refused-error.js';
import { connectSsh } from '../connection/connect-ssh.js';
import { computeSshIdentity } from '../identity.js';
import { normalizeSshOptions } from '../options/normalize-ssh-options.js';
import type { ResolvedSshOptions, SshEnv, SshOptions, SshTarget } from '../options/ssh-options.js';
import { createShell } from '../../shell/create-shell.js';
import type { Shell } from '../../shell/shell-types.js';
import { createControlMasterPool } from './control-master-pool.js';
import { controlMasterOptionsOf } from './control-master-target.js';
import { normalizeSshPoolOptions } from './normalize-ssh-pool-options.js';
import { poolKey } from './pool-key.js';
import { createSshAdapter, type SshAdapter } from './ssh-adapter.js';
import { createSshPool, type SshPool } from './ssh-pool.js';
import { sshPoolRegistry } from './ssh-pool-registry.js';
import type { SshPoolHandle } from './ssh-pool-types.js';

/** What `$.ssh(...)` returns: a tag (with `.cd/.env/.timeout/.nothrow`) that is also the pool handle. */
export type SshShell = Shell & SshPoolHandle;

/** The registered pool for these options, created (and registered) when there is none. */
function poolFor(resolved: ResolvedSshOptions, target: SshTarget, options: SshOptions | undefined, env: SshEnv): SshPool {
  const identity = computeSshIdentity(resolved).key;
  if (resolved.controlMaster === true) {
    const masterOptions = controlMasterOptionsOf(resolved, target, options);
    const masterPoolOptions = normalizeSshPoolOptions(resolved.pool, resolved.target, env);
    // Paths and numbers only: the credentials are in the identity's fingerprint.
    const key = poolKey(`controlMaster ${identity} ${JSON.stringify(masterOptions)}`, masterPoolOptions, (value) => sshPoolRegistry.idOf(value));
    return sshPoolRegistry.getOrCreate(key, () => {
      const created = createControlMasterPool(masterOptions, masterPoolOptions, () => sshPoolRegistry.remove(key, created));
      return created;
    });
  }
  const poolOptions = normalizeSshPoolOptions(resolved.pool, resolved.target, env);
  const key = poolKey(identity, poolOptions, (value) => sshPoolRegistry.idOf(value));
  return sshPoolRegistry.getOrCreate(key, () => {
    const created: SshPool = createSshPool(resolved, poolOptions, {
      connect: (options_) => connectSsh(options_),
      isChannelRefused: isChannelRefusedError,
      isExecRefused: (error) => error instanceof ExecRefusedError,
      onClosed: () => sshPoolRegistry.remove(key, created),
    });
    return created;
  });
}

/** One SSH target opened as `$.ssh` opens it: its registered pool's adapter and handle, and the secrets to mask. */
export interface OpenedSshTarget {
  /** `user@host:port`. */
  readonly target: string;
  readonly adapter: SshAdapter;
  readonly handle: SshPoolHandle;
  /** Credentials shown as `***` when a user interpolates them into a command. */
  readonly secrets: readonly string[];
}

/** Resolves a target and finds (or creates) its pool in the registry, as `$.ssh(target, options)` does; host groups use it for each host. */
export function openSshTarget(target: SshTarget, options?: SshOptions, env: SshEnv = process.env): OpenedSshTarget {
  const resolved = normalizeSshOptions(target, options, env);
  const pool = poolFor(resolved, target, options, env);
  // Credentials a user interpolates into a command are shown as *** in results and errors.
  const secrets = [resolved.password?.reveal(), resolved.passphrase?.reveal()]
    .map((secret) => (Buffer.isBuffer(secret) ? secret.toString('utf8') : secret))
    .filter((secret): secret is string => secret !== undefined && secret !== '');
  return { target: pool.target, adapter: createSshAdapter(pool), handle: pool.handle, secrets };
}

export function createSshShell(target: SshTarget, options?: SshOptions, env: SshEnv = process.env): SshShell {
  const { adapter, handle, secrets } = openSshTarget(target, options, env);
  return Object.assign(createShell({ adapter, secrets }), handle);
}
