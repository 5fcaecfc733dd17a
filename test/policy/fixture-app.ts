// A cdk8s app for the policy's CLI test: the vendored manifests of fixtures/vendored.yaml through an Include, and one
// App-scoped RegistryPullPolicy. POLICY_SCENARIO=uncovered leaves registry.example.com:5000 out of the policy.
import * as path from 'node:path';
import { App, Chart, Include } from 'cdk8s';
import { RegistryPullPolicy } from '../../lib';

const app = new App();
new Include(new Chart(app, 'vendored'), 'manifests', { url: path.join(__dirname, 'fixtures', 'vendored.yaml') });
const registries = [
  { server: 'ghcr.io', username: 'octocat', password: 'FAKE-fixture-ghcr-q8Zr3vW1x' },
  { server: 'registry.example.com:5000', username: 'ci', password: 'FAKE-fixture-registry-q8Zr3vW1x' },
];
new RegistryPullPolicy(app, 'pull-policy', {
  registries: process.env.POLICY_SCENARIO === 'uncovered' ? registries.slice(0, 1) : registries,
  publicImages: ['busybox', 'nginx'],
});
app.synth();
