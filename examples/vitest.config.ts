import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 90_000,
    // Each example starts its own SSH host(s); run them one at a time on small machines.
    fileParallelism: false,
  },
});
