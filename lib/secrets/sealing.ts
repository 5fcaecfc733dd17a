/**
 * Encrypts one value for a Bitnami SealedSecret the way `kubeseal --raw` does, so a chart can carry sealed values
 * that only the cluster's sealed-secrets controller can open. Pure logic: no constructs.
 *
 * The format (sealed-secrets `pkg/crypto` `HybridEncrypt`): a fresh 32-byte session key encrypts the value with
 * AES-256-GCM under an all-zero nonce; RSA-OAEP (SHA-256) wraps the session key, with the scope's label as the OAEP
 * label; the bytes are `uint16 big-endian length of the RSA part || RSA part || GCM ciphertext || 16-byte tag`,
 * written as standard base64.
 *
 * The OAEP encoding is done here (RFC 8017 7.1.1, as Go's `rsa.EncryptOAEP`) and only the raw RSA operation by
 * OpenSSL, because OpenSSL draws the OAEP seed itself and a stable seal must choose it (see `_stability-key.ts`).
 * Random and stable seals share this one path; only where the session key and seed come from differs.
 *
 * @see https://github.com/bitnami-labs/sealed-secrets#scopes
 */
import { KeyObject, X509Certificate, constants, createCipheriv, createHash, createPublicKey, publicEncrypt, randomBytes } from 'node:crypto';
import { SealingRandomness, StabilityKey } from './_stability-key';
import { SealingScope } from './sealing-scope';

/** The annotation that marks a SealedSecret namespace-wide. */
const NAMESPACE_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/namespace-wide';

/** The annotation that marks a SealedSecret cluster-wide; the controller checks it before the namespace-wide one. */
const CLUSTER_WIDE_ANNOTATION = 'sealedsecrets.bitnami.com/cluster-wide';

// Each value gets its own key, which is why the controller can use a constant (zero) GCM nonce safely.
const SESSION_KEY_BYTES = 32;
// Go's cipher.NewGCM uses the standard 12-byte nonce and 16-byte tag; the controller expects exactly these.
const GCM_NONCE_BYTES = 12;
const GCM_TAG_BYTES = 16;
// sealed-secrets wraps with OAEP over SHA-256, for the label hash, the seed and MGF1 alike
const HASH_BYTES = 32;
// RSA-OAEP fits a message of at most k - 2*hLen - 2 bytes (RFC 8017 7.1.1): a 32-byte key needs k >= 98 bytes, 784 bits
const MIN_RSA_BITS = (SESSION_KEY_BYTES + 2 * HASH_BYTES + 2) * 8;

const SCOPES = Object.values(SealingScope).map((s) => `'${s}'`).join(', ');

/**
 * The OAEP label for a scope, as sealed-secrets' `EncryptionLabel`: `namespace/name` for strict, `namespace` for
 * namespace-wide, empty for cluster-wide (which ignores both arguments; namespace-wide ignores `name`).
 */
export function sealingLabel(scope: SealingScope, namespace: string, name: string): string {
  switch (scope) {
    case SealingScope.CLUSTER_WIDE:
      return '';
    case SealingScope.NAMESPACE_WIDE:
      requireGiven('namespace', namespace, scope);
      return namespace;
    case SealingScope.STRICT:
      requireGiven('namespace', namespace, scope);
      requireGiven('name', name, scope);
      return `${namespace}/${name}`;
    default:
      throw new Error(`sealing: 'scope' must be one of ${SCOPES}, got ${JSON.stringify(scope)}`);
  }
}

/**
 * The annotations a SealedSecret's `metadata` must carry for the controller to unseal it with the scope's label
 * (kubeseal writes the same ones into `spec.template.metadata` too); strict needs none.
 */
export function sealingAnnotations(scope: SealingScope): { [key: string]: string } {
  switch (scope) {
    case SealingScope.CLUSTER_WIDE:
      return { [CLUSTER_WIDE_ANNOTATION]: 'true' };
    case SealingScope.NAMESPACE_WIDE:
      return { [NAMESPACE_WIDE_ANNOTATION]: 'true' };
    case SealingScope.STRICT:
      return {};
    default:
      throw new Error(`sealing: 'scope' must be one of ${SCOPES}, got ${JSON.stringify(scope)}`);
  }
}

/**
 * Seals `plaintext` for the controller whose certificate (`kubeseal --fetch-cert` output) or RSA public key is
 * `certificatePem`, bound to `label` (see `sealingLabel`), and returns the base64 text for `spec.encryptedData`.
 * Without a stability key every call draws a new session key and seed, so sealing the same value twice gives different
 * text; with one, the same value, label and public key give the same text every time.
 *
 * @param certificateSource names where the PEM came from (a file path) in error messages
 * @param stabilityKey derives the session key and seed from what is sealed instead of drawing them
 */
export function sealValue(plaintext: Buffer, certificatePem: string, label: string, certificateSource = 'certificatePem',
  stabilityKey?: StabilityKey): string {
  const publicKey = sealingPublicKey(certificatePem, certificateSource);
  const randomness = stabilityKey
    ? stabilityKey.derive(label, publicKey.export({ type: 'spki', format: 'der' }), plaintext)
    : { sessionKey: randomBytes(SESSION_KEY_BYTES), seed: randomBytes(HASH_BYTES) };
  return hybridEncrypt(plaintext, publicKey, label, randomness).toString('base64');
}

/**
 * sealed-secrets' `HybridEncrypt` with its two random reads given: the session key (its first read) and the OAEP seed
 * (the second, inside `rsa.EncryptOAEP`). Go's code fed the same bytes writes the same output.
 */
export function hybridEncrypt(plaintext: Buffer, publicKey: KeyObject, label: string, randomness: SealingRandomness): Buffer {
  const { sessionKey, seed } = randomness;
  const k = Math.ceil((publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  // the encoded message starts with a zero byte, so as a number it is below the modulus, as raw RSA requires
  const wrappedKey = publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, oaepEncode(sessionKey, label, k, seed));

  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(GCM_NONCE_BYTES), { authTagLength: GCM_TAG_BYTES });
  const encrypted = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);

  const length = Buffer.alloc(2);
  length.writeUInt16BE(wrappedKey.length);
  return Buffer.concat([length, wrappedKey, encrypted]);
}

/**
 * EME-OAEP encoding with SHA-256 and MGF1-SHA-256 (RFC 8017 7.1.1 step 2): `0x00 || maskedSeed || maskedDB` for a
 * modulus of `k` bytes, where `DB = SHA-256(label) || zeros || 0x01 || message`.
 */
function oaepEncode(message: Buffer, label: string, k: number, seed: Buffer): Buffer {
  if (seed.length !== HASH_BYTES || message.length > k - 2 * HASH_BYTES - 2) {
    throw new Error(`sealing: rsa-oaep cannot wrap ${message.length} bytes with a ${seed.length}-byte seed in a ${k * 8}-bit key`);
  }
  const db = Buffer.alloc(k - HASH_BYTES - 1);
  sha256(Buffer.from(label, 'utf8')).copy(db, 0);
  db[db.length - message.length - 1] = 0x01;
  message.copy(db, db.length - message.length);
  const maskedDb = xor(db, mgf1(seed, db.length));
  const maskedSeed = xor(seed, mgf1(maskedDb, HASH_BYTES));
  return Buffer.concat([Buffer.alloc(1), maskedSeed, maskedDb]);
}

/** MGF1 with SHA-256 (RFC 8017 B.2.1): SHA-256(seed || counter) for counter 0, 1, ..., cut to `length` bytes. */
function mgf1(seed: Buffer, length: number): Buffer {
  const blocks: Buffer[] = [];
  const counter = Buffer.alloc(4);
  for (let i = 0; i * HASH_BYTES < length; i++) {
    counter.writeUInt32BE(i);
    blocks.push(sha256(Buffer.concat([seed, counter])));
  }
  return Buffer.concat(blocks).subarray(0, length);
}

function sha256(data: Buffer): Buffer {
  return createHash('sha256').update(data).digest();
}

function xor(a: Buffer, b: Buffer): Buffer {
  return Buffer.from(a.map((byte, i) => byte ^ b[i]));
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]*?-----END \1-----/g;
/** The fix for every certificate problem: fetch the controller's certificate again. */
export const FETCH_CERT_HINT = "fetch the controller's certificate with 'kubeseal --fetch-cert > cert.pem'";

/**
 * The RSA key to seal with. Like kubeseal, the first CERTIFICATE block counts and an expired certificate is refused
 * (kubeseal's `ParseKey` fails with "failed to encrypt using an expired certificate"). A bare public key has no dates.
 * Messages never quote the PEM: a private key pasted by mistake must not end up in a log.
 */
export function sealingPublicKey(pem: string, source: string): KeyObject {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  const certificate = blocks.find((b) => b[1] === 'CERTIFICATE');
  const bareKey = blocks.find((b) => b[1] === 'PUBLIC KEY' || b[1] === 'RSA PUBLIC KEY');

  let key: KeyObject;
  if (certificate) {
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(certificate[0]);
    } catch {
      throw new Error(`sealing: ${source} has a CERTIFICATE block that is not a valid x.509 certificate; ${FETCH_CERT_HINT}`);
    }
    // Node 20 has no validToDate; validTo is OpenSSL's 'Mon DD HH:MM:SS YYYY GMT', which Date parses
    const notAfter = new Date(x509.validTo);
    if (!(notAfter.getTime() > Date.now())) {
      throw new Error(`sealing: ${source} holds a certificate that expired on ${x509.validTo}, expected one that is still valid; ` +
        `${FETCH_CERT_HINT}`);
    }
    key = x509.publicKey;
  } else if (bareKey) {
    try {
      key = createPublicKey(bareKey[0]);
    } catch {
      throw new Error(`sealing: ${source} has a ${bareKey[1]} block that cannot be parsed; ${FETCH_CERT_HINT}`);
    }
  } else {
    const found = blocks.length > 0 ? `only ${blocks.map((b) => `'${b[1]}'`).join(', ')} blocks` : 'no pem block';
    throw new Error(`sealing: ${source} must be a pem certificate ('-----BEGIN CERTIFICATE-----') or an rsa public key, ` +
      `found ${found}; ${FETCH_CERT_HINT}`);
  }

  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`sealing: ${source} holds a ${key.asymmetricKeyType} key, expected an rsa key ` +
      `(sealed-secrets seals with rsa-oaep only); ${FETCH_CERT_HINT}`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) {
    throw new Error(`sealing: ${source} holds a ${bits}-bit rsa key, expected at least ${MIN_RSA_BITS} bits (rsa-oaep with sha-256 ` +
      `cannot wrap a ${SESSION_KEY_BYTES}-byte session key in less; the controller makes 4096-bit keys); ${FETCH_CERT_HINT}`);
  }
  return key;
}

function requireGiven(field: string, value: string, scope: SealingScope): void {
  if (value === '') {
    throw new Error(`sealing: '${field}' must not be empty for scope '${scope}' (it is part of the label); ` +
      `give the secret's ${field}, or use scope '${SealingScope.CLUSTER_WIDE}'`);
  }
}
