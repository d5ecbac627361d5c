import { sshPoolRegistry } from '../ssh/pool/ssh-pool-registry.js';
import { createShutdownHandler } from './create-shutdown-handler.js';
import { normalizeShutdownOptions, type ShutdownOptions } from './shutdown-options.js';

/**
 * On SIGINT/SIGTERM, drains every SSH pool (running commands finish, nothing new starts), waits up to
 * `gracePeriod` ms (default 30000), then closes what is still open (`forceAfterGracePeriod`, default true),
 * and lets the signal end the process. Nothing is installed unless you call this.
 * Returns a function that uninstalls the handlers.
 */
export function installShutdownHandlers(options: ShutdownOptions = {}): () => void {
  return createShutdownHandler(normalizeShutdownOptions(options), {
    process,
    pools: () => sshPoolRegistry.pools(),
  });
}
