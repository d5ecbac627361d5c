import { sshPoolRegistry } from '../ssh/pool/ssh-pool-registry.js';
import { createShutdownHandler } from './create-shutdown-handler.js';
import { normalizeShutdownOptions, type ShutdownOptions } from './shutdown-options.js';

/**
 * On SIGINT/SIGTERM, drains every SSH pool (running commands finish, nothing new starts), waits up to
 * `gracePeriod` ms (default 30000), then closes what is still open (`forceAfterGracePeriod`, default true),
 * and lets the signal end the process: exit status 128 + n (130 for SIGINT, 143 for SIGTERM), with no error
 * printed for the commands the shutdown canceled, even when a top-level `await` was on one of them.
 * Nothing is installed unless you call this. Returns a function that uninstalls the handlers.
 */
export function installShutdownHandlers(options: ShutdownOptions = {}): () => void {
  return createShutdownHandler(normalizeShutdownOptions(options), {
    process,
    pools: () => sshPoolRegistry.pools(),
  });
}
