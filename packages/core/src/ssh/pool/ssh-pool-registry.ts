/**
 * THE pool registry instance: rexec's only module-level state (see pool-registry.ts and docs/ssh.md#pooling).
 * Created empty at import; nothing connects until a command runs.
 */
import { createPoolRegistry } from './pool-registry.js';
import type { SshPool } from './ssh-pool.js';

export const sshPoolRegistry = createPoolRegistry<SshPool>();
