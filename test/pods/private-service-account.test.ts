import { ApiObject, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { PrivateDeployment, PrivateRegistrySecret, PrivateServiceAccount } from '../../lib';
import { validateManifest } from '../support/schema';

const FAKE = 'FAKE-pw-never-printed';

function serviceAccountOf(chart: any): any {
  return Testing.synth(chart).find((o) => o.kind === 'ServiceAccount');
}

describe('PrivateServiceAccount', () => {
  it('writes every registry secret once, in order, as the top-level imagePullSecrets, and passes the schema', () => {
    const chart = Testing.chart();
    const a = new PrivateRegistrySecret(chart, 'a', { metadata: { name: 'a' }, server: 'ghcr.io', username: 'u', password: FAKE });
    const b = kplus.Secret.fromSecretName(chart, 'b', 'existing-b');
    const sa = new PrivateServiceAccount(chart, 'builder', { metadata: { name: 'builder' }, registrySecrets: [b, a, b] });
    const manifest = serviceAccountOf(chart);
    expect(manifest.imagePullSecrets).toEqual([{ name: 'existing-b' }, { name: 'a' }]);
    expect(sa.registrySecrets.map((s) => s.name)).toEqual(['existing-b', 'a']);
    validateManifest(manifest);
  });

  it('keeps the kplus.ServiceAccount fields apart from the pull secrets', () => {
    const chart = Testing.chart();
    const token = kplus.Secret.fromSecretName(chart, 'token', 'token');
    new PrivateServiceAccount(chart, 'builder', {
      registrySecrets: [kplus.Secret.fromSecretName(chart, 'regcred', 'regcred')],
      secrets: [token],
      automountToken: true,
    });
    const manifest = serviceAccountOf(chart);
    expect(manifest.secrets).toEqual([{ name: 'token' }]);
    expect(manifest.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(manifest.automountServiceAccountToken).toBe(true);
  });

  it('writes a secret added after construction, once', () => {
    const chart = Testing.chart();
    const a = kplus.Secret.fromSecretName(chart, 'a', 'a');
    const sa = new PrivateServiceAccount(chart, 'builder', { registrySecrets: [a] });
    sa.addRegistrySecret(kplus.Secret.fromSecretName(chart, 'b', 'b'));
    sa.addRegistrySecret(a);
    expect(serviceAccountOf(chart).imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('follows the name of a secret that changes it after construction (appendHash, then addRegistry)', () => {
    const chart = Testing.chart();
    const regcred = new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'regcred' }, appendHash: true, server: 'ghcr.io', username: 'u', password: FAKE,
    });
    new PrivateServiceAccount(chart, 'builder', { registrySecrets: [regcred] });
    const before = regcred.name;
    regcred.addRegistry({ server: 'quay.io', username: 'v', password: FAKE });
    expect(regcred.name).not.toBe(before);
    expect(serviceAccountOf(chart).imagePullSecrets).toEqual([{ name: regcred.name }]);
  });

  it('is still reachable as the raw object under id Resource', () => {
    const chart = Testing.chart();
    const sa = new PrivateServiceAccount(chart, 'builder', { registrySecrets: [kplus.Secret.fromSecretName(chart, 'a', 'a')] });
    expect(ApiObject.of(sa).kind).toBe('ServiceAccount');
  });

  it('lends its secrets to a workload that lists none, which then synthesizes without imagePullSecrets', () => {
    const chart = Testing.chart();
    const regcred = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, server: 'ghcr.io', username: 'u', password: FAKE });
    const sa = new PrivateServiceAccount(chart, 'builder', { metadata: { name: 'builder' }, registrySecrets: [regcred] });
    new PrivateDeployment(chart, 'web', { containers: [{ image: 'ghcr.io/org/web:1' }], serviceAccount: sa });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.spec.template.spec.serviceAccountName).toBe('builder');
    expect(deployment.spec.template.spec).not.toHaveProperty('imagePullSecrets');
  });

  it('fails when no registry secret is given and leaves nothing in the tree', () => {
    const chart = Testing.chart();
    expect(() => new PrivateServiceAccount(chart, 'builder', { registrySecrets: [] }))
      .toThrow(/PrivateServiceAccount 'builder': 'registrySecrets' must list at least one secret, got none/);
    expect(chart.node.children).toHaveLength(0);
  });

  it('fails when kplus \'secrets\' holds something that is not a secret, naming the field and leaving nothing in the tree', () => {
    const chart = Testing.chart();
    const regcred = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'u', password: 'FAKE-pw' });
    const cases: [unknown, RegExp][] = [
      [[null], /^PrivateServiceAccount 'builder': 'secrets\[0\]' must be a kplus.ISecret .*, got null$/],
      [[regcred, chart], /'secrets\[1\]' must be a kplus.ISecret/],
      ['regcred', /^PrivateServiceAccount 'builder': 'secrets' must be a list such as \[tokenSecret\], got a string$/],
    ];
    for (const [secrets, error] of cases) {
      expect(() => new PrivateServiceAccount(chart, 'builder', { registrySecrets: [regcred], secrets: secrets as kplus.ISecret[] })).toThrow(error);
      expect(chart.node.tryFindChild('builder')).toBeUndefined();
    }
    new PrivateServiceAccount(chart, 'builder', { registrySecrets: [regcred], secrets: [regcred] });
    expect(Testing.synth(chart).find((o) => o.kind === 'ServiceAccount').secrets).toEqual([{ name: regcred.name }]);
  });

  it('fails when a registry secret is not a secret', () => {
    const chart = Testing.chart();
    expect(() => new PrivateServiceAccount(chart, 'builder', { registrySecrets: [undefined as any] }))
      .toThrow(/'registrySecrets\[0\]' must be a kplus.ISecret/);
  });
});
