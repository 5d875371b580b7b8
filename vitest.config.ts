import { defineConfig } from 'vitest/config';

// Integration tests start their own redis-server and SMPP simulator on loopback; two forks match the two
// cores CI has, and a generous per-test timeout covers a cold redis-server start on a busy machine.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});
