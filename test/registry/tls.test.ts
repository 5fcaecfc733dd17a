import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { LOGIN_TLS_MARKER, loginTlsEnvironment, loginTlsReady } from '../../lib/registry/tls';
import { makeTestCa, TestCa } from '../support/tls';

// What the environment holds. That a child process under it really trusts the CA is judged against a TLS
// docker-registry in test/real-registry/login-check.test.ts.
describe('loginTlsEnvironment', () => {
  let dir: string;
  let ca: TestCa;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'login-tls-test-'));
    ca = makeTestCa(dir);
  });

  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('switches to the OpenSSL store pointed at the system bundle, and keeps the rest of the environment', () => {
    const { env } = loginTlsEnvironment(undefined, { PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=100', SSL_CERT_FILE: ca.ca });
    expect(env).toEqual({
      PATH: '/bin',
      NODE_OPTIONS: '--max-old-space-size=100 --use-openssl-ca',
      SSL_CERT_FILE: ca.ca,
      [LOGIN_TLS_MARKER]: 'system',
    });
  });

  test('an explicit --use-bundled-ca in NODE_OPTIONS is left as the user set it', () => {
    const { env } = loginTlsEnvironment(undefined, { NODE_OPTIONS: '--use-bundled-ca' });
    expect(env.NODE_OPTIONS).toBe('--use-bundled-ca');
    expect(env.SSL_CERT_FILE).toBeUndefined();
  });

  test('a CA file becomes NODE_EXTRA_CA_CERTS, as an absolute path', () => {
    const relative = path.relative(process.cwd(), ca.ca);
    const tls = loginTlsEnvironment(relative, {});
    expect(tls.env.NODE_EXTRA_CA_CERTS).toBe(path.resolve(ca.ca));
    expect(tls.env[LOGIN_TLS_MARKER]).toBe(`system+${path.resolve(ca.ca)}`);
  });

  test('an existing NODE_EXTRA_CA_CERTS is combined with the CA file in a temporary file that cleanup removes', () => {
    const other = makeTestCa(fs.mkdtempSync(path.join(dir, 'other-')));
    const tls = loginTlsEnvironment(ca.ca, { NODE_EXTRA_CA_CERTS: other.ca });
    const combined = tls.env.NODE_EXTRA_CA_CERTS!;
    const text = fs.readFileSync(combined, 'utf8');
    expect(text).toContain(fs.readFileSync(ca.ca, 'utf8').trim());
    expect(text).toContain(fs.readFileSync(other.ca, 'utf8').trim());
    tls.cleanup();
    expect(fs.existsSync(combined)).toBe(false);
    tls.cleanup();
  });

  test('loginTlsReady is true only in a process started with the environment for the same CA file', () => {
    const { env } = loginTlsEnvironment(ca.ca, {});
    expect(loginTlsReady(ca.ca, env)).toBe(true);
    expect(loginTlsReady(undefined, env)).toBe(false);
    expect(loginTlsReady(ca.ca, {})).toBe(false);
    expect(loginTlsReady(undefined, loginTlsEnvironment(undefined, {}).env)).toBe(true);
  });

  test('fails when the CA file cannot be read', () => {
    const missing = path.join(dir, 'missing.pem');
    expect(() => loginTlsEnvironment(missing, {}))
      .toThrow(`ca file '${missing}' cannot be read (ENOENT): give a readable PEM file of CA certificates`);
  });

  test('fails when the CA file holds no PEM certificate, without quoting its content', () => {
    const key = path.join(dir, 'ca.key');
    let message = '';
    try {
      loginTlsEnvironment(key, {});
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe(`ca file '${key}' holds no '-----BEGIN CERTIFICATE-----' block: give a PEM file of CA certificates`);
  });

  test('fails when a certificate block does not parse', () => {
    const broken = path.join(dir, 'broken.pem');
    fs.writeFileSync(broken, '-----BEGIN CERTIFICATE-----\nnot base64 DER\n-----END CERTIFICATE-----\n');
    expect(() => loginTlsEnvironment(broken, {})).toThrow(`ca file '${broken}': certificate 1 does not parse as X.509`);
  });
});
