// Runs the default app the way cdk8s.yaml does, in a child process, and reads what it wrote. Never imports main.ts.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { kubectlDockerRegistrySecret } from '../support/kubectl';
import { SealingKeys, createSealingKeys, unseal } from '../support/sealed-secrets';

const ROOT = path.resolve(__dirname, '..', '..');
const FAKE = 'FAKE-main-pw-never-printed';
const dirs: string[] = [];

function runApp(env: { [name: string]: string }): { status: number | null; stderr: string; stdout: string; outdir: string } {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-out-'));
  dirs.push(outdir);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), CDK8S_OUTDIR: outdir, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stderr: r.stderr, stdout: r.stdout, outdir };
}

afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('main.ts', () => {
  it('with no REGISTRY_* variables, writes the seed objects and prints exactly one line to stderr', () => {
    const r = runApp({});
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/using the example credentials/);
    const objects = Yaml.load(path.join(r.outdir, 'private-registry.k8s.yaml'));
    expect(objects.map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual(['Secret/myregcred', 'Pod/private-reg']);
  });

  it('takes its input from the environment and prints nothing', () => {
    const r = runApp({
      REGISTRY_SERVER: 'ghcr.io', REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: FAKE,
      IMAGE: 'ghcr.io/jane/app:v1', SECRET_NAME: 'ghcr', POD_NAME: 'app', NAMESPACE: 'team-a',
    });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain(FAKE);
    const [secret, pod] = Yaml.load(path.join(r.outdir, 'private-registry.k8s.yaml'));
    expect(secret.metadata).toEqual({ name: 'ghcr', namespace: 'team-a' });
    expect(Object.keys(JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths)).toEqual(['ghcr.io']);
    expect(pod.metadata.namespace).toBe('team-a');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'ghcr' }]);
  });

  it('fails when REGISTRY_PASSWORD is missing, naming it, with one line and no stack', () => {
    const r = runApp({ REGISTRY_USERNAME: 'jane' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: environment variable REGISTRY_PASSWORD is not set/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('fails on a bad input without printing the password', () => {
    const r = runApp({ REGISTRY_USERNAME: 'ja:ne', REGISTRY_PASSWORD: FAKE });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/'REGISTRY_USERNAME' must not contain ':'/);
    expect(r.stderr + r.stdout).not.toContain(FAKE);
  });

  it('with SEALED_SECRETS_CERT, writes a SealedSecret the controller can open and no plaintext', () => {
    const keys = createSealingKeys();
    try {
      const r = runApp({ REGISTRY_SERVER: 'ghcr.io', REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: FAKE, IMAGE: 'ghcr.io/jane/app:v1',
        NAMESPACE: 'apps', SEALED_SECRETS_CERT: keys.certPath });
      expect(r.status).toBe(0);
      const text = fs.readFileSync(path.join(r.outdir, 'private-registry.k8s.yaml'), 'utf8');
      const auth = Buffer.from(`jane:${FAKE}`).toString('base64');
      for (const secret of [FAKE, auth, Buffer.from(FAKE).toString('base64')]) expect(text.includes(secret)).toBe(false);
      const [sealed, pod] = Yaml.load(path.join(r.outdir, 'private-registry.k8s.yaml'));
      expect([sealed.kind, sealed.metadata.name, sealed.metadata.namespace]).toEqual(['SealedSecret', 'myregcred', 'apps']);
      const payload = unseal(sealed.spec.encryptedData['.dockerconfigjson'], 'apps/myregcred', keys.privateKey);
      expect(JSON.parse(payload).auths['ghcr.io'].auth === auth).toBe(true);
      expect(pod.spec.imagePullSecrets).toEqual([{ name: 'myregcred' }]);
    } finally {
      keys.close();
    }
  });

  describe('with SEALED_SECRETS_STABILITY_KEY', () => {
    let keys: SealingKeys;
    beforeAll(() => {
      keys = createSealingKeys();
    });
    afterAll(() => keys?.close());

    const KEY = randomBytes(32).toString('hex');
    const sealedEnv = (extra: { [name: string]: string } = {}): { [name: string]: string } => ({ REGISTRY_SERVER: 'ghcr.io',
      REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: FAKE, IMAGE: 'ghcr.io/jane/app:v1', NAMESPACE: 'apps', SEALED_SECRETS_CERT: keys.certPath,
      SEALED_SECRETS_STABILITY_KEY: KEY, ...extra });
    /** Every file of dist/, by name. */
    const distOf = (outdir: string): { [file: string]: string } =>
      Object.fromEntries(fs.readdirSync(outdir).sort().map((f) => [f, fs.readFileSync(path.join(outdir, f), 'latin1')]));
    const sealedValueOf = (outdir: string): string =>
      Yaml.load(path.join(outdir, 'private-registry.k8s.yaml'))[0].spec.encryptedData['.dockerconfigjson'];
    /** The key and the password in every form they could be written in. */
    const forbidden = (key: string): string[] => [key, Buffer.from(key, 'hex').toString('base64').slice(0, 40), FAKE,
      Buffer.from(FAKE).toString('base64').slice(0, 20), Buffer.from(`jane:${FAKE}`).toString('base64')];

    it('writes byte-identical dist/ files on two runs, which the controller opens to kubectl\'s payload, and prints nothing secret', () => {
      const [first, second] = [runApp(sealedEnv()), runApp(sealedEnv())];
      for (const r of [first, second]) {
        expect(r.status).toBe(0);
        expect(r.stderr).toBe('');
        for (const secret of forbidden(KEY)) {
          expect((r.stdout + r.stderr).includes(secret)).toBe(false);
          expect(Object.values(distOf(r.outdir)).join('\n').includes(secret)).toBe(false);
        }
      }
      expect(Object.keys(distOf(first.outdir))).toEqual(['private-registry.k8s.yaml']);
      expect(distOf(second.outdir)).toEqual(distOf(first.outdir));
      const kubectl = kubectlDockerRegistrySecret({ name: 'myregcred', namespace: 'apps', server: 'ghcr.io', username: 'jane', password: FAKE });
      expect(unseal(sealedValueOf(first.outdir), 'apps/myregcred', keys.privateKey)
        === Buffer.from(kubectl.data['.dockerconfigjson'], 'base64').toString('utf8')).toBe(true);
    }, 120_000);

    it('seals anew when the password or the key changes, and randomly without a key', () => {
      const values = [sealedEnv(), sealedEnv({ REGISTRY_PASSWORD: `${FAKE}-2` }),
        sealedEnv({ SEALED_SECRETS_STABILITY_KEY: randomBytes(32).toString('hex') }),
        sealedEnv({ SEALED_SECRETS_STABILITY_KEY: '' }), sealedEnv({ SEALED_SECRETS_STABILITY_KEY: '' })].map((env) => {
        const r = runApp(env);
        expect(r.status).toBe(0);
        return sealedValueOf(r.outdir);
      });
      expect(new Set(values).size).toBe(values.length);
    }, 180_000);

    it('fails when the key is weak, naming SEALED_SECRETS_STABILITY_KEY in one line, without the key, writing nothing', () => {
      for (const weak of [randomBytes(16).toString('hex'), 'not-a-key', '0'.repeat(64)]) {
        const r = runApp(sealedEnv({ SEALED_SECRETS_STABILITY_KEY: weak }));
        expect(r.status).toBe(1);
        expect(r.stderr.trim()).toMatch(/^error: environment variable SEALED_SECRETS_STABILITY_KEY (is too short|is neither hex nor base64|is not random)/);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        if (weak.length > 10) expect(r.stderr + r.stdout).not.toContain(weak.slice(0, 16));
        expect(r.stderr + r.stdout).not.toContain(FAKE);
        expect(fs.readdirSync(r.outdir)).toEqual([]);
      }
    }, 120_000);
  });

  it('with DOCKER_CONFIG and REGISTRY_SERVERS, takes the credentials from docker\'s config.json', () => {
    const dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-docker-'));
    dirs.push(dockerDir);
    const auth = (u: string): string => Buffer.from(`${u}:${FAKE}`).toString('base64');
    fs.writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: auth('g') },
      'quay.io': { auth: auth('q') } } }));
    const r = runApp({ DOCKER_CONFIG: dockerDir, REGISTRY_SERVERS: 'quay.io', IMAGE: 'quay.io/team/app:1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const [secret] = Yaml.load(path.join(r.outdir, 'private-registry.k8s.yaml'));
    expect(Object.keys(JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths)).toEqual(['quay.io']);
  });

  it('fails when the default image is not covered by the registries chosen, naming the image', () => {
    const r = runApp({ REGISTRY_SERVER: 'ghcr.io', REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: FAKE });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/^error: the default image 'janedoe\/jdoe-private:v1' \(IMAGE is not set\) \(repository 'docker.io\/janedoe\/jdoe-private'\) is not covered/);
    expect(r.stderr).toMatch(/set IMAGE to an image on one of those servers, or REGISTRY_SERVER to 'docker.io'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(fs.readdirSync(r.outdir)).toEqual([]);
    expect(r.stderr).not.toContain(FAKE);
  });
});
