// A cdk8s app for the plugin test: plain cdk8s-plus workloads and raw ApiObjects next to this library's Secret.
// PULL_CHECK_SCENARIO=good synthesizes only objects the kubelet can pull; 'bad' adds three that it cannot.
import { ApiObject, App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivateDeployment, PrivateRegistrySecret } from '../../lib';

const app = new App();
const chart = new Chart(app, 'fixture', { namespace: 'team-a' });
const secret = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, server: 'ghcr.io', username: 'u',
  password: 'FAKE-fixture' });

new ApiObject(chart, 'raw-pod', {
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'raw' },
  spec: { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], imagePullSecrets: [{ name: 'regcred' }] },
});
new kplus.Deployment(chart, 'public-web', { containers: [{ image: 'nginx:1.25' }] });
// a private workload with a public sidecar: the plugin must honour what the construct declared
const web = new PrivateDeployment(chart, 'web', { containers: [{ image: 'ghcr.io/org/web:1' }], registrySecrets: [secret], publicImages: ['nginx'] });
web.addContainer({ name: 'proxy', image: 'nginx:1.25' });
web.addPublicImage('busybox');
web.addContainer({ name: 'tools', image: 'busybox:1' });

if (process.env.PULL_CHECK_SCENARIO === 'bad') {
  // a plain cdk8s-plus Deployment whose image no key covers
  new kplus.Deployment(chart, 'plain', { containers: [{ image: 'quay.io/org/api:2' }], dockerRegistryAuth: secret });
  // a Job that gets its secrets from a ServiceAccount
  new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' },
    imagePullSecrets: [{ name: 'regcred' }] } as any);
  new ApiObject(chart, 'job', {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'build' },
    spec: { template: { spec: { serviceAccountName: 'builder', restartPolicy: 'Never', containers: [{ name: 'b',
      image: 'registry.example.com:5000/builder' }] } } },
  });
  // a raw CronJob in another namespace than its secret
  new ApiObject(chart, 'cron', {
    apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'team-b' },
    spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never',
      containers: [{ name: 'n', image: 'ghcr.io/org/nightly:1' }], imagePullSecrets: [{ name: 'regcred' }] } } } } },
  });
}

app.synth();
