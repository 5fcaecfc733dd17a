/**
 * Go's `net/url.Parse` and `net.SplitHostPort`, reduced to what the kubelet's keyring needs (host and decoded path),
 * with their corner cases: no lower-casing, '?' starting a query, '[' only around an IPv6 address.
 */

/** What `url.Parse` gives the keyring: the host (`host[:port]`, case kept) and the decoded path. */
export interface ParsedUrl {
  readonly host: string;
  readonly path: string;
}

/** Why `url.Parse` failed, in words. */
export interface UrlError {
  readonly error: string;
}

/** Parses URLs as Go's `url.Parse`; an implementation may remember results, since parsing is pure. */
export interface UrlParser {
  parse(raw: string): Readonly<ParsedUrl> | UrlError;
}

/** A parser that remembers nothing: every call parses. */
export const PLAIN_URL_PARSER: UrlParser = { parse: (raw) => parseUrl(raw) };

/**
 * A parser that remembers what it parsed. A pod check parses the same few keys and image names again and again
 * (10,000 pods share a handful of registries), so one of these lives as long as one synth or one manifest check; the
 * map is cleared when it grows past a bound, so that memory stays flat.
 */
export class CachingUrlParser implements UrlParser {
  private static readonly LIMIT = 4096;
  private readonly cache = new Map<string, Readonly<ParsedUrl> | UrlError>();

  public parse(raw: string): Readonly<ParsedUrl> | UrlError {
    let parsed = this.cache.get(raw);
    if (parsed === undefined) {
      if (this.cache.size >= CachingUrlParser.LIMIT) this.cache.clear();
      parsed = parseUrl(raw);
      this.cache.set(raw, parsed);
    }
    return parsed;
  }
}

/** Go's `net.SplitHostPort`, falling back to the whole input and no port where it returns an error. */
export function splitHostPort(hostPort: string): { host: string; port: string } {
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
 * Go's `url.Parse` (1.26, with the 2025-2026 host hardening), reduced to what a keyring needs: host and decoded path.
 * Go keeps the host's case and puts everything after '?' in the query and after '#' in the fragment.
 */
export function parseUrl(raw: string): ParsedUrl | UrlError {
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

const PLAIN_ASCII = /^[\x20-\x24\x26-\x7e]*$/;
const HOST_CHARACTERS = /^[A-Za-z0-9\-_.~!$&'()*+,;=:[\]<>"]*$/;

type EscapeMode = 'host' | 'zone' | 'path' | 'fragment' | 'userinfo';

/** Go's `unescape`: checks %-escapes and, in a host, the characters allowed there; decodes the bytes. */
function unescape(s: string, mode: EscapeMode): string | { error: string } {
  // the common case, printable ASCII without an escape, decodes to itself: only a host's characters need a look
  if (PLAIN_ASCII.test(s) && (mode !== 'host' && mode !== 'zone' ? true : HOST_CHARACTERS.test(s))) return s;
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
