import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { checkLogins, LoginCredential, LoginOptions, LoginResult, LoginStatus } from '../../lib/registry/login';
import { RecordingServer, startRecordingServer, streamBody } from '../support/recording-server';
import { makeTestCa, TestCa } from '../support/tls';

// Registries on 127.0.0.1 that try to get the credential somewhere it must not go, or into a printed line, or that
// answer more than any client should read. Each server is another origin (another port), as another host would be.

const user = 'FAKE-hostile-user';
const password = 'FAKE-Pass word/ü"1';
const credential: LoginCredential = { secret: 'regcred', server: 'registry', username: user, password };

/** The forms of the credential a leak could take, computed here without the code under test. */
function leakedForms(c: LoginCredential): string[] {
  const pair = `${c.username}:${c.password}`;
  return [
    c.password, c.username, pair, encodeURIComponent(c.password), encodeURI(c.password),
    Buffer.from(pair).toString('base64').replace(/=+$/, ''), Buffer.from(pair).toString('base64url'),
    Buffer.from(c.password).toString('base64').replace(/=+$/, ''),
  ].map((form) => form.toLowerCase());
}

function expectNoLeak(result: LoginResult, c: LoginCredential = credential): void {
  const text = JSON.stringify(result).toLowerCase();
  for (const form of leakedForms(c)) expect(text).not.toContain(form);
}

/** A quoted-string for a WWW-Authenticate parameter. */
function quoted(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

function answer(response: http.ServerResponse, status: number, headers: http.OutgoingHttpHeaders = {}): void {
  response.writeHead(status, headers).end();
}

function check(host: string, options: LoginOptions = {}, credentials = [credential]): Promise<LoginResult> {
  return checkLogins([{ domain: host, repository: 'team/app', reference: 'v1', credentials }], { timeoutMs: 5000, ...options })
    .then(([result]) => result);
}

let registry: RecordingServer;
let other: RecordingServer;
let ownRealm: RecordingServer;
let otherRealm: RecordingServer;
let servers: RecordingServer[];

beforeAll(async () => {
  servers = [registry, other, ownRealm, otherRealm] = await Promise.all(Array.from({ length: 4 }, () => startRecordingServer()));
});

afterAll(async () => {
  await Promise.all((servers ?? []).map((s) => s?.close()));
});

beforeEach(() => {
  for (const s of servers) {
    s.requests.length = 0;
    s.handler = (_request, response) => answer(response, 404);
  }
});

/** A token server that gives a token to any Basic credential and refuses anonymous requests. */
function tokenServer(request: http.IncomingMessage, response: http.ServerResponse): void {
  if (request.headers.authorization?.startsWith('Basic ')) {
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ token: 'FAKE-token', expires_in: 300 }));
  } else {
    answer(response, 401, { 'WWW-Authenticate': 'Basic realm="token"' });
  }
}

interface RedirectCase {
  readonly name: string;
  /** Sets the servers' answers. */
  readonly setup: () => void;
  readonly status: LoginStatus;
  readonly detail?: RegExp;
  /** Whether the other host's realm may be asked at all (without a credential). */
  readonly otherRealmAsked?: boolean;
}

const redirectCases: RedirectCase[] = [
  {
    name: 'the ping is redirected to another host, which challenges Bearer with a realm of its own',
    setup: () => {
      registry.handler = (request, response) => request.url === '/v2/'
        ? answer(response, 302, { Location: `${other.origin}/v2/` })
        : answer(response, 200);
      other.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${otherRealm.origin}/token",service="s"` });
      otherRealm.handler = tokenServer;
    },
    status: 'unauthorized',
    detail: /GET http:\/\/127\.0\.0\.1:\d+\/v2\/ was redirected to http:\/\/127\.0\.0\.1:\d+, which asks for credentials; they go only to 127\.0\.0\.1:\d+/,
  },
  {
    name: 'the ping is redirected to another host, which challenges Basic',
    setup: () => {
      registry.handler = (request, response) => request.url === '/v2/'
        ? answer(response, 307, { Location: `${other.origin}/v2/` })
        : answer(response, 200);
      other.handler = (request, response) => answer(response, request.headers.authorization ? 200 : 401, { 'WWW-Authenticate': 'Basic realm="b"' });
    },
    status: 'unauthorized',
    detail: /was redirected to http:\/\/127\.0\.0\.1:\d+, which asks for credentials/,
  },
  {
    name: 'the manifest HEAD is redirected to another host, which challenges Bearer with a realm of its own',
    setup: () => {
      registry.handler = (request, response) => request.url === '/v2/'
        ? answer(response, 200)
        : answer(response, 302, { Location: `${other.origin}${request.url}` });
      other.handler = (request, response) => request.headers.authorization
        ? answer(response, 200)
        : answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${otherRealm.origin}/token",service="s"` });
      otherRealm.handler = tokenServer;
    },
    status: 'unauthorized',
    detail: /HEAD http:\/\/127\.0\.0\.1:\d+\/v2\/team\/app\/manifests\/v1 was redirected to http:\/\/127\.0\.0\.1:\d+, which asks for credentials/,
  },
  {
    name: 'the manifest HEAD sent with Basic is redirected to another host, which challenges Bearer',
    setup: () => {
      registry.handler = (request, response) => {
        if (request.url === '/v2/' || !request.headers.authorization) return answer(response, 401, { 'WWW-Authenticate': 'Basic realm="r"' });
        return answer(response, 307, { Location: `${other.origin}${request.url}` });
      };
      other.handler = (request, response) => request.headers.authorization
        ? answer(response, 200)
        : answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${otherRealm.origin}/token",service="s"` });
      otherRealm.handler = tokenServer;
    },
    status: 'unauthorized',
    detail: /HEAD .* was redirected to http:\/\/127\.0\.0\.1:\d+, which asks for credentials/,
  },
  {
    name: 'the registry\'s own token realm redirects the token request to another host',
    setup: () => {
      registry.handler = (request, response) => request.headers.authorization === 'Bearer FAKE-token'
        ? answer(response, 200)
        : answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${ownRealm.origin}/token",service="s"` });
      ownRealm.handler = (request, response) => answer(response, 302, { Location: `${otherRealm.origin}${request.url}` });
      otherRealm.handler = tokenServer;
    },
    status: 'unauthorized',
    detail: /the token server http:\/\/127\.0\.0\.1:\d+\/token was redirected to http:\/\/127\.0\.0\.1:\d+, which asks for credentials; they go only to the realm the registry named/,
    otherRealmAsked: true,
  },
  {
    name: 'a ping that redirects to itself for ever',
    setup: () => {
      registry.handler = (request, response) => answer(response, 302, { Location: request.url });
    },
    status: 'unreachable',
    detail: /more than 10 redirects from https?:\/\/127\.0\.0\.1:\d+\/v2\/$/,
  },
];

describe.each([
  ['the check\'s own fetch', {}],
  ['Node\'s built-in fetch', { fetch: globalThis.fetch }],
])('a redirect never lets another host choose where the credential goes (%s)', (_name, options: LoginOptions) => {
  test.each(redirectCases)('$name', async ({ setup, status, detail, otherRealmAsked }) => {
    setup();
    const result = await check(registry.host, options);
    expect(result.status).toBe(status);
    if (detail) expect(result.detail).toMatch(detail);
    expect(other.requests.filter((r) => r.authorization)).toEqual([]);
    expect(otherRealm.requests.filter((r) => r.authorization)).toEqual([]);
    if (!otherRealmAsked) expect(otherRealm.requests).toEqual([]);
    expectNoLeak(result);
  });

  test('the registry\'s own realm on another port of the same host receives the credential, as docker sends it', async () => {
    registry.handler = (request, response) => request.headers.authorization === 'Bearer FAKE-token'
      ? answer(response, 200)
      : answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${ownRealm.origin}/token",service="s"` });
    ownRealm.handler = tokenServer;
    const result = await check(registry.host, options);
    expect(result.status).toBe('ok');
    // plain HTTP on loopback: the realm is asked at once, with no HTTPS attempt first
    expect(ownRealm.requests).toEqual([{ method: 'GET', path: '/token?service=s&scope=repository%3Ateam%2Fapp%3Apull', authorization: 'Basic' }]);
  });

  test('a redirect within the registry\'s own origin keeps its challenge, and the credential goes there', async () => {
    registry.handler = (request, response) => {
      if (request.url === '/v2/') return answer(response, 301, { Location: '/v2/ping' });
      return answer(response, request.headers.authorization ? 200 : 401, { 'WWW-Authenticate': 'Basic realm="r"' });
    };
    const result = await check(registry.host, options);
    expect(result.status).toBe('ok');
    expect(registry.requests.filter((r) => r.method === 'HEAD').map((r) => r.authorization)).toEqual(['Basic']);
  });
});

describe('NODE_TLS_REJECT_UNAUTHORIZED=0 does not turn certificate checks off', () => {
  let dir: string;
  let ca: TestCa;
  let tlsServer: RecordingServer;
  let saved: string | undefined;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'login-hostile-tls-'));
    ca = makeTestCa(dir);
    // a certificate for 127.0.0.1 from a CA this process does not trust
    tlsServer = await startRecordingServer({ certificate: ca.certificate, key: ca.key });
  });

  afterAll(async () => {
    await tlsServer?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  beforeEach(() => {
    saved = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
    tlsServer.requests.length = 0;
    tlsServer.handler = (request, response) => (request.url === '/v2/'
      ? answer(response, 401, { 'WWW-Authenticate': 'Basic realm="r"' })
      : answer(response, request.headers.authorization ? 200 : 401, { 'WWW-Authenticate': 'Basic realm="r"' }));
  });

  afterEach(() => {
    if (saved === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
    else process.env.NODE_TLS_REJECT_UNAUTHORIZED = saved;
  });

  test.each([
    {
      name: 'a registry with an untrusted certificate',
      host: () => tlsServer.host,
      detail: /^TLS with https:\/\/127\.0\.0\.1:\d+\/v2\/ failed: .*; pass the registry's CA with --ca-file$/,
    },
    {
      name: 'a token realm with an untrusted certificate',
      host: () => {
        registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${tlsServer.origin}/token"` });
        return registry.host;
      },
      detail: /TLS with https:\/\/127\.0\.0\.1:\d+\/token failed: .*; pass the registry's CA with --ca-file$/,
    },
  ])('$name is refused and gets no request', async ({ host, detail }) => {
    const result = await check(host());
    expect(result.status).toBe('tls error');
    expect(result.detail).toMatch(detail);
    expect(tlsServer.requests).toEqual([]);
  });
});

describe('what is read from a registry is bounded', () => {
  const huge = 128 * 1024 * 1024;
  let written: Promise<number> | undefined;

  afterEach(() => {
    written = undefined;
  });

  test.each([
    { name: 'with its length declared', headers: (): http.OutgoingHttpHeaders => ({ 'Content-Length': String(huge) }) },
    { name: 'chunked, without a length', headers: (): http.OutgoingHttpHeaders => ({}) },
  ])('a token answer larger than 1 MiB ($name) is refused in one line, and the rest is not read', async ({ headers }) => {
    registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${ownRealm.origin}/token"` });
    ownRealm.handler = (_request, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', ...headers() });
      written = streamBody(response, huge, ' ');
    };
    const result = await check(registry.host);
    expect(result.status).toBe('unreachable');
    expect(result.detail).toMatch(/: the token server http:\/\/127\.0\.0\.1:\d+\/token answered more than 1 MiB; a token answer is a few kilobytes$/);
    expect(await written).toBeLessThan(huge / 4);
  });

  test('a token answer just under 1 MiB is still read', async () => {
    registry.handler = (request, response) => request.headers.authorization === 'Bearer FAKE-token'
      ? answer(response, 200)
      : answer(response, 401, { 'WWW-Authenticate': `Bearer realm="${ownRealm.origin}/token"` });
    const body = JSON.stringify({ token: 'FAKE-token', padding: 'x'.repeat(1024 * 1024 - 100) });
    expect(body.length).toBeLessThanOrEqual(1024 * 1024);
    ownRealm.handler = (_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(body);
    expect((await check(registry.host)).status).toBe('ok');
  });

  test('headers larger than 16 KiB end the request with one line', async () => {
    const challenge = `Bearer realm="${ownRealm.origin}/token",x="${'x'.repeat(64 * 1024)}"`;
    registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': challenge });
    const result = await check(registry.host);
    expect(result).toMatchObject({
      status: 'unreachable', detail: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:\d+\/v2\/: the answer's headers are larger than 16 KiB \(HPE_HEADER_OVERFLOW\)$/),
    });
    expect(ownRealm.requests).toEqual([]);
  });

  test('the body of the ping is not read at all', async () => {
    registry.handler = (request, response) => {
      if (request.url !== '/v2/') return answer(response, request.headers.authorization ? 200 : 401, { 'WWW-Authenticate': 'Basic realm="r"' });
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="r"' });
      written = streamBody(response, huge);
    };
    const result = await check(registry.host);
    expect(result.status).toBe('ok');
    expect(await written).toBeLessThan(huge / 4);
  });
});

describe('no text from a registry is printed when it holds the credential', () => {
  interface EchoCase {
    readonly name: string;
    /** The WWW-Authenticate of the registry's ping. */
    readonly challenge: () => string;
    readonly credential?: LoginCredential;
  }
  const pair = `${user}:${password}`;
  const hostCredential = { ...credential, password: 'FAKEPassInHost1' };
  const idnCredential = { ...credential, password: 'FAKEpässHost1' };
  const realmPath = (segment: string) => () => `Bearer realm=${quoted(`${ownRealm.origin}/${segment}/token`)}`;
  const notAUrl = (realm: string) => () => `Bearer realm=${quoted(realm)}`;
  const echoCases: EchoCase[] = [
    { name: 'the password in the realm\'s path', challenge: realmPath(password) },
    { name: 'the password percent-encoded in the realm\'s path', challenge: realmPath(encodeURIComponent(password)) },
    { name: 'the password percent-encoded twice', challenge: realmPath(encodeURIComponent(encodeURIComponent(password))) },
    { name: 'the user name in the realm\'s path', challenge: realmPath(user) },
    { name: 'base64 of user:password in the realm\'s path', challenge: realmPath(Buffer.from(pair).toString('base64')) },
    { name: 'base64url of user:password behind other text', challenge: realmPath(`x${Buffer.from(pair).toString('base64url')}`) },
    { name: 'a realm that is not a URL: the password', challenge: notAUrl(password) },
    { name: 'a realm that is not a URL: user:password', challenge: notAUrl(pair) },
    {
      name: 'a realm that is not a URL: the password JSON-escaped',
      challenge: notAUrl([...password].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')),
    },
    {
      name: 'a realm that is not a URL: the password as HTML character references',
      challenge: notAUrl([...password].map((c) => `&#${c.codePointAt(0)};`).join('')),
    },
    { name: 'a realm that is not a URL: the password in hex', challenge: notAUrl(Buffer.from(password).toString('hex')) },
    { name: 'the password as the realm\'s host, which URL lower-cases', challenge: () => `Bearer realm="http://${hostCredential.password}.invalid/token"`, credential: hostCredential },
    { name: 'the password as an IDNA host, which URL turns into punycode', challenge: () => `Bearer realm="http://${idnCredential.password}.invalid/token"`, credential: idnCredential },
    { name: 'the password as the realm\'s scheme', challenge: () => 'Bearer realm="FAKEPassInHost1://x"', credential: hostCredential },
  ];

  test.each(echoCases)('$name', async ({ challenge, credential: c = credential }) => {
    registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': challenge() });
    ownRealm.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': 'Basic realm="token"' });
    const result = await check(registry.host, {}, [c]);
    expect(result.status).not.toBe('ok');
    expect(result.detail).toContain('<withheld: the registry\'s text holds a credential>');
    expectNoLeak(result, c);
  });

  test('the password echoed in the error of the registry\'s challenge', async () => {
    registry.handler = (request, response) => {
      const base = `Bearer realm="${ownRealm.origin}/token",service="s"`;
      answer(response, 401, { 'WWW-Authenticate': request.headers.authorization ? `${base},error=${quoted(password)}` : base });
    };
    ownRealm.handler = tokenServer;
    const result = await check(registry.host);
    expect(result.detail).toMatch(/the registry rejected the token \(<withheld: the registry's text holds a credential>\) \(HTTP 401\)$/);
    expectNoLeak(result);
  });

  test('text without the credential is printed as the registry wrote it', async () => {
    registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': 'Bearer realm="not a url"' });
    const result = await check(registry.host);
    expect(result.detail).toBe('secret \'regcred\' (server \'registry\'): the registry\'s token realm is not a URL: \'not a url\'');
  });
});

describe('a Bearer challenge without a realm', () => {
  test.each([
    'Bearer service="registry"',
    'Bearer realm="",service="registry"',
    'Basic realm="r", Bearer service="registry"',
  ])('%s: the detail says the realm is missing', async (challenge) => {
    registry.handler = (_request, response) => answer(response, 401, { 'WWW-Authenticate': challenge });
    const result = await check(registry.host);
    expect(result.status).toBe('unauthorized');
    expect(result.detail)
      .toBe('secret \'regcred\' (server \'registry\'): the registry asks for a Bearer token but its challenge names no realm to get one from');
    expect(registry.requests.filter((r) => r.authorization)).toEqual([]);
  });
});
