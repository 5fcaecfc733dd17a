// The live registry login check: for each image, what a container runtime does before it pulls, with the
// credentials the kubelet would try, in the kubelet's order. Pure apart from `fetch` (verifying-fetch.ts by default).
//
// Per image and credential:
// 1. `GET /v2/` (the ping), once per registry endpoint and shared by every image on it;
// 2. the challenge of its 401: Bearer wins over Basic (as docker's and containerd's authorizers pick it); Bearer asks
//    the `realm` for a token with `service` and `scope=repository:NAME:pull`, sending the credential as Basic auth;
//    one token per (registry, credential, repository), shared by concurrent requests and reused;
// 3. `HEAD /v2/NAME/manifests/REFERENCE` with the OCI and Docker v2 manifest and index media types in `Accept`;
// 4. when that HEAD answers 401 with a challenge the request did not meet (no authorization, Basic where a token is
//    asked for, a token from another realm or one the registry calls stale), step 2 for that challenge and the HEAD
//    once more, as containerd's and docker's clients answer every 401. Once: a second 401 is the verdict. Registries
//    that let anyone ping `/v2/` (Nexus, Artifactory, Harbor with anonymous access) challenge only here.
//
// Decisions, for whoever wonders why:
// - Scheme: HTTPS. A loopback host (`localhost`, 127.0.0.0/8, `[::1]`) or a host named in `insecureRegistries` tries
//   HTTPS first and falls back to plain HTTP only when the HTTPS attempt shows the server does not speak TLS at all,
//   as docker does for such hosts. A refused connection, a time-out or a certificate problem is reported, not retried
//   over HTTP: the same port would refuse again, and a certificate problem is what the user has to fix. Certificates
//   are always verified, whatever NODE_TLS_REJECT_UNAUTHORIZED says (docker ignores it; docker also skips the check
//   for an insecure registry, which this check does not).
// - A token realm over plain HTTP is used only under the same rule, because the credential travels to it; on loopback
//   it is used at once, with no HTTPS attempt first, as docker does. The realm may be on any host or port: the
//   registry names it, and docker and containerd send the credential there too.
// - Where the credential goes: the Basic credential only to the image's registry (its origin: scheme, host, port), and
//   to a token realm only when a challenge that the registry itself answered named it. Redirects are followed by
//   the check, not by fetch: Authorization is dropped for good at a hop to another origin, and a 401 from another
//   origin is a verdict, never a challenge to answer (docker keys challenges by the URL that answered; containerd
//   gives credentials to no host but the image's).
// - What is read: the ping's body never, a token answer up to 1 MiB, the HEAD has none.
// - Several credentials: tried one after the other in the kubelet's order, the first that pulls wins, no anonymous
//   fallback after they all failed (the kubelet has none either). When all fail the most telling outcome is reported:
//   not found > denied > unauthorized > tls error > unreachable. A 404 means some credential got as far as the
//   manifest, a denial means it authenticated, and network failures are the same for every credential anyway.
// - denied: a 403 (from the registry or the token server), or a registry 401 with `error="insufficient_scope"` to a
//   token fetched with a credential: the token server accepted the credential but did not grant `pull` on the
//   repository. The registry's answer decides, not the token's claims, because tokens may be opaque. The same 401
//   to an anonymous token is `unauthorized`: the fix there is a credential, not a permission.
// - Answers that are none of the above (a 5xx, a 429, a token answer without a token) are `unreachable` with the HTTP
//   status in the detail: the check got no usable answer from the registry.
// - Every detail is one line built from the secret's name, the server key, URLs and status codes; a username,
//   password, token or auth header never reaches it, and results never carry them (only `LoginCredentialName`).
//   What the registry chose (a realm, a redirect target, a TLS message) is kept apart in the reason and printed only
//   when it holds no credential in any form (registry-text.ts).
import { createHash } from 'node:crypto';
import { oneLine, Reason, RegistryText, say, SecretScreen } from './registry-text';
import { verifyingFetch } from './verifying-fetch';
import { AuthChallenge, parseWwwAuthenticate } from './www-authenticate';

/** A credential the kubelet would try: a pull secret entry (or a node credential) that matches the image. */
export interface LoginCredential {
  /**
   * Where it comes from, for messages; any label the caller chooses. The CLI gives the pull secret's bare name
   * (`regcred`), as its output shows it: a pod's pull secrets are always in the pod's namespace.
   */
  readonly secret: string;
  /** The key of the docker config entry that matched (`ghcr.io`, `https://index.docker.io/v1/`). */
  readonly server: string;
  readonly username: string;
  readonly password: string;
}

/** The printable half of a {@link LoginCredential}: what results carry, so that printing a result is always safe. */
export interface LoginCredentialName {
  readonly secret: string;
  readonly server: string;
}

/** One image to check. */
export interface LoginTarget {
  /** The normalized image domain as distribution/reference gives it: `docker.io`, `ghcr.io`, `127.0.0.1:5000`, `[::1]:5000`. */
  readonly domain: string;
  /** The repository path, `library/nginx`. */
  readonly repository: string;
  /** The tag or digest (`latest` when the image had neither). */
  readonly reference: string;
  /** The credentials in the kubelet's order; empty means an anonymous pull. */
  readonly credentials: readonly LoginCredential[];
}

/** The outcome for one image, as the CLI prints it. */
export type LoginStatus = 'ok' | 'unauthorized' | 'denied' | 'not found' | 'unreachable' | 'tls error';

/** What one credential (or the anonymous pull) got. */
export interface LoginAttempt {
  readonly status: LoginStatus;
  /** The credential tried; absent for an anonymous pull and for a registry that could not be reached at all. */
  readonly credential?: LoginCredentialName;
  /** One line saying why, never a secret. */
  readonly detail: string;
}

/** The verdict for one image. */
export interface LoginResult {
  readonly status: LoginStatus;
  /** The credential that pulled (`ok`), or the one whose failure is reported. */
  readonly credential?: LoginCredentialName;
  /** One line saying why, never a secret. */
  readonly detail: string;
  /** Every attempt in the order made; the kubelet stops at the first that pulls. */
  readonly attempts: readonly LoginAttempt[];
}

/** How the check talks to registries. */
export interface LoginOptions {
  /**
   * The most requests in flight at once, over all registries.
   *
   * @default 8
   */
  readonly concurrency?: number;
  /**
   * The time-out of each request (connect, TLS, answer and body), in milliseconds.
   *
   * @default 10000
   */
  readonly timeoutMs?: number;
  /**
   * Hosts (`registry.local`, any port) or `host:port` entries that may be reached over plain HTTP, as docker's
   * `--insecure-registry`. Loopback hosts always may.
   *
   * @default - loopback hosts only
   */
  readonly insecureRegistries?: readonly string[];
  /**
   * The fetch to use; tests pass a wrapper that counts requests. It is asked never to follow redirects.
   *
   * @default - a fetch over node:https that verifies every certificate, whatever NODE_TLS_REJECT_UNAUTHORIZED says
   */
  readonly fetch?: typeof fetch;
}

/** The default of {@link LoginOptions.concurrency}. */
export const DEFAULT_LOGIN_CONCURRENCY = 8;
/** The default of {@link LoginOptions.timeoutMs}. */
export const DEFAULT_LOGIN_TIMEOUT_MS = 10_000;

/** The `Accept` of the manifest HEAD: OCI index and manifest, Docker v2 manifest list and manifest. */
export const MANIFEST_MEDIA_TYPES: readonly string[] = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
];

/**
 * Checks every target against its registry and gives one result per target, in the same order. Never throws for
 * what a registry answers; throws (one line) only for options or targets that are not well formed.
 */
export async function checkLogins(targets: readonly LoginTarget[], options: LoginOptions = {}): Promise<LoginResult[]> {
  const session = new LoginSession(options, targets);
  targets.forEach(validateTarget);
  return Promise.all(targets.map((target) => session.check(target)));
}

/** The host that serves a domain's registry API: Docker Hub's images live on `registry-1.docker.io`, as docker and containerd map them. */
export function registryApiHost(domain: string): string {
  return DOCKER_HUB_DOMAINS.has(domain.toLowerCase()) ? DOCKER_HUB_API_HOST : domain;
}

/** Whether a URL host name (as `URL.hostname` gives it) is a loopback address: `localhost`, 127.0.0.0/8 or `[::1]`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

const DOCKER_HUB_DOMAINS = new Set(['docker.io', 'index.docker.io']);
const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
const TOKEN_REUSE_MARGIN_MS = 10_000;
// the spec's default lifetime of a token that does not say (token.md: expires_in defaults to 60 seconds)
const DEFAULT_TOKEN_SECONDS = 60;

// the cause codes of a fetch to a server that answered the TLS ClientHello with something that is not TLS
const NOT_TLS_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_HTTP_REQUEST']);
const TLS_CODE_RE = /^(?:ERR_SSL_|ERR_TLS_|EPROTO$)|CERT|SIGNATURE|ISSUER|HOSTNAME_MISMATCH/;
const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connect timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_SOCKET: 'connection closed by the server',
  HPE_HEADER_OVERFLOW: 'the answer\'s headers are larger than 16 KiB',
  UND_ERR_HEADERS_OVERFLOW: 'the answer\'s headers are larger than 16 KiB',
};

const REPOSITORY_RE = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REFERENCE_RE = /^(?:[\w][\w.-]{0,127}|[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})$/;

// Go's http.Client stops after 10 redirects too
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
// a token answer is a few kilobytes; more is not a token server, and reading it whole could exhaust memory
const TOKEN_ANSWER_LIMIT = 1024 * 1024;

const RANK: Record<LoginStatus, number> = { 'ok': 6, 'not found': 5, 'denied': 4, 'unauthorized': 3, 'tls error': 2, 'unreachable': 1 };

/** An outcome before it is tied to a credential name: cached ones are shared by every secret holding the same credential. */
interface Outcome {
  readonly status: LoginStatus;
  readonly reason: Reason;
}

/** The registry behind a domain: where to connect and whether plain HTTP may be tried. */
interface Endpoint {
  /** Lower-cased `host[:port]` of the API host: the cache key. */
  readonly key: string;
  /** `host[:port]` for URLs, the port kept even where it is the scheme's default (the other scheme may be tried). */
  readonly authority: string;
  readonly plainHttpAllowed: boolean;
}

/** A registry that answered the ping: the scheme and port to use, and what its 401 asked for. */
interface OpenPing {
  readonly base: string;
  /** The origin of `base`: only its answers' challenges count. */
  readonly origin: string;
  readonly challenges: readonly AuthChallenge[];
}

type Ping = OpenPing | { readonly failure: Outcome };

/** Authorization for the manifest HEAD, or why there is none. */
type Authorization = SentAuthorization | { readonly failure: Outcome };

interface SentAuthorization {
  readonly header?: string;
  /** Where a Bearer token came from: its cache key and entry, to drop a token the registry calls stale. */
  readonly bearer?: { readonly realm: string; readonly service?: string; readonly key: string; readonly entry: CachedToken };
}

type Answer = HttpAnswer | { readonly kind: 'failure'; readonly outcome: Outcome; readonly notTls: boolean };

interface HttpAnswer {
  readonly kind: 'http';
  readonly status: number;
  readonly headers: Headers;
  /** The body up to the limit asked for ('' when none was asked for); undefined when it is longer than the limit. */
  readonly body: string | undefined;
  /** The URL that answered: the one asked for, or where its redirects led. */
  readonly url: URL;
}

/**
 * The challenges of a 401 answer (`WWW-Authenticate`), none for any other answer and none for an answer from another
 * origin than `origin`: a challenge is the answering server's, as docker's challenge manager keys it by the URL that
 * answered, and only the image's own registry may say where its credential goes.
 */
function challengesOf(answer: Answer, origin: string): AuthChallenge[] {
  if (answer.kind !== 'http' || answer.status !== 401 || answer.url.origin !== origin) return [];
  return parseWwwAuthenticate(answer.headers.get('www-authenticate') ?? '');
}

/** The answer when a redirect took the request to another origin whose 401 asks for credentials that only `origin` may get. */
function foreignChallenge(answer: Answer, origin: string): HttpAnswer | undefined {
  return answer.kind === 'http' && answer.status === 401 && answer.url.origin !== origin ? answer : undefined;
}

interface CachedToken {
  promise: Promise<string | Outcome>;
  expiresAt: number;
}

/** One run of the check: the pool, the time-out and the caches live here, never at module level. */
class LoginSession {
  private readonly pool: Pool;
  private readonly timeoutMs: number;
  private readonly insecure: ReadonlySet<string>;
  private readonly fetch: typeof fetch;
  /** Every credential of the run and every token it got: what no printed line may hold. */
  private readonly screen = new SecretScreen();
  private readonly pings = new Map<string, Promise<Ping>>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly heads = new Map<string, Promise<Outcome>>();

  constructor(options: LoginOptions, targets: readonly LoginTarget[]) {
    const concurrency = options.concurrency ?? DEFAULT_LOGIN_CONCURRENCY;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new Error(`'concurrency' must be a whole number of at least 1, got ${concurrency}`);
    }
    const timeoutMs = options.timeoutMs ?? DEFAULT_LOGIN_TIMEOUT_MS;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new Error(`'timeoutMs' must be a positive number of milliseconds, got ${timeoutMs}`);
    }
    this.pool = new Pool(concurrency);
    this.timeoutMs = timeoutMs;
    this.insecure = new Set((options.insecureRegistries ?? []).map(normalizeInsecureRegistry));
    this.fetch = options.fetch ?? verifyingFetch;
    for (const target of targets) {
      for (const credential of target.credentials) this.screen.addCredential(credential.username, credential.password);
    }
  }

  async check(target: LoginTarget): Promise<LoginResult> {
    const endpoint = this.endpoint(target.domain);
    const ping = await this.ping(endpoint);
    if ('failure' in ping) {
      const attempt: LoginAttempt = { status: ping.failure.status, detail: this.screen.render(ping.failure.reason) };
      return { ...attempt, attempts: [attempt] };
    }
    const attempts: LoginAttempt[] = [];
    for (const credential of target.credentials.length > 0 ? target.credentials : [undefined]) {
      const outcome = await this.manifest(endpoint, ping, target, credential);
      const name = credential && { secret: credential.secret, server: credential.server };
      const who = name ? `secret '${name.secret}' (server '${name.server}')` : 'anonymous pull';
      // the one place where a reason, with whatever the registry wrote into it, becomes printable
      attempts.push({ status: outcome.status, ...(name && { credential: name }), detail: `${who}: ${this.screen.render(outcome.reason)}` });
      if (outcome.status === 'ok') break;
    }
    // the first of the highest rank: an ok ends the loop, so it is always the last attempt and the best
    const best = attempts.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
    const others = attempts.filter((a) => a !== best && a.status !== 'ok');
    const detail = best.status === 'ok' || others.length === 0
      ? best.detail
      : `${best.detail}; also tried ${others.map((a) => `secret '${a.credential?.secret}': ${a.status}`).join(', ')}`;
    return { status: best.status, ...(best.credential && { credential: best.credential }), detail, attempts };
  }

  private endpoint(domain: string): Endpoint {
    const apiHost = registryApiHost(domain);
    const { hostname, port } = splitHost(apiHost);
    const authority = port === undefined ? hostname : `${hostname}:${port}`;
    const key = authority.toLowerCase();
    const plainHttpAllowed = isLoopbackHost(hostname) || this.insecure.has(key) || this.insecure.has(hostname.toLowerCase());
    return { key, authority, plainHttpAllowed };
  }

  /** The ping, once per endpoint; it also settles the scheme every later request to the endpoint uses. */
  private ping(endpoint: Endpoint): Promise<Ping> {
    let ping = this.pings.get(endpoint.key);
    if (!ping) {
      ping = this.doPing(endpoint);
      this.pings.set(endpoint.key, ping);
    }
    return ping;
  }

  private async doPing(endpoint: Endpoint): Promise<Ping> {
    let base = `https://${endpoint.authority}`;
    let answer = await this.send(`${base}/v2/`, 'GET', {});
    if (answer.kind === 'failure' && answer.notTls && endpoint.plainHttpAllowed) {
      base = `http://${endpoint.authority}`;
      answer = await this.send(`${base}/v2/`, 'GET', {});
    }
    if (answer.kind === 'failure') {
      const hint = answer.outcome.status === 'tls error' && answer.notTls && !endpoint.plainHttpAllowed
        ? `; if the registry is plain HTTP, name '${endpoint.authority}' as an insecure registry`
        : '';
      return { failure: { status: answer.outcome.status, reason: say`${answer.outcome.reason}${hint}` } };
    }
    const origin = new URL(base).origin;
    const foreign = foreignChallenge(answer, origin);
    if (foreign) {
      return { failure: { status: 'unauthorized', reason: redirectedChallenge(`GET ${base}/v2/`, foreign, endpoint.authority) } };
    }
    if (answer.status >= 500) {
      return { failure: { status: 'unreachable', reason: say`the registry answered HTTP ${answer.status} to GET ${base}/v2/` } };
    }
    // 200 means no auth at all; any other answer is left to the manifest HEAD to judge, as a pull would
    return { base, origin, challenges: challengesOf(answer, origin) };
  }

  /** The manifest HEAD for one credential, shared by every target with the same image and credential. */
  private manifest(endpoint: Endpoint, ping: OpenPing, target: LoginTarget, credential?: LoginCredential): Promise<Outcome> {
    const key = [endpoint.key, credentialIdentity(credential), target.repository, target.reference].join('\n');
    let outcome = this.heads.get(key);
    if (!outcome) {
      outcome = this.doManifest(endpoint, ping, target, credential);
      this.heads.set(key, outcome);
    }
    return outcome;
  }

  private async doManifest(
    endpoint: Endpoint, ping: OpenPing, target: LoginTarget, credential?: LoginCredential,
  ): Promise<Outcome> {
    let authorization = await this.authorize(endpoint, ping.challenges, target.repository, credential);
    if ('failure' in authorization) return authorization.failure;
    const separator = target.reference.includes(':') ? '@' : ':';
    const image = `${target.repository}${separator}${target.reference}`;
    const url = `${ping.base}/v2/${target.repository}/manifests/${target.reference}`;
    let answer = await this.head(url, authorization);
    let challenges = challengesOf(answer, ping.origin);
    const retry = challenges.length > 0 ? await this.reauthorize(endpoint, challenges, target.repository, authorization, credential) : undefined;
    if (retry) {
      if ('failure' in retry) return retry.failure;
      authorization = retry;
      answer = await this.head(url, authorization);
      challenges = challengesOf(answer, ping.origin);
    }
    if (answer.kind === 'failure') return answer.outcome;
    const foreign = foreignChallenge(answer, ping.origin);
    if (foreign) {
      return { status: 'unauthorized', reason: redirectedChallenge(`HEAD ${url}`, foreign, endpoint.authority) };
    }
    switch (answer.status) {
      case 200:
        return { status: 'ok', reason: say`${image} exists and may be pulled` };
      case 401: {
        const error = challenges.find((c) => c.scheme === 'bearer')?.params.error;
        if (authorization.bearer && error === 'insufficient_scope') {
          return credential
            ? { status: 'denied', reason: say`the token server accepted the credential but did not grant repository:${target.repository}:pull` }
            : { status: 'unauthorized', reason: say`anonymous tokens do not grant repository:${target.repository}:pull; a credential is needed` };
        }
        if (authorization.bearer) {
          const said = error ? say` (${new RegistryText(error)})` : [];
          return { status: 'unauthorized', reason: say`the registry rejected the token${said} (HTTP 401)` };
        }
        if (!authorization.header) {
          const offered = challenges.length > 0 ? challenges : ping.challenges;
          const schemes = offered.map((c) => c.scheme).filter((s) => s !== 'basic');
          const unspoken = schemes.length > 0 ? say` (it offers ${new RegistryText(schemes.join(', '))}, which this check does not speak)` : [];
          return { status: 'unauthorized', reason: say`the registry requires credentials${unspoken} (HTTP 401)` };
        }
        return { status: 'unauthorized', reason: say`the registry rejected the credential (HTTP 401)` };
      }
      case 403:
        return { status: 'denied', reason: say`the registry refused the pull of ${image} (HTTP 403)` };
      case 404:
        return { status: 'not found', reason: say`no manifest ${image} on ${endpoint.authority} (HTTP 404)` };
      default:
        return { status: 'unreachable', reason: say`the registry answered HTTP ${answer.status} to HEAD ${url}` };
    }
  }

  private head(url: string, authorization: SentAuthorization): Promise<Answer> {
    const headers: Record<string, string> = { Accept: MANIFEST_MEDIA_TYPES.join(', ') };
    if (authorization.header) headers.Authorization = authorization.header;
    return this.send(url, 'HEAD', headers);
  }

  /** The Authorization header the challenges ask for: a Bearer token, Basic, or none. */
  private async authorize(
    endpoint: Endpoint, challenges: readonly AuthChallenge[], repository: string, credential?: LoginCredential,
  ): Promise<Authorization> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      // docker's and containerd's token handlers stop here as well: there is nowhere to ask for a token
      if (!bearer.params.realm) {
        const reason = say`the registry asks for a Bearer token but its challenge names no realm to get one from`;
        return { failure: { status: 'unauthorized', reason } };
      }
      const { key, entry } = this.token(endpoint, bearer, repository, credential);
      const token = await entry.promise;
      if (typeof token !== 'string') return { failure: token };
      return { header: `Bearer ${token}`, bearer: { realm: bearer.params.realm, service: bearer.params.service, key, entry } };
    }
    if (credential && challenges.some((c) => c.scheme === 'basic')) {
      return { header: basicAuth(credential) };
    }
    return {};
  }

  /**
   * The authorization to send the HEAD with once more after its 401 challenged `challenges`, or undefined when sending
   * it again could not change the answer: the same Basic credential, a token the registry found too narrow
   * (`insufficient_scope`: the token server would grant the same again), or a challenge this check does not speak.
   */
  private async reauthorize(
    endpoint: Endpoint, challenges: readonly AuthChallenge[], repository: string, sent: SentAuthorization, credential?: LoginCredential,
  ): Promise<Authorization | undefined> {
    const bearer = challenges.find((c) => c.scheme === 'bearer');
    if (bearer) {
      const previous = sent.bearer;
      if (previous && previous.realm === bearer.params.realm && previous.service === bearer.params.service) {
        if (bearer.params.error === 'insufficient_scope') return undefined;
        // the same realm refused its own token: stale (revoked, expired early, a clock apart); a new one is asked for
        if (this.tokens.get(previous.key) === previous.entry) this.tokens.delete(previous.key);
      }
      return this.authorize(endpoint, [bearer], repository, credential);
    }
    if (credential && !sent.header?.startsWith('Basic ') && challenges.some((c) => c.scheme === 'basic')) {
      return this.authorize(endpoint, challenges, repository, credential);
    }
    return undefined;
  }

  /** One token per (registry, realm, service, credential, repository); a failure is cached too, as it would repeat. */
  private token(
    endpoint: Endpoint, challenge: AuthChallenge, repository: string, credential?: LoginCredential,
  ): { readonly key: string; readonly entry: CachedToken } {
    const { realm, service } = challenge.params;
    const key = [endpoint.key, realm, service ?? '', credentialIdentity(credential), repository].join('\n');
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > Date.now()) return { key, entry: cached };
    const entry: CachedToken = { promise: Promise.resolve(''), expiresAt: Number.POSITIVE_INFINITY };
    entry.promise = this.fetchToken(realm, service, repository, credential, (seconds) => {
      entry.expiresAt = Date.now() + seconds * 1000 - TOKEN_REUSE_MARGIN_MS;
    });
    this.tokens.set(key, entry);
    return { key, entry };
  }

  private async fetchToken(
    realm: string, service: string | undefined, repository: string, credential: LoginCredential | undefined,
    lifetime: (seconds: number) => void,
  ): Promise<string | Outcome> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      return { status: 'unreachable', reason: say`the registry's token realm is not a URL: '${new RegistryText(realm)}'` };
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      return { status: 'unreachable', reason: say`the registry's token realm must be an http(s) URL, got '${new RegistryText(url.protocol)}'` };
    }
    if (url.protocol === 'http:' && !this.plainHttpAllowedFor(url)) {
      return {
        status: 'tls error',
        reason: say`the token realm ${new RegistryText(url.origin)} is plain HTTP and the credential would travel unencrypted; \
name '${new RegistryText(url.host)}' as an insecure registry if that is intended`,
      };
    }
    if (service !== undefined) url.searchParams.set('service', service);
    url.searchParams.append('scope', `repository:${repository}:pull`);
    const answer = await this.send(url.href, 'GET', credential ? { Authorization: basicAuth(credential) } : {}, TOKEN_ANSWER_LIMIT, true);
    if (answer.kind === 'failure') return answer.outcome;
    const server = say`the token server ${new RegistryText(`${url.origin}${url.pathname}`)}`;
    const foreign = foreignChallenge(answer, url.origin);
    if (foreign) {
      return { status: 'unauthorized', reason: redirectedChallenge(server, foreign, 'the realm the registry named') };
    }
    if (answer.status === 401) {
      const reason = credential ? say`${server} rejected the credential (HTTP 401)` : say`${server} refuses anonymous tokens (HTTP 401)`;
      return { status: 'unauthorized', reason };
    }
    if (answer.status === 403) {
      return { status: 'denied', reason: say`${server} refused a token for repository:${repository}:pull (HTTP 403)` };
    }
    if (answer.status !== 200) {
      return { status: 'unreachable', reason: say`${server} answered HTTP ${answer.status}` };
    }
    if (answer.body === undefined) {
      const limit = `${TOKEN_ANSWER_LIMIT / 1024 / 1024} MiB`;
      return { status: 'unreachable', reason: say`${server} answered more than ${limit}; a token answer is a few kilobytes` };
    }
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(answer.body);
    } catch {
      return { status: 'unreachable', reason: say`${server} answered 200 without a JSON body` };
    }
    // token.md: access_token is the OAuth 2.0 name of the same value; docker's client prefers it when present
    const token = typeof body?.access_token === 'string' && body.access_token ? body.access_token : body?.token;
    if (typeof token !== 'string' || token === '') {
      return { status: 'unreachable', reason: say`${server} answered 200 without a token` };
    }
    this.screen.add(token);
    const seconds = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : DEFAULT_TOKEN_SECONDS;
    lifetime(seconds);
    return token;
  }

  private plainHttpAllowedFor(url: URL): boolean {
    return isLoopbackHost(url.hostname) || this.insecure.has(url.host.toLowerCase()) || this.insecure.has(url.hostname.toLowerCase());
  }

  /**
   * One request through the pool, with its own time-out from the moment it gets a slot, covering every redirect and
   * the body. Redirects are followed here, at most 10, and Authorization goes no further than the origin it was
   * written for: a hop to another origin drops it for good (as the fetch standard does; Go's client drops it for
   * another host). The body is read only when `bodyLimit` asks for it, and never beyond that limit.
   *
   * @param fromRegistry whether `url` came from the registry (a realm), so that its text is screened when printed
   */
  private send(
    url: string, method: 'GET' | 'HEAD', headers: Record<string, string>, bodyLimit?: number, fromRegistry = false,
  ): Promise<Answer> {
    return this.pool.run(async () => {
      const signal = AbortSignal.timeout(this.timeoutMs);
      let current = new URL(url);
      let sent = headers;
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const registryChosen = fromRegistry || hop > 0;
        try {
          const response = await this.fetch(current.href, { method, headers: sent, redirect: 'manual', signal });
          const location = REDIRECT_STATUSES.has(response.status) ? response.headers.get('location') : null;
          if (location === null) {
            const body = bodyLimit === undefined ? await discard(response) : await readLimited(response, bodyLimit);
            return { kind: 'http', status: response.status, headers: response.headers, body, url: current };
          }
          await discard(response);
          const next = redirectTarget(location, current);
          if (!next) {
            const reason = say`${where(current, registryChosen)} redirected to '${new RegistryText(location)}', which is not an http(s) URL`;
            return { kind: 'failure', outcome: { status: 'unreachable', reason }, notTls: false };
          }
          if (next.origin !== current.origin) sent = withoutAuthorization(sent);
          current = next;
        } catch (e) {
          return this.failure(e, current, registryChosen);
        }
      }
      const reason = say`more than ${MAX_REDIRECTS} redirects from ${where(new URL(url), fromRegistry)}`;
      return { kind: 'failure', outcome: { status: 'unreachable', reason }, notTls: false };
    });
  }

  private failure(e: unknown, url: URL, fromRegistry: boolean): Answer {
    const error = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
    const at = where(url, fromRegistry);
    if (error?.name === 'TimeoutError' || error?.name === 'AbortError') {
      return { kind: 'failure', outcome: { status: 'unreachable', reason: say`no answer from ${at} within ${this.timeoutMs} ms` }, notTls: false };
    }
    const code = error?.cause?.code;
    // a network or TLS message may quote what the server sent (a certificate's names): the registry's text
    const message = new RegistryText(error?.cause?.message ?? error?.message ?? String(e));
    if (code && TLS_CODE_RE.test(code)) {
      const notTls = NOT_TLS_CODES.has(code);
      const reason = notTls
        ? say`${at} does not speak TLS (${code})`
        : say`TLS with ${at} failed: ${shortTlsReason(message)} (${code}); pass the registry's CA with --ca-file`;
      return { kind: 'failure', outcome: { status: 'tls error', reason }, notTls };
    }
    const why = code ? say`${NETWORK_REASONS[code] ?? shortTlsReason(message)} (${code})` : say`${message}`;
    return { kind: 'failure', outcome: { status: 'unreachable', reason: say`cannot reach ${at}: ${why}` }, notTls: false };
  }
}

/** How a request is named in a reason: origin and path, never the query; the registry's text when it chose the URL. */
function where(url: URL, fromRegistry: boolean): string | RegistryText {
  const text = `${url.origin}${url.pathname}`;
  return fromRegistry ? new RegistryText(text) : text;
}

/** The reason for a 401 that came from another origin than the one asked: its challenge is not followed. */
function redirectedChallenge(request: string | Reason, answer: HttpAnswer, owner: string): Reason {
  return say`${request} was redirected to ${new RegistryText(answer.url.origin)}, which asks for credentials; \
they go only to ${owner}, as docker and containerd send them`;
}

/** Where a `Location` leads from `base`, when it is an http(s) URL. */
function redirectTarget(location: string, base: URL): URL | undefined {
  try {
    const next = new URL(location, base);
    return next.protocol === 'https:' || next.protocol === 'http:' ? next : undefined;
  } catch {
    return undefined;
  }
}

function withoutAuthorization(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'authorization'));
}

/** Drops a body unread: the connection is closed rather than drained, whatever its size. */
async function discard(response: Response): Promise<string> {
  await response.body?.cancel().catch(() => undefined);
  return '';
}

/** The body as UTF-8 text, or undefined as soon as it proves longer than `limit` bytes (then the rest is not read). */
async function readLimited(response: Response, limit: number): Promise<string | undefined> {
  if (!response.body) return '';
  if (Number(response.headers.get('content-length') ?? 0) > limit) {
    await discard(response);
    return undefined;
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** At most `limit` tasks at once; a finished task hands its slot straight to the next waiting one. */
class Pool {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) {
      this.active++;
    } else {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) {
        next();
      } else {
        this.active--;
      }
    }
  }
}

function validateTarget(target: LoginTarget, index: number): void {
  if (!REPOSITORY_RE.test(target.repository)) {
    throw new Error(`target ${index}: 'repository' must be a repository path such as 'library/nginx', got '${oneLine(target.repository)}'`);
  }
  if (!REFERENCE_RE.test(target.reference)) {
    throw new Error(`target ${index}: 'reference' must be a tag or a digest such as 'latest' or 'sha256:...', ` +
      `got '${oneLine(target.reference)}'`);
  }
  splitHost(target.domain);
}

/** `host`, `host:port`, `[v6]` or `[v6]:port`, with the host name normalized as URL does it (lower case, short IPv6). */
function splitHost(domain: string): { hostname: string; port?: string } {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:/@?#[\]\s]+)(?::(\d{1,5}))?$/.exec(domain);
  let hostname: string | undefined;
  try {
    hostname = m ? new URL(`https://${m[1]}/`).hostname : undefined;
  } catch {
    hostname = undefined;
  }
  if (!m || !hostname) {
    throw new Error(`'domain' must be a registry host such as 'ghcr.io' or '127.0.0.1:5000', got '${oneLine(domain)}'`);
  }
  return m[2] === undefined ? { hostname } : { hostname, port: m[2] };
}

function normalizeInsecureRegistry(entry: string): string {
  try {
    const { hostname, port } = splitHost(entry);
    return (port === undefined ? hostname : `${hostname}:${port}`).toLowerCase();
  } catch {
    throw new Error(`'insecureRegistries' entries must be a host or host:port such as 'registry.local:5000', got '${oneLine(entry)}'`);
  }
}

/** A key that tells credentials apart without keeping the password readable in a map key. */
function credentialIdentity(credential?: LoginCredential): string {
  if (!credential) return 'anonymous';
  return createHash('sha256').update(credential.username).update('\0').update(credential.password).digest('hex');
}

function basicAuth(credential: LoginCredential): string {
  return `Basic ${Buffer.from(`${credential.username}:${credential.password}`, 'utf8').toString('base64')}`;
}

/** OpenSSL's reason without its `80DC...:error:0A00010B:SSL routines:func:` prefix and source location. */
function shortTlsReason(message: RegistryText): RegistryText {
  const m = /SSL routines:[^:]*:([^:]+)/.exec(message.text);
  return m ? new RegistryText(m[1]) : message;
}
