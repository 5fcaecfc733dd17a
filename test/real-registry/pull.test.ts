import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DockerConfig, PrivatePod, PrivateRegistrySecret } from '../../lib';
import { createPassStore } from '../support/pass-store';
import { pushTinyImage, RunningRegistry, skopeoInspect, startRegistry, wrongPassword } from '../support/registry';

interface DockerConfigEntry {
  username?: string;
  password?: string;
  email?: string;
  auth?: string;
}

interface Synthesized {
  /** The decoded `.dockerconfigjson`, exactly as the Secret in the YAML holds it. */
  dockerConfigJson: string;
  /** The image of the pod's only container, as written in the YAML. */
  image: string;
  /** The pod's `spec.imagePullSecrets`. */
  imagePullSecrets: unknown;
}

// A real registry judges the Secret the library writes: app.synth() to disk, read the YAML back, hand the decoded
// .dockerconfigjson to skopeo as its only authfile and pull the image the Pod names.
describe('a synthesized pull secret against a real registry', () => {
  let registry: RunningRegistry;
  let digest: string;
  let dir: string;

  beforeAll(async () => {
    registry = await startRegistry();
    digest = pushTinyImage(registry, 'team/app', 'v1');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-test-'));
  });

  afterAll(async () => {
    await registry?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Synthesizes a chart with the secret `addSecret` builds and a pod that uses it, and reads the YAML back. */
  function synth(addSecret: (chart: Chart) => PrivateRegistrySecret, publicImages?: string[]): Synthesized {
    const outdir = fs.mkdtempSync(path.join(dir, 'dist-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'private-registry');
    const secret = addSecret(chart);
    new PrivatePod(chart, 'pod', {
      metadata: { name: 'private-reg' },
      containers: [{ name: 'c', image: `${registry.host}/team/app:v1` }],
      registrySecrets: [secret],
      publicImages,
    });
    app.synth();

    const objects = fs.readdirSync(outdir)
      .filter((file) => file.endsWith('.yaml'))
      .flatMap((file) => Yaml.load(path.join(outdir, file)));
    const secrets = objects.filter((o) => o.kind === 'Secret' && o.metadata?.name === 'myregcred');
    const pods = objects.filter((o) => o.kind === 'Pod' && o.metadata?.name === 'private-reg');
    expect(secrets).toHaveLength(1);
    expect(pods).toHaveLength(1);
    expect(secrets[0].type).toBe('kubernetes.io/dockerconfigjson');
    expect(Object.keys(secrets[0].data)).toEqual(['.dockerconfigjson']);
    expect(pods[0].spec.containers).toHaveLength(1);
    return {
      dockerConfigJson: Buffer.from(secrets[0].data['.dockerconfigjson'], 'base64').toString('utf8'),
      image: pods[0].spec.containers[0].image,
      imagePullSecrets: pods[0].spec.imagePullSecrets,
    };
  }

  /** Writes the decoded `.dockerconfigjson` as skopeo's authfile and inspects `image` with it. */
  function pullWith(synthesized: Synthesized) {
    const authfile = path.join(fs.mkdtempSync(path.join(dir, 'auth-')), 'auth.json');
    fs.writeFileSync(authfile, synthesized.dockerConfigJson, { mode: 0o600 });
    return skopeoInspect(synthesized.image, authfile);
  }

  test('fails with no credentials at all: the registry really requires auth', () => {
    const result = skopeoInspect(`${registry.host}/team/app:v1`);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test('the secret lets skopeo pull the image the pod names', () => {
    const synthesized = synth((chart) => new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'myregcred' },
      server: registry.host,
      username: registry.username,
      password: registry.password,
      email: 'ci@example.com',
    }));
    expect(synthesized.image).toBe(`${registry.host}/team/app:v1`);
    expect(synthesized.imagePullSecrets).toEqual([{ name: 'myregcred' }]);

    const result = pullWith(synthesized);
    expect(result.stderr).not.toMatch(/unauthorized/i);
    expect(result.ok).toBe(true);
    expect(result.digest).toBe(digest);
    expect(result.tags).toEqual(['v1']);
  });

  test('the entry holds username, password and an auth that agrees with them', () => {
    const synthesized = synth((chart) => new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'myregcred' },
      server: registry.host,
      username: registry.username,
      password: registry.password,
    }));
    const auths: { [server: string]: DockerConfigEntry } = JSON.parse(synthesized.dockerConfigJson).auths;
    expect(Object.keys(auths)).toEqual([registry.host]);
    const entry = auths[registry.host];
    expect(Object.keys(entry)).toEqual(['username', 'password', 'auth']);
    expect(entry.username).toBe(registry.username);
    // compared as booleans so that a failure never prints the password
    expect(entry.password === registry.password, 'password is not the one given').toBe(true);
    const decodedAuth = Buffer.from(entry.auth ?? '', 'base64').toString('utf8');
    expect(decodedAuth === `${entry.username}:${entry.password}`, 'auth is not base64(username:password)').toBe(true);
    expect(entry.auth === Buffer.from(decodedAuth, 'utf8').toString('base64'), 'auth is not padded standard base64').toBe(true);
  });

  test('fails with a wrong password', () => {
    const synthesized = synth((chart) => new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'myregcred' },
      server: registry.host,
      username: registry.username,
      password: wrongPassword(registry.password),
    }));
    // the entry is filed under the right host, so only the password can be what the registry rejects
    expect(Object.keys(JSON.parse(synthesized.dockerConfigJson).auths)).toEqual([registry.host]);

    const result = pullWith(synthesized);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test.each([
    ['another port', () => `127.0.0.1:${Number(registry.host.split(':')[1]) === 1 ? 2 : 1}`],
    ['the host without its port', () => '127.0.0.1'],
    ['another name for the same address', () => `localhost:${registry.host.split(':')[1]}`],
  ])('fails when the secret is for %s, and the synth-time check says so first', (_what, otherServer) => {
    const wrongSecret = (chart: Chart): PrivateRegistrySecret => new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'myregcred' },
      server: otherServer(),
      username: registry.username,
      password: registry.password,
    });
    // our check refuses to synthesize a pod whose image no key covers ...
    expect(() => synth(wrongSecret)).toThrow(/is not covered by any pull secret/);
    // ... and the real registry agrees: with the check told to skip the image, the payload does not pull it
    const synthesized = synth(wrongSecret, [`${registry.host}/team/app`]);
    const result = pullWith(synthesized);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test('a secret with several registries pulls with the entry for the image\'s registry', () => {
    const synthesized = synth((chart) => {
      const secret = new PrivateRegistrySecret(chart, 'regcred', {
        metadata: { name: 'myregcred' },
        server: '127.0.0.1:1',
        username: 'someone-else',
        password: 'not-this-one',
      });
      secret.addRegistry({ server: registry.host, username: registry.username, password: registry.password });
      return secret;
    });
    expect(Object.keys(JSON.parse(synthesized.dockerConfigJson).auths)).toHaveLength(2);

    const result = pullWith(synthesized);
    expect(result.stderr).not.toMatch(/unauthorized/i);
    expect(result.ok).toBe(true);
    expect(result.digest).toBe(digest);
  });

  test('a secret built from docker-credential-pass (credsStore in config.json) pulls the image', () => {
    const pass = createPassStore();
    try {
      // what `docker login` leaves with a credential store: no auth in config.json, the secret in the store
      pass.store(registry.host, registry.username, registry.password);
      const dockerDir = path.join(pass.dir, 'docker');
      fs.mkdirSync(dockerDir);
      fs.writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { [registry.host]: {} }, credsStore: 'pass' }));

      const synthesized = synth((chart) => new PrivateRegistrySecret(chart, 'regcred', {
        metadata: { name: 'myregcred' },
        dockerConfig: DockerConfig.fromFile({ env: { ...pass.env, DOCKER_CONFIG: dockerDir } }),
      }));
      const entry = JSON.parse(synthesized.dockerConfigJson).auths[registry.host];
      expect(Buffer.from(entry.auth, 'base64').toString() === `${registry.username}:${registry.password}`,
        'auth carries the stored credentials').toBe(true);
      const result = pullWith(synthesized);
      expect(result.ok).toBe(true);
      expect(result.digest).toBe(digest);
    } finally {
      pass.close();
    }
  });
});
