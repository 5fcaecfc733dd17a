import { describe, expect, test } from 'vitest';
import { parseWwwAuthenticate } from '../../lib/registry/www-authenticate';

// Cases from RFC 7235 section 4.1 and RFC 6750 section 3, and the headers docker-registry 2.8 writes
// (registry/auth/token/accesscontroller.go, registry/auth/htpasswd): Go's %q quoting escapes '"' and '\'.
describe('parseWwwAuthenticate', () => {
  test('the Bearer challenge of docker-registry with realm, service, scope and error', () => {
    const header = 'Bearer realm="http://127.0.0.1:5001/token",service="registry",scope="repository:team/app:pull",error="insufficient_scope"';
    expect(parseWwwAuthenticate(header)).toEqual([{
      scheme: 'bearer',
      params: { realm: 'http://127.0.0.1:5001/token', service: 'registry', scope: 'repository:team/app:pull', error: 'insufficient_scope' },
    }]);
  });

  test('the Basic challenge of htpasswd auth', () => {
    expect(parseWwwAuthenticate('Basic realm="test-registry"')).toEqual([{ scheme: 'basic', params: { realm: 'test-registry' } }]);
  });

  test('several challenges in one header, as RFC 7235 shows them', () => {
    const header = 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"';
    expect(parseWwwAuthenticate(header)).toEqual([
      { scheme: 'newauth', params: { realm: 'apps', type: '1', title: 'Login to "apps"' } },
      { scheme: 'basic', params: { realm: 'simple' } },
    ]);
  });

  test('headers joined with ", " (as fetch joins repeated headers) read as one list', () => {
    expect(parseWwwAuthenticate('Basic realm="a", Bearer realm="https://auth.example/token",service="x"').map((c) => c.scheme))
      .toEqual(['basic', 'bearer']);
  });

  test('scheme and parameter names are case-insensitive, values are kept as written', () => {
    expect(parseWwwAuthenticate('BEARER Realm="https://Auth.Example/Token", SERVICE=Registry.Example')).toEqual([{
      scheme: 'bearer', params: { realm: 'https://Auth.Example/Token', service: 'Registry.Example' },
    }]);
  });

  test('quoted strings keep commas, equals signs and escaped backslashes', () => {
    expect(parseWwwAuthenticate('Bearer realm="https://a.example/t?x=1,y=2",scope="a\\\\b"')[0].params)
      .toEqual({ realm: 'https://a.example/t?x=1,y=2', scope: 'a\\b' });
  });

  test('white space around "=" and between list elements, and empty list elements, are allowed', () => {
    expect(parseWwwAuthenticate(' ,  Bearer realm = "r" ,  , service= s ,Basic')).toEqual([
      { scheme: 'bearer', params: { realm: 'r', service: 's' } },
      { scheme: 'basic', params: {} },
    ]);
  });

  test('a token68 challenge, and a scheme without anything after it', () => {
    expect(parseWwwAuthenticate('Negotiate YII=, NTLM, Basic realm="x"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'YII=' },
      { scheme: 'ntlm', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  test('the first of a repeated parameter wins', () => {
    expect(parseWwwAuthenticate('Bearer realm="first", realm="second"')[0].params.realm).toBe('first');
  });

  test('an unterminated quoted string does not swallow what follows the next comma', () => {
    expect(parseWwwAuthenticate('Bearer realm="oops, Basic realm="x"').map((c) => c.scheme)).toContain('basic');
  });

  test('an empty or blank header has no challenges', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate(' , ')).toEqual([]);
  });
});
