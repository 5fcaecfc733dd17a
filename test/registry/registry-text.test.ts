import { domainToASCII } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RegistryText, say, SecretScreen, WITHHELD } from '../../lib/registry/registry-text';

// The forms are made with Node's own encoders, not with the screen's decoders. login-hostile.test.ts shows the same
// against registries on 127.0.0.1 that echo the credential.
const username = 'FAKE-user';
const password = 'FAKE-pässword "1"/+';
const pair = `${username}:${password}`;

function screen(): SecretScreen {
  const s = new SecretScreen();
  s.addCredential(username, password);
  return s;
}

describe('SecretScreen', () => {
  test.each([
    ['plain', `https://auth.example/${password}/token`],
    ['upper case', password.toUpperCase()],
    ['percent-encoded', encodeURIComponent(password)],
    ['percent-encoded twice', encodeURIComponent(encodeURIComponent(password))],
    ['form-encoded (+ for space)', new URLSearchParams({ p: password }).toString()],
    ['JSON-escaped, every character', [...password].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')],
    ['JSON string', JSON.stringify({ password })],
    ['HTML character references', [...password].map((c) => `&#x${c.codePointAt(0)!.toString(16)};`).join('')],
    ['hex', Buffer.from(password).toString('hex')],
    ['base64 of user:password (the auth value)', Buffer.from(pair).toString('base64')],
    ['base64url of user:password at an odd offset', `abc${Buffer.from(pair).toString('base64url')}`],
    ['base64 of a JSON document holding it', Buffer.from(JSON.stringify({ auth: password })).toString('base64')],
    ['base64 of the password, percent-encoded', encodeURIComponent(Buffer.from(password).toString('base64'))],
    ['the user name', `user ${username} is unknown`],
    ['a punycode host', domainToASCII('FAKE-pässword.example')],
  ])('finds the credential %s', (form, text) => {
    const s = new SecretScreen();
    s.addCredential(username, form === 'a punycode host' ? 'FAKE-pässword' : password);
    expect(s.holds(text)).toBe(true);
  });

  test.each([
    'https://auth.example/token',
    'error="invalid_token"',
    Buffer.from('FAKE-other').toString('base64'),
    'FAKE-pässword "2"',
  ])('lets %s through', (text) => {
    expect(screen().holds(text)).toBe(false);
  });

  test('a user name shorter than 3 characters would match ordinary words and is not looked for; the password always is', () => {
    const s = new SecretScreen();
    s.addCredential('ab', 'FAKE-pw');
    expect(s.holds('https://lab.example/token')).toBe(false);
    expect(s.holds('https://lab.example/FAKE-pw')).toBe(true);
  });

  test('render withholds only the registry\'s part that holds a credential, and puts the others on one line', () => {
    const s = screen();
    const reason = say`the realm ${new RegistryText(`https://a/${password}`)} and ${new RegistryText('two\nlines')} (HTTP ${401})`;
    expect(s.render(reason)).toBe(`the realm ${WITHHELD} and two lines (HTTP 401)`);
  });

  test('text too large to screen through every decoding is withheld rather than printed unscreened', () => {
    // 600 KB of base64: its decodings alone are more than the screen looks through
    expect(screen().holds(Buffer.from('A'.repeat(450_000)).toString('base64'))).toBe(true);
    expect(screen().holds('x'.repeat(1000))).toBe(false);
  });

  test('a token added to the screen is withheld too', () => {
    const s = screen();
    s.add('FAKE-token-value');
    expect(s.render(say`${new RegistryText('error: FAKE-token-value expired')}`)).toBe(WITHHELD);
  });
});
