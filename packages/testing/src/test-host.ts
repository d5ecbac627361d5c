import { inject } from 'vitest';
import './provided-context.js';
import type { SshHostInfo } from './types.js';

/**
 * The host started by the shared globalSetup for this test run. Call it inside a test file
 * (at module level or in a hook); outside vitest it throws.
 */
export function testHost(): SshHostInfo {
  const host = inject('rexecSshHost');
  if (host === undefined) {
    throw new Error('testHost(): no host was provided; add globalSetup: @rexec/testing/global-setup to this package\'s vitest.config.ts');
  }
  return host;
}
