import * as fs from 'node:fs';
import { defineConfig } from 'vitest/config';

// CDK8S_PLUS_LINE=33 runs the tests against cdk8s-plus-33 (a devDependency) wherever lib/ and the tests import
// cdk8s-plus-28: in this process through the alias, in the programs the tests start through tsx's tsconfig paths
// (TSX_TSCONFIG_PATH, written by scripts/test.sh). Unset, or 28, is the root package's own line.
const line = process.env.CDK8S_PLUS_LINE ?? '28';
if (!/^\d+$/.test(line) || !fs.existsSync(new URL(`./node_modules/cdk8s-plus-${line}/package.json`, import.meta.url))) {
  throw new Error(`CDK8S_PLUS_LINE must name an installed cdk8s-plus line such as 33, got '${line}'; the lines are the cdk8s-plus-N devDependencies`);
}
// TEST_TIER=fast (npm test) runs the tests that need no Debian package and open no listener; the guard makes a test
// that does fail there instead of passing by luck on a machine that has them
const fast = process.env.TEST_TIER === 'fast';
// The test files that need a real part (a Debian package from scripts/setup.sh --system, a listener on 127.0.0.1, the
// npm registry), or that start many programs (the cdk8s CLI, tsx, vitest) and so take longer than the whole fast tier
// should. `npm test` (TEST_TIER=fast) leaves them out; `bash scripts/test.sh` runs all. A file not listed here runs in
// the fast tier, whose guard (test/support/fast-tier-guard.ts) fails it if it needs a real part.
const NOT_FAST = [
  'test/api-parameter-names.test.ts',
  'test/app/main.test.ts',
  'test/app/login-check.test.ts',
  'test/check/manifest-check.test.ts',
  'test/check/manifest-model.test.ts',
  'test/check/pull-check.test.ts',
  'test/cli/cli.test.ts',
  'test/consumer/**',
  'test/docker/append-hash.test.ts',
  'test/docker/credential-helper-pass.test.ts',
  'test/docker/payload.test.ts',
  'test/hostile/app-environment.test.ts',
  'test/hostile/good-input.test.ts',
  'test/input/metadata.test.ts',
  'test/kubectl/**',
  'test/kubelet/credential-providers.test.ts',
  'test/kubelet/image-reference.test.ts',
  'test/kubelet/upper-case-host.test.ts',
  'test/plugin/**',
  'test/policy/cdk8s-cli.test.ts',
  'test/policy/example.test.ts',
  'test/policy/real-registry.test.ts',
  'test/policy/registry-pull-policy.test.ts',
  'test/real-registry/**',
  'test/registry/**',
  'test/scripts/test-summary.test.ts',
  'test/secrets/eso-template.test.ts',
  'test/secrets/external-registry-secret.test.ts',
  'test/secrets/private-registry-secret.test.ts',
  'test/secrets/sealed-registry-secret.test.ts',
  'test/secrets/sealing.test.ts',
];

export default defineConfig({
  resolve: {
    alias: line === '28' ? [] : [{ find: /^cdk8s-plus-28$/, replacement: `cdk8s-plus-${line}` }],
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: fast ? ['**/node_modules/**', ...NOT_FAST] : ['**/node_modules/**'],
    setupFiles: fast ? ['test/support/fast-tier-guard.ts'] : [],
    globalSetup: ['test/support/global-setup.ts'],
    // real-part tests (registry, kubectl, npm pack) start processes; give them room on a 2-core machine
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
