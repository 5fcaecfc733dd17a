// One service account holds the pull secret; a Deployment and a CronJob run as it and list no secrets of their own,
// so the ServiceAccount admission plugin copies its imagePullSecrets into their pods.
// Run: npx tsx examples/service-account.ts (prints the YAML; credentials from the environment).
import { App, Chart, Cron } from 'cdk8s';
import { PrivateCronJob, PrivateDeployment, PrivateRegistrySecret, PrivateServiceAccount } from '../lib';

/** Builds the example chart into `app`; credentials come from `env`, with fake defaults. */
export function build(app: App, env: { [name: string]: string | undefined } = process.env): Chart {
  // secrets, service account and pods must share one namespace: the chart's
  const chart = new Chart(app, 'service-account', { namespace: 'reports' });

  const regcred = new PrivateRegistrySecret(chart, 'regcred', {
    metadata: { name: 'regcred' },
    server: 'ghcr.io',
    username: env.GHCR_USERNAME ?? 'octocat',
    password: env.GHCR_TOKEN ?? 'FAKE-ghcr-token',
  });
  const puller = new PrivateServiceAccount(chart, 'puller', { metadata: { name: 'puller' }, registrySecrets: [regcred] });

  new PrivateDeployment(chart, 'api', {
    serviceAccount: puller,
    containers: [{ image: 'ghcr.io/acme/reports-api:2.0.1', portNumber: 8080 }],
  });
  new PrivateCronJob(chart, 'nightly', {
    serviceAccount: puller,
    schedule: Cron.daily(),
    containers: [{ image: 'ghcr.io/acme/reports-batch:2.0.1' }],
  });
  return chart;
}

if (require.main === module) {
  const app = new App();
  build(app);
  process.stdout.write(app.synthYaml());
}
