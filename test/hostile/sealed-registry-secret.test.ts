// Hostile input to SealingCertificate and SealedRegistrySecret: certificates openssl makes wrong on purpose (512-bit
// RSA, EC, expired, a private key pasted by mistake), wrong types, and the same credential classes as the plain Secret.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { SealedRegistrySecret, SealedRegistrySecretProps, SealingCertificate, SealingScope } from '../../lib';
import { expectRefused, redact, report } from './_expect';
import {
  BAD_NAMESPACES, NAME_MESSAGE, PemFiles, TYPE_MESSAGE, UNICODE_MESSAGE, WEAK_STABILITY_KEYS, WRONG_TYPES, fake, makePems, newChart, pemBodyLines,
  runNodeScript, synth, useTempRoot,
} from './_fixtures';

const tmp = useTempRoot('sealed');

const USERNAME = fake('sealed-user');
const PASSWORD = fake('sealed-pw');
const SECRETS = [USERNAME, PASSWORD];

let pems: PemFiles;
let certificate: SealingCertificate;

beforeAll(() => {
  pems = makePems(tmp.sub('pems'));
  certificate = SealingCertificate.fromFile(pems.good);
});

const pem = (file: string): string => readFileSync(file, 'utf8');

describe('SealingCertificate refuses a certificate that cannot seal, with one clear error', () => {
  const CERT = /certificate|'pem'/;
  it('fails when the certificate has a 512-bit RSA key (too small for RSA-OAEP with SHA-256)', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.rsa512Cert)), { names: CERT, says: [/512|bits|too small|key size/] });
  });
  it('fails when the PEM is a bare 512-bit RSA public key', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.rsa512PublicKey)), { names: CERT, says: [/512|bits|too small|key size/] });
  });
  it('fails when a 512-bit certificate is read from a file', () => {
    expectRefused(() => SealingCertificate.fromFile(pems.rsa512Cert), { names: /certificate file/, says: [/512|bits|too small|key size/] });
  });
  it('fails when the certificate has expired', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.expiredCert)), { names: CERT, says: [/expired/] });
  });
  it('fails when the certificate has an EC key', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.ecCert)), { names: CERT, says: [/rsa/] });
  });
  it('fails when the PEM is a bare EC public key', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.ecPublicKey)), { names: CERT, says: [/rsa/] });
  });
  it('fails when a PKCS#8 private key is pasted by mistake, quoting none of it', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.privateKey)), { names: CERT, secrets: pemBodyLines(pems.privateKey) });
  });
  it('fails when a traditional RSA private key is pasted by mistake, quoting none of it', () => {
    expectRefused(() => SealingCertificate.fromPem(pem(pems.rsaPrivateKey)), { names: CERT, secrets: pemBodyLines(pems.rsaPrivateKey) });
  });
  it('fails when a private key file is given as the certificate file, quoting none of it', () => {
    expectRefused(() => SealingCertificate.fromFile(pems.privateKey), { names: /certificate file/, secrets: pemBodyLines(pems.privateKey) });
  });
  it('fails when the CERTIFICATE block holds a private key\'s body, quoting none of it', () => {
    const body = pemBodyLines(pems.privateKey);
    const text = `-----BEGIN CERTIFICATE-----\n${body.join('\n')}\n-----END CERTIFICATE-----\n`;
    expectRefused(() => SealingCertificate.fromPem(text), { names: CERT, secrets: body });
  });
  it('fails when the PEM is cut off before its END line', () => {
    const lines = pem(pems.good).split('\n');
    expectRefused(() => SealingCertificate.fromPem(lines.slice(0, 5).join('\n')), { names: CERT });
  });
  it('fails when the PUBLIC KEY block holds garbage', () => {
    expectRefused(() => SealingCertificate.fromPem('-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n'), { names: CERT });
  });
  it('fails when the text is the base64 of a certificate without PEM lines', () => {
    expectRefused(() => SealingCertificate.fromPem(pemBodyLines(pems.good).join('')), { names: CERT });
  });
});

describe('SealingCertificate tells a wrong JavaScript type what it should be', () => {
  const cases: [string, () => unknown][] = [
    ['undefined', () => undefined], ['a number', () => 42], ['a Buffer of the file', () => readFileSync(pems.good)],
    ['an object', () => ({ pem: pem(pems.good) })],
  ];
  for (const [title, make] of cases) {
    it(`fails when the PEM is ${title}`, () => {
      expectRefused(() => SealingCertificate.fromPem(make() as any), { names: /certificate|'pem'/, says: TYPE_MESSAGE });
    });
  }
  it('fails when the file path is undefined', () => {
    expectRefused(() => SealingCertificate.fromFile(undefined as any), { names: /'path'|certificate file/, says: TYPE_MESSAGE });
  });
  it('fails when the file path is a number (a file descriptor to node)', () => {
    expectRefused(() => SealingCertificate.fromFile(987 as any), { names: /'path'|certificate file/, says: TYPE_MESSAGE });
  });
  it('fails when the file path is a folder', () => {
    expectRefused(() => SealingCertificate.fromFile(tmp.dir()), { names: /certificate file/, says: [/folder|directory/] });
  });
});

function props(extra: Record<string, unknown> = {}): SealedRegistrySecretProps {
  return { certificate, server: 'ghcr.io', username: USERNAME, password: PASSWORD, metadata: { name: 'regcred', namespace: 'apps' },
    ...extra } as SealedRegistrySecretProps;
}

function refuse(extra: Record<string, unknown>, names: RegExp, more: { says?: RegExp[]; secrets?: string[]; namespace?: string } = {}): void {
  const chart = newChart(more.namespace ? { namespace: more.namespace } : {});
  expectRefused(() => new SealedRegistrySecret(chart, 'regcred', props(extra)), {
    names, says: more.says, secrets: [...SECRETS, ...(more.secrets ?? [])], scope: chart, synth: () => synth(chart),
  });
}

describe('SealedRegistrySecret refuses what the plain Secret refuses', () => {
  const pasted = fake('sealed-pasted');
  it('fails when the username holds a pasted user:password, without quoting it', () => {
    refuse({ username: `jane:${pasted}` }, /'username'/, { secrets: [`jane:${pasted}`, pasted] });
  });
  it('fails when \'password\' is a number', () => refuse({ password: 42 }, /'password'/, { says: TYPE_MESSAGE }));
  it('fails when \'username\' is a String object', () => refuse({ username: new String(USERNAME) }, /'username'/, { says: TYPE_MESSAGE }));
  it('fails when \'password\' has a lone surrogate', () => refuse({ password: `${PASSWORD}\ud800` }, /'password'/, { says: UNICODE_MESSAGE }));
  it('fails when \'dockerConfig\' is an empty object, which would seal a Secret with no registry', () => {
    refuse({ dockerConfig: {}, username: undefined, password: undefined }, /'dockerConfig'/);
  });
  it('fails when \'certificate\' is a PEM string rather than a SealingCertificate', () => {
    refuse({ certificate: pem(pems.good) }, /'certificate'/);
  });
  it('fails when \'certificate\' is an object that only looks like a SealingCertificate', () => {
    refuse({ certificate: { pem: pem(pems.rsa512Cert), source: 'x' } }, /'certificate'/);
  });
  it('fails when \'scope\' is a misspelt scope', () => refuse({ scope: 'Strict' }, /'scope'/));
  it('fails when the sealed payload would be over the 1 MiB limit of Secret data', () => {
    const huge = fake('sealed-huge') + 'p'.repeat(1024 * 1024);
    refuse({ password: huge }, /\.dockerconfigjson|size|bytes/i, { says: [/1048576|1,048,576|1 ?MiB/], secrets: [huge] });
  });
  it('fails when addRegistry pushes the sealed payload over the limit', () => {
    const chart = newChart();
    const big = fake('sealed-big') + 'p'.repeat(300 * 1024);
    const secret = new SealedRegistrySecret(chart, 'regcred', props({ password: big }));
    expectRefused(() => secret.addRegistry({ server: 'quay.io', username: 'robot', password: big }), {
      names: /\.dockerconfigjson|size|bytes/i, says: [/1048576|1,048,576|1 ?MiB/], secrets: [...SECRETS, big], synth: () => synth(chart),
    });
  });
  it('fails when addRegistry gets undefined', () => {
    const chart = newChart();
    const secret = new SealedRegistrySecret(chart, 'regcred', props());
    expectRefused(() => secret.addRegistry(undefined as any), { names: /credentials|addRegistry/, state: () => secret.servers });
  });
  it('fails when the props are undefined', () => {
    const chart = newChart();
    expectRefused(() => new SealedRegistrySecret(chart, 'regcred', undefined as any), { names: /props|'certificate'/, scope: chart });
  });
  it('fails when \'metadata.name\' is a number', () => refuse({ metadata: { name: 42, namespace: 'apps' } }, /metadata\.name/, { says: TYPE_MESSAGE }));
});

describe('SealedRegistrySecret refuses a stabilityKey that is not a random key of 32 bytes or more, quoting none of it', () => {
  for (const k of WEAK_STABILITY_KEYS) {
    it(`fails when 'stabilityKey' is ${k.title}`, () => refuse({ stabilityKey: k.value }, /'stabilityKey'/, { says: [k.says], secrets: [k.value] }));
  }
  for (const t of WRONG_TYPES) {
    it(`fails when 'stabilityKey' is ${t.title}`, () => {
      const key = randomBytes(32).toString('hex');
      refuse({ stabilityKey: t.make(key) }, /'stabilityKey'/, { says: TYPE_MESSAGE, secrets: [key] });
    });
  }
  it('fails when \'stabilityKey\' is a Buffer of 32 random bytes (the text is wanted)', () => {
    refuse({ stabilityKey: randomBytes(32) }, /'stabilityKey'/, { says: TYPE_MESSAGE });
  });
});

describe('SealedRegistrySecret refuses a namespace the API server would refuse (it is also sealed into the value)', () => {
  for (const ns of BAD_NAMESPACES) {
    it(`fails when 'metadata.namespace' ${ns.title}`, () => {
      refuse({ metadata: { name: 'regcred', namespace: ns.value } }, /namespace/, { says: NAME_MESSAGE });
    });
  }
  it('fails when the chart\'s namespace is \'team.a\'', () => {
    refuse({ metadata: { name: 'regcred' } }, /namespace/, { says: NAME_MESSAGE, namespace: 'team.a' });
  });
  it('fails when a cluster-wide secret has a bad namespace (it is not sealed in, but still written)', () => {
    refuse({ metadata: { name: 'regcred', namespace: 'Bad_NS' }, scope: SealingScope.CLUSTER_WIDE }, /namespace/, { says: NAME_MESSAGE });
  });
});

describe('SealingCertificate.fromFile does not hang on a file that never ends', () => {
  it('fails when the certificate file is a named pipe nobody writes to, instead of waiting forever', async () => {
    const fifo = join(tmp.sub('fifo'), 'cert.pem');
    execFileSync('mkfifo', [fifo]);
    const script = 'const { SealingCertificate } = require("./lib"); ' +
      'try { SealingCertificate.fromFile(process.argv[1]); console.log("accepted"); } catch (e) { console.log(JSON.stringify(e.message)); }';
    const r = await runNodeScript(script, [fifo], 15_000);
    if (r.timedOut) report(['[hang] SealingCertificate.fromFile still waited on the named pipe after 15 s']);
    if (r.stdout.startsWith('accepted')) report(['[silent wrong acceptance] a named pipe was read as a certificate']);
    expect(redact(r.stdout, SECRETS)).toMatch(/cert\.pem/);
  }, 30_000);
});
