import type { SshHostInfo } from './types.js';

/** The key under which the shared globalSetup provides its host to the tests. */
export const PROVIDED_HOST_KEY = 'rexecSshHost';

declare module 'vitest' {
  export interface ProvidedContext {
    rexecSshHost: SshHostInfo;
  }
}
