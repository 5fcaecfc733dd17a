// The `auth` field of a docker config entry, read as the kubelet reads it.

/**
 * What `decodeAuth` says of an `auth` that the kubelet reads, but whose user name or password is not UTF-8 text: the
 * kubelet sends the bytes as they are, while we cannot show them, write them into JSON, or log in with them.
 */
export const AUTH_NOT_TEXT = 'does not decode to utf-8 text';

/**
 * [username, password], or why `auth` is not base64 of `username:password` (the reason never quotes the value), or
 * `AUTH_NOT_TEXT`.
 */
export function decodeAuth(auth: string): [string, string] | string {
  // the kubelet decodes padded base64 when the value ends in '=' (after trimming white space), unpadded otherwise; Go's
  // decoder skips '\r' and '\n' anywhere (base64 wraps lines at 76 columns), and Buffer would accept anything at all
  const compact = auth.replace(/[\r\n]/g, '');
  const padded = compact.endsWith('=');
  const valid = padded
    ? compact.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/.test(compact)
    : compact.length % 4 !== 1 && /^[A-Za-z0-9+/]*$/.test(compact);
  if (!valid) return 'is not valid base64';
  const bytes = Buffer.from(compact, 'base64');
  // split at the first ':' byte (which no UTF-8 sequence holds inside): a user name cannot hold one, a password can
  const colon = bytes.indexOf(0x3a);
  if (colon < 0) return 'decodes to text without \':\'';
  try {
    const utf8 = new TextDecoder('utf-8', { fatal: true });
    return [utf8.decode(bytes.subarray(0, colon)), utf8.decode(bytes.subarray(colon + 1))];
  } catch {
    return AUTH_NOT_TEXT;
  }
}
