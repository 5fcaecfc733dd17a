// The `auth` field as the kubelet decodes it (credentialprovider's decodeDockerConfigFieldAuth: padded base64 when the
// value, trimmed, ends in '=', unpadded otherwise, through Go's encoding/base64, which skips '\r' and '\n'; then a split
// at the first ':'). The expected values were produced by that Go code (Go 1.19) for exactly these inputs.
import { describe, expect, it } from 'vitest';
import { AUTH_NOT_TEXT, decodeAuth } from '../../lib/docker/auth-field';
import { checkManifests } from '../../lib/check/manifest-check';

const GO_DECODES: readonly [string, [string, string] | 'error' | 'not text'][] = [
  ['dXNl\ncjpwYXNz', ['user', 'pass']], // wrapped as `base64` without -w0 wraps
  ['dXNlcjpwYXNzMQ==\n', ['user', 'pass1']],
  ['dXNlcjpwYXNzMQ==\r\n', ['user', 'pass1']],
  ['dXNlcjpwYXNz\n', ['user', 'pass']],
  ['dXNlcjpwYXNzMQ== ', 'error'], // a space is no base64, and only '\r' and '\n' are skipped
  [' dXNlcjpwYXNzMQ==', 'error'],
  ['dXNlcjpwYXNzMQ', ['user', 'pass1']], // unpadded
  ['dXNlcjpwYXNzMQ=', 'error'],
  ['dXNlcnBhc3M=', 'error'], // no ':'
  ['dXNlcjr/', 'not text'], // 'user:' and the byte 0xff: Go sends the bytes as they are
];

describe('decodeAuth', () => {
  for (const [auth, expected] of GO_DECODES) {
    it(`reads ${JSON.stringify(auth)} as the kubelet does`, () => {
      const got = decodeAuth(auth);
      if (expected === 'error') expect(typeof got === 'string' && got !== AUTH_NOT_TEXT).toBe(true);
      else if (expected === 'not text') expect(got).toBe(AUTH_NOT_TEXT);
      else expect(got).toEqual(expected);
    });
  }
});

describe('the manifest check on auth fields the kubelet reads', () => {
  const secret = (config: unknown): any => ({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'regcred' }, data: { '.dockerconfigjson': Buffer.from(JSON.stringify(config)).toString('base64') } });
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' },
    spec: { containers: [{ name: 'c', image: 'ghcr.io/org/app:1' }], imagePullSecrets: [{ name: 'regcred' }] } };

  it('takes a wrapped auth, one that is not UTF-8, and Go\'s case-insensitive field names, and flags what Go cannot decode', () => {
    for (const auth of ['dXNl\ncjpwYXNz', 'dXNlcjr/']) {
      expect(checkManifests([secret({ auths: { 'ghcr.io': { auth } } }), pod]).errors).toEqual([]);
    }
    expect(checkManifests([secret({ AUTHS: { 'ghcr.io': { AUTH: 'dXNlcjpwYXNz' } } }), pod]).errors).toEqual([]);
    const broken = checkManifests([secret({ auths: { 'ghcr.io': { auth: 'dXNlcjpwYXNzMQ== ' } } }), pod]).errors;
    expect(broken.map((e) => e.rule)).toContain('secret-content');
    expect(broken[0].message).toMatch(/has an entry for 'ghcr.io' whose 'auth' is not valid base64/);
  });
});
