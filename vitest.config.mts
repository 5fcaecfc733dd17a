import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // real-part tests (registry, kubectl, npm pack) start processes; give them room on a 2-core machine
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
