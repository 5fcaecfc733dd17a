// The stability key's text: hex or base64 of 32 random bytes or more; every refusal names the field and never the key.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readStabilityKey } from '../../lib/secrets/_stability-key';

const WHAT = "SealedRegistrySecret 'regcred': 'stabilityKey'";
const PUBLIC_KEY = Buffer.from('spki');

/** The session key derived for fixed inputs: equal for equal keys. */
function sessionKeyOf(text: string): string {
  return readStabilityKey(text, WHAT).derive('apps/regcred', PUBLIC_KEY, Buffer.from('payload')).sessionKey.toString('hex');
}

function messageOf(text: unknown): string {
  try {
    readStabilityKey(text, WHAT);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the key was accepted');
}

describe('readStabilityKey', () => {
  const bytes = randomBytes(32);

  it('reads 64 hex digits, either case, and base64 of the same bytes (standard, URL-safe, padded or not) as one key', () => {
    const hex = bytes.toString('hex');
    const forms = [hex, hex.toUpperCase(), bytes.toString('base64'), bytes.toString('base64').replace(/=+$/, ''), bytes.toString('base64url'),
      `  ${hex}\n`, `${bytes.toString('base64')}\n`];
    expect(new Set(forms.map(sessionKeyOf)).size).toBe(1);
  });

  it('reads a longer key, and a different key derives a different session key', () => {
    expect(sessionKeyOf(randomBytes(64).toString('hex'))).not.toBe(sessionKeyOf(bytes.toString('hex')));
    expect(sessionKeyOf(randomBytes(32).toString('base64'))).not.toBe(sessionKeyOf(bytes.toString('hex')));
  });

  it('derives a session key and a seed of 32 bytes each, different from each other and changing with every input', () => {
    const key = readStabilityKey(bytes.toString('hex'), WHAT);
    const base = key.derive('apps/regcred', PUBLIC_KEY, Buffer.from('payload'));
    expect(base.sessionKey).toHaveLength(32);
    expect(base.seed).toHaveLength(32);
    expect(base.sessionKey.equals(base.seed)).toBe(false);
    const others = [
      key.derive('apps/other', PUBLIC_KEY, Buffer.from('payload')),
      key.derive('apps/regcred', Buffer.from('spkj'), Buffer.from('payload')),
      key.derive('apps/regcred', PUBLIC_KEY, Buffer.from('payloae')),
      // the parts are length-prefixed: moving a byte from one part to the next is another input
      key.derive('apps/regcreds', Buffer.from('pki'), Buffer.from('payload')),
    ];
    for (const o of others) {
      expect(o.sessionKey.equals(base.sessionKey)).toBe(false);
      expect(o.seed.equals(base.seed)).toBe(false);
    }
  });

  const refused: [string, unknown, RegExp][] = [
    ['a number', 42, /must be a string \(64 or more hex digits, or base64\), got a number/],
    ['a Buffer', randomBytes(32), /must be a string .* got an object/],
    ['empty', '  ', /is empty, expected a random key of at least 32 bytes/],
    ['62 hex digits (31 bytes)', randomBytes(31).toString('hex'), /is too short: 62 hex digits \(31 bytes\)/],
    ['an odd number of hex digits', randomBytes(32).toString('hex').slice(1), /has an odd number of hex digits \(63\)/],
    ['base64 of 24 bytes', randomBytes(24).toString('base64'), /is too short: 32 base64 characters \(24 bytes\)/],
    ['a passphrase', 'correct horse battery staple, but longer than 44', /is neither hex nor base64/],
    ['base64 with padding in the middle', `${randomBytes(16).toString('base64')}${randomBytes(16).toString('base64')}`, /is neither hex nor base64/],
    ['base64 that mixes both alphabets', `${randomBytes(33).toString('base64')}-_`, /is neither hex nor base64/],
    ['all zeros', '0'.repeat(64), /is not random: its 32 bytes take only 1 different values/],
    ['a repeated pattern', 'deadbeef'.repeat(8), /is not random: its 32 bytes take only 4 different values/],
  ];
  for (const [title, value, says] of refused) {
    it(`fails when the key is ${title}, naming the field, one line, without the key`, () => {
      const message = messageOf(value);
      expect(message.startsWith(`${WHAT} `)).toBe(true);
      expect(message).toMatch(says);
      expect(message).toMatch(/openssl rand -hex 32/);
      expect(message).not.toContain('\n');
      if (typeof value === 'string' && value.trim().length > 8) {
        for (let i = 0; i + 8 <= value.trim().length; i += 4) expect(message).not.toContain(value.trim().slice(i, i + 8));
      }
    });
  }
});
