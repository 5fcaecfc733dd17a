// One RegistryPullPolicy for a whole app: a vendored chart pulled in with Include (test/policy/fixtures/vendored.yaml:
// several namespaces, every pod-bearing kind) and a chart of our own. Run: npx tsx examples/pull-policy.ts (prints the
// YAML; credentials from the environment, fake by default).
import * as path from 'node:path';
import { App, Chart, Include } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { RegistryPullPolicy } from '../lib';

/** Builds the example into `app`; credentials come from `env`, with fake defaults. */
export function build(app: App, env: { [name: string]: string | undefined } = process.env): RegistryPullPolicy {
  const vendored = new Chart(app, 'vendored');
  new Include(vendored, 'manifests', { url: path.join(__dirname, '..', 'test', 'policy', 'fixtures', 'vendored.yaml') });

  const ours = new Chart(app, 'shop-api', { namespace: 'shop' });
  new kplus.Deployment(ours, 'api', { containers: [{ image: 'ghcr.io/acme/shop-api:3.1.0', portNumber: 8080 }] });

  return new RegistryPullPolicy(app, 'pull-policy', {
    registries: [
      { server: 'ghcr.io', username: env.GHCR_USERNAME ?? 'octocat', password: env.GHCR_TOKEN ?? 'FAKE-ghcr-token' },
      { server: 'registry.example.com:5000', username: env.REGISTRY_USERNAME ?? 'ci', password: env.REGISTRY_PASSWORD ?? 'FAKE-registry-password' },
    ],
    publicImages: ['busybox', 'nginx'],
  });
}

if (require.main === module) {
  const app = new App();
  build(app);
  process.stdout.write(app.synthYaml());
}
