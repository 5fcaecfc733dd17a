import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { build as buildServiceAccount } from '../examples/service-account';
import { build as buildTwoRegistries } from '../examples/two-registries';
import { checkManifests } from '../lib/check/manifest-check';
import { validateManifest } from './support/schema';

/** The `auths` of a synthesized pull secret, decoded. */
function auths(secret: any): any {
  return JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8')).auths;
}

describe('examples/two-registries', () => {
  const objects = Testing.synth(buildTwoRegistries(Testing.app(), {}));

  it('holds both registries in one pull secret, with the fake default credentials', () => {
    const secret = objects.find((o) => o.kind === 'Secret');
    expect(Object.keys(auths(secret))).toEqual(['ghcr.io', 'registry.example.com:5000']);
    expect(auths(secret)['ghcr.io'].password).toMatch(/^FAKE-/);
  });

  it('takes the credentials from the environment', () => {
    const secret = Testing.synth(buildTwoRegistries(Testing.app(), { GHCR_TOKEN: 'FAKE-from-env' })).find((o) => o.kind === 'Secret');
    expect(auths(secret)['ghcr.io'].password).toBe('FAKE-from-env');
  });

  it('lists the secret in the Deployment\'s pod template, which pulls from both registries', () => {
    const spec = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    expect(spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(spec.containers.map((c: any) => c.image)).toEqual(['ghcr.io/acme/shop-web:1.4.2', 'registry.example.com:5000/acme/shop-worker:1.4.2']);
  });

  it('passes the schema and the manifest pull check', () => {
    for (const o of objects) validateManifest(o);
    expect(checkManifests(objects)).toMatchObject({ errors: [], podsChecked: 1 });
  });
});

describe('examples/service-account', () => {
  const objects = Testing.synth(buildServiceAccount(Testing.app(), {}));

  it('writes the pull secret to the ServiceAccount only', () => {
    expect(objects.find((o) => o.kind === 'ServiceAccount').imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const deployment = objects.find((o) => o.kind === 'Deployment').spec.template.spec;
    const cronJob = objects.find((o) => o.kind === 'CronJob').spec.jobTemplate.spec.template.spec;
    for (const spec of [deployment, cronJob]) {
      expect(spec.serviceAccountName).toBe('puller');
      expect(spec).not.toHaveProperty('imagePullSecrets');
    }
  });

  it('puts every object in one namespace', () => {
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['reports']));
  });

  it('passes the schema and the manifest pull check, which follows serviceAccountName', () => {
    for (const o of objects) validateManifest(o);
    expect(checkManifests(objects)).toMatchObject({ errors: [], podsChecked: 2 });
  });
});
