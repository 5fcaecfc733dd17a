import { describe, expect, it } from 'vitest';
import { goJson, goJsonString } from '../../lib/go/json';
import { DOCKER_HUB_SERVER, validateRegistryCredentials } from '../../lib/docker/credentials';
import { dockerConfigAuth, encodeDockerConfigJson } from '../../lib/docker/payload';

describe('goJsonString', () => {
  it.each([
    ['plain', 'abc', '"abc"'],
    ['html characters', '<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['line and paragraph separators', 'x\u2028y\u2029', '"x\\u2028y\\u2029"'],
    ['short escapes', '\b\f\n\r\t', '"\\b\\f\\n\\r\\t"'],
    ['other control characters in lower-case hex', '\u0001\u001b\u001f', '"\\u0001\\u001b\\u001f"'],
    ['quotes and backslashes', '"\\', '"\\"\\\\"'],
    ['non-ASCII kept raw', 'é日🔑', '"é日🔑"'],
    ['DEL kept raw', '\u007f', '"\u007f"'],
  ])('escapes %s as Go does', (_t, input, expected) => {
    expect(goJsonString(input)).toBe(expected);
  });

  it('sorts map keys by UTF-8 bytes, not UTF-16 code units', () => {
    // JavaScript's default sort compares UTF-16 units and puts U+1F511 (a surrogate pair, 0xD83D…) before U+FF5E;
    // Go compares UTF-8 bytes (F0… after EF…) and puts it last
    expect(goJson({ '\u{1F511}': 'a', '\uFF5E': 'b', 'z': 'c' }, true)).toBe('{"z":"c","\uFF5E":"b","\u{1F511}":"a"}');
  });
});

describe('encodeDockerConfigJson', () => {
  it('writes the spec example exactly', () => {
    const entry = validateRegistryCredentials({ username: 'test-user', password: 'test-password' }, 'test');
    expect(encodeDockerConfigJson([entry])).toBe(
      '{"auths":{"https://index.docker.io/v1/":{"username":"test-user","password":"test-password","auth":"dGVzdC11c2VyOnRlc3QtcGFzc3dvcmQ="}}}');
  });

  it('puts email between password and auth when given', () => {
    const entry = validateRegistryCredentials({ server: 'ghcr.io', username: 'u', password: 'p', email: 'e@x.io' }, 'test');
    expect(encodeDockerConfigJson([entry])).toBe('{"auths":{"ghcr.io":{"username":"u","password":"p","email":"e@x.io","auth":"dTpw"}}}');
  });

  it('treats an empty email as none, as kubectl does', () => {
    const entry = validateRegistryCredentials({ server: 'ghcr.io', username: 'u', password: 'p', email: '' }, 'test');
    expect(encodeDockerConfigJson([entry])).not.toContain('email');
  });

  it('orders several registries by server, whatever the input order', () => {
    const a = validateRegistryCredentials({ server: 'quay.io', username: 'u', password: 'p' }, 'test');
    const b = validateRegistryCredentials({ server: 'ghcr.io', username: 'u', password: 'p' }, 'test');
    const c = validateRegistryCredentials({ username: 'u', password: 'p' }, 'test');
    const one = encodeDockerConfigJson([a, b, c]);
    expect(one).toBe(encodeDockerConfigJson([c, a, b]));
    expect(Object.keys(JSON.parse(one).auths)).toEqual(['ghcr.io', DOCKER_HUB_SERVER, 'quay.io']);
  });

  it('encodes auth as padded base64 of the UTF-8 bytes of username:password', () => {
    expect(dockerConfigAuth('jürgen', 'a:b')).toBe(Buffer.from('jürgen:a:b', 'utf8').toString('base64'));
    expect(dockerConfigAuth('u', 'pw')).toBe('dTpwdw==');
  });
});

describe('validateRegistryCredentials', () => {
  const secretPassword = 'FAKE-SECRET-do-not-print';

  it.each([
    ['the username is empty', { username: '', password: secretPassword }, /'username' must not be empty/],
    ['the username is missing', { password: secretPassword }, /'username' must be a string, got undefined; set the registry user name/],
    ['the password is empty', { username: 'jane', password: '' }, /'password' must not be empty/],
    ['the password is undefined (an unset environment variable)', { username: 'jane', password: undefined }, /'password' must be a string, got undefined/],
    ['the username contains a colon', { username: 'jane:doe', password: secretPassword }, /'username' must not contain ':' \(its value is not shown/],
    ['the server is empty', { server: '', username: 'jane', password: secretPassword }, /'server' must not be empty; use a registry such as 'ghcr.io'/],
    ['the server contains a space', { server: 'ghcr.io ', username: 'jane', password: secretPassword }, /'server' must not contain white space, got "ghcr.io "/],
    ['the server contains a newline', { server: 'ghcr.io\n', username: 'jane', password: secretPassword }, /'server' must not contain white space/],
  ])('fails when %s', (_t, input, message) => {
    let error: Error | undefined;
    try {
      validateRegistryCredentials(input as any, 'PrivateRegistrySecret \'x\'');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(message);
    expect(error?.message).toMatch(/^PrivateRegistrySecret 'x'/);
    expect(error?.message).not.toContain(secretPassword);
    expect(error?.message).not.toContain('\n');
  });
});
