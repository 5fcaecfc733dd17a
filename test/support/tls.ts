/**
 * Certificates for tests, made by the openssl program: a throw-away CA, a server certificate for 127.0.0.1 signed by
 * it, and a self-signed certificate for signing tokens. Test support only.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RegistryTls } from './registry';

const OPENSSL_TIMEOUT_MS = 30_000;

/** A CA and a server certificate it signed, as PEM files in one directory. */
export interface TestCa extends RegistryTls {
  /** The CA's private key (only to sign more certificates in tests). */
  readonly caKey: string;
}

/** A key pair and a self-signed certificate of its public key. */
export interface SelfSignedCertificate {
  readonly key: string;
  readonly certificate: string;
}

/** Makes `ca.pem` and `server.pem`/`server.key` (SAN IP 127.0.0.1, valid for two days) in `dir`. */
export function makeTestCa(dir: string): TestCa {
  const ca = path.join(dir, 'ca.pem');
  const caKey = path.join(dir, 'ca.key');
  openssl(dir, [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', caKey, '-out', ca,
    '-days', '2', '-subj', '/CN=login check test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const key = path.join(dir, 'server.key');
  const csr = path.join(dir, 'server.csr');
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key, '-out', csr, '-subj', '/CN=127.0.0.1']);
  const extensions = path.join(dir, 'server.ext');
  fs.writeFileSync(extensions, [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1',
    '',
  ].join('\n'));
  const certificate = path.join(dir, 'server.pem');
  openssl(dir, [
    'x509', '-req', '-in', csr, '-CA', ca, '-CAkey', caKey, '-set_serial', `0x${randomBytes(8).toString('hex')}`,
    '-days', '2', '-extfile', extensions, '-out', certificate,
  ]);
  return { ca, caKey, certificate, key };
}

/** An RSA key and a self-signed certificate for it, named `NAME.key` and `NAME.pem` in `dir`. */
export function makeSelfSigned(dir: string, name: string, commonName: string): SelfSignedCertificate {
  const key = path.join(dir, `${name}.key`);
  const certificate = path.join(dir, `${name}.pem`);
  openssl(dir, [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', certificate, '-days', '2', '-subj', `/CN=${commonName}`,
  ]);
  return { key, certificate };
}

function openssl(cwd: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: OPENSSL_TIMEOUT_MS });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString().trim();
    throw new Error(`openssl ${args[0]} failed: ${stderr || (e as Error).message}`);
  }
}
