import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run against sources, so a change in a sibling package needs no rebuild.
    alias: { '@rexec/adapters': fileURLToPath(new URL('../adapters/src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // One SSH host (OpenSSH sshd, else the embedded ssh2 server) per run; tests read it with testHost().
    globalSetup: [fileURLToPath(new URL('../testing/src/global-setup.ts', import.meta.url))],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
