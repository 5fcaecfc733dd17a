// kubectl is the oracle for content-hash names: `kubectl create secret docker-registry NAME --append-hash`.
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { PrivatePod, PrivateRegistrySecret } from '../../lib';
import { checkManifests } from '../../lib/check/manifest-check';
import { kubectlDockerRegistrySecret } from '../support/kubectl';

const CASES = [
  { title: 'kubectl\'s own vector with email', name: 'foo', username: 'test-user', password: 'test-password', email: 'test-user@example.org' },
  { title: 'kubectl\'s own vector without email', name: 'foo', username: 'test-user', password: 'test-password' },
  { title: 'a port and html characters', name: 'regcred', server: 'localhost:5000', username: 'jane', password: 'a<b>&c' },
  { title: 'unicode and U+2028', name: 'myregcred', server: 'ghcr.io', username: 'jürgen', password: 'p\u2028ä日' },
  { title: 'quotes and backslashes', name: 'x', server: 'https://quay.io/v2/', username: 'u', password: '"\\\'' },
];

describe('appendHash gives the name kubectl --append-hash gives', () => {
  it.each(CASES.map((c) => [c.title, c] as const))('%s', (_t, c) => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: c.name }, appendHash: true, server: c.server, username: c.username, password: c.password, email: c.email,
    });
    const expected = kubectlDockerRegistrySecret({ ...c, appendHash: true }).metadata.name;
    expect(secret.name).toBe(expected);
    expect(Testing.synth(chart)[0].metadata.name).toBe(expected);
  });

  it('matches the vectors in kubectl\'s tests', () => {
    const chart = Testing.chart();
    const a = new PrivateRegistrySecret(chart, 'a', { metadata: { name: 'foo' }, appendHash: true, username: 'test-user', password: 'test-password',
      email: 'test-user@example.org' });
    const b = new PrivateRegistrySecret(chart, 'b', { metadata: { name: 'foo' }, appendHash: true, username: 'test-user',
      password: 'test-password' });
    expect([a.name, b.name]).toEqual(['foo-548cm7fgdh', 'foo-bff5bt4f92']);
  });

  it('makes every reference follow the hashed name, also after a registry is added later', () => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, appendHash: true, server: 'ghcr.io', username: 'u',
      password: 'FAKE' });
    new PrivatePod(chart, 'pod', { containers: [{ image: 'ghcr.io/a/b' }, { name: 'q', image: 'quay.io/c/d' }], registrySecrets: [secret] });
    const before = secret.name;
    secret.addRegistry({ server: 'quay.io', username: 'v', password: 'FAKE2' });
    expect(secret.name).not.toBe(before);
    const objects = Testing.synth(chart);
    const [s, pod] = objects;
    expect(s.metadata.name).toBe(secret.name);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: secret.name }]);
    expect(checkManifests(objects)).toMatchObject({ errors: [], podsChecked: 1 });
  });

  it('hashes immutable in when set, so an immutable Secret gets another name', () => {
    const chart = Testing.chart();
    const mutable = new PrivateRegistrySecret(chart, 'a', { metadata: { name: 'foo' }, appendHash: true, username: 'test-user',
      password: 'test-password' });
    const frozen = new PrivateRegistrySecret(chart, 'b', { metadata: { name: 'foo' }, appendHash: true, immutable: true, username: 'test-user',
      password: 'test-password' });
    expect(frozen.name).not.toBe(mutable.name);
    expect(Testing.synth(chart)[1]).toMatchObject({ immutable: true, metadata: { name: frozen.name } });
  });

  it('works with a service account and envValue references too', () => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, appendHash: true, username: 'u', password: 'FAKE' });
    const value = secret.envValue('.dockerconfigjson');
    new kplus.Pod(chart, 'p', { containers: [{ image: 'nginx', envVariables: { CFG: value } }] });
    const pod = Testing.synth(chart)[1];
    expect(pod.spec.containers[0].env[0].valueFrom.secretKeyRef.name).toBe(secret.name);
  });

  it('fails when appendHash is set without metadata.name', () => {
    expect(() => new PrivateRegistrySecret(Testing.chart(), 'regcred', { appendHash: true, username: 'u', password: 'FAKE' }))
      .toThrow(/'appendHash' needs 'metadata.name', got none/);
  });
});
