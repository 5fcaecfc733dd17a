import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loginTlsEnvironment } from '../../lib/registry/tls';
import { checkLogins, LoginCredential, LoginResult } from '../../lib/registry/login';
import { checkLoginsInChild, countingFetch, startBlackHole, target } from '../support/login-check';
import { authfileJson, freePort, pushTinyImage, RunningRegistry, skopeoInspect, startRegistry, wrongPassword } from '../support/registry';
import { skopeoInspectAsync } from '../support/skopeo';
import { makeTestCa, TestCa } from '../support/tls';
import { RunningTokenRegistry, startTokenRegistry } from '../support/token-registry';

// Real docker-registry processes judge the login check: one with htpasswd (Basic), one with `auth: token` and a token
// server written from the distribution spec, one over HTTPS with a CA of our own. Where the check says ok, skopeo with
// the same credential as its only authfile pulls the manifest too; where it says unauthorized, denied or not found,
// skopeo fails as well.

/** Every secret a result could leak: the password, the Basic value, and the user name (STYLE.md counts it too). */
function expectNoSecrets(results: readonly LoginResult[], credentials: readonly LoginCredential[]): void {
  const text = JSON.stringify(results);
  for (const c of credentials) {
    expect(text).not.toContain(c.password);
    expect(text).not.toContain(Buffer.from(`${c.username}:${c.password}`).toString('base64'));
    expect(text).not.toContain(c.username);
  }
  expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\./); // a JWT
  expect(text).not.toMatch(/Basic |Bearer /);
}

let workDir: string;

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'login-check-test-'));
});

afterAll(() => {
  if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
});

/** An authfile holding exactly this credential under `host`. */
function authfileFor(host: string, credential: LoginCredential): string {
  const dir = fs.mkdtempSync(path.join(workDir, 'auth-'));
  const file = path.join(dir, 'auth.json');
  fs.writeFileSync(file, authfileJson(host, credential.username, credential.password), { mode: 0o600 });
  return file;
}

describe('the login check against a Basic (htpasswd) registry', () => {
  let registry: RunningRegistry;
  let right: LoginCredential;
  let wrong: LoginCredential;

  beforeAll(async () => {
    registry = await startRegistry();
    pushTinyImage(registry, 'team/app', 'v1');
    right = { secret: 'apps/regcred', server: registry.host, username: registry.username, password: registry.password };
    wrong = { ...right, secret: 'apps/stale', password: wrongPassword(registry.password) };
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test('the right password is ok, and skopeo pulls the manifest with the same credential', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [right])]);
    expect(result.status).toBe('ok');
    expect(result.credential).toEqual({ secret: 'apps/regcred', server: registry.host });
    expect(result.detail).toMatch(/^secret 'apps\/regcred' \(server '127\.0\.0\.1:\d+'\): team\/app:v1 exists/);
    expect(skopeoInspect(`${registry.host}/team/app:v1`, authfileFor(registry.host, right)).ok).toBe(true);
    expectNoSecrets([result], [right]);
  });

  test('a wrong password is unauthorized, and skopeo fails with it too', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [wrong])]);
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/the registry rejected the credential \(HTTP 401\)/);
    const skopeo = skopeoInspect(`${registry.host}/team/app:v1`, authfileFor(registry.host, wrong));
    expect(skopeo.ok).toBe(false);
    expect(skopeo.stderr).toMatch(/401|unauthorized/i);
    expectNoSecrets([result], [wrong, right]);
  });

  test('a missing tag is not found, and skopeo fails on it too', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v404', [right])]);
    expect(result.status).toBe('not found');
    expect(result.detail).toMatch(/no manifest team\/app:v404 on 127\.0\.0\.1:\d+ \(HTTP 404\)/);
    const skopeo = skopeoInspect(`${registry.host}/team/app:v404`, authfileFor(registry.host, right));
    expect(skopeo.ok).toBe(false);
    expect(skopeo.stderr).toMatch(/manifest unknown|not found/i);
  });

  test('an image with no matching credential is pulled anonymously, which the registry refuses', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [])]);
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/^anonymous pull: the registry requires credentials/);
    expect(skopeoInspect(`${registry.host}/team/app:v1`).ok).toBe(false);
  });

  test('credentials are tried in the kubelet\'s order: a stale one first, then the right one, which wins', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [wrong, right])]);
    expect(result.status).toBe('ok');
    expect(result.credential?.secret).toBe('apps/regcred');
    expect(result.attempts.map((a) => [a.credential?.secret, a.status])).toEqual([['apps/stale', 'unauthorized'], ['apps/regcred', 'ok']]);
  });

  test('the first credential that pulls ends the attempts', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [right, wrong])]);
    expect(result.attempts.map((a) => a.credential?.secret)).toEqual(['apps/regcred']);
  });

  test('when every credential fails, the most telling outcome is reported and the others are named', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v404', [wrong, right])]);
    expect(result.status).toBe('not found');
    expect(result.credential?.secret).toBe('apps/regcred');
    expect(result.detail).toMatch(/; also tried secret 'apps\/stale': unauthorized$/);
    expectNoSecrets([result], [wrong, right]);
  });

  test('the registry is pinged once and one HEAD is made per distinct image and credential', async () => {
    const counting = countingFetch();
    const image = target(registry.host, 'team/app', 'v1', [right]);
    const results = await checkLogins([image, image, { ...image, reference: 'v2' }, image], { fetch: counting.fetch });
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok', 'not found', 'ok']);
    // the loopback registry speaks plain HTTP: HTTPS is tried once, then HTTP is used for everything
    expect(counting.calls.map((c) => `${c.method} ${c.url.replace(registry.host, 'HOST')}`).sort()).toEqual([
      'GET http://HOST/v2/',
      'GET https://HOST/v2/',
      'HEAD http://HOST/v2/team/app/manifests/v1',
      'HEAD http://HOST/v2/team/app/manifests/v2',
    ]);
  });

  test('no more requests are in flight than the concurrency allows', async () => {
    const counting = countingFetch();
    const targets = Array.from({ length: 40 }, (_, i) => target(registry.host, 'team/app', `t${i}`, [right]));
    const results = await checkLogins(targets, { fetch: counting.fetch, concurrency: 3 });
    expect(results.every((r) => r.status === 'not found')).toBe(true);
    expect(counting.calls.filter((c) => c.method === 'HEAD')).toHaveLength(40);
    expect(counting.maxInFlight()).toBe(3);
  });
});

describe('the login check against a registry with token auth', () => {
  let registry: RunningTokenRegistry;
  let alice: LoginCredential;
  let aliceWrong: LoginCredential;
  let digest: string;

  beforeAll(async () => {
    registry = await startTokenRegistry({
      users: [{ username: 'alice', password: 'FAKE-alice-Pa55', grants: [
        { repository: 'team/app', actions: ['pull'] },
        { repository: 'team/lib', actions: ['pull'] },
      ] }],
    });
    digest = await registry.push('team/app', 'v1');
    await registry.push('team/lib', 'v1');
    await registry.push('other/secret', 'v1');
    alice = { secret: 'apps/regcred', server: registry.host, username: 'alice', password: 'FAKE-alice-Pa55' };
    aliceWrong = { ...alice, secret: 'apps/stale', password: 'FAKE-alice-wrong' };
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test('the right password is ok, by tag and by digest, and skopeo pulls with the same credential', async () => {
    const results = await checkLogins([
      target(registry.host, 'team/app', 'v1', [alice]),
      target(registry.host, 'team/app', digest, [alice]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(results[1].detail).toContain(`team/app@${digest} exists`);
    const skopeo = await skopeoInspectAsync(`${registry.host}/team/app:v1`, authfileFor(registry.host, alice));
    expect(skopeo.stderr).toBe('');
    expect(skopeo.digest).toBe(digest);
    expectNoSecrets(results, [alice]);
  });

  test('a wrong password is unauthorized: the token server refuses it, and so it does for skopeo', async () => {
    const before = registry.tokenServer.requests.length;
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [aliceWrong])]);
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/the token server http:\/\/127\.0\.0\.1:\d+\/token rejected the credential \(HTTP 401\)/);
    expect(registry.tokenServer.requests.slice(before).map((r) => [r.account, r.status])).toEqual([['rejected', 401]]);
    const skopeo = await skopeoInspectAsync(`${registry.host}/team/app:v1`, authfileFor(registry.host, aliceWrong));
    expect(skopeo.ok).toBe(false);
    expect(skopeo.stderr).toMatch(/401|unauthorized/i);
    expectNoSecrets([result], [aliceWrong, alice]);
  });

  test('a missing tag is not found, and skopeo fails on it too', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v404', [alice])]);
    expect(result.status).toBe('not found');
    const skopeo = await skopeoInspectAsync(`${registry.host}/team/app:v404`, authfileFor(registry.host, alice));
    expect(skopeo.ok).toBe(false);
    expect(skopeo.stderr).toMatch(/manifest unknown|not found/i);
  });

  test('a repository outside the token\'s scope is denied, and skopeo is refused it too', async () => {
    const before = registry.tokenServer.requests.length;
    const [result] = await checkLogins([target(registry.host, 'other/secret', 'v1', [alice])]);
    expect(result.status).toBe('denied');
    expect(result.detail).toMatch(/did not grant repository:other\/secret:pull/);
    // the token server did answer 200: the denial comes from the registry judging the token's access
    expect(registry.tokenServer.requests.slice(before).map((r) => [r.account, r.scopes, r.status]))
      .toEqual([['alice', ['repository:other/secret:pull'], 200]]);
    const skopeo = await skopeoInspectAsync(`${registry.host}/other/secret:v1`, authfileFor(registry.host, alice));
    expect(skopeo.ok).toBe(false);
    expect(skopeo.stderr).toMatch(/denied|unauthorized|insufficient/i);
    expectNoSecrets([result], [alice]);
  });

  test('an anonymous pull is unauthorized when the token server refuses anonymous tokens', async () => {
    const [result] = await checkLogins([target(registry.host, 'team/app', 'v1', [])]);
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/^anonymous pull: the token server .* refuses anonymous tokens/);
    expect((await skopeoInspectAsync(`${registry.host}/team/app:v1`)).ok).toBe(false);
  });

  test('one token per repository and credential, reused by every image and every secret holding that credential', async () => {
    const before = registry.tokenServer.requests.length;
    const sameCredentialOtherSecret = { ...alice, secret: 'other-namespace/regcred' };
    const targets = Array.from({ length: 30 }, (_, i) => target(
      registry.host, i % 2 === 0 ? 'team/app' : 'team/lib', i < 2 ? 'v1' : `v1-missing-${i}`, [i % 3 === 0 ? sameCredentialOtherSecret : alice],
    ));
    const results = await checkLogins(targets, { concurrency: 6 });
    expect(results.slice(0, 2).map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(results.slice(2).every((r) => r.status === 'not found')).toBe(true);
    const asked = registry.tokenServer.requests.slice(before).map((r) => `${r.account} ${r.scopes.join(' ')}`).sort();
    expect(asked).toEqual(['alice repository:team/app:pull', 'alice repository:team/lib:pull']);
  });

  test('a token signed with a `kid` header (libtrust key ID) is accepted as well', async () => {
    const kidRegistry = await startTokenRegistry({
      keyHeader: 'kid',
      users: [{ username: 'alice', password: 'FAKE-alice-Pa55', grants: [{ repository: 'team/app', actions: ['pull'] }] }],
    });
    try {
      await kidRegistry.push('team/app', 'v1');
      const credential = { ...alice, server: kidRegistry.host };
      const [result] = await checkLogins([target(kidRegistry.host, 'team/app', 'v1', [credential])]);
      expect(result.status).toBe('ok');
      expect((await skopeoInspectAsync(`${kidRegistry.host}/team/app:v1`, authfileFor(kidRegistry.host, credential))).ok).toBe(true);
    } finally {
      await kidRegistry.stop();
    }
  });
});

describe('the login check when the registry cannot be reached', () => {
  test('a closed port is unreachable', async () => {
    const host = `127.0.0.1:${await freePort()}`;
    const [result] = await checkLogins([target(host, 'team/app', 'v1', [])]);
    expect(result.status).toBe('unreachable');
    expect(result.detail).toMatch(/^cannot reach https:\/\/127\.0\.0\.1:\d+\/v2\/: connection refused \(ECONNREFUSED\)$/);
  });

  test('a server that accepts and never answers is unreachable once the time-out has passed, with no retry', async () => {
    const blackHole = await startBlackHole();
    try {
      const credential = { secret: 'apps/regcred', server: blackHole.host, username: 'FAKE-user', password: 'FAKE-password' };
      const results = await checkLogins([
        target(blackHole.host, 'team/app', 'v1', [credential]),
        target(blackHole.host, 'team/lib', 'v1', []),
      ], { timeoutMs: 300 });
      for (const result of results) {
        expect(result.status).toBe('unreachable');
        expect(result.detail).toBe(`no answer from https://${blackHole.host}/v2/ within 300 ms`);
      }
      // one ping for the registry, shared by both images; a time-out is not retried over plain HTTP
      expect(blackHole.connections()).toBe(1);
      expectNoSecrets(results, [credential]);
    } finally {
      await blackHole.close();
    }
  });
});

describe('the login check over HTTPS with a CA of our own', () => {
  let ca: TestCa;
  let registry: RunningRegistry;
  let right: LoginCredential;
  let certDir: string;
  // the child gets a clean environment: no CA setting of the machine running the tests can help or hurt
  const baseEnv = { NODE_OPTIONS: '' };

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(workDir, 'tls-'));
    ca = makeTestCa(dir);
    certDir = fs.mkdtempSync(path.join(workDir, 'certs-'));
    fs.copyFileSync(ca.ca, path.join(certDir, 'ca.crt'));
    registry = await startRegistry({ tls: ca });
    pushTinyImage(registry, 'team/app', 'v1');
    right = { secret: 'apps/regcred', server: registry.host, username: registry.username, password: registry.password };
  });

  afterAll(async () => {
    await registry?.stop();
  });

  test('skopeo, verifying TLS, pulls only when it trusts the CA: the registry really needs it', async () => {
    const authfile = authfileFor(registry.host, right);
    expect((await skopeoInspectAsync(`${registry.host}/team/app:v1`, authfile, { certDir })).ok).toBe(true);
    const untrusted = await skopeoInspectAsync(`${registry.host}/team/app:v1`, authfile, { certDir: fs.mkdtempSync(path.join(workDir, 'empty-')) });
    expect(untrusted.ok).toBe(false);
    expect(untrusted.stderr).toMatch(/certificate/i);
  });

  test('without the CA it is a tls error that says how to fix it', async () => {
    const [result] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, baseEnv);
    expect(result.status).toBe('tls error');
    expect(result.detail).toMatch(/^TLS with https:\/\/127\.0\.0\.1:\d+\/v2\/ failed: .*\(\w+\); pass the registry's CA with --ca-file$/);
    expectNoSecrets([result], [right]);
  });

  test('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn the check off, as docker ignores it; --ca-file still works under it', async () => {
    const env = { ...baseEnv, NODE_TLS_REJECT_UNAUTHORIZED: '0' };
    const [refused] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, env);
    expect(refused.status).toBe('tls error');
    expect(refused.detail).toMatch(/pass the registry's CA with --ca-file$/);
    const tls = loginTlsEnvironment(ca.ca, env);
    try {
      const [trusted] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, tls.env);
      expect(trusted.status).toBe('ok');
    } finally {
      tls.cleanup();
    }
  });

  test('with the environment for --ca-file it is ok', async () => {
    const tls = loginTlsEnvironment(ca.ca, baseEnv);
    try {
      const [result] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, tls.env);
      expect(result.status).toBe('ok');
    } finally {
      tls.cleanup();
    }
  });

  test('a NODE_EXTRA_CA_CERTS already set is kept next to the CA file', async () => {
    const other = makeTestCa(fs.mkdtempSync(path.join(workDir, 'other-ca-')));
    const tls = loginTlsEnvironment(ca.ca, { ...baseEnv, NODE_EXTRA_CA_CERTS: other.ca });
    try {
      expect(tls.env.NODE_EXTRA_CA_CERTS).not.toBe(ca.ca);
      const [result] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, tls.env);
      expect(result.status).toBe('ok');
    } finally {
      tls.cleanup();
    }
    // and the other way round: the registry's CA as the one already set, another CA as the file
    const swapped = loginTlsEnvironment(other.ca, { ...baseEnv, NODE_EXTRA_CA_CERTS: ca.ca });
    try {
      const [result] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, swapped.env);
      expect(result.status).toBe('ok');
    } finally {
      swapped.cleanup();
    }
  });

  test('the system store counts: a CA in SSL_CERT_FILE is trusted under the environment, not by Node\'s bundled list', async () => {
    const systemEnv = { ...baseEnv, SSL_CERT_FILE: ca.ca };
    const [bundled] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, systemEnv);
    expect(bundled.status).toBe('tls error');
    const tls = loginTlsEnvironment(undefined, systemEnv);
    const [system] = await checkLoginsInChild([target(registry.host, 'team/app', 'v1', [right])], {}, tls.env);
    expect(system.status).toBe('ok');
  });
});
