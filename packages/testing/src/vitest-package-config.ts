/**
 * The vitest config of a library package (adapters, core): tests of `src/` and `test/`, run against the
 * sources of @rexec/adapters (so a change in a sibling package needs no rebuild), with one SSH host
 * (OpenSSH sshd, else the embedded ssh2 server) per run that tests read with `testHost()`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export const packageTestConfig = defineConfig({
  resolve: {
    alias: { '@rexec/adapters': fileURLToPath(new URL('../../adapters/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    globalSetup: [fileURLToPath(new URL('./global-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
