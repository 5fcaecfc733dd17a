import { randomBytes } from 'node:crypto';
import { Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { AppEnvironmentVariables } from '../../app/environment';
import { PrivateRegistryChart } from '../../app/private-registry-chart';
import { createSealingKeys, unseal } from '../support/sealed-secrets';

describe('PrivateRegistryChart (the default app)', () => {
  it('reproduces the seed: Secret myregcred and Pod private-reg pulling janedoe/jdoe-private:v1 through it', () => {
    const chart = new PrivateRegistryChart(Testing.app(), 'private-registry', AppEnvironmentVariables.read({}).chartProps);
    const [secret, pod] = Testing.synth(chart);
    expect(secret.kind).toBe('Secret');
    expect(secret.metadata.name).toBe('myregcred');
    expect(pod.metadata.name).toBe('private-reg');
    expect(pod.spec.containers.map((c: any) => [c.name, c.image])).toEqual([['private-reg-container', 'janedoe/jdoe-private:v1']]);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'myregcred' }]);
  });

  it('matches the snapshot of its cdk8s-plus line (example credentials only)', async () => {
    // each line writes its own defaults (cdk8s-plus-33 adds shareProcessNamespace: false), so each has its own file; a
    // file per line (not a key per line in one file) keeps the other line's snapshot from counting as obsolete
    const line = process.env.CDK8S_PLUS_LINE ?? '28';
    const chart = new PrivateRegistryChart(Testing.app(), 'private-registry', AppEnvironmentVariables.read({}).chartProps);
    await expect(`${JSON.stringify(Testing.synth(chart), undefined, 2)}\n`)
      .toMatchFileSnapshot(`__snapshots__/default-app.cdk8s-plus-${line}.json`);
  });

  it('puts both objects into NAMESPACE', () => {
    const env = { NAMESPACE: 'team-a', SECRET_NAME: 'cred', POD_NAME: 'app', IMAGE: 'jane/app:1' };
    const chart = new PrivateRegistryChart(Testing.app(), 'private-registry', AppEnvironmentVariables.read(env).chartProps);
    const objects = Testing.synth(chart);
    expect(objects.map((o) => [o.kind, o.metadata.name, o.metadata.namespace])).toEqual([['Secret', 'cred', 'team-a'], ['Pod', 'app', 'team-a']]);
    expect(objects[1].spec.containers[0].image).toBe('jane/app:1');
  });

  it('passes SEALED_SECRETS_STABILITY_KEY to the SealedSecret: two apps seal the same, which opens to the credentials', () => {
    const keys = createSealingKeys();
    try {
      const env = { SEALED_SECRETS_CERT: keys.certPath, NAMESPACE: 'apps', SEALED_SECRETS_STABILITY_KEY: randomBytes(32).toString('hex') };
      const sealedOnce = (): any => Testing.synth(new PrivateRegistryChart(Testing.app(), 'private-registry',
        AppEnvironmentVariables.read(env).chartProps))[0];
      const [first, second] = [sealedOnce(), sealedOnce()];
      expect(first.kind).toBe('SealedSecret');
      expect(second).toEqual(first);
      const payload = JSON.parse(unseal(first.spec.encryptedData['.dockerconfigjson'], 'apps/myregcred', keys.privateKey));
      expect(payload.auths['https://index.docker.io/v1/'].username).toBe('janedoe');
    } finally {
      keys.close();
    }
  });
});
