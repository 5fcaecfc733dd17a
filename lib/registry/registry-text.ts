// Text a registry chose reaches the login check's reasons in many places: a token realm, a redirect target, the
// `error` of a challenge, a TLS message that quotes the certificate's names, a network error's message. A hostile
// registry (or its token server) can echo the credential it was sent into any of them, plain or encoded. So such text
// travels inside a `Reason` as a part of its own, and only `SecretScreen.render` turns a reason into a line: a part
// that holds a credential in any form the screen can decode is withheld, the rest is printed on one line.
import { domainToUnicode } from 'node:url';
import { pushAll } from '../input/arrays';

/** Text a registry chose; printed only through {@link SecretScreen.render}. */
export class RegistryText {
  constructor(readonly text: string) {}
}

/** A reason line before it is printed: our own words, and the registry's text kept apart. */
export type Reason = readonly (string | RegistryText)[];

/** Builds a {@link Reason}: strings and numbers are our own words, a RegistryText or a Reason keeps its parts. */
export function say(strings: TemplateStringsArray, ...values: readonly (string | number | RegistryText | Reason)[]): Reason {
  const parts: (string | RegistryText)[] = [strings[0]];
  values.forEach((value, i) => {
    if (Array.isArray(value)) {
      pushAll(parts, value as Reason);
    } else {
      parts.push(value instanceof RegistryText ? value : String(value));
    }
    parts.push(strings[i + 1]);
  });
  return parts.filter((p) => p !== '');
}

/** What a withheld part is printed as. */
export const WITHHELD = '<withheld: the registry\'s text holds a credential>';

const MAX_DECODE_ROUNDS = 6;
// the characters one screening may look at, over all decodings; text that needs more is withheld
const SCREEN_BUDGET = 1024 * 1024;
const MAX_PART_LENGTH = 160;
// a username this short would match ordinary words; a password of any length counts
const MIN_USERNAME_LENGTH = 3;
const BASE64_RUN_RE = /[A-Za-z0-9+/_-]{6,}/g;
const HEX_RUN_RE = /(?:[0-9A-Fa-f]{2}){4,}/g;
// split into host-name-like runs (linear: a pattern around `xn--` would backtrack over long runs)
const NOT_HOST_NAME_RE = /([^A-Za-z0-9.-]+)/;
const ESCAPE_RE = /(?:%[0-9A-Fa-f]{2})+|\\u([0-9A-Fa-f]{4})|\\x([0-9A-Fa-f]{2})|\\([\\/"'bfnrt])|&#(\d{1,7});|&#[xX]([0-9A-Fa-f]{1,6});|&(quot|amp|lt|gt|apos);/g;
const JSON_ESCAPES: Record<string, string> = { 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', '\\': '\\', '/': '/', '"': '"', '\'': '\'' };
const HTML_ENTITIES: Record<string, string> = { quot: '"', amp: '&', lt: '<', gt: '>', apos: '\'' };

/**
 * The credentials (and tokens) of one login check, and the one place its reasons become printable lines. Matching is
 * case-insensitive (a host name in a URL is lower-cased) and sees through percent-encoding, JSON and HTML escapes,
 * `+` for space, IDNA (punycode) host names, hex, and base64 or base64url at any offset, nested up to six deep. Text
 * too large to screen that way is taken to hold a credential.
 */
export class SecretScreen {
  private readonly forms = new Set<string>();

  /** Adds a credential: its password and user name, `user:password`, and the base64 forms of the Basic value. */
  addCredential(username: string, password: string): void {
    this.add(password);
    if (username.length >= MIN_USERNAME_LENGTH) this.add(username);
    const pair = `${username}:${password}`;
    this.add(pair);
    for (const value of [pair, password]) {
      const bytes = Buffer.from(value, 'utf8');
      this.add(bytes.toString('base64').replace(/=+$/, ''));
      this.add(bytes.toString('base64url'));
    }
  }

  /** Adds one secret value as it is (a token). */
  add(secret: string): void {
    if (secret !== '') this.forms.add(secret.toLowerCase());
  }

  /** Whether `text` holds one of the secrets in a form the screen can decode (or is too large to tell). */
  holds(text: string): boolean {
    if (this.forms.size === 0) return false;
    // breadth first: every decoding of every decoding, each looked at once, until the budget is spent
    const seen = new Set<string>();
    const queue = [{ text, depth: 0 }];
    let budget = SCREEN_BUDGET;
    for (let i = 0; i < queue.length; i++) {
      const { text: current, depth } = queue[i];
      if (seen.has(current)) continue;
      seen.add(current);
      budget -= current.length;
      if (budget < 0) return true;
      const lower = current.toLowerCase();
      for (const form of this.forms) {
        if (lower.includes(form)) return true;
      }
      if (depth < MAX_DECODE_ROUNDS) {
        for (const next of decodeSteps(current)) {
          if (!seen.has(next)) queue.push({ text: next, depth: depth + 1 });
        }
      }
    }
    return false;
  }

  /** The reason as one printable line: the registry's parts on one line, shortened, or withheld. */
  render(reason: Reason): string {
    return reason.map((part) => {
      if (typeof part === 'string') return part;
      return this.holds(part.text) ? WITHHELD : oneLine(part.text);
    }).join('');
  }
}

/** `text` on one line, shortened to 160 characters. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_PART_LENGTH ? `${line.slice(0, MAX_PART_LENGTH - 3)}...` : line;
}

/** What one step of decoding makes of `text`: unescaped, `+` read as a space, IDNA hosts in Unicode, base64 and hex runs decoded. */
function decodeSteps(text: string): string[] {
  const steps = [unescapeOnce(text), text.replace(/\+/g, ' ')];
  if (/xn--/i.test(text)) {
    steps.push(text.split(NOT_HOST_NAME_RE).map((run) => (/xn--/i.test(run) ? domainToUnicode(run.toLowerCase()) || run : run)).join(''));
  }
  for (const run of text.match(BASE64_RUN_RE) ?? []) {
    // the secret may start at any of the four offsets of a base64 quantum
    for (let offset = 0; offset < 4 && offset < run.length; offset++) steps.push(Buffer.from(run.slice(offset), 'base64').toString('utf8'));
  }
  for (const run of text.match(HEX_RUN_RE) ?? []) {
    steps.push(Buffer.from(run, 'hex').toString('utf8'), Buffer.from(run.slice(1), 'hex').toString('utf8'));
  }
  return steps.filter((step) => step !== text);
}

/** One round of percent-decoding (as UTF-8), JSON and `\x` escapes, and HTML character references. */
function unescapeOnce(text: string): string {
  return text.replace(ESCAPE_RE, (match: string, u?: string, x?: string, json?: string, dec?: string, hex?: string, entity?: string) => {
    if (match.startsWith('%')) return Buffer.from(match.replace(/%/g, ''), 'hex').toString('utf8');
    if (u !== undefined) return String.fromCharCode(parseInt(u, 16));
    if (x !== undefined) return String.fromCharCode(parseInt(x, 16));
    if (json !== undefined) return JSON_ESCAPES[json];
    const code = dec !== undefined ? parseInt(dec, 10) : hex !== undefined ? parseInt(hex, 16) : undefined;
    if (code !== undefined) return code <= 0x10ffff ? String.fromCodePoint(code) : match;
    return HTML_ENTITIES[entity!];
  });
}
