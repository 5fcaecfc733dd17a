// The `auth` field of a docker config entry, read as the kubelet reads it.

/** [username, password], or why `auth` is not base64 of `username:password` (the reason never quotes the value). */
export function decodeAuth(auth: string): [string, string] | string {
  // the kubelet decodes padded base64 when the value ends in '=', unpadded otherwise; Buffer would accept anything
  const padded = auth.endsWith('=');
  const valid = padded
    ? auth.length % 4 === 0 && /^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)$/.test(auth)
    : auth.length % 4 !== 1 && /^[A-Za-z0-9+/]*$/.test(auth);
  if (!valid) return 'is not valid base64';
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.from(auth, 'base64'));
  } catch {
    return 'does not decode to utf-8 text';
  }
  // split at the first ':': a user name cannot hold one, a password can
  const colon = text.indexOf(':');
  if (colon < 0) return 'decodes to text without \':\'';
  return [text.slice(0, colon), text.slice(colon + 1)];
}
