// The controller's side of Sealed Secrets, for tests: a key pair and certificate made by openssl, and a decryption
// written from the sealed-secrets format that shares nothing with lib/sealing; and a Go oracle of our own in the
// controller's format (Go's crypto/rsa and AES-GCM), built here.
import { execFileSync } from 'node:child_process';
import { KeyObject, constants, createDecipheriv, createPrivateKey, privateDecrypt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGoProgram, runGo } from './go';

/** A throwaway controller key pair. */
export interface SealingKeys {
  /** The folder with key.pem and cert.pem. */
  readonly dir: string;
  /** The PEM certificate file, as `kubeseal --fetch-cert` would write it. */
  readonly certPath: string;
  /** The private key, which only the controller has. */
  readonly privateKey: KeyObject;
  /** The same private key as PKCS#8 PEM text. */
  readonly privateKeyPem: string;
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
    privateKeyPem: readFileSync(join(dir, 'key.pem'), 'utf8'),
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

/** One value for the Go oracle to open with a private key, as the controller does. */
export interface GoOpenRequest {
  readonly sealed: string;
  readonly label: string;
  readonly privateKeyPem: string;
}

/** One value for the Go oracle to seal in kubeseal's way (session key, then OAEP seed), reading `random` where kubeseal reads crypto/rand. */
export interface GoSealRequest {
  readonly plaintext: Buffer;
  readonly label: string;
  readonly certificatePem: string;
  /** The session key (32 bytes), then the OAEP seed (32 bytes). */
  readonly random: Buffer;
}

/** the controller's format with Go's crypto (test/support/go-sealed-secrets/main.go); each result is the bytes, or Go's error. */
export interface GoSealedSecrets {
  open(requests: readonly GoOpenRequest[]): (Buffer | Error)[];
  seal(requests: readonly GoSealRequest[]): (Buffer | Error)[];
  close(): void;
}

/** Builds the Go oracle (once per test file: a build takes seconds). */
export function buildGoSealedSecrets(): GoSealedSecrets {
  const { binary, close } = buildGoProgram(join(__dirname, 'go-sealed-secrets', 'main.go'), 'go-sealed-secrets');
  const run = (batch: object[]): (Buffer | Error)[] => {
    const stdout = runGo(binary, JSON.stringify({ batch }));
    return (JSON.parse(stdout) as { out?: string; error?: string }[])
      .map((r) => (r.out !== undefined ? Buffer.from(r.out, 'base64') : new Error(r.error)));
  };
  return {
    open: (requests) => run(requests.map((r) => ({ op: 'open', sealed: r.sealed, label: r.label, privateKey: r.privateKeyPem }))),
    seal: (requests) => run(requests.map((r) => ({ op: 'seal', certificate: r.certificatePem, label: r.label,
      plaintext: r.plaintext.toString('base64'), random: r.random.toString('base64') }))),
    close,
  };
}
