/**
 * Which `auths` entries of the pod's pull secrets the kubelet uses for an image, decided as kubernetes
 * `pkg/credentialprovider/keyring.go` does (`BasicDockerKeyring.Add`, `Lookup`, `URLsMatch`, `isDefaultRegistryMatch`).
 * The kubelet parses keys with Go's `net/url` and splits hosts with `net.SplitHostPort`; both are reproduced here
 * because their corner cases (no lower-casing, '?' starting a query, '[' only around IPv6) decide real matches.
 */
import { filepathMatch } from './_glob';
import { ImageReference, isDefaultRegistryMatch } from './image-reference';

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
}

/** A key that does not match an image but probably was meant to. */
export interface NearMiss {
  /** The key as written in the secret. */
  readonly key: string;
  /** The kind of difference. */
  readonly kind: NearMissKind;
  /** One lower-case line saying what differs and how to fix it. */
  readonly hint: string;
}

/** The key the kubelet falls back to for Docker Hub images (`https://index.docker.io/v1/` normalizes to it). */
export const DOCKER_HUB_FALLBACK_KEY = 'index.docker.io';

const DOCKER_HUB_HOSTS = ['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com', 'hub.docker.com'];

/**
 * Normalizes an `auths` key as `BasicDockerKeyring.Add` does, or returns undefined when Go's `url.Parse` rejects it
 * (the kubelet logs and skips such a key; `registryKeyError` says why).
 */
export function normalizeRegistryKey(key: string): NormalizedKey | undefined {
  const parsed = parseKey(key);
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
export function registryKeyProblem(key: string): string | undefined {
  const parsed = parseKey(key);
  return 'error' in parsed ? parsed.error : undefined;
}

/** A one-line message when the kubelet would skip `key` as unparsable, otherwise undefined. */
export function registryKeyError(key: string): string | undefined {
  const problem = registryKeyProblem(key);
  if (problem === undefined) {
    return undefined;
  }
  return `pull secret key '${key}' is ignored by the kubelet: ${problem}; ` +
    'write the registry as a host such as \'ghcr.io\' or \'registry.example.com:5000\', optionally with a path';
}

/** Whether one key matches the image by itself (`URLsMatchStr`), without the Docker Hub fallback. */
export function keyMatchesImage(key: string, image: ImageReference): boolean {
  const normalized = normalizeRegistryKey(key);
  return normalized !== undefined && urlsMatch(normalized.key, image.name);
}

/**
 * Whether the kubelet finds any credentials for `image` among `keys`: `matchingKeys(keys, image).length > 0`, with a
 * fast path for the common case of a key that is exactly the image's registry (`host[:port]`, no path). Such a key
 * matches by every rule of `URLsMatch` (same port, same host parts, empty path prefix) only while `filepath.Match`
 * reads its host parts literally, so a key with a pattern character (`[::1]`, whose brackets stay when there is no
 * port) takes the full matcher.
 */
export function hasMatchingKey(keys: readonly string[], image: ImageReference): boolean {
  for (const key of keys) {
    const normalized = normalizeRegistryKey(key);
    if (normalized !== undefined && normalized.key === image.domain && !hasGlobCharacter(normalized.key)) return true;
  }
  return matchingKeys(keys, image).length > 0;
}

/**
 * The keys whose credentials the kubelet tries for `image`, most specific first (reverse order of the normalized keys);
 * when none matches and `isDefaultRegistryMatch(image)`, the keys that normalize to `index.docker.io`. Keys that
 * normalize to the same entry keep their input order (the kubelet's order among them depends on Go map iteration).
 */
export function matchingKeys(keys: readonly string[], image: ImageReference): string[] {
  const byKey = new Map<string, string[]>();
  for (const original of keys) {
    const normalized = normalizeRegistryKey(original);
    if (normalized) {
      byKey.set(normalized.key, [...(byKey.get(normalized.key) ?? []), original]);
    }
  }
  const index = [...byKey.keys()].sort((a, b) => compareBytes(b, a));
  const matched = index.filter((k) => urlsMatch(k, image.name)).flatMap((k) => byKey.get(k)!);
  if (matched.length > 0) {
    return matched;
  }
  const fallback = byKey.get(DOCKER_HUB_FALLBACK_KEY);
  return fallback && isDefaultRegistryMatch(image) ? [...fallback] : [];
}

/**
 * Keys that do not match `image` but look meant for it: same host with another port, same host and port with a path
 * that is not a prefix, the host in another case, a Docker Hub spelling the kubelet does not use for it, or the
 * image's own registry when that registry cannot match itself (a bracketed IPv6 address without a port).
 */
export function findNearMisses(keys: readonly string[], image: ImageReference): NearMiss[] {
  const target = parseUrl(`https://${image.name}`);
  if ('error' in target) {
    return [];
  }
  const imageHost = splitUrlHost(target.host);
  const imagePath = target.path;
  // When the registry written out is no key for it, advice to "use the key '<registry>'" would be wrong.
  const registryIsKey = keyMatchesImage(image.domain, image);
  const misses: NearMiss[] = [];
  for (const key of keys) {
    const normalized = normalizeRegistryKey(key);
    if (!normalized || urlsMatch(normalized.key, image.name) || isFallbackFor(normalized, image)) {
      continue;
    }
    const reparsed = parseUrl(`https://${normalized.key}`);
    if ('error' in reparsed) {
      continue;
    }
    const keyHost = splitUrlHost(reparsed.host);
    const sameHost = hostsMatch(keyHost.parts, imageHost.parts, false);
    // filepath.Match does not find '[::1]' in '[::1]', so the host is also compared as text
    const sameText = !sameHost && hostText(keyHost.parts) === hostText(imageHost.parts);
    const hint = (text: string): string => `pull secret key '${key}' does not match image '${image.original}': ${text}`;
    if ((sameHost || sameText) && !registryIsKey) {
      misses.push({ key, kind: NearMissKind.GLOB, hint: hint(globHint(keyHost.port, image)) });
    } else if ((sameHost || sameText) && keyHost.port !== imageHost.port) {
      misses.push({
        key,
        kind: NearMissKind.PORT,
        hint: hint(`the key has ${describePort(keyHost.port)} and the image has ${describePort(imageHost.port)}, ` +
          `and the kubelet compares ports as written; use the key '${image.domain}'`),
      });
    } else if (sameHost && !imagePath.startsWith(reparsed.path)) {
      misses.push({
        key,
        kind: NearMissKind.PATH,
        hint: hint(`the key's path '${reparsed.path}' is not a prefix of the image's path '${imagePath}'; ` +
          `use the key '${image.domain}' or '${image.name}'`),
      });
    } else if (!sameHost && hostsMatch(keyHost.parts, imageHost.parts, true)) {
      misses.push({
        key,
        kind: NearMissKind.CASE,
        hint: hint(`the hosts differ in case and the kubelet compares them case-sensitively; use the key '${image.domain}'`),
      });
    } else if (DOCKER_HUB_HOSTS.includes(normalized.host.toLowerCase()) && isDockerHubDomain(image.domain)) {
      misses.push({ key, kind: NearMissKind.DOCKER_HUB, hint: hint(dockerHubHint(normalized, image)) });
    }
  }
  return misses;
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
      `exactly 'https://index.docker.io/v1/' (this key normalizes to '${normalized.key}'); use 'https://index.docker.io/v1/'`;
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
export function urlsMatch(glob: string, target: string): boolean {
  const g = parseUrl(`https://${glob}`);
  const t = parseUrl(`https://${target}`);
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

/** Go's `net.SplitHostPort`, falling back to the whole input and no port where it returns an error. */
function splitHostPort(hostPort: string): { host: string; port: string } {
  const whole = { host: hostPort, port: '' };
  const i = hostPort.lastIndexOf(':');
  if (i < 0) {
    return whole; // missing port
  }
  let host: string;
  let j = 0;
  let k = 0;
  if (hostPort.startsWith('[')) {
    const end = hostPort.indexOf(']');
    if (end < 0 || end + 1 !== i) {
      return whole;
    }
    host = hostPort.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostPort.slice(0, i);
    if (host.includes(':')) {
      return whole; // too many colons
    }
  }
  if (hostPort.indexOf('[', j) >= 0 || hostPort.indexOf(']', k) >= 0) {
    return whole;
  }
  return { host, port: hostPort.slice(i + 1) };
}

/**
 * Why `ParseSchemelessURL` (Go's `url.Parse` of `'https://' + text`) rejects `text`, or undefined when it accepts it:
 * the kubelet's test for a valid `matchImages` pattern.
 *
 * @internal
 */
export function schemelessUrlError(text: string): string | undefined {
  const parsed = parseUrl(`https://${text}`);
  return 'error' in parsed ? parsed.error : undefined;
}

/** Go sorts strings by UTF-8 bytes, which is code point order, not JS's UTF-16 order. */
function compareBytes(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) {
      return x[i] - y[i];
    }
  }
  return x.length - y.length;
}

// ---- Go net/url ------------------------------------------------------------------------------------------------

interface ParsedUrl {
  readonly host: string;
  readonly path: string;
}

function parseKey(key: string): ParsedUrl | { error: string } {
  // Only a lower-case scheme counts; anything else (even 'HTTPS://') gets 'https://' in front.
  return parseUrl(key.startsWith('https://') || key.startsWith('http://') ? key : `https://${key}`);
}

// A pod check parses the same few keys and image names again and again (10,000 pods share a handful of registries);
// parsing is pure, so results are kept, in a map cleared when it grows past a bound so that memory stays flat.
const PARSE_CACHE_LIMIT = 4096;
const parseCache = new Map<string, Readonly<ParsedUrl> | { error: string }>();

function parseUrl(raw: string): Readonly<ParsedUrl> | { error: string } {
  let parsed = parseCache.get(raw);
  if (parsed === undefined) {
    if (parseCache.size >= PARSE_CACHE_LIMIT) parseCache.clear();
    parsed = parseUrlUncached(raw);
    parseCache.set(raw, parsed);
  }
  return parsed;
}

/**
 * Go's `url.Parse` (1.26, with the 2025-2026 host hardening), reduced to what a keyring needs: host and decoded path.
 * Go keeps the host's case and puts everything after '?' in the query and after '#' in the fragment.
 */
function parseUrlUncached(raw: string): ParsedUrl | { error: string } {
  const hash = raw.indexOf('#');
  const u = hash >= 0 ? raw.slice(0, hash) : raw;
  if (/[\x00-\x1f\x7f]/.test(u)) {
    return { error: 'it contains a control character' };
  }
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(u);
  if (u.startsWith(':')) {
    return { error: 'missing protocol scheme' };
  }
  const scheme = schemeMatch ? schemeMatch[1].toLowerCase() : '';
  let rest = schemeMatch ? u.slice(schemeMatch[0].length) : u;
  const question = rest.indexOf('?');
  if (question >= 0) {
    rest = rest.slice(0, question);
  }
  let host = '';
  if (!rest.startsWith('/') && scheme !== '') {
    return { host: '', path: '' }; // opaque URL such as 'https:foo'
  }
  if (rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const parsedAuthority = parseAuthority(scheme, authority);
    if (typeof parsedAuthority !== 'string') {
      return parsedAuthority;
    }
    host = parsedAuthority;
  } else if (scheme === '') {
    const segment = rest.split('/')[0];
    if (segment.includes(':')) {
      return { error: 'first path segment in URL cannot contain colon' };
    }
  }
  const path = unescape(rest, 'path');
  if (typeof path !== 'string') {
    return path;
  }
  if (hash >= 0) {
    const fragment = unescape(raw.slice(hash + 1), 'fragment');
    if (typeof fragment !== 'string') {
      return fragment;
    }
  }
  return { host, path };
}

function parseAuthority(scheme: string, authority: string): string | { error: string } {
  const at = authority.lastIndexOf('@');
  const host = parseHost(scheme, at < 0 ? authority : authority.slice(at + 1));
  if (typeof host !== 'string' || at < 0) {
    return host;
  }
  const userinfo = authority.slice(0, at);
  if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) {
    return { error: 'net/url: invalid userinfo' };
  }
  const decoded = unescape(userinfo, 'userinfo');
  return typeof decoded !== 'string' ? decoded : host;
}

function parseHost(scheme: string, host: string): string | { error: string } {
  const open = host.lastIndexOf('[');
  if (open > 0) {
    return { error: `'[' is only allowed around an IPv6 address at the start of the host, got '${host}'` };
  }
  if (open === 0) {
    const close = host.lastIndexOf(']');
    if (close < 0) {
      return { error: `missing ']' in host '${host}'` };
    }
    const colonPort = host.slice(close + 1);
    if (!validOptionalPort(colonPort)) {
      return { error: `invalid port '${colonPort}' after host` };
    }
    const hostname = host.slice(1, close);
    const zone = hostname.indexOf('%25');
    const address = zone >= 0 ? joinDecoded(unescape(hostname.slice(0, zone), 'host'), unescape(hostname.slice(zone), 'zone'))
      : unescape(hostname, 'host');
    if (typeof address !== 'string') {
      return address;
    }
    // Only an IPv6 address may be in brackets (Go 1.25.2+).
    if (!isIpv6Address(address)) {
      return { error: `'[${hostname}]' is not an IPv6 address, and only an IPv6 address may be in brackets` };
    }
    return `[${address}]${colonPort}`;
  }
  let colon = host.indexOf(':');
  if (colon >= 0) {
    // Go 1.26 reads the port from the first colon for http and https, so 'a:1:2' is rejected.
    if (scheme !== 'http' && scheme !== 'https') {
      colon = host.lastIndexOf(':');
    }
    const colonPort = host.slice(colon);
    if (!validOptionalPort(colonPort)) {
      return { error: `invalid port '${colonPort}' after host` };
    }
  }
  return unescape(host, 'host');
}

function joinDecoded(a: string | { error: string }, b: string | { error: string }): string | { error: string } {
  if (typeof a !== 'string') {
    return a;
  }
  return typeof b !== 'string' ? b : a + b;
}

function validOptionalPort(colonPort: string): boolean {
  return colonPort === '' || /^:[0-9]*$/.test(colonPort);
}

type EscapeMode = 'host' | 'zone' | 'path' | 'fragment' | 'userinfo';

/** Go's `unescape`: checks %-escapes and, in a host, the characters allowed there; decodes the bytes. */
function unescape(s: string, mode: EscapeMode): string | { error: string } {
  const bytes = Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    if (b === 0x25) {
      const hex = bytes.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) {
        return { error: `invalid URL escape '${bytes.subarray(i, i + 3).toString('latin1')}'` };
      }
      const v = parseInt(hex, 16);
      // In a host only non-ASCII bytes may be escaped, plus '%25' for an IPv6 zone.
      if (mode === 'host' && v < 0x80 && hex !== '25') {
        return { error: `invalid URL escape '%${hex}'` };
      }
      // In a zone an escape may only stand for a byte that could be written there directly (or a space).
      if (mode === 'zone' && hex !== '25' && v !== 0x20 && !(v < 0x80 && isHostByte(v))) {
        return { error: `invalid URL escape '%${hex}'` };
      }
      out.push(v);
      i += 3;
      continue;
    }
    if ((mode === 'host' || mode === 'zone') && b < 0x80 && !isHostByte(b)) {
      return { error: `invalid character '${String.fromCharCode(b)}' in host name` };
    }
    out.push(b);
    i++;
  }
  return Buffer.from(out).toString('utf8');
}

/** The ASCII bytes Go's `shouldEscape(c, encodeHost)` lets through unescaped. */
function isHostByte(b: number): boolean {
  return /[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]/.test(String.fromCharCode(b));
}

/** `netip.ParseAddr` succeeding with an IPv6 address (an optional zone after '%', an optional trailing IPv4). */
function isIpv6Address(s: string): boolean {
  const first = /[.:%]/.exec(s);
  if (!first || first[0] !== ':') {
    return false; // IPv4 and plain names are not allowed in brackets
  }
  let addr = s;
  const percent = s.indexOf('%');
  if (percent >= 0) {
    if (percent === s.length - 1) {
      return false;
    }
    addr = s.slice(0, percent);
  }
  let groups = 0;
  let ellipsis = false;
  let rest = addr;
  if (rest.startsWith('::')) {
    ellipsis = true;
    rest = rest.slice(2);
    if (rest === '') {
      return true;
    }
  }
  while (groups < 8) {
    const hex = /^[0-9a-fA-F]*/.exec(rest)![0];
    if (hex.length === 0 || hex.length > 4) {
      return false;
    }
    if (rest[hex.length] === '.') {
      // An embedded IPv4 address takes the place of the last two groups.
      if ((!ellipsis && groups !== 6) || groups + 2 > 8 || !isIpv4Address(rest)) {
        return false;
      }
      groups += 2;
      rest = '';
      break;
    }
    groups++;
    rest = rest.slice(hex.length);
    if (rest === '') {
      break;
    }
    if (rest[0] !== ':' || rest.length === 1) {
      return false;
    }
    rest = rest.slice(1);
    if (rest[0] === ':') {
      if (ellipsis) {
        return false;
      }
      ellipsis = true;
      rest = rest.slice(1);
      if (rest === '') {
        break;
      }
    }
  }
  if (rest !== '') {
    return false;
  }
  return ellipsis ? groups < 8 : groups === 8;
}

function isIpv4Address(s: string): boolean {
  const fields = s.split('.');
  return fields.length === 4 && fields.every((f) => /^(0|[1-9][0-9]{0,2})$/.test(f) && Number(f) <= 255);
}
