// A Deployment that pulls one image from ghcr.io and one from a registry on port 5000, with one pull secret that
// holds both registries. Run: npx tsx examples/two-registries.ts (prints the YAML; credentials from the environment).
import { App, Chart } from 'cdk8s';
import { PrivateDeployment, PrivateRegistrySecret } from '../lib';

/** Builds the example chart into `app`; credentials come from `env`, with fake defaults. */
export function build(app: App, env: { [name: string]: string | undefined } = process.env): Chart {
  const chart = new Chart(app, 'two-registries', { namespace: 'shop' });

  const regcred = new PrivateRegistrySecret(chart, 'regcred', {
    metadata: { name: 'regcred' },
    server: 'ghcr.io',
    username: env.GHCR_USERNAME ?? 'octocat',
    password: env.GHCR_TOKEN ?? 'FAKE-ghcr-token',
  });
  regcred.addRegistry({
    server: 'registry.example.com:5000',
    username: env.REGISTRY_USERNAME ?? 'ci',
    password: env.REGISTRY_PASSWORD ?? 'FAKE-registry-password',
  });

  new PrivateDeployment(chart, 'shop', {
    registrySecrets: [regcred],
    containers: [
      { name: 'web', image: 'ghcr.io/acme/shop-web:1.4.2', portNumber: 8080 },
      { name: 'worker', image: 'registry.example.com:5000/acme/shop-worker:1.4.2' },
    ],
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  build(app);
  process.stdout.write(app.synthYaml());
}
