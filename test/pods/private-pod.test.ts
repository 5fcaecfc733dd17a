import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { PrivatePod, PrivateRegistrySecret } from '../../lib';

const FAKE = 'FAKE-pw-never-printed';

function podOf(chart: any): any {
  return Testing.synth(chart).find((o) => o.kind === 'Pod');
}

describe('PrivatePod', () => {
  it('lists every registry secret once, in order, under spec.imagePullSecrets', () => {
    const chart = Testing.chart();
    const a = new PrivateRegistrySecret(chart, 'a', { metadata: { name: 'a' }, username: 'u', password: FAKE });
    const b = kplus.Secret.fromSecretName(chart, 'b', 'existing-b');
    new PrivatePod(chart, 'pod', {
      containers: [{ image: 'janedoe/jdoe-private:v1' }],
      registrySecrets: [b, a, b],
    });
    expect(podOf(chart).spec.imagePullSecrets).toEqual([{ name: 'existing-b' }, { name: 'a' }]);
  });

  it('merges dockerRegistryAuth in after registrySecrets', () => {
    const chart = Testing.chart();
    const a = kplus.Secret.fromSecretName(chart, 'a', 'a');
    const c = kplus.Secret.fromSecretName(chart, 'c', 'c');
    const pod = new PrivatePod(chart, 'pod', { containers: [{ image: 'nginx' }], registrySecrets: [a], dockerRegistryAuth: c });
    expect(podOf(chart).spec.imagePullSecrets).toEqual([{ name: 'a' }, { name: 'c' }]);
    expect(pod.registrySecrets.map((s) => s.name)).toEqual(['a', 'c']);
  });

  it('takes a Docker Hub official image next to a private one as public: a rate-limit warning, not an error', () => {
    const chart = Testing.chart();
    const ghcr = new PrivateRegistrySecret(chart, 'ghcr', { server: 'ghcr.io', username: 'u', password: FAKE });
    new PrivatePod(chart, 'pod', { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1' }, { name: 'shell', image: 'busybox:1.36' }],
      registrySecrets: [ghcr] });
    expect(() => Testing.synth(chart)).not.toThrow();
    // a user's image on Docker Hub is not official: it may be private, and the secret's keys miss it
    new PrivatePod(chart, 'other', { containers: [{ name: 'app', image: 'janedoe/app:1' }], registrySecrets: [ghcr] });
    expect(() => Testing.synth(chart)).toThrow(/image 'janedoe\/app:1' .* add a registry for 'https:\/\/index.docker.io\/v1\/' to one of the pod's pull secrets/);
  });

  it('takes a secret added after construction', () => {
    const chart = Testing.chart();
    const pod = new PrivatePod(chart, 'pod', { containers: [{ image: 'nginx' }], registrySecrets: [kplus.Secret.fromSecretName(chart, 'a', 'a')] });
    pod.addRegistrySecret(kplus.Secret.fromSecretName(chart, 'b', 'b'));
    expect(podOf(chart).spec.imagePullSecrets).toEqual([{ name: 'a' }, { name: 'b' }]);
  });

  it('keeps the cdk8s-plus defaults and lets users override them', () => {
    const chart = Testing.chart();
    new PrivatePod(chart, 'pod', {
      containers: [{
        image: 'nginx',
        securityContext: { ensureNonRoot: false, readOnlyRootFilesystem: false },
        resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(200) } },
      }],
      securityContext: { ensureNonRoot: false },
      automountServiceAccountToken: true,
      registrySecrets: [kplus.Secret.fromSecretName(chart, 'a', 'a')],
    });
    const spec = podOf(chart).spec;
    expect(spec.automountServiceAccountToken).toBe(true);
    expect(spec.securityContext.runAsNonRoot).toBe(false);
    expect(spec.containers[0].securityContext.runAsNonRoot).toBe(false);
    expect(spec.containers[0].securityContext.readOnlyRootFilesystem).toBe(false);
    expect(spec.containers[0].resources).toEqual({ limits: { cpu: '200m' }, requests: { cpu: '100m' } });
  });

  it('fails when no registry secret is given', () => {
    const chart = Testing.chart();
    expect(() => new PrivatePod(chart, 'pod', { containers: [{ image: 'nginx' }], registrySecrets: [] }))
      .toThrow(/PrivatePod 'pod': 'registrySecrets' must list at least one secret, got none/);
    expect(chart.node.children).toHaveLength(0);
  });

  it('fails when a registry secret is not a secret', () => {
    const chart = Testing.chart();
    expect(() => new PrivatePod(chart, 'pod', { containers: [{ image: 'nginx' }], registrySecrets: [undefined as any] }))
      .toThrow(/'registrySecrets\[0\]' must be a kplus.ISecret such as a PrivateRegistrySecret .*, got undefined$/);
  });
});
