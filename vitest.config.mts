import * as fs from 'node:fs';
import { defineConfig } from 'vitest/config';
import { REAL_PART_TESTS } from './test/tiers';

// CDK8S_PLUS_LINE=33 runs the tests against cdk8s-plus-33 (a devDependency) wherever lib/ and the tests import
// cdk8s-plus-28: in this process through the alias, in the programs the tests start through tsx's tsconfig paths
// (TSX_TSCONFIG_PATH, written by scripts/test.sh). Unset, or 28, is the root package's own line.
const line = process.env.CDK8S_PLUS_LINE ?? '28';
if (!/^\d+$/.test(line) || !fs.existsSync(`node_modules/cdk8s-plus-${line}/package.json`)) {
  throw new Error(`CDK8S_PLUS_LINE must name an installed cdk8s-plus line such as 33, got '${line}'; the lines are the cdk8s-plus-N devDependencies`);
}
// TEST_TIER=fast (npm test) runs the tests that need no Debian package and open no listener; the guard makes a test
// that does fail there instead of passing by luck on a machine that has them
const fast = process.env.TEST_TIER === 'fast';

export default defineConfig({
  resolve: {
    alias: line === '28' ? [] : [{ find: /^cdk8s-plus-28$/, replacement: `cdk8s-plus-${line}` }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: fast ? ['**/node_modules/**', ...REAL_PART_TESTS] : ['**/node_modules/**'],
    setupFiles: fast ? ['test/support/fast-tier-guard.ts'] : [],
    globalSetup: ['test/support/global-setup.ts'],
    // real-part tests (registry, kubectl, npm pack) start processes; give them room on a 2-core machine
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
