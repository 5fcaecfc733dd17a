/**
 * A token server for `docker-registry` with `auth: token`, written from distribution's token authentication
 * specification (docs/spec/auth/token.md, jwt.md, scope.md): `GET /token?service=...&scope=...` with optional Basic
 * auth answers `{"token", "access_token", "expires_in", "issued_at"}` holding an RS256 JWT whose `access` claim is the
 * intersection of the requested actions and the ones the user is granted. A wrong password is a 401; a scope the user
 * has no right to is not an error, it is just missing from `access` (the registry then answers insufficient_scope).
 *
 * The JWT header names its key as docker-registry 2.8 (Debian's docker-registry) looks it up: `x5c` (the signing
 * certificate, verified against the registry's `rootcertbundle`) or `kid` (libtrust's fingerprint of the public key).
 * Test support only: node:http on 127.0.0.1, fake users, files in a temp dir removed on stop.
 */
import { createHash, createPrivateKey, randomBytes, sign, timingSafeEqual, X509Certificate } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { listenOnLoopback } from './loopback';
import { makeSelfSigned } from './tls';

/** Actions on repositories: `name` is a repository path, or `*` for every repository. */
export interface TokenGrant {
  readonly repository: string;
  readonly actions: readonly string[];
}

/** A user the token server knows, with what it may do. */
export interface TokenUser {
  readonly username: string;
  readonly password: string;
  readonly grants: readonly TokenGrant[];
}

/** How {@link startTokenServer} behaves. */
export interface TokenServerOptions {
  readonly users: readonly TokenUser[];
  /**
   * What a request without credentials gets.
   *
   * @default - a 401: anonymous tokens are refused
   */
  readonly anonymous?: readonly TokenGrant[];
  /**
   * How the JWT header names the signing key.
   *
   * @default 'x5c'
   */
  readonly keyHeader?: 'x5c' | 'kid';
  /**
   * The `service` the registry names in its challenge and the token's audience.
   *
   * @default 'login-check-registry'
   */
  readonly service?: string;
}

/** One request the token server answered, without any credential. */
export interface TokenRequestRecord {
  /** The user name, `anonymous`, or `rejected` for a wrong password or an unknown user. */
  readonly account: string;
  /** The scopes asked for, as sent. */
  readonly scopes: readonly string[];
  readonly status: number;
}

/** A running token server. */
export interface RunningTokenServer {
  /** `http://127.0.0.1:PORT/token`, for the registry's `realm`. */
  readonly realm: string;
  readonly service: string;
  readonly issuer: string;
  /** The PEM certificate of the signing key, for the registry's `rootcertbundle`. */
  readonly rootCertBundle: string;
  /** Every request so far, in order. */
  readonly requests: readonly TokenRequestRecord[];
  /** Closes the server (and its open connections) and removes its files. */
  stop(): Promise<void>;
}

const ISSUER = 'login-check-token-issuer';
const DEFAULT_SERVICE = 'login-check-registry';
const TOKEN_SECONDS = 300;
// jwt.md: the registry allows for clock skew, but a token valid from a little before now is what real servers issue
const NOT_BEFORE_SKEW_SECONDS = 5;

/** Starts the token server on a free port of 127.0.0.1. */
export async function startTokenServer(options: TokenServerOptions): Promise<RunningTokenServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'token-server-'));
  try {
    const signer = makeSelfSigned(dir, 'token-signer', 'login check token signer');
    const privateKey = createPrivateKey(fs.readFileSync(signer.key));
    const certificate = new X509Certificate(fs.readFileSync(signer.certificate));
    const header = options.keyHeader === 'kid'
      ? { typ: 'JWT', alg: 'RS256', kid: libtrustKeyId(certificate) }
      : { typ: 'JWT', alg: 'RS256', x5c: [certificate.raw.toString('base64')] };
    const service = options.service ?? DEFAULT_SERVICE;
    const requests: TokenRequestRecord[] = [];

    const server = http.createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1');
      const scopes = url.searchParams.getAll('scope').flatMap((s) => s.split(' ')).filter((s) => s !== '');
      const answer = (account: string, status: number, body: object, extraHeaders: http.OutgoingHttpHeaders = {}) => {
        requests.push({ account, scopes, status });
        response.writeHead(status, { 'Content-Type': 'application/json', ...extraHeaders });
        response.end(JSON.stringify(body));
      };
      if (request.method !== 'GET' || url.pathname !== '/token') {
        answer('-', 404, { errors: [{ code: 'NOT_FOUND', message: 'only GET /token is served' }] });
        return;
      }
      if (url.searchParams.get('service') !== service) {
        answer('-', 400, { errors: [{ code: 'INVALID_SERVICE', message: `service must be '${service}'` }] });
        return;
      }
      const user = authenticate(request.headers.authorization, options.users);
      if (user === 'rejected' || (user === 'anonymous' && options.anonymous === undefined)) {
        answer(user, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] },
          { 'WWW-Authenticate': 'Basic realm="login-check-token-server"' });
        return;
      }
      const grants = user === 'anonymous' ? options.anonymous! : user.grants;
      const now = Math.floor(Date.now() / 1000);
      const claims = {
        iss: ISSUER,
        sub: user === 'anonymous' ? '' : user.username,
        aud: service,
        exp: now + TOKEN_SECONDS,
        nbf: now - NOT_BEFORE_SKEW_SECONDS,
        iat: now,
        jti: randomBytes(16).toString('hex'),
        access: scopes.map(parseScope).filter((s) => s !== undefined).map((scope) => grantedAccess(scope, grants)),
      };
      const token = signJwt(header, claims, privateKey);
      answer(user === 'anonymous' ? user : user.username, 200, {
        token,
        access_token: token,
        expires_in: TOKEN_SECONDS,
        issued_at: new Date(now * 1000).toISOString(),
      });
    });
    const { port, close } = await listenOnLoopback(server);
    return {
      realm: `http://127.0.0.1:${port}/token`,
      service,
      issuer: ISSUER,
      rootCertBundle: signer.certificate,
      requests,
      stop: async () => {
        await close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * libtrust's key ID, the `kid` docker-registry 2.8 looks its trusted keys up by: SHA-256 of the DER public key
 * (SubjectPublicKeyInfo), the first 240 bits in base32 without padding, in groups of four joined by ':'.
 */
export function libtrustKeyId(certificate: X509Certificate): string {
  const der = certificate.publicKey.export({ type: 'spki', format: 'der' });
  const encoded = base32(createHash('sha256').update(der).digest().subarray(0, 30));
  return encoded.match(/.{1,4}/g)!.join(':');
}

/** The user a Basic header names, `anonymous` without one, `rejected` for anything that does not match a user. */
function authenticate(authorization: string | undefined, users: readonly TokenUser[]): TokenUser | 'anonymous' | 'rejected' {
  if (authorization === undefined) return 'anonymous';
  const m = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(authorization);
  if (!m) return 'rejected';
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return 'rejected';
  const [username, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  const user = users.find((u) => u.username === username);
  return user && sameSecret(user.password, password) ? user : 'rejected';
}

function sameSecret(expected: string, given: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}

/** scope.md: `type[(class)]:name:action[,action]`; the name may hold ':' (a host with a port), the actions never do. */
function parseScope(scope: string): { type: string; name: string; actions: string[] } | undefined {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last <= first) return undefined;
  return {
    type: scope.slice(0, first).replace(/\(.*\)$/, ''),
    name: scope.slice(first + 1, last),
    actions: scope.slice(last + 1).split(',').filter((a) => a !== ''),
  };
}

/** The requested actions the grants allow (token.md: an empty intersection is not an error). */
function grantedAccess(scope: { type: string; name: string; actions: string[] }, grants: readonly TokenGrant[]) {
  const allowed = new Set(scope.type !== 'repository' ? [] : grants
    .filter((g) => g.repository === '*' || g.repository === scope.name)
    .flatMap((g) => g.actions));
  return { type: scope.type, name: scope.name, actions: scope.actions.filter((a) => allowed.has(a) || allowed.has('*')) };
}

function signJwt(header: object, claims: object, key: ReturnType<typeof createPrivateKey>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  const signingInput = `${part(header)}.${part(claims)}`;
  return `${signingInput}.${sign('sha256', Buffer.from(signingInput), key).toString('base64url')}`;
}

/** RFC 4648 base32, upper case, no padding. */
function base32(bytes: Buffer): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    // only the bits not yet written matter: at most 4 left over plus the new 8
    value = ((value << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}
