import { verify, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkLogins, isLoopbackHost, LoginCredential, LoginOptions, MANIFEST_MEDIA_TYPES, registryApiHost } from '../../lib/registry/login';
import { listenOnLoopback } from '../support/loopback';
import { RunningTokenServer, startTokenServer } from '../support/token-server';

// The decisions a real local registry cannot show (Docker Hub's host, hosts that are not loopback, 5xx answers,
// broken token servers), with a scripted fetch. test/real-registry/login-check.test.ts judges the rest with real
// registries and skopeo.

type Script = (url: URL, init: RequestInit) => Response | Promise<Response>;

/** A fetch that answers from `script` and records each request's method, URL and whether it carried Authorization. */
function scripted(script: Script): { fetch: typeof fetch; seen: string[] } {
  const seen: string[] = [];
  const fake = (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const headers = new Headers(init.headers);
    seen.push(`${init.method ?? 'GET'} ${url.href}${headers.has('authorization') ? ` [${headers.get('authorization')!.split(' ')[0]}]` : ''}`);
    return script(url, init);
  }) as typeof fetch;
  return { fetch: fake, seen };
}

function networkError(code: string, message = code): Error {
  return Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
}

const credential: LoginCredential = { secret: 'apps/regcred', server: 'registry.internal:5000', username: 'FAKE-user', password: 'FAKE-password-1' };
const bearerChallenge = { 'WWW-Authenticate': 'Bearer realm="https://auth.internal/token",service="registry.internal"' };

async function checkOne(domain: string, script: Script, options: LoginOptions = {}, credentials = [credential]) {
  const fake = scripted(script);
  const [result] = await checkLogins([{ domain, repository: 'team/app', reference: 'v1', credentials }], { ...options, fetch: fake.fetch });
  expect(JSON.stringify(result)).not.toContain('FAKE-password');
  expect(JSON.stringify(result)).not.toContain('FAKE-user');
  return { result, seen: fake.seen };
}

describe('registryApiHost and isLoopbackHost', () => {
  test('docker.io images are served by registry-1.docker.io, other domains by themselves', () => {
    expect(registryApiHost('docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('index.docker.io')).toBe('registry-1.docker.io');
    expect(registryApiHost('ghcr.io')).toBe('ghcr.io');
    expect(registryApiHost('127.0.0.1:5000')).toBe('127.0.0.1:5000');
  });

  test('loopback is localhost, 127.0.0.0/8 and [::1]; nothing else', () => {
    for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['128.0.0.1', 'localhost.example', '10.0.0.1', '[::2]', 'registry.internal']) expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('checkLogins with a scripted registry', () => {
  test('a docker.io image is pinged and fetched on registry-1.docker.io with the four manifest media types', async () => {
    let accept: string | null = null;
    const { result, seen } = await checkOne('docker.io', (_url, init) => {
      if (init.method === 'HEAD') accept = new Headers(init.headers).get('accept');
      return new Response(null, { status: 200 });
    }, {}, []);
    expect(result.status).toBe('ok');
    expect(seen).toEqual(['GET https://registry-1.docker.io/v2/', 'HEAD https://registry-1.docker.io/v2/team/app/manifests/v1']);
    expect(accept).toBe(MANIFEST_MEDIA_TYPES.join(', '));
    expect(MANIFEST_MEDIA_TYPES).toEqual([
      'application/vnd.oci.image.index.v1+json',
      'application/vnd.oci.image.manifest.v1+json',
      'application/vnd.docker.distribution.manifest.list.v2+json',
      'application/vnd.docker.distribution.manifest.v2+json',
    ]);
  });

  test('a host that is not loopback is never tried over plain HTTP, and the detail names the fix', async () => {
    const { result, seen } = await checkOne('registry.internal:5000', () => {
      throw networkError('ERR_SSL_WRONG_VERSION_NUMBER', 'ssl3_get_record:wrong version number');
    });
    expect(result.status).toBe('tls error');
    expect(result.detail).toBe('https://registry.internal:5000/v2/ does not speak TLS (ERR_SSL_WRONG_VERSION_NUMBER); ' +
      "if the registry is plain HTTP, name 'registry.internal:5000' as an insecure registry");
    expect(seen).toEqual(['GET https://registry.internal:5000/v2/']);
  });

  test('an insecure registry, named with or without its port, falls back to plain HTTP when HTTPS is not spoken', async () => {
    for (const insecureRegistries of [['registry.internal'], ['REGISTRY.internal:5000']]) {
      const { result, seen } = await checkOne('registry.internal:5000', (url, init) => {
        if (url.protocol === 'https:') throw networkError('ERR_SSL_WRONG_VERSION_NUMBER');
        if (init.method === 'GET') return new Response('{}', { status: 401, headers: { 'WWW-Authenticate': 'Basic realm="r"' } });
        return new Response(null, { status: 200 });
      }, { insecureRegistries });
      expect(result.status).toBe('ok');
      expect(seen).toEqual([
        'GET https://registry.internal:5000/v2/',
        'GET http://registry.internal:5000/v2/',
        'HEAD http://registry.internal:5000/v2/team/app/manifests/v1 [Basic]',
      ]);
    }
  });

  test('an insecure registry on another port is not insecure', async () => {
    const { result } = await checkOne('registry.internal:5000', () => {
      throw networkError('ERR_SSL_WRONG_VERSION_NUMBER');
    }, { insecureRegistries: ['registry.internal:6000'] });
    expect(result.status).toBe('tls error');
  });

  test('port 443 stays explicit, so that the plain HTTP fallback of a loopback host keeps the port', async () => {
    const { seen } = await checkOne('localhost:443', (url) => {
      if (url.protocol === 'https:') throw networkError('ERR_SSL_WRONG_VERSION_NUMBER');
      return new Response(null, { status: 200 });
    }, {}, []);
    expect(seen.slice(0, 2)).toEqual(['GET https://localhost/v2/', 'GET http://localhost:443/v2/']);
  });

  test('a certificate problem is a tls error and is not retried over plain HTTP, even on loopback', async () => {
    const { result, seen } = await checkOne('127.0.0.1:5000', () => {
      throw networkError('SELF_SIGNED_CERT_IN_CHAIN', 'self-signed certificate in certificate chain');
    });
    expect(result.status).toBe('tls error');
    expect(result.detail).toBe('TLS with https://127.0.0.1:5000/v2/ failed: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN); ' +
      "pass the registry's CA with --ca-file");
    expect(seen).toHaveLength(1);
  });

  test('a name that does not resolve is unreachable', async () => {
    const { result } = await checkOne('registry.invalid', () => {
      throw networkError('ENOTFOUND', 'getaddrinfo ENOTFOUND registry.invalid');
    });
    expect(result).toMatchObject({ status: 'unreachable', detail: 'cannot reach https://registry.invalid/v2/: no such host (ENOTFOUND)' });
  });

  test('a Bearer token is asked for with service, scope and the credential as Basic auth, then sent on the HEAD', async () => {
    const { result, seen } = await checkOne('registry.internal:5000', (url, init) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      if (url.host === 'auth.internal') return Response.json({ token: 'FAKE-token-value', expires_in: 300 });
      expect(new Headers(init.headers).get('authorization')).toBe('Bearer FAKE-token-value');
      return new Response(null, { status: 200 });
    });
    expect(result.status).toBe('ok');
    expect(seen).toEqual([
      'GET https://registry.internal:5000/v2/',
      'GET https://auth.internal/token?service=registry.internal&scope=repository%3Ateam%2Fapp%3Apull [Basic]',
      'HEAD https://registry.internal:5000/v2/team/app/manifests/v1 [Bearer]',
    ]);
    expect(JSON.stringify(result)).not.toContain('FAKE-token');
  });

  test('access_token is used when the token server sends it (the OAuth 2.0 name)', async () => {
    const { result } = await checkOne('registry.internal:5000', (url, init) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      if (url.host === 'auth.internal') return Response.json({ access_token: 'FAKE-oauth-token' });
      return new Response(null, { status: new Headers(init.headers).get('authorization') === 'Bearer FAKE-oauth-token' ? 200 : 401 });
    });
    expect(result.status).toBe('ok');
  });

  test('a token realm over plain HTTP on a host that is not loopback is refused before the credential is sent', async () => {
    const { result, seen } = await checkOne('registry.internal:5000', (url) => {
      if (url.pathname === '/v2/') {
        return new Response('{}', { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="http://auth.internal/token",service="s"' } });
      }
      return new Response(null, { status: 200 });
    });
    expect(result.status).toBe('tls error');
    expect(result.detail).toMatch(/the token realm http:\/\/auth\.internal is plain HTTP/);
    expect(seen).toEqual(['GET https://registry.internal:5000/v2/']);
  });

  test('an anonymous token without pull access is unauthorized (a credential is the fix), not denied', async () => {
    const { result } = await checkOne('registry.internal:5000', (url) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      if (url.host === 'auth.internal') return Response.json({ token: 'FAKE-anonymous' });
      const challenge = `${bearerChallenge['WWW-Authenticate']},error="insufficient_scope"`;
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': challenge } });
    }, {}, []);
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/^anonymous pull: anonymous tokens do not grant repository:team\/app:pull/);
  });

  test('a 403 from the registry or from the token server is denied', async () => {
    const registry403 = await checkOne('registry.internal:5000', (url) => new Response(null, {
      status: url.pathname === '/v2/' ? 200 : 403,
    }));
    expect(registry403.result.status).toBe('denied');
    const token403 = await checkOne('registry.internal:5000', (url) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      return new Response('{}', { status: 403 });
    });
    expect(token403.result.status).toBe('denied');
  });

  test('answers that say nothing about the credential are unreachable with the status: 5xx, a token answer without a token', async () => {
    const ping503 = await checkOne('registry.internal:5000', () => new Response('', { status: 503 }));
    expect(ping503.result).toMatchObject({
      status: 'unreachable', detail: 'the registry answered HTTP 503 to GET https://registry.internal:5000/v2/',
    });
    const head500 = await checkOne('registry.internal:5000', (url) => new Response(null, {
      status: url.pathname === '/v2/' ? 200 : 500,
    }));
    expect(head500.result.detail).toMatch(/answered HTTP 500 to HEAD https:\/\/registry\.internal:5000\/v2\/team\/app\/manifests\/v1$/);
    const noToken = await checkOne('registry.internal:5000', (url) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      return Response.json({ expires_in: 60 });
    });
    expect(noToken.result).toMatchObject({ status: 'unreachable', detail: expect.stringMatching(/answered 200 without a token$/) });
  });

  test('a registry that only offers a scheme this check does not speak says so', async () => {
    const { result } = await checkOne('registry.internal:5000', () => new Response('{}', {
      status: 401, headers: { 'WWW-Authenticate': 'Negotiate' },
    }));
    expect(result.status).toBe('unauthorized');
    expect(result.detail).toMatch(/it offers negotiate, which this check does not speak/);
  });

  test('a token the registry rejects is fetched anew once and the HEAD sent again: a stale token is not a verdict', async () => {
    let issued = 0;
    const { result, seen } = await checkOne('registry.internal:5000', (url, init) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      if (url.host === 'auth.internal') return Response.json({ token: `FAKE-token-${++issued}` });
      if (new Headers(init.headers).get('authorization') === 'Bearer FAKE-token-2') return new Response(null, { status: 200 });
      return new Response(null, { status: 401, headers: { 'WWW-Authenticate': `${bearerChallenge['WWW-Authenticate']},error="invalid_token"` } });
    });
    expect(result.status).toBe('ok');
    expect(seen.filter((r) => !r.startsWith('GET https://registry.internal'))).toEqual([
      'GET https://auth.internal/token?service=registry.internal&scope=repository%3Ateam%2Fapp%3Apull [Basic]',
      'HEAD https://registry.internal:5000/v2/team/app/manifests/v1 [Bearer]',
      'GET https://auth.internal/token?service=registry.internal&scope=repository%3Ateam%2Fapp%3Apull [Basic]',
      'HEAD https://registry.internal:5000/v2/team/app/manifests/v1 [Bearer]',
    ]);
  });

  test('a registry that rejects every token gets one retry, not a loop', async () => {
    const { result, seen } = await checkOne('registry.internal:5000', (url) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 401, headers: bearerChallenge });
      if (url.host === 'auth.internal') return Response.json({ token: 'FAKE-token' });
      return new Response(null, { status: 401, headers: bearerChallenge });
    });
    expect(result).toMatchObject({ status: 'unauthorized', detail: expect.stringMatching(/the registry rejected the token \(HTTP 401\)$/) });
    expect(seen.filter((r) => r.startsWith('HEAD'))).toHaveLength(2);
  });

  test('a registry whose ping is open and whose manifest challenges is authenticated per that challenge, once per HEAD', async () => {
    const basicOnHead = { 'WWW-Authenticate': 'Basic realm="registry"' };
    const { result, seen } = await checkOne('registry.internal:5000', (url, init) => {
      if (url.pathname === '/v2/') return new Response('{}', { status: 200 });
      return new Response(null, new Headers(init.headers).has('authorization') ? { status: 200 } : { status: 401, headers: basicOnHead });
    });
    expect(result.status).toBe('ok');
    expect(seen).toEqual([
      'GET https://registry.internal:5000/v2/',
      'HEAD https://registry.internal:5000/v2/team/app/manifests/v1',
      'HEAD https://registry.internal:5000/v2/team/app/manifests/v1 [Basic]',
    ]);
  });

  test('results come back in the order of the targets', async () => {
    const fake = scripted((url) => new Response(null, { status: url.pathname.endsWith('/b') ? 404 : 200 }));
    const results = await checkLogins(['a', 'b', 'a', 'b'].map((reference) => ({
      domain: 'registry.internal', repository: 'team/app', reference, credentials: [],
    })), { fetch: fake.fetch, concurrency: 1 });
    expect(results.map((r) => r.status)).toEqual(['ok', 'not found', 'ok', 'not found']);
  });
});

describe('checkLogins input checks', () => {
  const fakeFetch = scripted(() => new Response(null, { status: 200 })).fetch;
  const one = (overrides: object) => [{ domain: 'ghcr.io', repository: 'team/app', reference: 'v1', credentials: [], ...overrides }];

  test('fails when concurrency is not a whole number of at least 1', async () => {
    await expect(checkLogins(one({}), { concurrency: 0, fetch: fakeFetch }))
      .rejects.toThrow("'concurrency' must be a whole number of at least 1, got 0");
    await expect(checkLogins(one({}), { concurrency: 1.5, fetch: fakeFetch })).rejects.toThrow(/'concurrency'/);
  });

  test('fails when timeoutMs is not a positive number', async () => {
    await expect(checkLogins(one({}), { timeoutMs: -1, fetch: fakeFetch }))
      .rejects.toThrow("'timeoutMs' must be a positive number of milliseconds, got -1");
  });

  test('fails when an insecure registry entry is a URL instead of a host', async () => {
    await expect(checkLogins(one({}), { insecureRegistries: ['http://registry.local'], fetch: fakeFetch }))
      .rejects.toThrow("'insecureRegistries' entries must be a host or host:port such as 'registry.local:5000', got 'http://registry.local'");
  });

  test('fails when a target is not a normalized image', async () => {
    await expect(checkLogins(one({ domain: 'https://ghcr.io' }), { fetch: fakeFetch })).rejects.toThrow(/'domain' must be a registry host/);
    await expect(checkLogins(one({ repository: 'Team/App' }), { fetch: fakeFetch }))
      .rejects.toThrow(/target 0: 'repository' must be a repository path/);
    await expect(checkLogins(one({ reference: 'v1?x' }), { fetch: fakeFetch }))
      .rejects.toThrow(/target 0: 'reference' must be a tag or a digest/);
  });
});

// A registry whose `GET /v2/` answers 200 to anyone (Nexus, Artifactory and Harbor with anonymous access do) and whose
// manifests answer 401 with a challenge unless the right Authorization comes: the challenge of the ping says nothing,
// so the credentials must be sent when the manifest HEAD asks for them, as containerd and docker do.
interface OpenPingRegistry {
  readonly host: string;
  /** `METHOD PATH` and the scheme of the Authorization sent, if any, per request; never the value. */
  readonly requests: string[];
  close(): Promise<void>;
}

async function startOpenPingRegistry(challenge: string, authorized: (authorization: string) => boolean): Promise<OpenPingRegistry> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const authorization = request.headers.authorization;
    requests.push(`${request.method} ${request.url}${authorization ? ` [${authorization.split(' ')[0]}]` : ''}`);
    if (request.url === '/v2/') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Docker-Distribution-API-Version': 'registry/2.0' }).end('{}');
    } else if (request.url !== '/v2/team/app/manifests/v1') {
      response.writeHead(404).end();
    } else if (authorization !== undefined && authorized(authorization)) {
      response.writeHead(200, { 'Content-Type': 'application/vnd.oci.image.manifest.v1+json' }).end();
    } else {
      response.writeHead(401, { 'WWW-Authenticate': challenge }).end();
    }
  });
  const { host, close } = await listenOnLoopback(server);
  return { host, requests, close };
}

/** Whether `authorization` is `Bearer JWT` signed by `certificate` for `service`, granting pull on team/app, not expired. */
function grantsPull(authorization: string, certificate: X509Certificate, service: string): boolean {
  const m = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization);
  if (!m || !verify('sha256', Buffer.from(`${m[1]}.${m[2]}`), certificate.publicKey, Buffer.from(m[3], 'base64url'))) return false;
  const claims = JSON.parse(Buffer.from(m[2], 'base64url').toString('utf8')) as {
    aud?: string; exp?: number; access?: { type: string; name: string; actions: string[] }[];
  };
  return claims.aud === service && (claims.exp ?? 0) > Date.now() / 1000 &&
    (claims.access ?? []).some((a) => a.type === 'repository' && a.name === 'team/app' && a.actions.includes('pull'));
}

describe('checkLogins against a registry whose ping is open and whose manifest challenges', () => {
  const secretOf = (host: string, password: string): LoginCredential =>
    ({ secret: 'regcred', server: host, username: 'FAKE-user', password });
  const image = (host: string, credentials: LoginCredential[]) => [{ domain: host, repository: 'team/app', reference: 'v1', credentials }];

  describe('with Basic', () => {
    let registry: OpenPingRegistry;
    const expected = `Basic ${Buffer.from('FAKE-user:FAKE-right-password').toString('base64')}`;

    beforeAll(async () => {
      registry = await startOpenPingRegistry('Basic realm="open-ping-registry"', (authorization) => authorization === expected);
    });

    afterAll(async () => {
      await registry?.close();
    });

    test('the right password is ok: the HEAD is answered 401, then sent again with the credential', async () => {
      registry.requests.length = 0;
      const [result] = await checkLogins(image(registry.host, [secretOf(registry.host, 'FAKE-right-password')]));
      expect(result).toMatchObject({ status: 'ok', credential: { secret: 'regcred', server: registry.host } });
      expect(registry.requests).toEqual(['GET /v2/', 'HEAD /v2/team/app/manifests/v1', 'HEAD /v2/team/app/manifests/v1 [Basic]']);
    });

    test('a wrong password is unauthorized: the registry rejected it, after exactly one retry', async () => {
      registry.requests.length = 0;
      const [result] = await checkLogins(image(registry.host, [secretOf(registry.host, 'FAKE-wrong-password')]));
      expect(result.status).toBe('unauthorized');
      expect(result.detail).toBe(`secret 'regcred' (server '${registry.host}'): the registry rejected the credential (HTTP 401)`);
      expect(JSON.stringify(result)).not.toContain('FAKE-wrong-password');
      expect(registry.requests.filter((r) => r.startsWith('HEAD')))
        .toEqual(['HEAD /v2/team/app/manifests/v1', 'HEAD /v2/team/app/manifests/v1 [Basic]']);
    });

    test('without a credential it is unauthorized: the registry requires credentials, and nothing is retried', async () => {
      registry.requests.length = 0;
      const [result] = await checkLogins(image(registry.host, []));
      expect(result).toMatchObject({ status: 'unauthorized', detail: 'anonymous pull: the registry requires credentials (HTTP 401)' });
      expect(registry.requests.filter((r) => r.startsWith('HEAD'))).toEqual(['HEAD /v2/team/app/manifests/v1']);
    });
  });

  describe('with a Bearer token from the test token server', () => {
    let tokenServer: RunningTokenServer;
    let registry: OpenPingRegistry;

    beforeAll(async () => {
      tokenServer = await startTokenServer({
        users: [{ username: 'FAKE-user', password: 'FAKE-right-password', grants: [{ repository: 'team/app', actions: ['pull'] }] }],
      });
      const certificate = new X509Certificate(fs.readFileSync(tokenServer.rootCertBundle));
      const challenge = `Bearer realm="${tokenServer.realm}",service="${tokenServer.service}",scope="repository:team/app:pull"`;
      registry = await startOpenPingRegistry(challenge, (authorization) => grantsPull(authorization, certificate, tokenServer.service));
    });

    afterAll(async () => {
      await registry?.close();
      await tokenServer?.stop();
    });

    test('the right password is ok: one token, then the HEAD sent again with it', async () => {
      registry.requests.length = 0;
      const before = tokenServer.requests.length;
      const [result] = await checkLogins(image(registry.host, [secretOf(registry.host, 'FAKE-right-password')]));
      expect(result).toMatchObject({ status: 'ok', credential: { secret: 'regcred', server: registry.host } });
      expect(registry.requests).toEqual(['GET /v2/', 'HEAD /v2/team/app/manifests/v1', 'HEAD /v2/team/app/manifests/v1 [Bearer]']);
      expect(tokenServer.requests.slice(before).map((r) => [r.account, r.scopes, r.status]))
        .toEqual([['FAKE-user', ['repository:team/app:pull'], 200]]);
    });

    test('a wrong password is unauthorized: the token server rejected it, and the HEAD is not sent again', async () => {
      registry.requests.length = 0;
      const before = tokenServer.requests.length;
      const [result] = await checkLogins(image(registry.host, [secretOf(registry.host, 'FAKE-wrong-password')]));
      expect(result.status).toBe('unauthorized');
      expect(result.detail).toMatch(/the token server http:\/\/127\.0\.0\.1:\d+\/token rejected the credential \(HTTP 401\)$/);
      expect(tokenServer.requests.slice(before).map((r) => [r.account, r.status])).toEqual([['rejected', 401]]);
      expect(registry.requests.filter((r) => r.startsWith('HEAD'))).toEqual(['HEAD /v2/team/app/manifests/v1']);
    });
  });
});
