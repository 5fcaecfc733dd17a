import { ApiObject, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PrivateRegistrySecret } from '../../lib';
import { errorMessage } from '../support/errors';

const FAKE = 'FAKE-pw-never-printed';

function payload(manifest: any): any {
  return JSON.parse(Buffer.from(manifest.data['.dockerconfigjson'], 'base64').toString('utf8'));
}

describe('PrivateRegistrySecret', () => {
  it('writes a kubernetes.io/dockerconfigjson Secret with base64 data and nothing kubectl would not write', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'myregcred' }, username: 'janedoe', password: 'xxxxxxxxxxx',
      email: 'jdoe@example.com' });
    const [secret] = Testing.synth(chart);
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'myregcred' },
      type: 'kubernetes.io/dockerconfigjson',
      data: {
        '.dockerconfigjson': Buffer.from('{"auths":{"https://index.docker.io/v1/":{"username":"janedoe","password":"xxxxxxxxxxx",' +
          '"email":"jdoe@example.com","auth":"amFuZWRvZTp4eHh4eHh4eHh4eA=="}}}').toString('base64'),
      },
    });
  });

  it('defaults the server to Docker Hub, as kubectl does', () => {
    const chart = Testing.chart();
    const s = new PrivateRegistrySecret(chart, 'regcred', { username: 'u', password: FAKE });
    expect(s.servers).toEqual(['https://index.docker.io/v1/']);
  });

  it('adds one auths entry per registry, sorted by server, consistent username/password/auth', () => {
    const chart = Testing.chart();
    const s = new PrivateRegistrySecret(chart, 'regcred', { server: 'quay.io', username: 'q', password: 'qp' });
    s.addRegistry({ server: 'ghcr.io', username: 'jane', password: 'gp' });
    s.addRegistry({ server: 'registry.example.com:5000', username: 'r', password: 'rp', email: 'r@example.com' });
    expect(s.servers).toEqual(['ghcr.io', 'quay.io', 'registry.example.com:5000']);
    const auths = payload(Testing.synth(chart)[0]).auths;
    expect(Object.keys(auths)).toEqual(['ghcr.io', 'quay.io', 'registry.example.com:5000']);
    for (const entry of Object.values<any>(auths)) {
      expect(Buffer.from(entry.auth, 'base64').toString()).toBe(`${entry.username}:${entry.password}`);
    }
    expect(auths['registry.example.com:5000'].email).toBe('r@example.com');
  });

  it('keeps immutable when asked, and the chart namespace', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'regcred', { metadata: { namespace: 'team-a' }, immutable: true, username: 'u', password: FAKE });
    const [secret] = Testing.synth(chart);
    expect(secret.immutable).toBe(true);
    expect(secret.metadata.namespace).toBe('team-a');
    expect(secret.stringData).toBeUndefined();
  });

  it('is a kplus.Secret whose raw object is reachable with ApiObject.of', () => {
    const chart = Testing.chart();
    const s = new PrivateRegistrySecret(chart, 'regcred', { username: 'u', password: FAKE });
    expect(ApiObject.of(s).kind).toBe('Secret');
    expect(s.name).toMatch(/^test-regcred-/);
  });

  describe('errors', () => {
    it.each([
      ['the username is empty', { username: '', password: FAKE }, /'username' must not be empty/],
      ['the password is empty', { username: 'jane', password: '' }, /'password' must not be empty/],
      ['the username contains a colon', { username: 'ja:ne', password: FAKE }, /'username' must not contain ':'.*the kubelet splits 'auth' at the first ':'/],
      ['the server is empty', { server: '', username: 'jane', password: FAKE }, /'server' must not be empty/],
      ['the server contains white space', { server: 'ghcr .io', username: 'jane', password: FAKE }, /'server' must not contain white space/],
      ['metadata.name is not a DNS-1123 subdomain', { metadata: { name: 'My_RegCred' }, username: 'jane', password: FAKE },
        /'metadata.name' must be a DNS-1123 subdomain .* got "My_RegCred"; for example 'my-regcred'/],
      ['metadata.name ends with a dash', { metadata: { name: 'regcred-' }, username: 'jane', password: FAKE }, /'metadata.name' must be a DNS-1123 subdomain/],
    ])('fails when %s, without the password and without leaving a construct behind', (_t, props, expected) => {
      const chart = Testing.chart();
      const message = errorMessage(() => new PrivateRegistrySecret(chart, 'regcred', props as any));
      expect(message).toMatch(expected);
      expect(message).toMatch(/^PrivateRegistrySecret 'regcred'/);
      expect(message).not.toContain(FAKE);
      expect(chart.node.children).toHaveLength(0);
    });

    it('fails when appendHash would make the name longer than a Secret name may be (253)', () => {
      const chart = Testing.chart();
      const longest = 'a'.repeat(242);
      const s = new PrivateRegistrySecret(chart, 'ok', { metadata: { name: longest }, appendHash: true, username: 'jane', password: FAKE });
      expect(s.name).toHaveLength(253);
      const message = errorMessage(() => new PrivateRegistrySecret(chart, 'regcred', {
        metadata: { name: 'a'.repeat(243) }, appendHash: true, username: 'jane', password: FAKE,
      }));
      expect(message).toMatch(/^PrivateRegistrySecret 'regcred': 'metadata.name' must be at most 242 characters with 'appendHash' /);
      expect(message).toMatch(/got 243 characters; shorten the name/);
      expect(chart.node.tryFindChild('regcred')).toBeUndefined();
      // without appendHash the same name is fine
      new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'a'.repeat(243) }, username: 'jane', password: FAKE });
    });

    it('fails when a caller adds string data, which would be dropped', () => {
      const s = new PrivateRegistrySecret(Testing.chart(), 'regcred', { username: 'jane', password: FAKE });
      expect(() => s.addStringData('extra', 'value')).toThrow(/cannot add 'extra': .* holds only .dockerconfigjson/);
    });

    it('fails when the same server is added twice', () => {
      const chart = Testing.chart();
      const s = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'jane', password: FAKE });
      const message = errorMessage(() => s.addRegistry({ server: 'ghcr.io', username: 'other', password: FAKE + '2' }));
      expect(message).toMatch(/server 'ghcr.io' was added twice \(first by 'server'\/'username'\/'password', then by addRegistry\); .*remove that addRegistry call/);
      expect(message).not.toContain(FAKE);
      expect(s.servers).toEqual(['ghcr.io']);
    });

    it('fails when addRegistry gets bad credentials, naming the server and leaving the secret as it was', () => {
      const chart = Testing.chart();
      const s = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'jane', password: FAKE });
      const before = Testing.synth(chart);
      expect(() => s.addRegistry({ server: 'quay.io', username: 'a:b', password: FAKE })).toThrow(/server 'quay.io': 'username' must not contain ':'/);
      expect(Testing.synth(chart)).toEqual(before);
    });
  });
});

describe('the 1 MiB limit on a Secret\'s data names the field that is too large', () => {
  const MiB = 1024 * 1024;
  const BASE = { server: 'ghcr.io', username: 'robot', password: FAKE, email: 'robot@example.com' };
  for (const field of ['username', 'password', 'email'] as const) {
    it(`fails when a 1 MiB ${field} makes the payload too large, naming '${field}' and not its value`, () => {
      const huge = `FAKE-${field}-`.padEnd(MiB, 'x');
      const message = errorMessage(() => new PrivateRegistrySecret(Testing.chart(), 'regcred', { ...BASE, [field]: huge }));
      expect(message).toMatch(new RegExp('^PrivateRegistrySecret \'regcred\', server \'ghcr.io\': the .dockerconfigjson payload would be [\\d,]+ ' +
        `bytes, over the 1,048,576-byte limit the API server sets on a Secret's data; the largest field is '${field}' of server "ghcr.io" ` +
        '\\(1,048,576 bytes, value not shown\\), and registry credentials take a few kilobytes at most: check that value$'));
      expect(message).not.toContain(`FAKE-${field}`);
      expect(message).not.toContain(FAKE);
    });
  }

  it('fails when many fair-sized registries add up, saying to split them', () => {
    const secret = new PrivateRegistrySecret(Testing.chart(), 'regcred', { ...BASE, password: `${FAKE}-`.padEnd(200_000, 'x') });
    secret.addRegistry({ server: 'quay.io', username: 'robot', password: `${FAKE}-`.padEnd(200_000, 'y') });
    const message = errorMessage(() => secret.addRegistry({ server: 'docker.io', username: 'robot', password: `${FAKE}-`.padEnd(200_000, 'z') }));
    expect(message).toMatch(new RegExp('^PrivateRegistrySecret \'regcred\', server \'docker.io\': the .dockerconfigjson payload would be [\\d,]+ ' +
      'bytes, .*; no one field makes it \\(the largest is \'password\' of server "(ghcr|quay|docker).io" \\(200,000 bytes, value not shown\\)\\): ' +
      'split the 3 registries over several Secrets$'));
    expect(message).not.toContain(FAKE);
  });
});
