/**
 * JSON text exactly as Go's `encoding/json` Marshal writes it, for the value shapes this library emits.
 *
 * kubectl builds `.dockerconfigjson` with `json.Marshal`, which differs from `JSON.stringify` only in string escaping:
 * it HTML-escapes `<` `>` `&` and escapes U+2028 / U+2029. Everything else (`\"`, `\\`, `\b` `\f` `\n` `\r` `\t`,
 * other control characters as lower-case `\u00xx`, raw non-ASCII) is what `JSON.stringify` already does.
 */

const GO_EXTRA_ESCAPES = /[<>&\u2028\u2029]/g;

/** A JSON string literal as Go's `json.Marshal` writes it. */
export function goJsonString(value: string): string {
  return JSON.stringify(value).replace(GO_EXTRA_ESCAPES, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** Compares two strings by their UTF-8 bytes, the order in which Go's encoder writes map keys. */
export function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * Go's `json.Marshal` of a value made of strings, booleans, plain objects and arrays.
 *
 * @param value the value
 * @param sortKeys sort object keys as Go does for a map (true), or keep insertion order as Go does for a struct (false)
 */
export function goJson(value: unknown, sortKeys: boolean): string {
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return '[' + value.map((v) => goJson(v, sortKeys)).join(',') + ']';
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined);
    if (sortKeys) keys.sort(compareUtf8);
    return '{' + keys.map((k) => goJsonString(k) + ':' + goJson((value as Record<string, unknown>)[k], sortKeys)).join(',') + '}';
  }
  throw new Error(`cannot encode a value of type '${value === null ? 'null' : typeof value}' as go json`);
}
