// The command against real registries: Debian's docker-registry with htpasswd (Basic) and with `auth: token` (the
// token server of test support, written from distribution's token specification), and over HTTPS with a CA of our
// own. The manifests are what our constructs synthesize. skopeo judges `inspect`: for every image it says is covered by
// secret S with key K, skopeo pulls the manifest with only S's entry K as its authfile; for every image it says is not
// covered, skopeo without credentials fails. `login-check` must say what each case really is. No output may contain a
// password in any form.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePod } from '../../lib/pods/private-pod';
import { PrivateRegistrySecret } from '../../lib/secrets/private-registry-secret';
import { ExternalRegistrySecret } from '../../lib/secrets/external-registry-secret';
import { leaksIn } from '../hostile/_expect';
import { CliRun, CompiledCli, compileCli, runCompiledCli } from '../support/cli';
import { startBlackHole } from '../support/login-check';
import { freePort, pushTinyImage, RunningRegistry, startRegistry, wrongPassword } from '../support/registry';
import { skopeoInspectAsync } from '../support/skopeo';
import { makeTestCa } from '../support/tls';
import { RunningTokenRegistry, startTokenRegistry } from '../support/token-registry';

const ALICE = { username: 'alice', password: 'FAKE-alice-<Pa55>&"w"' };

let cli: CompiledCli;
let work: string;
let basic: RunningRegistry;
let token: RunningTokenRegistry;
let passwords: string[];

beforeAll(async () => {
  cli = compileCli();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-registry-'));
  basic = await startRegistry();
  pushTinyImage(basic, 'team/app', 'v1');
  token = await startTokenRegistry({
    users: [{ ...ALICE, grants: [{ repository: 'team/app', actions: ['pull'] }, { repository: 'team/lib', actions: ['pull'] }] }],
  });
  await token.push('team/app', 'v1');
  await token.push('other/secret', 'v1');
  passwords = [basic.password, wrongPassword(basic.password), ALICE.password, 'FAKE-closed-password', 'FAKE-silent-password'];
}, 300_000);

afterAll(async () => {
  try {
    await basic?.stop();
    await token?.stop();
  } finally {
    cli?.remove();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  }
});

/** Synthesizes a chart of namespace `apps` into a new folder and gives the folder. */
function synth(build: (chart: Chart) => void): string {
  const dir = fs.mkdtempSync(path.join(work, 'dist-'));
  const app = new App({ outdir: dir });
  build(new Chart(app, 'apps', { namespace: 'apps' }));
  app.synth();
  return dir;
}

function secret(chart: Chart, name: string, server: string, username: string, password: string): PrivateRegistrySecret {
  return new PrivateRegistrySecret(chart, name, { metadata: { name }, server, username, password });
}

function pod(chart: Chart, name: string, images: string[], secrets: PrivateRegistrySecret[]): void {
  new PrivatePod(chart, name, { metadata: { name }, containers: images.map((image, i) => ({ name: `c${i}`, image })), registrySecrets: secrets });
}

function expectNoPasswords(r: CliRun): void {
  expect(leaksIn(r.stdout + r.stderr, passwords)).toEqual([]);
}

/** The decoded `auths` of a Secret in the synthesized YAML, read without our code: YAML, base64, JSON. */
function authsOf(dir: string, name: string): Record<string, { auth: string }> {
  const objects = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).flatMap((f) => Yaml.load(path.join(dir, f)));
  const object = objects.find((o: any) => o.kind === 'Secret' && o.metadata.name === name);
  return JSON.parse(Buffer.from(object.data['.dockerconfigjson'], 'base64').toString('utf8')).auths;
}

/** The "Why" section of login-check's output, one line per image (its wrapped lines joined again). */
function why(stdout: string): string {
  return (stdout.split('\nWhy\n')[1] ?? '').split('\n\n')[0].replace(/\n {4}(?=\S)/g, ' ');
}

/** The status of each image line of login-check's table, as `IMAGE STATUS SECRET`. */
function statusLines(stdout: string): string[] {
  return stdout.split('\nWhy\n')[0].split('\n').filter((l) => /^ {4}\S/.test(l)).map((l) => l.trim().split(/ {2,}/).slice(0, 3).join(' '));
}

describe('inspect agrees with what skopeo can pull', () => {
  let dist: string;

  beforeAll(() => {
    dist = synth((chart) => {
      // the kubelet tries the most specific key first: 'narrow' (HOST/team) before 'broad' (HOST), whose password is wrong
      const broad = secret(chart, 'broad', basic.host, basic.username, wrongPassword(basic.password));
      const narrow = secret(chart, 'narrow', `${basic.host}/team`, basic.username, basic.password);
      const tokens = secret(chart, 'tokens', token.host, ALICE.username, ALICE.password);
      pod(chart, 'both', [`${basic.host}/team/app:v1`, `${token.host}/team/app:v1`], [broad, narrow, tokens]);
      // a raw object our constructs would refuse: an image that none of its secrets covers
      new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'uncovered' }, spec: {
        imagePullSecrets: [{ name: 'tokens' }], containers: [{ name: 'c', image: `${basic.host}/team/app:v1` }],
      } });
    });
  });

  it('covered images pull with exactly the entry inspect names; uncovered ones do not pull without credentials', async () => {
    const r = await runCompiledCli(cli, ['inspect', '--json', dist], { cwd: work });
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    const images = doc.workloads.flatMap((w: any) => w.images.map((i: any) => ({ ...i, workload: w.name })));
    expect(images.map((i: any) => [i.workload, i.coverage, i.secret])).toEqual([
      ['both', 'secret', 'narrow'], ['both', 'secret', 'tokens'], ['uncovered', 'not covered', null],
    ]);
    for (const image of images) {
      if (image.coverage === 'secret') {
        const entry = authsOf(dist, image.secret)[image.server];
        const authfile = path.join(fs.mkdtempSync(path.join(work, 'auth-')), 'auth.json');
        fs.writeFileSync(authfile, JSON.stringify({ auths: { [image.server]: { auth: entry.auth } } }), { mode: 0o600 });
        const skopeo = await skopeoInspectAsync(image.image, authfile);
        expect({ image: image.image, ok: skopeo.ok, stderr: skopeo.stderr }).toEqual({ image: image.image, ok: true, stderr: '' });
      } else {
        expect((await skopeoInspectAsync(image.image)).ok).toBe(false);
      }
    }
    // and the entry the kubelet would not use first really is the wrong one: the order matters
    const broadFile = path.join(fs.mkdtempSync(path.join(work, 'auth-')), 'auth.json');
    fs.writeFileSync(broadFile, JSON.stringify({ auths: authsOf(dist, 'broad') }), { mode: 0o600 });
    expect((await skopeoInspectAsync(`${basic.host}/team/app:v1`, broadFile)).ok).toBe(false);
    expectNoPasswords(r);
  });

  it('the text output never holds a password either', async () => {
    const r = await runCompiledCli(cli, ['inspect', dist], { cwd: work });
    expect(r.stdout).toMatch(/\n {2}apps\/narrow +Secret +127\.0\.0\.1:\d+\/team +ci-user +\*\*\*\n/);
    expectNoPasswords(r);
  });

  it('login-check pulls with the same secret, and pulls anonymously where inspect says not covered', async () => {
    const r = await runCompiledCli(cli, ['login-check', dist], { cwd: work });
    expect(statusLines(r.stdout)).toEqual([
      `${basic.host}/team/app:v1 ok narrow`,
      `${token.host}/team/app:v1 ok tokens`,
      // the kubelet pulls it anonymously, and the registry refuses that
      `${basic.host}/team/app:v1 unauthorized anonymous`,
    ]);
    expect(why(r.stdout)).toMatch(/^ {2}- 127\.0\.0\.1:\d+\/team\/app:v1 \(Pod apps\/uncovered\): unauthorized: anonymous pull: the registry requires/);
    expect(r.status).toBe(1);
    expectNoPasswords(r);
  });
});

describe('login-check: each case is what the registry says', () => {
  it('the right password ok, a wrong one unauthorized, a missing tag not found, a repository outside the token\'s scope denied', async () => {
    const dist = synth((chart) => {
      const right = secret(chart, 'right', basic.host, basic.username, basic.password);
      const stale = secret(chart, 'stale', basic.host, basic.username, wrongPassword(basic.password));
      const alice = secret(chart, 'alice', token.host, ALICE.username, ALICE.password);
      pod(chart, 'a-ok', [`${basic.host}/team/app:v1`, `${token.host}/team/app:v1`], [right, alice]);
      pod(chart, 'b-wrong', [`${basic.host}/team/app:v1`], [stale]);
      pod(chart, 'c-missing', [`${basic.host}/team/app:v404`, `${token.host}/team/app:v404`], [right, alice]);
      pod(chart, 'd-scope', [`${token.host}/other/secret:v1`], [alice]);
    });
    const r = await runCompiledCli(cli, ['login-check', dist], { cwd: work });
    expect(r.stderr).toBe('');
    expect(statusLines(r.stdout)).toEqual([
      `${basic.host}/team/app:v1 ok right`,
      `${token.host}/team/app:v1 ok alice`,
      `${basic.host}/team/app:v1 unauthorized stale`,
      `${basic.host}/team/app:v404 not found right`,
      `${token.host}/team/app:v404 not found alice`,
      `${token.host}/other/secret:v1 denied alice`,
    ]);
    expect(r.stdout).toMatch(/\n6 images: 2 ok, 0 skipped, 4 failed\n$/);
    expect(r.status).toBe(1);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expectNoPasswords(r);
    // the same images, judged by skopeo with the same credentials
    const auth = (user: string, password: string, host: string) => {
      const file = path.join(fs.mkdtempSync(path.join(work, 'auth-')), 'auth.json');
      fs.writeFileSync(file, JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${user}:${password}`).toString('base64') } } }));
      return file;
    };
    expect((await skopeoInspectAsync(`${basic.host}/team/app:v1`, auth(basic.username, wrongPassword(basic.password), basic.host))).ok).toBe(false);
    expect((await skopeoInspectAsync(`${token.host}/other/secret:v1`, auth(ALICE.username, ALICE.password, token.host))).ok).toBe(false);
    expect((await skopeoInspectAsync(`${token.host}/team/app:v1`, auth(ALICE.username, ALICE.password, token.host))).ok).toBe(true);
  });

  it('only the passing images: exit 0', async () => {
    const dist = synth((chart) => pod(chart, 'ok', [`${basic.host}/team/app:v1`], [secret(chart, 'right', basic.host, basic.username,
      basic.password)]));
    const r = await runCompiledCli(cli, ['login-check', dist], { cwd: work });
    expect(r.stdout).toMatch(/\n1 image: 1 ok, 0 skipped, 0 failed\n$/);
    expect(r.status).toBe(0);
  });

  it('a closed port is unreachable, and a server that never answers is unreachable once --timeout has passed', async () => {
    const closed = `127.0.0.1:${await freePort()}`;
    const blackHole = await startBlackHole();
    try {
      const dist = synth((chart) => {
        pod(chart, 'closed-pod', [`${closed}/team/app:v1`], [secret(chart, 'closed', closed, 'FAKE-user', 'FAKE-closed-password')]);
        pod(chart, 'silent-pod', [`${blackHole.host}/team/app:v1`], [secret(chart, 'silent', blackHole.host, 'FAKE-user', 'FAKE-silent-password')]);
      });
      const r = await runCompiledCli(cli, ['login-check', '--timeout', '1', dist], { cwd: work });
      expect(statusLines(r.stdout)).toEqual([
        `${closed}/team/app:v1 unreachable closed`, `${blackHole.host}/team/app:v1 unreachable silent`,
      ]);
      expect(why(r.stdout)).toMatch(/connection refused \(ECONNREFUSED\)/);
      expect(why(r.stdout)).toMatch(/no answer from https:\/\/127\.0\.0\.1:\d+\/v2\/ within 1000 ms/);
      expect(r.status).toBe(1);
    } finally {
      await blackHole.close();
    }
  });

  it('skips what it cannot read, with the reason: an ExternalSecret, and a secret the output does not hold', async () => {
    const dist = synth((chart) => {
      const store = new ExternalRegistrySecret(chart, 'vault', { metadata: { name: 'vault' }, server: basic.host, storeName: 'vault',
        usernameKey: 'reg/user', passwordKey: 'reg/password' });
      new PrivatePod(chart, 'store', { metadata: { name: 'store' }, containers: [{ name: 'c', image: `${basic.host}/team/app:v1` }],
        registrySecrets: [store] });
      new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'elsewhere' }, spec: {
        imagePullSecrets: [{ name: 'made-elsewhere' }], containers: [{ name: 'c', image: `${basic.host}/team/app:v1` }],
      } });
    });
    const r = await runCompiledCli(cli, ['login-check', dist], { cwd: work });
    expect(statusLines(r.stdout)).toEqual([`${basic.host}/team/app:v1 skipped`, `${basic.host}/team/app:v1 skipped`]);
    expect(why(r.stdout)).toMatch(/ExternalSecret apps\/vault \(key '127\.0\.0\.1:\d+'\), whose values live in the secret store/);
    expect(why(r.stdout)).toMatch(/the check cannot judge 'made-elsewhere' \(not in the output, or its servers not declared\)/);
    expect(r.status).toBe(0);
  });
});

describe('login-check over HTTPS', () => {
  let tlsRegistry: RunningRegistry;
  let ca: string;
  let dist: string;

  beforeAll(async () => {
    const testCa = makeTestCa(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-ca-')));
    ca = testCa.ca;
    tlsRegistry = await startRegistry({ tls: testCa });
    passwords.push(tlsRegistry.password);
    pushTinyImage(tlsRegistry, 'team/app', 'v1');
    dist = synth((chart) => pod(chart, 'tls-pod', [`${tlsRegistry.host}/team/app:v1`],
      [secret(chart, 'tls', tlsRegistry.host, tlsRegistry.username, tlsRegistry.password)]));
  }, 120_000);

  afterAll(async () => {
    await tlsRegistry?.stop();
  });

  it('is a tls error that says to pass the CA, then ok with --ca-file', async () => {
    const env = { NODE_OPTIONS: '', NODE_EXTRA_CA_CERTS: '', SSL_CERT_FILE: '' };
    const without = await runCompiledCli(cli, ['login-check', dist], { cwd: work, env });
    expect(statusLines(without.stdout)).toEqual([`${tlsRegistry.host}/team/app:v1 tls error tls`]);
    expect(why(without.stdout)).toMatch(/pass the registry's CA with --ca-file/);
    expect(without.status).toBe(1);
    const withCa = await runCompiledCli(cli, ['login-check', '--ca-file', ca, dist], { cwd: work, env });
    expect(statusLines(withCa.stdout)).toEqual([`${tlsRegistry.host}/team/app:v1 ok tls`]);
    expect(withCa.status).toBe(0);
    expectNoPasswords(without);
    expectNoPasswords(withCa);
  });
});
