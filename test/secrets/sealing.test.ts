import { execFileSync } from 'node:child_process';
import {
  KeyObject, X509Certificate, constants, createDecipheriv, createHash, createPublicKey, generateKeyPairSync, privateDecrypt, randomBytes,
} from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hybridEncrypt, sealValue, sealingAnnotations, sealingLabel } from '../../lib/secrets/sealing';
import { SealingScope } from '../../lib/secrets/sealing-scope';
import { readStabilityKey } from '../../lib/secrets/_stability-key';
import { GoSealedSecrets, buildGoSealedSecrets } from '../support/sealed-secrets';

const OPENSSL = '/usr/bin/openssl';
const NAMESPACE = 'apps';
const NAME = 'regcred';
const PLAINTEXT = Buffer.from('{"auths":{"ghcr.io":{"auth":"dXNlcjpzM2NyZXQ="}}}');

let dir: string;
let keyFile: string;
let privateKey: KeyObject;
let certPem: string;
let publicKeyPem: string;
let rsaPublicKeyPem: string;
let ecCertPem: string;
let ecPublicKeyPem: string;
let expiredCertPem: string;
let otherCertPem: string;
let go: GoSealedSecrets;

function openssl(...args: string[]): Buffer {
  return execFileSync(OPENSSL, args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** The byte layout of sealed-secrets' HybridDecrypt, written here from the spec so it shares nothing with lib/sealing. */
function split(sealed: string): { rsa: Buffer; aes: Buffer } {
  const bytes = Buffer.from(sealed, 'base64');
  const rsaLength = bytes.readUInt16BE(0);
  return { rsa: bytes.subarray(2, 2 + rsaLength), aes: bytes.subarray(2 + rsaLength) };
}

function unwrapSessionKey(rsa: Buffer, label: string): Buffer {
  return privateDecrypt({
    key: privateKey,
    padding: constants.RSA_PKCS1_OAEP_PADDING,
    oaepHash: 'sha256',
    oaepLabel: Buffer.from(label),
  }, rsa);
}

function openGcm(aes: Buffer, sessionKey: Buffer): Buffer {
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
}

function unseal(sealed: string, label: string): Buffer {
  const { rsa, aes } = split(sealed);
  return openGcm(aes, unwrapSessionKey(rsa, label));
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sealing-test-'));
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  privateKey = pair.privateKey;
  keyFile = join(dir, 'key.pem');
  writeFileSync(keyFile, pair.privateKey.export({ type: 'pkcs8', format: 'pem' }));
  publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  rsaPublicKeyPem = pair.publicKey.export({ type: 'pkcs1', format: 'pem' }).toString();

  // the same shape as the controller's own certificate: self-signed, rsa, long-lived
  openssl('req', '-x509', '-new', '-key', 'key.pem', '-subj', '/O=sealed-secrets', '-days', '3650', '-out', 'cert.pem');
  certPem = readFileSync(join(dir, 'cert.pem'), 'utf8');

  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ec-key.pem',
    '-subj', '/O=sealed-secrets', '-days', '30', '-out', 'ec-cert.pem');
  ecCertPem = readFileSync(join(dir, 'ec-cert.pem'), 'utf8');
  ecPublicKeyPem = openssl('pkey', '-in', 'ec-key.pem', '-pubout').toString();

  // openssl 3.0's req refuses dates in the past, so 'ca -selfsign' backdates a certificate to 2000-2001
  writeFileSync(join(dir, 'ca.cnf'), '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n' +
    'default_md = sha256\npolicy = p\n[p]\n');
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  openssl('req', '-new', '-key', 'key.pem', '-subj', '/O=sealed-secrets', '-out', 'old.csr');
  openssl('ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'old.csr', '-out', 'expired.pem',
    '-startdate', '20000101000000Z', '-enddate', '20010101000000Z', '-notext');
  expiredCertPem = readFileSync(join(dir, 'expired.pem'), 'utf8');

  // another controller: a second key pair, as after the controller renews its key
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'other-key.pem', '-subj', '/O=sealed-secrets', '-days', '30',
    '-out', 'other-cert.pem');
  otherCertPem = readFileSync(join(dir, 'other-cert.pem'), 'utf8');
  go = buildGoSealedSecrets();
}, 200_000);

afterAll(() => {
  go?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** What Go's crypto in the controller's format (test/support/go-sealed-secrets) opens each value to; throws with Go's error. */
function goOpen(values: { sealed: string; label: string }[]): Buffer[] {
  const privateKeyPem = readFileSync(keyFile, 'utf8');
  return go.open(values.map((v) => ({ ...v, privateKeyPem }))).map((r) => {
    if (r instanceof Error) throw r;
    return r;
  });
}

describe('sealingLabel', () => {
  it('is namespace/name, namespace, or empty, as sealed-secrets EncryptionLabel', () => {
    expect(sealingLabel(SealingScope.STRICT, NAMESPACE, NAME)).toBe('apps/regcred');
    expect(sealingLabel(SealingScope.NAMESPACE_WIDE, NAMESPACE, NAME)).toBe('apps');
    expect(sealingLabel(SealingScope.CLUSTER_WIDE, NAMESPACE, NAME)).toBe('');
    expect(sealingLabel(SealingScope.CLUSTER_WIDE, '', '')).toBe('');
    expect(sealingLabel(SealingScope.NAMESPACE_WIDE, NAMESPACE, '')).toBe('apps');
  });

  it('fails when a strict scope has no name or no namespace', () => {
    expect(() => sealingLabel(SealingScope.STRICT, NAMESPACE, '')).toThrow(/^sealing: 'name' must not be empty for scope 'strict'/);
    expect(() => sealingLabel(SealingScope.STRICT, '', NAME)).toThrow(/^sealing: 'namespace' must not be empty for scope 'strict'/);
  });

  it('fails when a namespace-wide scope has no namespace', () => {
    expect(() => sealingLabel(SealingScope.NAMESPACE_WIDE, '', NAME)).toThrow(/'namespace' must not be empty for scope 'namespace-wide'/);
  });

  it('fails when the scope is not one of the three', () => {
    expect(() => sealingLabel('everywhere' as SealingScope, NAMESPACE, NAME)).toThrow(/'scope' must be one of 'strict', .* got "everywhere"/);
  });
});

describe('sealingAnnotations', () => {
  it('marks namespace-wide and cluster-wide, and leaves strict alone', () => {
    expect(sealingAnnotations(SealingScope.STRICT)).toEqual({});
    expect(sealingAnnotations(SealingScope.NAMESPACE_WIDE)).toEqual({ 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(sealingAnnotations(SealingScope.CLUSTER_WIDE)).toEqual({ 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
  });

  it('fails when the scope is not one of the three', () => {
    expect(() => sealingAnnotations('strictest' as SealingScope)).toThrow(/'scope' must be one of/);
  });
});

describe('sealValue', () => {
  const scopes = [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE];

  it.each(scopes)('seals a value that the %s label opens', (scope) => {
    const label = sealingLabel(scope, NAMESPACE, NAME);
    const sealed = sealValue(PLAINTEXT, certPem, label);
    expect(unseal(sealed, label)).toEqual(PLAINTEXT);
  });

  it('writes standard base64 of length || rsa (one modulus long) || gcm ciphertext || 16-byte tag', () => {
    const sealed = sealValue(PLAINTEXT, certPem, 'apps/regcred');
    expect(sealed).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const bytes = Buffer.from(sealed, 'base64');
    expect(bytes.toString('base64')).toBe(sealed);
    expect(bytes.readUInt16BE(0)).toBe(256);
    expect(bytes.length).toBe(2 + 256 + PLAINTEXT.length + 16);
    expect(unwrapSessionKey(split(sealed).rsa, 'apps/regcred')).toHaveLength(32);
  });

  it('seals empty and binary values', () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    expect(unseal(sealValue(binary, certPem, 'apps'), 'apps')).toEqual(binary);
    expect(unseal(sealValue(Buffer.alloc(0), certPem, 'apps'), 'apps')).toEqual(Buffer.alloc(0));
  });

  it('binds a strict value to its name and namespace', () => {
    const sealed = sealValue(PLAINTEXT, certPem, sealingLabel(SealingScope.STRICT, NAMESPACE, NAME));
    const wrong = [
      sealingLabel(SealingScope.STRICT, NAMESPACE, 'other'), // wrong name
      sealingLabel(SealingScope.STRICT, 'other', NAME), // wrong namespace
      sealingLabel(SealingScope.NAMESPACE_WIDE, NAMESPACE, NAME), // wrong scope
      sealingLabel(SealingScope.CLUSTER_WIDE, NAMESPACE, NAME), // wrong scope
    ];
    for (const label of wrong) {
      expect(() => unseal(sealed, label), label).toThrow(/oaep decoding error/);
    }
  });

  it('binds a namespace-wide value to its namespace, not to a name', () => {
    const sealed = sealValue(PLAINTEXT, certPem, sealingLabel(SealingScope.NAMESPACE_WIDE, NAMESPACE, NAME));
    expect(unseal(sealed, sealingLabel(SealingScope.NAMESPACE_WIDE, NAMESPACE, 'any-other-name'))).toEqual(PLAINTEXT);
    for (const label of ['other', 'apps/regcred', '']) {
      expect(() => unseal(sealed, label), label).toThrow(/oaep decoding error/);
    }
  });

  it('opens a cluster-wide value only with the empty label', () => {
    const sealed = sealValue(PLAINTEXT, certPem, sealingLabel(SealingScope.CLUSTER_WIDE, NAMESPACE, NAME));
    expect(unseal(sealed, sealingLabel(SealingScope.CLUSTER_WIDE, 'elsewhere', 'whatever'))).toEqual(PLAINTEXT);
    for (const label of ['apps', 'apps/regcred']) {
      expect(() => unseal(sealed, label), label).toThrow(/oaep decoding error/);
    }
  });

  it('uses a fresh session key for every seal', () => {
    const first = sealValue(PLAINTEXT, certPem, 'apps/regcred');
    const second = sealValue(PLAINTEXT, certPem, 'apps/regcred');
    expect(first).not.toBe(second);
    const [a, b] = [split(first), split(second)];
    expect(a.rsa.equals(b.rsa)).toBe(false);
    expect(a.aes.equals(b.aes)).toBe(false);
    expect(unwrapSessionKey(a.rsa, 'apps/regcred').equals(unwrapSessionKey(b.rsa, 'apps/regcred'))).toBe(false);
  });

  it('gives ciphertext that does not open once tampered with', () => {
    const sealed = sealValue(PLAINTEXT, certPem, 'apps/regcred');
    const flip = (offset: number): string => {
      const bytes = Buffer.from(sealed, 'base64');
      bytes[offset] ^= 0x01;
      return bytes.toString('base64');
    };
    const total = Buffer.from(sealed, 'base64').length;
    expect(unseal(sealed, 'apps/regcred')).toEqual(PLAINTEXT);
    expect(() => unseal(flip(2 + 10), 'apps/regcred')).toThrow(); // the wrapped key
    expect(() => unseal(flip(2 + 256 + 3), 'apps/regcred')).toThrow(/unable to authenticate/); // the gcm ciphertext
    expect(() => unseal(flip(total - 1), 'apps/regcred')).toThrow(/unable to authenticate/); // the tag
  });

  it('accepts a bare rsa public key (spki and pkcs#1 pem)', () => {
    expect(unseal(sealValue(PLAINTEXT, publicKeyPem, 'apps'), 'apps')).toEqual(PLAINTEXT);
    expect(unseal(sealValue(PLAINTEXT, rsaPublicKeyPem, 'apps'), 'apps')).toEqual(PLAINTEXT);
  });

  it('uses the first certificate of a bundle, as kubeseal does', () => {
    const sealed = sealValue(PLAINTEXT, `# fetched from the controller\n${certPem}${ecCertPem}`, 'apps');
    expect(unseal(sealed, 'apps')).toEqual(PLAINTEXT);
  });

  describe('openssl opens the wrapped key: the rsa-oaep-sha256 wrapping with a label is the standard one', () => {
    function opensslUnwrap(rsa: Buffer, label: string): Buffer {
      writeFileSync(join(dir, 'wrapped.bin'), rsa);
      const labelOption = label === '' ? [] : ['-pkeyopt', `rsa_oaep_label:${Buffer.from(label).toString('hex')}`];
      return openssl('pkeyutl', '-decrypt', '-inkey', keyFile, '-in', 'wrapped.bin',
        '-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha256', '-pkeyopt', 'rsa_mgf1_md:sha256', ...labelOption);
    }

    it.each(scopes)('for the %s label', (scope) => {
      const label = sealingLabel(scope, NAMESPACE, NAME);
      const { rsa, aes } = split(sealValue(PLAINTEXT, certPem, label));
      const sessionKey = opensslUnwrap(rsa, label);
      expect(sessionKey).toHaveLength(32);
      expect(openGcm(aes, sessionKey)).toEqual(PLAINTEXT);
    });

    it('and refuses it under another label', () => {
      const { rsa } = split(sealValue(PLAINTEXT, certPem, 'apps/regcred'));
      expect(() => opensslUnwrap(rsa, 'apps/other')).toThrow();
    });

  });

  it('test set-up: the certificate carries the public half of the private key the tests decrypt with', () => {
    const fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    expect(fromCert.equals(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }))).toBe(true);
  });

  it('fails when the text holds no pem block, and never quotes it', () => {
    expect(() => sealValue(PLAINTEXT, 'not a certificate', 'apps', 'sealed-secrets.pem'))
      .toThrow(/^sealing: sealed-secrets\.pem must be a pem certificate .* found no pem block; fetch .*kubeseal --fetch-cert/);
    expect(() => sealValue(PLAINTEXT, 'not a certificate', 'apps')).toThrow(/^sealing: certificatePem must be/);
  });

  it('fails when the certificate block is damaged', () => {
    const damaged = certPem.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAAAAAAAAAAAAAAAAAA');
    expect(damaged).not.toBe(certPem);
    expect(() => sealValue(PLAINTEXT, damaged, 'apps', 'cert.pem'))
      .toThrow(/^sealing: cert\.pem has a CERTIFICATE block that is not a valid x\.509 certificate; fetch/);
  });

  it('fails when given a private key instead of the certificate, without quoting the key', () => {
    const keyPem = readFileSync(keyFile, 'utf8');
    let message = '';
    try {
      sealValue(PLAINTEXT, keyPem, 'apps', 'cert.pem');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^sealing: cert\.pem must be a pem certificate .* found only 'PRIVATE KEY' blocks; fetch/);
    expect(message).not.toContain(keyPem.split('\n')[1]);
  });

  it('fails when the certificate holds an ec key', () => {
    expect(() => sealValue(PLAINTEXT, ecCertPem, 'apps', 'ec-cert.pem'))
      .toThrow(/^sealing: ec-cert\.pem holds a ec key, expected an rsa key \(sealed-secrets seals with rsa-oaep only\)/);
  });

  it('fails when the bare public key is not rsa', () => {
    expect(() => sealValue(PLAINTEXT, ecPublicKeyPem, 'apps', 'key.pub')).toThrow(/^sealing: key\.pub holds a ec key, expected an rsa key/);
  });

  it('fails when the certificate has expired, as kubeseal does', () => {
    expect(() => sealValue(PLAINTEXT, expiredCertPem, 'apps', 'old.pem'))
      .toThrow(/^sealing: old\.pem holds a certificate that expired on Jan {2}1 00:00:00 2001 GMT, expected one that is still valid/);
  });

  it('fails with a one-line message that never contains the plaintext', () => {
    const secret = Buffer.from('hunter2-very-secret');
    for (const pem of ['garbage', ecCertPem, expiredCertPem]) {
      let message = '';
      try {
        sealValue(secret, pem, 'apps');
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(/^sealing: /);
      expect(message).not.toContain('\n');
      expect(message).not.toContain('hunter2');
      expect(message).not.toMatch(/\.$/);
    }
  });
});

describe('sealed-secrets\' own Go code (test/support/go-sealed-secrets) judges the format', () => {
  const scopes = [SealingScope.STRICT, SealingScope.NAMESPACE_WIDE, SealingScope.CLUSTER_WIDE];

  it('opens random seals for every scope, as the controller does', () => {
    const values = scopes.map((scope) => ({ sealed: sealValue(PLAINTEXT, certPem, sealingLabel(scope, NAMESPACE, NAME)),
      label: sealingLabel(scope, NAMESPACE, NAME) }));
    expect(goOpen(values)).toEqual(values.map(() => PLAINTEXT));
  });

  it('refuses a seal under another label', () => {
    const sealed = sealValue(PLAINTEXT, certPem, 'apps/regcred');
    const [result] = go.open([{ sealed, label: 'apps/other', privateKeyPem: readFileSync(keyFile, 'utf8') }]);
    expect(result).toEqual(new Error('crypto/rsa: decryption error'));
  });

  it('writes exactly our bytes when Go seals in kubeseal\'s format with the same session key and OAEP seed', () => {
    const publicKey = new X509Certificate(certPem).publicKey;
    // lengths around the 16-byte AES block and the empty value; labels of each scope, one with multi-byte UTF-8
    const cases = [Buffer.alloc(0), Buffer.from('x'), randomBytes(16), randomBytes(17), PLAINTEXT, randomBytes(5000)].flatMap((plaintext, i) =>
      ['apps/regcred', 'apps', '', 'équipe/ключ'].map((label) => ({ plaintext, label, sessionKey: randomBytes(32), seed: randomBytes(32), i })));
    const ours = cases.map((c) => hybridEncrypt(c.plaintext, publicKey, c.label, { sessionKey: c.sessionKey, seed: c.seed }));
    const kubeseal = go.seal(cases.map((c) => ({ plaintext: c.plaintext, label: c.label, certificatePem: certPem,
      random: Buffer.concat([c.sessionKey, c.seed]) })));
    cases.forEach((c, i) => expect(ours[i].equals(kubeseal[i] as Buffer), `plaintext #${c.i} label '${c.label}'`).toBe(true));
    // and our own test decryption opens what kubeseal's code wrote: the oracle seals the real format
    expect(unseal((kubeseal[0] as Buffer).toString('base64'), 'apps/regcred')).toEqual(Buffer.alloc(0));
  });

  it('writes exactly our bytes for the controller\'s 4096-bit keys and for a modulus that is not a whole number of bytes', () => {
    for (const asked of [4096, 3071]) {
      const publicKey = generateKeyPairSync('rsa', { modulusLength: asked }).publicKey;
      // openssl may make a key a bit or two shorter than asked for an odd size: still not a whole number of bytes
      const bits = publicKey.asymmetricKeyDetails!.modulusLength!;
      expect(asked === 4096 ? bits === 4096 : bits % 8 !== 0, `${bits} bits`).toBe(true);
      const certificatePem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const [sessionKey, seed] = [randomBytes(32), randomBytes(32)];
      const ours = hybridEncrypt(PLAINTEXT, publicKey, 'apps/regcred', { sessionKey, seed });
      const [kubeseal] = go.seal([{ plaintext: PLAINTEXT, label: 'apps/regcred', certificatePem, random: Buffer.concat([sessionKey, seed]) }]);
      expect(ours.equals(kubeseal as Buffer), `${bits} bits`).toBe(true);
      expect(ours.readUInt16BE(0), `${bits} bits`).toBe(Math.ceil(bits / 8));
    }
  });

  it('writes exactly our bytes for extreme seeds (all ones, all zeros, a ramp)', () => {
    const publicKey = new X509Certificate(certPem).publicKey;
    const seeds = [Buffer.alloc(32, 0xff), Buffer.alloc(32), Buffer.from(Array.from({ length: 32 }, (_, i) => i * 8))];
    for (const seed of seeds) {
      const sessionKey = randomBytes(32);
      const ours = hybridEncrypt(PLAINTEXT, publicKey, 'apps', { sessionKey, seed });
      const [kubeseal] = go.seal([{ plaintext: PLAINTEXT, label: 'apps', certificatePem: certPem, random: Buffer.concat([sessionKey, seed]) }]);
      expect(ours.equals(kubeseal as Buffer)).toBe(true);
    }
  });
});

describe('sealValue with a stability key', () => {
  const KEY_HEX = randomBytes(32).toString('hex');
  const key = readStabilityKey(KEY_HEX, 'key');
  const label = 'apps/regcred';

  it('seals the same value, label and certificate to the same bytes, which the controller opens', () => {
    const first = sealValue(PLAINTEXT, certPem, label, 'cert.pem', key);
    // a key read again from the same text, or from its base64, is the same key
    const again = sealValue(PLAINTEXT, certPem, label, 'cert.pem', readStabilityKey(KEY_HEX, 'key'));
    const fromBase64 = sealValue(PLAINTEXT, certPem, label, 'cert.pem', readStabilityKey(Buffer.from(KEY_HEX, 'hex').toString('base64'), 'key'));
    expect(again).toBe(first);
    expect(fromBase64).toBe(first);
    expect(goOpen([{ sealed: first, label }])).toEqual([PLAINTEXT]);
    expect(unseal(first, label)).toEqual(PLAINTEXT);
  });

  it('seals the same for the same public key in a bare key pem as in the certificate', () => {
    expect(sealValue(PLAINTEXT, publicKeyPem, label, 'key.pem', key)).toBe(sealValue(PLAINTEXT, certPem, label, 'cert.pem', key));
  });

  it('changes both the wrapped key and the ciphertext when anything sealed changes, and every variant opens', () => {
    const base = { plaintext: PLAINTEXT, cert: certPem, label, key };
    const flipped = Buffer.from(PLAINTEXT);
    flipped[flipped.length - 3] ^= 0x01;
    const variants: [string, typeof base][] = [
      ['one bit of the plaintext', { ...base, plaintext: flipped }],
      ['the name (strict label)', { ...base, label: 'apps/other' }],
      ['the namespace', { ...base, label: 'team/regcred' }],
      ['namespace-wide scope', { ...base, label: 'apps' }],
      ['cluster-wide scope', { ...base, label: '' }],
      ['the controller\'s key', { ...base, cert: otherCertPem }],
      ['the stability key', { ...base, key: readStabilityKey(randomBytes(32).toString('hex'), 'key') }],
    ];
    const seal = (v: typeof base): string => sealValue(v.plaintext, v.cert, v.label, 'cert.pem', v.key);
    const reference = split(seal(base));
    for (const [what, v] of variants) {
      const sealed = seal(v);
      expect(sealed, what).toBe(seal(v));
      const parts = split(sealed);
      expect(parts.rsa.equals(reference.rsa), what).toBe(false);
      expect(parts.aes.equals(reference.aes), what).toBe(false);
      if (v.cert === certPem) expect(goOpen([{ sealed, label: v.label }]), what).toEqual([v.plaintext]);
    }
  });

  it('is Go sealing in kubeseal\'s format, reading HKDF-SHA256 of the key (openssl kdf) for the session key, then for the seed', () => {
    // the derivation stated in lib/secrets/_stability-key.ts, computed with openssl's HKDF: a change of it would reseal
    // every user's secrets once, so it is pinned here
    const digest = createHash('sha256');
    const spki = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
    for (const part of [Buffer.from(label), spki, PLAINTEXT]) {
      const length = Buffer.alloc(8);
      length.writeBigUInt64BE(BigInt(part.length));
      digest.update(length).update(part);
    }
    const context = digest.digest();
    const hkdf = (purpose: string): Buffer => Buffer.from(openssl('kdf', '-keylen', '32', '-kdfopt', 'digest:SHA256', '-kdfopt', `hexkey:${KEY_HEX}`,
      '-kdfopt', `hexinfo:${Buffer.concat([Buffer.from(purpose), context]).toString('hex')}`, 'HKDF').toString().trim().replace(/:/g, ''), 'hex');
    const random = Buffer.concat([hkdf('cdk8s-private-registry sealed-secrets v1 session key'),
      hkdf('cdk8s-private-registry sealed-secrets v1 oaep seed')]);
    expect(random).toHaveLength(64);
    const [kubeseal] = go.seal([{ plaintext: PLAINTEXT, label, certificatePem: certPem, random }]);
    expect(sealValue(PLAINTEXT, certPem, label, 'cert.pem', key)).toBe((kubeseal as Buffer).toString('base64'));
  });

  it('never puts the key into the output', () => {
    const sealed = Buffer.from(sealValue(PLAINTEXT, certPem, label, 'cert.pem', key), 'base64');
    expect(sealed.includes(Buffer.from(KEY_HEX, 'hex'))).toBe(false);
    expect(sealed.toString('latin1').includes(KEY_HEX)).toBe(false);
  });

  it('keeps the key out of every field of the value that holds it', () => {
    const inspected = `${JSON.stringify(key)} ${inspect(key, { showHidden: true, depth: 5 })}`;
    expect(inspected).not.toContain(KEY_HEX);
    expect(inspected).not.toContain(Buffer.from(KEY_HEX, 'hex').toString('base64').slice(0, 20));
  });
});
