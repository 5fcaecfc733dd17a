// The controller's side of Sealed Secrets, for tests: a key pair and certificate made by openssl, and a decryption
// written from the sealed-secrets format that shares nothing with lib/sealing.
import { execFileSync } from 'node:child_process';
import { KeyObject, constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway controller key pair. */
export interface SealingKeys {
  /** The folder with key.pem and cert.pem. */
  readonly dir: string;
  /** The PEM certificate file, as `kubeseal --fetch-cert` would write it. */
  readonly certPath: string;
  /** The private key, which only the controller has. */
  readonly privateKey: KeyObject;
  /** Removes the files. */
  close(): void;
}

/** Makes an RSA key and a self-signed certificate with openssl (2048 bits: the controller's 4096 changes nothing but time). */
export function createSealingKeys(): SealingKeys {
  const dir = mkdtempSync(join(tmpdir(), 'sealing-keys-'));
  const openssl = (...args: string[]): void => {
    execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  };
  openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'key.pem');
  openssl('req', '-x509', '-new', '-key', 'key.pem', '-subj', '/O=sealed-secrets', '-days', '30', '-out', 'cert.pem');
  return {
    dir,
    certPath: join(dir, 'cert.pem'),
    privateKey: createPrivateKey(readFileSync(join(dir, 'key.pem'))),
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Opens a sealed value as the controller's HybridDecrypt does: uint16 big-endian length of the RSA part,
 * RSA-OAEP-SHA256 with the scope label, then AES-256-GCM under a zero 12-byte nonce with the 16-byte tag at the end.
 */
export function unseal(sealed: string, label: string, privateKey: KeyObject): string {
  const bytes = Buffer.from(sealed, 'base64');
  const rsaLength = bytes.readUInt16BE(0);
  const sessionKey = privateDecrypt({
    key: privateKey,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: Buffer.from(label, 'utf8'),
  }, bytes.subarray(2, 2 + rsaLength));
  const aes = bytes.subarray(2 + rsaLength);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]).toString('utf8');
}
