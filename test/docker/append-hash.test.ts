import { execFileSync } from 'child_process';
import { createHash } from 'crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDockerConfigJson } from '../../lib/docker/payload';
import { DockerConfigEntry } from '../../lib/docker/credentials';
import { hashedSecretName, secretHashSuffix } from '../../lib/docker/append-hash';

const KUBECTL = '/usr/bin/kubectl';
const DOCKER_TYPE = 'kubernetes.io/dockerconfigjson';

function dockerSecretName(name: string, entry: DockerConfigEntry): string {
  return hashedSecretName(name, DOCKER_TYPE, { '.dockerconfigjson': encodeDockerConfigJson([entry]) });
}

describe('kubectl\'s own test vectors (pkg/cmd/create/create_secret_docker_test.go)', () => {
  const base = { server: 'https://index.docker.io/v1/', username: 'test-user', password: 'test-password' };

  it('with an email', () => {
    expect(dockerSecretName('foo', { ...base, email: 'test-user@example.org' })).toBe('foo-548cm7fgdh');
  });

  it('without an email', () => {
    expect(dockerSecretName('foo', base)).toBe('foo-bff5bt4f92');
  });
});

describe('the encoding, checked by hand against hash.go', () => {
  it('hashes the sorted go-json map, base64 values, and adds immutable only when set', () => {
    // written by hand from hash.go's encodeSecret: map keys sorted, []byte values as padded base64, <>& escaped
    const expected = (json: string): string => {
      const hex = createHash('sha256').update(json).digest('hex').slice(0, 10);
      return hex.replace(/[013ae]/g, (c) => ({ 0: 'g', 1: 'h', 3: 'k', a: 'm', e: 't' } as Record<string, string>)[c]);
    };
    const data = { z: '<&>', a: 'x' };
    expect(secretHashSuffix('n', 'Opaque', data)).toBe(expected('{"data":{"a":"eA==","z":"PCY+"},"kind":"Secret","name":"n","type":"Opaque"}'));
    expect(secretHashSuffix('n', 'Opaque', data, true))
      .toBe(expected('{"data":{"a":"eA==","z":"PCY+"},"immutable":true,"kind":"Secret","name":"n","type":"Opaque"}'));
    expect(secretHashSuffix('n', 'Opaque', data, false))
      .toBe(expected('{"data":{"a":"eA==","z":"PCY+"},"immutable":false,"kind":"Secret","name":"n","type":"Opaque"}'));
    expect(secretHashSuffix('n', 'Opaque', data)).toMatch(/^[2-9bcdfghkmt]{10}$/);
  });
});

describe('kubectl as the oracle', () => {
  let dir: string;
  let kubeconfig: string;

  beforeAll(() => {
    if (!existsSync(KUBECTL)) throw new Error(`${KUBECTL} is missing; install Debian's kubernetes-client (CI does)`);
    dir = mkdtempSync(join(tmpdir(), 'secret-hash-'));
    kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(kubeconfig, '');
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function kubectlName(args: string[]): string {
    const out = execFileSync(KUBECTL, ['create', 'secret', ...args, '--append-hash', '--dry-run=client', '-o', 'json'], {
      env: { PATH: '/usr/bin:/bin', HOME: dir, KUBECONFIG: kubeconfig },
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    return JSON.parse(out).metadata.name;
  }

  // fake credentials only
  const cases: Array<{ name: string; entry: DockerConfigEntry }> = [
    { name: 'regcred', entry: { server: 'https://index.docker.io/v1/', username: 'alice', password: 'hunter2' } },
    { name: 'regcred', entry: { server: 'ghcr.io', username: 'bob', password: 'ghp_fakefakefakefake', email: 'bob@example.org' } },
    { name: 'unicode', entry: { server: 'registry.example.com:5000', username: 'jürgen', password: 'pässwörd-日本語-🚀' } },
    { name: 'html', entry: { server: 'r.example.com', username: 'u<&>', password: '<script>&amp;</script>', email: 'a&b@example.org' } },
    { name: 'quotes', entry: { server: 'quay.io', username: 'o\'brien', password: 'say "hi" \\ back\\slash' } },
    { name: 'colons', entry: { server: '127.0.0.1:5000', username: 'u', password: 'a:b:c::' } },
    { name: 'long', entry: { server: 'gcr.io', username: '_json_key', password: 'x'.repeat(4096) + '\u2028\u2029' } },
    { name: 'controls', entry: { server: 'https://private.example.com/v2/', username: 'tab', password: 'line\nbreak\ttab\u0001' } },
    { name: 'a.b-c', entry: { server: 'ghcr.io', username: 'spaces in', password: ' leading and trailing ' } },
    { name: 'default', entry: { server: 'https://index.docker.io/v1/', username: 'test-user', password: 'test-password' } },
  ];

  for (const { name, entry } of cases) {
    it(`agrees with kubectl create secret docker-registry for ${name} on ${entry.server}`, () => {
      const args = ['docker-registry', name, `--docker-username=${entry.username}`, `--docker-password=${entry.password}`,
        `--docker-server=${entry.server}`];
      if (entry.email) args.push(`--docker-email=${entry.email}`);
      expect(dockerSecretName(name, entry)).toBe(kubectlName(args));
    });
  }

  it('agrees with kubectl create secret generic for several keys and another type', () => {
    const data = { 'z-key': 'last', 'a.key': 'first <&>', 'M_key': 'ünïcödé' };
    const args = ['generic', 'multi', '--type=example.com/custom', ...Object.entries(data).map(([k, v]) => `--from-literal=${k}=${v}`)];
    expect(hashedSecretName('multi', 'example.com/custom', data)).toBe(kubectlName(args));
  });
});
