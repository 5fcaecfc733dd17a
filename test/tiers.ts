// The test files that need a real part: a Debian package (scripts/setup.sh --system), a listener on 127.0.0.1, the npm
// registry or the cdk8s CLI's slow synth. `npm test` (TEST_TIER=fast) leaves them out; `bash scripts/test.sh` runs all.
// A file not listed here runs in the fast tier, whose guard (test/support/fast-tier-guard.ts) fails it if it needs one.
export const REAL_PART_TESTS = [
  'test/app/login-check.test.ts',
  'test/check/pull-check.test.ts',
  'test/cli/cli.test.ts',
  'test/consumer/**',
  'test/docker/append-hash.test.ts',
  'test/docker/credential-helper-pass.test.ts',
  'test/docker/payload.test.ts',
  'test/hostile/good-input.test.ts',
  'test/kubectl/**',
  'test/kubelet/credential-providers.test.ts',
  'test/kubelet/image-reference.test.ts',
  'test/plugin/**',
  'test/policy/cdk8s-cli.test.ts',
  'test/policy/real-registry.test.ts',
  'test/policy/registry-pull-policy.test.ts',
  'test/real-registry/**',
  'test/registry/**',
  'test/secrets/eso-template.test.ts',
  'test/secrets/external-registry-secret.test.ts',
  'test/secrets/private-registry-secret.test.ts',
  'test/secrets/sealed-registry-secret.test.ts',
];
