// Valid input at the edges, which every fix of the hostile cases must go on accepting: unusual but legal passwords,
// usernames, servers and emails (judged by kubectl, which must write the same payload), names and namespaces at their
// length limits, a payload of exactly 1 MiB, and images of IPv6 and localhost registries.
import { readFileSync, writeFileSync } from 'node:fs';
import { createPrivateKey } from 'node:crypto';
import { Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { beforeAll, describe, expect, it } from 'vitest';
import { DockerConfig, PrivateCronJob, PrivateJob, PrivatePod, PrivateRegistrySecret, SealedRegistrySecret, SealingCertificate } from '../../lib';
import { checkManifests } from '../../lib/check/manifest-check';
import { kubectlDockerRegistrySecret } from '../support/kubectl';
import { unseal } from '../support/sealed-secrets';
import { expectAccepted } from './_expect';
import { PemFiles, fake, makePems, newChart, synth, useTempRoot, writeHelper } from './_fixtures';

const tmp = useTempRoot('good');

const PASSWORD = fake('good-pw');
const SECRETS = [PASSWORD];

function payloadOf(objects: any[]): string {
  const secret = objects.find((o) => o.kind === 'Secret');
  return Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8');
}

interface Credentials {
  readonly server?: string;
  readonly username: string;
  readonly password: string;
  readonly email?: string;
}

/** Our Secret for `c` must be accepted and hold exactly what kubectl writes for the same flags. */
function expectSameAsKubectl(c: Credentials): void {
  const chart = newChart();
  const objects = expectAccepted(() => {
    new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, ...c });
    return synth(chart);
  }, [c.password]);
  const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', ...c });
  // compared as booleans: a mismatch must not print the fake password into the report
  expect(objects[0].data['.dockerconfigjson'] === kubectl.data['.dockerconfigjson']).toBe(true);
}

describe('valid credentials are accepted and written as kubectl writes them', () => {
  const passwords: [string, string][] = [
    ['unicode letters and an emoji', `${PASSWORD}-pässwörd-日本語-🔑`],
    ['the characters JSON and HTML escape', `${PASSWORD}"\\<>&'`],
    ['colons', `${PASSWORD}:with:colons:`],
    ['control characters', `${PASSWORD}\x01\x1f\x7f`],
    ['a tab and a line break', `${PASSWORD}\tline\nbreak`],
    ['the line and paragraph separators', `${PASSWORD}\u2028\u2029`],
    ['spaces at both ends', ` ${PASSWORD} `],
    ['only equals signs', '===='],
    ['one character', 'x'],
    ['two characters', 'xy'],
    ['60 KB', PASSWORD + 'p'.repeat(60 * 1024)],
  ];
  for (const [title, password] of passwords) {
    it(`accepts a password with ${title}`, () => expectSameAsKubectl({ server: 'ghcr.io', username: 'robot', password }));
  }

  const usernames: [string, string][] = [
    ['unicode letters', 'jöhn-日本'],
    ['an @', 'robot@example.com'],
    ['a space', 'john doe'],
    ['a $ as GitLab deploy tokens have', 'gitlab+deploy-token-1$x'],
  ];
  for (const [title, username] of usernames) {
    it(`accepts a username with ${title}`, () => expectSameAsKubectl({ server: 'ghcr.io', username, password: PASSWORD }));
  }

  const servers = ['localhost:5000', '[::1]:5000', '[2001:db8::1]:443', '127.0.0.1:5000', 'https://index.docker.io/v1/',
    'registry.example.com:443/team', 'REGISTRY.EXAMPLE.COM', 'http://insecure.example.com'];
  for (const server of servers) {
    it(`accepts the server '${server}'`, () => expectSameAsKubectl({ server, username: 'robot', password: PASSWORD }));
  }

  it('accepts an email with unicode and a plus', () => {
    expectSameAsKubectl({ server: 'ghcr.io', username: 'robot', password: PASSWORD, email: 'jöhn+ci@exämple.com' });
  });
  it('accepts an empty email and leaves it out, as kubectl does', () => {
    expectSameAsKubectl({ server: 'ghcr.io', username: 'robot', password: PASSWORD, email: '' });
  });
});

describe('names and namespaces at their length limits are accepted', () => {
  const label63 = 'n'.repeat(63);
  const subdomain253 = `${'s'.repeat(63)}.${'s'.repeat(63)}.${'s'.repeat(63)}.${'s'.repeat(61)}`;
  it('accepts a 253-character Secret name and a 63-character namespace', () => {
    const chart = newChart();
    const objects = expectAccepted(() => {
      new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: subdomain253, namespace: label63 }, username: 'robot', password: PASSWORD });
      return synth(chart);
    }, SECRETS);
    expect([objects[0].metadata.name.length, objects[0].metadata.namespace.length]).toEqual([253, 63]);
  });
  it('accepts a one-character namespace from the chart', () => {
    const chart = newChart({ namespace: 'a' });
    expectAccepted(() => {
      new PrivateRegistrySecret(chart, 'regcred', { username: 'robot', password: PASSWORD });
      return synth(chart);
    }, SECRETS);
  });
  it('accepts a 253-character pod name and a 63-character container name', () => {
    const chart = newChart({ namespace: label63 });
    expectAccepted(() => {
      const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'robot', password: PASSWORD });
      new PrivatePod(chart, 'pod', {
        metadata: { name: subdomain253 }, containers: [{ name: label63, image: 'ghcr.io/org/app:1' }], registrySecrets: [secret],
      });
      return synth(chart);
    }, SECRETS);
  });
  it('accepts a 52-character CronJob name and a 63-character Job name', () => {
    const chart = newChart();
    expectAccepted(() => {
      const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'robot', password: PASSWORD });
      const containers = [{ name: 'app', image: 'ghcr.io/org/app:1' }];
      new PrivateCronJob(chart, 'cron', { metadata: { name: 'c'.repeat(52) }, schedule: Cron.daily(), containers, registrySecrets: [secret] });
      new PrivateJob(chart, 'job', { metadata: { name: 'j'.repeat(63) }, containers, registrySecrets: [secret] });
      return synth(chart);
    }, SECRETS);
  });
  it('accepts a namespace and names with digits only', () => {
    const chart = newChart({ namespace: '123' });
    expectAccepted(() => {
      const secret = new PrivateRegistrySecret(chart, 'regcred', {
        metadata: { name: '456' }, server: 'ghcr.io', username: 'robot', password: PASSWORD,
      });
      new PrivatePod(chart, 'pod', { metadata: { name: '789' }, containers: [{ name: '0', image: 'ghcr.io/org/app:1' }], registrySecrets: [secret] });
      return synth(chart);
    }, SECRETS);
  });
});

describe('a payload of exactly 1 MiB is accepted', () => {
  it('accepts a .dockerconfigjson of exactly 1,048,576 bytes', () => {
    const LIMIT = 1024 * 1024;
    // the payload is {"auths":{"S":{"username":"U","password":"P","auth":"B64(U:P)"}}}: find the lengths of U and P that
    // make it exactly 1 MiB by arithmetic (building a megabyte per try would take minutes), then measure the real thing
    const fixed = '{"auths":{"ghcr.io":{"username":"","password":"","auth":""}}}'.length;
    const length = (k: number, n: number): number => fixed + k + n + 4 * Math.ceil((k + 1 + n) / 3);
    let found: [string, string] | undefined;
    for (let n = 440_000; n < 460_000 && !found; n++) {
      for (let k = 1; k <= 4 && !found; k++) {
        if (length(k, n) === LIMIT) found = ['u'.repeat(k), 'p'.repeat(n)];
      }
    }
    expect(found).toBeDefined();
    const [username, password] = found!;
    const chart = newChart();
    const objects = expectAccepted(() => {
      new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username, password });
      return synth(chart);
    });
    expect(Buffer.byteLength(payloadOf(objects))).toBe(LIMIT);
  });
});

describe('images of unusual but valid registries are covered by their keys', () => {
  const cases: [string, string][] = [
    ['[::1]:5000/app:1', '[::1]:5000'],
    ['localhost:5000/team/app', 'localhost:5000'],
    ['Registry.Example.com/app:1', 'Registry.Example.com'],
    [`ghcr.io/org/app@sha256:${'a'.repeat(64)}`, 'ghcr.io'],
    ['127.0.0.1:5000/app:latest', '127.0.0.1:5000'],
  ];
  for (const [image, server] of cases) {
    it(`accepts the image '${image}' with the server '${server}'`, () => {
      const chart = newChart();
      const objects = expectAccepted(() => {
        const secret = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, server, username: 'robot', password: PASSWORD });
        new PrivatePod(chart, 'pod', { containers: [{ name: 'app', image }], registrySecrets: [secret] });
        return synth(chart);
      }, SECRETS);
      // the manifest check reads the YAML rather than the constructs: it must agree
      expect(checkManifests(objects).errors).toEqual([]);
    });
  }
  it('accepts an image declared public that no secret covers', () => {
    const chart = newChart();
    expectAccepted(() => {
      const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'robot', password: PASSWORD });
      new PrivatePod(chart, 'pod', { containers: [{ name: 'proxy', image: 'nginx:1.25' }], registrySecrets: [secret], publicImages: ['nginx'] });
      return synth(chart);
    }, SECRETS);
  });
  it('accepts a plain kplus.Secret reference without declared servers', () => {
    const chart = newChart();
    expectAccepted(() => {
      new PrivatePod(chart, 'pod', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }],
        registrySecrets: [kplus.Secret.fromSecretName(chart, 'existing', 'existing')] });
      return synth(chart);
    });
  });
});

describe('valid docker configs and certificates are accepted', () => {
  let pems: PemFiles;
  let bin: string;
  beforeAll(() => {
    pems = makePems(tmp.sub('pems'));
    bin = tmp.sub('bin');
    writeHelper(bin, 'good', `cat >/dev/null; printf '{"ServerURL":"x","Username":"robot","Secret":"${PASSWORD}"}'`);
  });

  it('accepts a config file whose auth holds a unicode password, and writes kubectl\'s payload', () => {
    const password = `${PASSWORD}-ünïcödé-🔑`;
    const dir = tmp.sub('docker');
    writeFileSync(`${dir}/config.json`, JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from(`robot:${password}`).toString('base64') } } }));
    const chart = newChart();
    const objects = expectAccepted(() => {
      const dockerConfig = DockerConfig.fromFile({ path: `${dir}/config.json`, env: { PATH: '/usr/bin:/bin' } });
      new PrivateRegistrySecret(chart, 'regcred', { dockerConfig });
      return synth(chart);
    }, [password]);
    const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', server: 'ghcr.io', username: 'robot', password });
    expect(objects[0].data['.dockerconfigjson'] === kubectl.data['.dockerconfigjson']).toBe(true);
  });

  it('accepts the credentials of a credential helper', () => {
    const dir = tmp.sub('docker-helper');
    writeFileSync(`${dir}/config.json`, JSON.stringify({ credHelpers: { 'ghcr.io': 'good' } }));
    const config = expectAccepted(() => DockerConfig.fromFile({ path: `${dir}/config.json`, env: { PATH: `${bin}:/usr/bin:/bin` } }), SECRETS);
    expect(config.servers).toEqual(['ghcr.io']);
  });

  it('accepts a certificate with a 2048-bit key, and seals kubectl\'s payload for a password with special characters', () => {
    const password = `${PASSWORD}"\\<>&:ü`;
    const chart = newChart();
    const objects = expectAccepted(() => {
      new SealedRegistrySecret(chart, 'regcred', {
        certificate: SealingCertificate.fromFile(pems.good), metadata: { name: 'regcred', namespace: 'apps' },
        server: 'ghcr.io', username: 'robot', password,
      });
      return synth(chart);
    }, [password]);
    const opened = unseal(objects[0].spec.encryptedData['.dockerconfigjson'], 'apps/regcred', createPrivateKey(readFileSync(pems.privateKey)));
    const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', server: 'ghcr.io', username: 'robot', password });
    expect(opened === Buffer.from(kubectl.data['.dockerconfigjson'], 'base64').toString('utf8')).toBe(true);
  });
});
