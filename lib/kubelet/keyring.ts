/**
 * Which `auths` entries of the pod's pull secrets the kubelet uses for an image, decided as kubernetes
 * `pkg/credentialprovider/keyring.go` does (`BasicDockerKeyring.Add`, `Lookup`, `URLsMatch`, `isDefaultRegistryMatch`).
 * The kubelet parses keys with Go's `net/url` and splits hosts with `net.SplitHostPort` (both in `../go/url`), whose
 * corner cases (no lower-casing, '?' starting a query, '[' only around IPv6) decide real matches. Every function takes
 * an optional `UrlParser`: a check that judges thousands of pods passes one that remembers what it parsed.
 */
import { filepathMatch } from '../go/filepath-match';
import { compareUtf8 } from '../go/json';
import { PLAIN_URL_PARSER, ParsedUrl, UrlError, UrlParser, splitHostPort } from '../go/url';
import { ImageReference, isDefaultRegistryMatch, isUpperCaseOnlyHost } from './image-reference';

/** An `auths` key as the kubelet indexes it. */
export interface NormalizedKey {
  /** The key as written in the secret. */
  readonly original: string;
  /** The kubelet's index entry: `host[:port]` plus the path, without scheme and `/v1` or `/v2` prefix. */
  readonly key: string;
  /** The host as the kubelet compares it, case kept; brackets of an IPv6 address with a port are removed. */
  readonly host: string;
  /** The port as a string, `''` when there is none. */
  readonly port: string;
  /** The path the image path must start with, `''` when there is none. */
  readonly path: string;
}

/** Why a key might have been meant for the image but does not match it. */
export enum NearMissKind {
  /** Same host, different port (or one side without a port). */
  PORT = 'port',
  /** Same host and port, but the key's path is not a prefix of the image's path. */
  PATH = 'path',
  /** The hosts differ only in upper and lower case; the kubelet compares case-sensitively. */
  CASE = 'case',
  /** A Docker Hub spelling that the kubelet does not use for this image. */
  DOCKER_HUB = 'docker-hub',
  /**
   * The key is the image's registry written out, but its host holds a `filepath.Match` pattern character, so it does
   * not match itself (a bracketed IPv6 address without a port).
   */
  GLOB = 'glob',
  /** The hosts, or the first repository components, differ by a typo (one or two letters swapped, missing or extra). */
  TYPO = 'typo',
}

/** A key that does not match an image but probably was meant to. */
export interface NearMiss {
  /** The key as written in the secret. */
  readonly key: string;
  /** The kind of difference. */
  readonly kind: NearMissKind;
  /** One lower-case line saying what differs and how to fix it. */
  readonly hint: string;
  /** The image as it was probably meant, when the image (not the key) is what to fix: `did you mean` it. */
  readonly correctedImage?: string;
}

/** The key the kubelet falls back to for Docker Hub images (`https://index.docker.io/v1/` normalizes to it). */
export const DOCKER_HUB_FALLBACK_KEY = 'index.docker.io';

const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com'];

/**
 * Normalizes an `auths` key as `BasicDockerKeyring.Add` does, or returns undefined when Go's `url.Parse` rejects it
 * (the kubelet logs and skips such a key; `registryKeyError` says why).
 */
export function normalizeRegistryKey(key: string, urls: UrlParser = PLAIN_URL_PARSER): NormalizedKey | undefined {
  const parsed = parseKey(key, urls);
  if ('error' in parsed) {
    return undefined;
  }
  // Docker treats /v1/ and /v2/ as the registry root; only the three characters go, so '/v1/' leaves '/'.
  let path = parsed.path;
  if (path.startsWith('/v2/') || path.startsWith('/v1/')) {
    path = path.slice(3);
  }
  if (path === '/') {
    path = '';
  }
  const { host, port } = splitHostPort(parsed.host);
  return { original: key, key: parsed.host + path, host, port, path };
}

/** Why the kubelet would skip `key` as unparsable (Go's `url.Parse` error, in words), otherwise undefined. */
export function registryKeyProblem(key: string, urls: UrlParser = PLAIN_URL_PARSER): string | undefined {
  const parsed = parseKey(key, urls);
  return 'error' in parsed ? parsed.error : undefined;
}

/**
 * A one-line message when the kubelet would skip `key` as unparsable, otherwise undefined. A key with a user name or
 * password is shown as `displayKey` shows it, and without the parser's reason, which may quote a part of it.
 */
export function registryKeyError(key: string, urls: UrlParser = PLAIN_URL_PARSER): string | undefined {
  const problem = registryKeyProblem(key, urls);
  if (problem === undefined) {
    return undefined;
  }
  const why = hasUserinfo(key) ? 'Go\'s url.Parse rejects it (the reason is not shown: it would quote a part of the user name or password)'
    : problem;
  return `pull secret key '${displayKey(key)}' is ignored by the kubelet: ${why}; ` +
    'write the registry as a host such as \'ghcr.io\' or \'registry.example.com:5000\', optionally with a path';
}

/**
 * Whether a registry key may hold a user name or password: whether it has an '@' anywhere. A host, a port and a
 * repository path have none, so an '@' is taken for the end of `user[:password]` wherever it stands: also after a
 * malformed scheme (`https:/user:pw@host`, `//user:pw@host`) and after a password with '/', '?' or '#' in it, where a
 * URL parser would end the authority before the '@'.
 */
export function hasUserinfo(key: string): boolean {
  return key.includes('@');
}

/** The key as it may be shown: with a user name or password, everything between the scheme and the last '@' is `***`. */
export function displayKey(key: string): string {
  if (!hasUserinfo(key)) {
    return key;
  }
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(key)?.[0] ?? '';
  return `${scheme}***${key.slice(key.lastIndexOf('@'))}`;
}

/**
 * The registry host a key must name for `image`: its domain, or, for a reference that distribution reads without a
 * domain (a first component such as `my_registry.local`, which is a valid path component but no valid host name),
 * that first component, which the kubelet's URL parser takes for the host.
 */
export function registryHost(image: ImageReference): string {
  if (image.domain !== '') {
    return image.domain;
  }
  const slash = image.name.indexOf('/');
  return slash < 0 ? image.name : image.name.slice(0, slash);
}

/** Whether one key matches the image by itself (`URLsMatchStr`), without the Docker Hub fallback. */
export function keyMatchesImage(key: string, image: ImageReference, urls: UrlParser = PLAIN_URL_PARSER): boolean {
  const normalized = normalizeRegistryKey(key, urls);
  return normalized !== undefined && urlsMatch(normalized.key, image.name, urls);
}

/**
 * Whether the kubelet finds any credentials for `image` among `keys`: `matchingKeys(keys, image).length > 0`, with a
 * fast path for the common case of a key that is exactly the image's registry (`host[:port]`, no path). Such a key
 * matches by every rule of `URLsMatch` (same port, same host parts, empty path prefix) only while `filepath.Match`
 * reads its host parts literally, so a key with a pattern character (`[::1]`, whose brackets stay when there is no
 * port) takes the full matcher.
 */
export function hasMatchingKey(keys: readonly string[], image: ImageReference, urls: UrlParser = PLAIN_URL_PARSER): boolean {
  for (const key of keys) {
    const normalized = normalizeRegistryKey(key, urls);
    if (normalized !== undefined && image.domain !== '' && normalized.key === image.domain && !hasGlobCharacter(normalized.key)) return true;
  }
  return matchingKeys(keys, image, urls).length > 0;
}

/**
 * The keys whose credentials the kubelet tries for `image`, most specific first (reverse order of the normalized keys);
 * when none matches and `isDefaultRegistryMatch(image)`, the keys that normalize to `index.docker.io`. Keys that
 * normalize to the same entry keep their input order (the kubelet's order among them depends on Go map iteration).
 */
export function matchingKeys(keys: readonly string[], image: ImageReference, urls: UrlParser = PLAIN_URL_PARSER): string[] {
  const byKey = new Map<string, string[]>();
  for (const original of keys) {
    const normalized = normalizeRegistryKey(original, urls);
    if (normalized) {
      byKey.set(normalized.key, [...(byKey.get(normalized.key) ?? []), original]);
    }
  }
  const index = [...byKey.keys()].sort((a, b) => compareUtf8(b, a));
  const matched = index.filter((k) => urlsMatch(k, image.name, urls)).flatMap((k) => byKey.get(k)!);
  if (matched.length > 0) {
    return matched;
  }
  const fallback = byKey.get(DOCKER_HUB_FALLBACK_KEY);
  return fallback && isDefaultRegistryMatch(image) ? [...fallback] : [];
}

/**
 * Why the kubelet would hand Docker Hub's credentials to a pull from another host, or undefined. A first component with
 * an upper-case letter (`Foo/bar`) is a registry host to distribution, and `isDefaultRegistryMatch` still holds for it
 * (no '.' or ':'), so when no key names that host, the Docker Hub key matches by the fallback, while the writer almost
 * always meant the Docker Hub user `foo`. A key that names the host on purpose (`Foo`) matches by URL: that pull is fine.
 *
 * @param keys the keys of the pod's pull secrets
 */
export function upperCaseHostProblem(
  image: string, ref: ImageReference, keys: readonly string[], urls: UrlParser = PLAIN_URL_PARSER,
): string | undefined {
  if (!isUpperCaseOnlyHost(ref.domain)) return undefined;
  const matched = matchingKeys(keys, ref, urls);
  if (matched.length === 0 || keyMatchesImage(matched[0], ref, urls)) return undefined;
  return `image '${image}' names the registry host '${ref.domain}' (a first component with an upper-case letter is read as a host, not a ` +
    `Docker Hub user), and no key names that host, so the kubelet would hand the Docker Hub credentials of '${displayKey(matched[0])}' to ` +
    `'${ref.domain}': use '${ref.domain.toLowerCase()}${image.slice(ref.domain.length)}' for Docker Hub, or add the key '${ref.domain}' ` +
    'for a registry of that name';
}

/**
 * Keys that do not match `image` but look meant for it: same host with another port, same host and port with a path
 * that is not a prefix, the host in another case, a Docker Hub spelling the kubelet does not use for it, or the
 * image's own registry when that registry cannot match itself (a bracketed IPv6 address without a port).
 */
export function findNearMisses(keys: readonly string[], image: ImageReference, urls: UrlParser = PLAIN_URL_PARSER): NearMiss[] {
  const target = urls.parse(`https://${image.name}`);
  if ('error' in target) {
    return [];
  }
  const imageHost = splitUrlHost(target.host);
  const imagePath = target.path;
  // When the registry written out is no key for it (a bracketed IPv6 address without a port), advice to "use the key
  // '<registry>'" would be wrong.
  const host = registryHost(image);
  const registryCannotMatch = host.startsWith('[') && !keyMatchesImage(host, image, urls);
  const misses: NearMiss[] = [];
  for (const key of keys) {
    const normalized = normalizeRegistryKey(key, urls);
    if (!normalized || urlsMatch(normalized.key, image.name, urls) || isFallbackFor(normalized, image)) {
      continue;
    }
    const reparsed = urls.parse(`https://${normalized.key}`);
    if ('error' in reparsed) {
      continue;
    }
    const keyHost = splitUrlHost(reparsed.host);
    const sameHost = hostsMatch(keyHost.parts, imageHost.parts, false);
    // filepath.Match does not find '[::1]' in '[::1]', so the host is also compared as text
    const sameText = !sameHost && hostText(keyHost.parts) === hostText(imageHost.parts);
    const hint = (text: string): string => `pull secret key '${displayKey(key)}' does not match image '${image.original}': ${text}`;
    if ((sameHost || sameText) && registryCannotMatch) {
      misses.push({ key, kind: NearMissKind.GLOB, hint: hint(globHint(keyHost.port, image)) });
    } else if ((sameHost || sameText) && keyHost.port !== imageHost.port) {
      misses.push({
        key,
        kind: NearMissKind.PORT,
        hint: hint(`the key has ${describePort(keyHost.port)} and the image has ${describePort(imageHost.port)}, ` +
          `and the kubelet compares ports as written; use the key '${host}'`),
      });
    } else if (sameHost && !imagePath.startsWith(reparsed.path)) {
      // a misspelt repository prefix is the image to fix; any other path the key does not cover, the key
      const corrected = typoCorrection(keyHost, imageHost, true, reparsed.path, imagePath, image);
      misses.push(corrected !== undefined ? { key, kind: NearMissKind.TYPO, correctedImage: corrected, hint: hint(`did you mean '${corrected}'`) } : {
        key,
        kind: NearMissKind.PATH,
        hint: hint(`the key's path '${displayKey(reparsed.path)}' is not a prefix of the image's path '${imagePath}'; ` +
          `use the key '${host}' or '${image.name}'`),
      });
    } else if (!sameHost && hostsMatch(keyHost.parts, imageHost.parts, true)) {
      // a registry host is lower case everywhere but in what was typed: fix the image, unless the key is the upper-case one
      const imageUpper = host !== host.toLowerCase() && image.original.startsWith(`${image.domain}/`);
      const corrected = imageUpper ? `${image.domain.toLowerCase()}${image.original.slice(image.domain.length)}` : undefined;
      misses.push({
        key,
        kind: NearMissKind.CASE,
        correctedImage: corrected,
        hint: hint(corrected !== undefined ? `the kubelet compares hosts case-sensitively; did you mean '${corrected}'`
          : `the hosts differ in case and the kubelet compares them case-sensitively; use the key '${host}'`),
      });
    } else if (DOCKER_HUB_HOSTS.includes(normalized.host.toLowerCase()) && isDockerHubDomain(image.domain)) {
      misses.push({ key, kind: NearMissKind.DOCKER_HUB, hint: hint(dockerHubHint(normalized, image)) });
    } else {
      const corrected = typoCorrection(keyHost, imageHost, sameHost, reparsed.path, imagePath, image);
      if (corrected !== undefined) {
        misses.push({ key, kind: NearMissKind.TYPO, correctedImage: corrected, hint: hint(`did you mean '${corrected}'`) });
      }
    }
  }
  return misses;
}

/**
 * The image as it was probably meant when its registry host (same port, same number of parts) or, under the key's own
 * host, the first components of its repository differ from the key's by a typo: `gchr.io/acme/app:1` against `ghcr.io`
 * is `ghcr.io/acme/app:1`. Undefined when the difference is more than a typo, or the registry is not written in the image.
 */
function typoCorrection(keyHost: { parts: string[]; port: string }, imageHost: { parts: string[]; port: string }, sameHost: boolean,
  keyPath: string, imagePath: string, image: ImageReference): string | undefined {
  const written = image.original.startsWith(`${image.domain}/`);
  if (!written || keyHost.port !== imageHost.port) return undefined;
  const rest = image.original.slice(image.domain.length);
  if (!sameHost) {
    const keyText = keyHost.parts.join('.');
    const imageText = imageHost.parts.join('.');
    // registries whose names are a typo apart from each other (gcr.io, ghcr.io) are each what was meant
    if (hasGlobCharacter(keyText) || WELL_KNOWN_REGISTRIES.has(imageText.toLowerCase()) || !isTypo(keyText, imageText)) return undefined;
    const port = keyHost.port === '' ? '' : `:${keyHost.port}`;
    return `${keyText}${port}${rest}`;
  }
  // same host: the key's path names a repository prefix ('/acme') that the image misspells ('/acme-corp' is not one)
  const want = keyPath.split('/').filter((p) => p !== '');
  const have = imagePath.split('/').filter((p) => p !== '');
  if (want.length === 0 || have.length <= want.length) return undefined;
  if (!want.every((part, i) => part === have[i] || isTypo(part, have[i]))) return undefined;
  const typedPath = `/${have.slice(0, want.length).join('/')}`;
  if (!rest.startsWith(typedPath)) return undefined;
  return `${image.domain}/${want.join('/')}${rest.slice(typedPath.length)}`;
}

const WELL_KNOWN_REGISTRIES = new Set(['docker.io', 'ghcr.io', 'gcr.io', 'quay.io', 'registry.k8s.io', 'k8s.gcr.io', 'mcr.microsoft.com',
  'public.ecr.aws', 'registry.gitlab.com', 'nvcr.io', 'icr.io', 'cr.io']);

/** Whether two different names are one typo apart: an optimal string alignment distance of 1, or 2 in names of 6 or more characters. */
function isTypo(want: string, have: string): boolean {
  if (want === have || want.toLowerCase() === have.toLowerCase()) return false;
  const limit = Math.min(want.length, have.length) >= 6 ? 2 : 1;
  if (Math.abs(want.length - have.length) > limit) return false;
  const d: number[][] = Array.from({ length: want.length + 1 }, (_, i) => [i, ...Array<number>(have.length).fill(0)]);
  for (let j = 1; j <= have.length; j++) d[0][j] = j;
  for (let i = 1; i <= want.length; i++) {
    for (let j = 1; j <= have.length; j++) {
      const cost = want[i - 1] === have[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && want[i - 1] === have[j - 2] && want[i - 2] === have[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[want.length][have.length] <= limit;
}

/**
 * Why no key written like the image's registry matches it, and the fix, for an image whose registry does not match
 * itself. In a valid reference that is a bracketed IPv6 address without a port: `net.SplitHostPort` fails, the
 * brackets stay, and `filepath.Match` reads `[2001:db8::1]` as a one-character class. With a port the brackets go and
 * the address is plain text.
 *
 * @param keyPort the port of the key that was meant for the image, `''` when it has none
 * @internal
 */
export function globHint(keyPort: string, image: ImageReference): string {
  return 'the kubelet matches registry keys with filepath.Match, so a bracketed IPv6 host only matches with a port: ' +
    `use '${image.domain}:${keyPort || '443'}' in both the key and the image${keyPort ? '' : ' (443, or the port the registry listens on)'}`;
}

function isFallbackFor(normalized: NormalizedKey, image: ImageReference): boolean {
  return normalized.key === DOCKER_HUB_FALLBACK_KEY && isDefaultRegistryMatch(image);
}

function isDockerHubDomain(domain: string): boolean {
  return DOCKER_HUB_HOSTS.includes(domain.toLowerCase());
}

function dockerHubHint(normalized: NormalizedKey, image: ImageReference): string {
  if (image.domain === 'docker.io') {
    return 'for Docker Hub images the kubelet uses a key for \'docker.io\' or, when nothing else matches, ' +
      `exactly 'https://index.docker.io/v1/' (this key normalizes to '${displayKey(normalized.key)}'); use 'https://index.docker.io/v1/'`;
  }
  return `the image names the registry '${image.domain}', which the kubelet does not treat as Docker Hub; ` +
    `use the key '${image.domain}'`;
}

/** The host as text, without the brackets that `net.SplitHostPort` leaves on an IPv6 address without a port, in lower case. */
function hostText(parts: string[]): string {
  const host = parts.join('.');
  return (host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host).toLowerCase();
}

/** Whether `text` holds a character that `filepath.Match` reads as a pattern (`]` too: it closes a class). */
function hasGlobCharacter(text: string): boolean {
  return /[*?[\]\\]/.test(text);
}

function describePort(port: string): string {
  return port === '' ? 'no port' : `port '${port}'`;
}

// ---- URLsMatch -------------------------------------------------------------------------------------------------

/**
 * `URLsMatchStr(glob, target)`: both sides are re-parsed as schemeless URLs, which is why the key is a string here.
 * The kubelet uses the same function for a credential provider's `matchImages` (`isImageAllowed`).
 *
 * @internal
 */
export function urlsMatch(glob: string, target: string, urls: UrlParser = PLAIN_URL_PARSER): boolean {
  const g = urls.parse(`https://${glob}`);
  const t = urls.parse(`https://${target}`);
  if ('error' in g || 'error' in t) {
    return false;
  }
  const gh = splitUrlHost(g.host);
  const th = splitUrlHost(t.host);
  return gh.port === th.port && t.path.startsWith(g.path) && hostsMatch(gh.parts, th.parts, false);
}

function hostsMatch(globParts: string[], targetParts: string[], ignoreCase: boolean): boolean {
  if (globParts.length !== targetParts.length) {
    return false;
  }
  return globParts.every((part, i) => {
    try {
      return ignoreCase ? filepathMatch(part.toLowerCase(), targetParts[i].toLowerCase()) : filepathMatch(part, targetParts[i]);
    } catch {
      return false; // the kubelet ignores the error and treats it as no match
    }
  });
}

/** `SplitURL`: a host that `net.SplitHostPort` cannot split keeps its whole text (brackets, colons) and gets no port. */
function splitUrlHost(hostPort: string): { parts: string[]; port: string } {
  const { host, port } = splitHostPort(hostPort);
  return { parts: host.split('.'), port };
}

/**
 * Why `ParseSchemelessURL` (Go's `url.Parse` of `'https://' + text`) rejects `text`, or undefined when it accepts it:
 * the kubelet's test for a valid `matchImages` pattern.
 *
 * @internal
 */
export function schemelessUrlError(text: string): string | undefined {
  const parsed = PLAIN_URL_PARSER.parse(`https://${text}`);
  return 'error' in parsed ? parsed.error : undefined;
}

// ---- keys ------------------------------------------------------------------------------------------------------

function parseKey(key: string, urls: UrlParser = PLAIN_URL_PARSER): Readonly<ParsedUrl> | UrlError {
  // Only a lower-case scheme counts; anything else (even 'HTTPS://') gets 'https://' in front.
  return urls.parse(key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`);
}

