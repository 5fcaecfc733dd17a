import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { PrivatePod, PrivateRegistrySecret } from '../../lib';
import { AppEnvironmentVariables } from '../../app/environment';
import { PrivateRegistryChart } from '../../app/private-registry-chart';
import { validateManifest } from '../support/schema';

describe('every synthesized object passes the Kubernetes schema (kubernetes-models)', () => {
  it('the default app', () => {
    const chart = new PrivateRegistryChart(Testing.app(), 'private-registry', AppEnvironmentVariables.read({}).chartProps);
    const objects = Testing.synth(chart);
    expect(objects.map((o) => o.kind)).toEqual(['Secret', 'Pod']);
    for (const o of objects) validateManifest(o);
  });

  it('a namespaced secret with several registries and a pod with several secrets and init containers', () => {
    const chart = Testing.chart();
    const s = new PrivateRegistrySecret(chart, 'regcred', { metadata: { namespace: 'team-a' }, immutable: true, server: 'ghcr.io', username: 'u',
      password: 'FAKE' });
    s.addRegistry({ server: 'localhost:5000', username: 'v', password: 'FAKE2', email: 'v@example.com' });
    const pod = new PrivatePod(chart, 'pod', {
      metadata: { namespace: 'team-a' },
      containers: [{ image: 'ghcr.io/org/app:1' }],
      initContainers: [{ image: 'localhost:5000/init:2' }],
      registrySecrets: [s, kplus.Secret.fromSecretName(chart, 'other', 'other-secret')],
    });
    pod.addContainer({ name: 'sidecar', image: 'ghcr.io/org/sidecar:1' });
    const objects = Testing.synth(chart);
    expect(objects).toHaveLength(2);
    for (const o of objects) validateManifest(o);
  });

  it('rejects a broken object, so the judge can fail', () => {
    expect(() => validateManifest({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { k: 3 } })).toThrow(/fails the schema/);
  });
});
