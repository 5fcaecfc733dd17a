/**
 * The stability key of a SealedSecret: a random secret, kept outside git, from which the session key and the OAEP seed
 * of a seal are derived instead of drawn, so that the same value sealed again gives the same bytes. Pure logic.
 *
 * Both come from HKDF-SHA256 (RFC 5869) with the key as input keying material and, as info, a purpose string and a
 * SHA-256 digest of what is sealed (the scope label, the controller's public key, the plaintext), each part
 * length-prefixed so that no two inputs share an encoding. Whoever lacks the key cannot compute either value, so the
 * ciphertext lets nobody without it test a guess at the plaintext; what everyone sees is that equal inputs seal equally.
 */
import { createHash, hkdfSync } from 'node:crypto';
import { describeType } from '../input/values';

/** The least key length: 256 bits, the strength of the AES-256 session key it stands in for. */
const MIN_KEY_BYTES = 32;
// a 32-byte random key has about 30 distinct byte values, fewer than 8 with a probability far below 2^-100: such a key is
// a placeholder ('000...', 'deadbeef' repeated), which anyone who read the same example could use to test guesses
const MIN_DISTINCT_BYTES = 8;
const HOW_TO_MAKE = "make one with 'openssl rand -hex 32' and keep it in the pipeline's secret store";
// distinct purposes, so the session key and the seed are independent values even though they share every input
const SESSION_KEY_INFO = 'cdk8s-private-registry sealed-secrets v1 session key';
const OAEP_SEED_INFO = 'cdk8s-private-registry sealed-secrets v1 oaep seed';
const DERIVED_BYTES = 32;

/** What a seal needs in place of randomness: the AES-256 session key and the OAEP seed. */
export interface SealingRandomness {
  readonly sessionKey: Buffer;
  readonly seed: Buffer;
}

/**
 * A checked stability key. Its bytes live only in the closure of `derive`: no field holds them, so that neither
 * `JSON.stringify` nor `console.log` of a construct that keeps one can show them.
 */
export interface StabilityKey {
  /** The session key and OAEP seed for sealing `plaintext` under `label` to the public key `publicKeyDer` (SPKI DER). */
  derive(label: string, publicKeyDer: Buffer, plaintext: Buffer): SealingRandomness;
}

/**
 * Reads a stability key: 64 or more hex digits, or base64 (standard or URL-safe, padding optional) of 32 or more bytes;
 * whitespace around it (a newline from a secret file) is ignored, and a text of hex digits only is read as hex. Every
 * error starts with `what` (the option or the variable) and never quotes the key.
 *
 * @param what how messages name the value, for example `SealedRegistrySecret 'regcred': 'stabilityKey'`
 */
export function readStabilityKey(value: unknown, what: string): StabilityKey {
  if (typeof value !== 'string') {
    throw new Error(`${what} must be a string (64 or more hex digits, or base64), got ${describeType(value)}; ${HOW_TO_MAKE}`);
  }
  const key = decodeKey(value.trim(), what);
  const distinct = new Set(key).size;
  if (distinct < MIN_DISTINCT_BYTES) {
    throw new Error(`${what} is not random: its ${key.length} bytes take only ${distinct} different values (a placeholder such as ` +
      `'0000...' or a repeated pattern?); ${HOW_TO_MAKE}`);
  }
  return {
    derive: (label, publicKeyDer, plaintext) => {
      const digest = createHash('sha256');
      for (const part of [Buffer.from(label, 'utf8'), publicKeyDer, plaintext]) {
        const length = Buffer.alloc(8);
        length.writeBigUInt64BE(BigInt(part.length));
        digest.update(length).update(part);
      }
      const context = digest.digest();
      const expand = (purpose: string): Buffer =>
        Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), Buffer.concat([Buffer.from(purpose, 'utf8'), context]), DERIVED_BYTES));
      return { sessionKey: expand(SESSION_KEY_INFO), seed: expand(OAEP_SEED_INFO) };
    },
  };
}

/** The key's bytes; the messages give lengths and which characters are wrong, never the text. */
function decodeKey(text: string, what: string): Buffer {
  const expected = `expected a random key of at least ${MIN_KEY_BYTES} bytes written as at least ${MIN_KEY_BYTES * 2} hex digits ` +
    `or ${Math.ceil(MIN_KEY_BYTES / 3) * 4} base64 characters`;
  if (text === '') throw new Error(`${what} is empty, ${expected}; ${HOW_TO_MAKE}`);
  if (/^[0-9a-fA-F]+$/.test(text)) {
    if (text.length % 2 !== 0) {
      throw new Error(`${what} has an odd number of hex digits (${text.length}), ${expected}; was a digit lost in copying? ${HOW_TO_MAKE}`);
    }
    if (text.length < MIN_KEY_BYTES * 2) {
      throw new Error(`${what} is too short: ${text.length} hex digits (${text.length / 2} bytes), ${expected}; ${HOW_TO_MAKE}`);
    }
    return Buffer.from(text, 'hex');
  }
  const base64 = /^(?:[A-Za-z0-9+/]+|[A-Za-z0-9_-]+)(?:={0,2})$/.test(text) && (text.includes('=') ? text.length % 4 === 0 : text.length % 4 !== 1);
  if (!base64) {
    throw new Error(`${what} is neither hex nor base64 (it has characters outside both alphabets, or a base64 length that cannot be), ` +
      `${expected} (not shown: it is a secret); ${HOW_TO_MAKE}`);
  }
  const key = Buffer.from(text, 'base64');
  if (key.length < MIN_KEY_BYTES) {
    throw new Error(`${what} is too short: ${text.length} base64 characters (${key.length} bytes), ${expected}; ${HOW_TO_MAKE}`);
  }
  return key;
}
