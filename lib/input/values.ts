/**
 * The checks every public entry point runs on what it is given, before anything is built: the JavaScript type first
 * (a caller in plain JavaScript, or a jsii language, can pass anything), then the content. One place per rule, so that
 * every construct words the same mistake the same way.
 *
 * Messages name the field and what was expected. They quote a value only when the caller says it is not secret:
 * a user name, password, email, `auth` or token never appears, because a pasted `user:password` in the user name
 * field is a password.
 */

/** A plain object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** How a value is described in "must be X, got Y": its kind, never its content. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof String) return 'a String object (use the primitive string)';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

/** Quotes a value that is not secret for a message, escaping line breaks so that the message stays one line. */
export function quote(value: string): string {
  return JSON.stringify(value.length > 300 ? `${value.slice(0, 300)}...` : value);
}

// with the u flag a surrogate pair is one code point, so only a lone half is in the surrogate category
const LONE_SURROGATE = /\p{Cs}/u;

/** Options of `requireString`. */
export interface StringRule {
  /** The value is a credential: messages never show it, nor where in it the problem is. */
  readonly secret?: boolean;
  /** An empty string is allowed (the caller decides what it means). */
  readonly allowEmpty?: boolean;
  /** Appended to the "must not be empty" message: how to fix it. */
  readonly emptyHint?: string;
}

/**
 * Returns `value` when it is a well-formed string, else throws naming `field`: a wrong type, text with a lone UTF-16
 * surrogate (JSON.stringify writes it as `\udXXX`, Buffer as U+FFFD, so two encodings of one value would disagree),
 * or an empty string unless allowed.
 *
 * @param where names the owner, for example `PrivateRegistrySecret 'regcred'`
 */
export function requireString(value: unknown, field: string, where: string, rule: StringRule = {}): string {
  if (typeof value !== 'string') {
    // a missing value gets the same hint as an empty one: both usually come from an unset variable
    const hint = value === undefined && rule.emptyHint ? `; ${rule.emptyHint}` : '';
    throw new Error(`${where}: '${field}' must be a string, got ${describeType(value)}${hint}`);
  }
  if (LONE_SURROGATE.test(value)) {
    const at = rule.secret ? '' : ` at index ${value.search(LONE_SURROGATE)}`;
    throw new Error(`${where}: '${field}' must be valid unicode text, got a lone utf-16 surrogate${at} (half of a character ` +
      'pair, which has no utf-8 encoding); fix the text where it was read or pasted');
  }
  if (!rule.allowEmpty && value.length === 0) {
    throw new Error(`${where}: '${field}' must not be empty${rule.emptyHint ? `; ${rule.emptyHint}` : ''}`);
  }
  return value;
}

/** `requireString` for a field that may be left out: undefined stays undefined. */
export function optionalString(value: unknown, field: string, where: string, rule: StringRule = {}): string | undefined {
  return value === undefined ? undefined : requireString(value, field, where, rule);
}

/**
 * Returns a copy of `value` when it is an array of well-formed, non-empty strings. A bare string is refused rather than
 * read as a list of its characters.
 *
 * @param example an example list for the message, such as `['ghcr.io']`
 */
export function requireStringList(value: unknown, field: string, where: string, example: string): string[] {
  if (!Array.isArray(value)) {
    throw new Error(`${where}: '${field}' must be a list of strings such as ${example}, got ${describeType(value)}`);
  }
  return value.map((v, i) => requireString(v, `${field}[${i}]`, where));
}

/** `requireStringList` for a field that may be left out. */
export function optionalStringList(value: unknown, field: string, where: string, example: string): string[] | undefined {
  return value === undefined ? undefined : requireStringList(value, field, where, example);
}

/** Returns `value` when it is an array (a bare value where a list belongs is refused, not wrapped). */
export function requireArray(value: unknown, field: string, where: string, example: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new Error(`${where}: '${field}' must be a list such as ${example}, got ${describeType(value)}`);
  }
  return value;
}

/** Returns `value` as a record when it is a plain object (not null, not an array); `what` says what it should hold. */
export function requireObject(value: unknown, field: string, where: string, what: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`${where}: '${field}' must be ${what}, got ${describeType(value)}`);
  }
  return value as Record<string, unknown>;
}

/** Returns `value` when it is true, false or undefined. */
export function optionalBoolean(value: unknown, field: string, where: string): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new Error(`${where}: '${field}' must be true or false, got ${describeType(value)}`);
  }
  return value;
}

/** Returns `value` when it is one of the enum's values (a plain JavaScript caller may pass any string). */
export function requireEnum<T extends string>(value: unknown, field: string, values: { [key: string]: T }, enumName: string, where: string): T {
  const allowed = Object.values(values);
  if (!allowed.includes(value as T)) {
    const got = typeof value === 'string' ? quote(value) : describeType(value);
    throw new Error(`${where}: '${field}' must be one of ${allowed.map((v) => `'${v}'`).join(', ')}, got ${got}; use ${enumName}`);
  }
  return value as T;
}

/** A cdk8s `Duration`, recognised by its method so that two copies of cdk8s in one app still agree. */
export interface DurationLike {
  toMilliseconds(): number;
}

/** Returns `value` when it is a cdk8s `Duration`; a string such as '1h' is refused with the fix. */
export function optionalDuration<T extends DurationLike>(value: T | undefined, field: string, where: string): T | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || typeof (value as DurationLike).toMilliseconds !== 'function') {
    const got = typeof value === 'string' ? `the string ${quote(value)}` : describeType(value);
    throw new Error(`${where}: '${field}' must be a Duration such as Duration.hours(1) (import { Duration } from 'cdk8s'), got ${got}`);
  }
  let ms: number;
  try {
    ms = value.toMilliseconds();
  } catch {
    ms = NaN; // cdk8s refuses a fraction of a millisecond (or NaN) only when asked for it
  }
  if (!Number.isInteger(ms) || ms < 0) {
    throw new Error(`${where}: '${field}' must be a whole number of milliseconds, zero or more, got ${String(ms)}; ` +
      'use Duration.seconds(...), Duration.minutes(...) or Duration.hours(...)');
  }
  return value;
}

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_LABEL_RE = new RegExp(`^${DNS1123_LABEL}$`);
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/** The longest DNS-1123 label: namespaces and container names. */
export const DNS1123_LABEL_MAX = 63;
/** The longest DNS-1123 subdomain: Secret, Pod and most other object names. */
export const DNS1123_SUBDOMAIN_MAX = 253;

/**
 * Throws unless `value` is a DNS-1123 label: a namespace, a container name.
 *
 * @param field the field, for the message (`metadata.namespace`)
 * @param maxLength a tighter limit where Kubernetes has one
 */
export function checkDns1123Label(value: unknown, field: string, where: string, maxLength = DNS1123_LABEL_MAX): string {
  const text = requireString(value, field, where);
  const problem = dns1123LabelProblem(text, maxLength);
  if (problem !== undefined) throw new Error(`${where}: '${field}' ${problem}`);
  return text;
}

/**
 * Throws unless `value` is a DNS-1123 subdomain: the rule for Secret, Pod and workload names.
 *
 * @param maxLength a tighter limit where Kubernetes has one (a CronJob's name: 52)
 */
export function checkDns1123Subdomain(value: unknown, field: string, where: string, maxLength = DNS1123_SUBDOMAIN_MAX): string {
  const text = requireString(value, field, where);
  const problem = dns1123SubdomainProblem(text, maxLength);
  if (problem !== undefined) throw new Error(`${where}: '${field}' ${problem}`);
  return text;
}

/** Why `text` is not a DNS-1123 label, as the rest of a sentence that starts with the field ("must be ..."), or undefined. */
export function dns1123LabelProblem(text: string, maxLength = DNS1123_LABEL_MAX): string | undefined {
  if (text.length <= maxLength && DNS1123_LABEL_RE.test(text)) return undefined;
  return 'must be a DNS-1123 label (lower-case letters, digits and \'-\', starting and ending with a letter or digit, at most ' +
    `${maxLength} characters), got ${describeName(text)}; for example '${suggestName(text, false, maxLength)}'`;
}

/** Why `text` is not a DNS-1123 subdomain, as the rest of a sentence that starts with the field, or undefined. */
export function dns1123SubdomainProblem(text: string, maxLength = DNS1123_SUBDOMAIN_MAX): string | undefined {
  if (text.length <= maxLength && DNS1123_SUBDOMAIN_RE.test(text)) return undefined;
  return 'must be a DNS-1123 subdomain (lower-case letters, digits, \'-\' and \'.\', starting and ending with a letter or digit, ' +
    `at most ${maxLength} characters), got ${describeName(text)}; for example '${suggestName(text, true, maxLength)}'`;
}

// apimachinery's label key and value rule (pkg/api/validate/content/kube.go: IsLabelKey, IsLabelValue)
const LABEL_NAME_RE = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_RULE = 'letters, digits, \'-\', \'_\' and \'.\', starting and ending with a letter or digit';
/** The longest name part of a label or annotation key, and the longest label value. */
export const LABEL_NAME_MAX = 63;
/** The API server's limit on an object's annotations: the bytes of every key and value together (256 KiB). */
export const ANNOTATIONS_SIZE_MAX = 256 * 1024;

/**
 * Why `key` is not a Kubernetes qualified name, as the rest of a sentence that starts with the key ("is not a valid key:
 * ..."), or undefined.
 *
 * @param anyCase judge the key lower-cased, as ValidateAnnotations does for an annotation key (a label key's prefix must
 * be lower-case)
 */
export function qualifiedNameProblem(key: string, anyCase = false): string | undefined {
  const parts = (anyCase ? goToLower(key) : key).split('/');
  if (parts.length > 2) return `it has ${parts.length - 1} '/', at most one is allowed (between the prefix and the name)`;
  const name = parts[parts.length - 1];
  if (parts.length === 2) {
    const prefix = parts[0];
    if (prefix.length === 0) return 'its prefix (before \'/\') is empty';
    if (prefix.length > DNS1123_SUBDOMAIN_MAX || !DNS1123_SUBDOMAIN_RE.test(prefix)) {
      return `its prefix (before '/') must be a DNS-1123 subdomain (${anyCase ? '' : 'lower-case '}letters, digits, '-' and '.', starting and ` +
        `ending with a letter or digit, at most ${DNS1123_SUBDOMAIN_MAX} characters), got ${describeName(key.split('/')[0])}`;
    }
  }
  if (name.length === 0) return `its name${parts.length === 2 ? ' (after \'/\')' : ''} is empty`;
  if (name.length > LABEL_NAME_MAX) return `its name has ${name.length} characters, more than ${LABEL_NAME_MAX}`;
  if (!LABEL_NAME_RE.test(name)) return `its name must be ${LABEL_RULE}`;
  return undefined;
}

/**
 * Go's strings.ToLower: each code point by its simple lower-case mapping. JavaScript's toLowerCase uses the full mapping,
 * which differs where it matters here: Go lowers 'İ' (U+0130) to 'i', JavaScript to 'i' and a combining dot.
 */
function goToLower(text: string): string {
  return Array.from(text, (c) => (c === '\u0130' ? 'i' : c.toLowerCase())).join('');
}

/** Why `value` is not a label value, as the rest of a sentence that starts with the field ("must be ..."), or undefined. */
export function labelValueProblem(value: string): string | undefined {
  if (value.length <= LABEL_NAME_MAX && (value === '' || LABEL_NAME_RE.test(value))) return undefined;
  return `must be empty or at most ${LABEL_NAME_MAX} ${LABEL_RULE}, got ${describeName(value)}`;
}

function describeName(text: string): string {
  return text.length > 60 ? `${text.length} characters (${quote(text.slice(0, 40) + '...')})` : quote(text);
}

function suggestName(value: string, dots: boolean, maxLength: number): string {
  const invalid = dots ? /[^a-z0-9.-]+/g : /[^a-z0-9-]+/g;
  const trim = /^[^a-z0-9]+|[^a-z0-9]+$/g;
  const s = value.toLowerCase().replace(invalid, '-').slice(0, maxLength).replace(trim, '');
  return s || 'myregcred';
}
