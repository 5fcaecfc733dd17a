import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { App, ApiObject, Chart, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePod, PrivateRegistrySecret, SealedRegistrySecret, SealedRegistrySecretProps, SealingCertificate, SealingScope } from '../../lib';
import { SERVERS_ANNOTATION } from '../../lib/check/annotations';
import { checkManifests } from '../../lib/check/manifest-check';
import { kubectlDockerRegistrySecret } from '../support/kubectl';
import { SealingKeys, createSealingKeys, unseal as unsealWith } from '../support/sealed-secrets';
import { validateManifest } from '../support/schema';
import { errorMessage } from '../support/errors';

// fake credentials only; the password has characters that JSON and YAML must escape
const PASSWORD = 'FAKE-s3cr3t"\\<&>-pw';
const USERNAME = 'robot';
const SERVER = 'ghcr.io';

let keys: SealingKeys;
let certificate: SealingCertificate;

beforeAll(() => {
  keys = createSealingKeys();
  certificate = SealingCertificate.fromFile(keys.certPath);
});

afterAll(() => keys?.close());

function unseal(sealed: string, label: string): string {
  return unsealWith(sealed, label, keys.privateKey);
}

function props(extra: Partial<SealedRegistrySecretProps> = {}): SealedRegistrySecretProps {
  return { certificate, server: SERVER, username: USERNAME, password: PASSWORD, metadata: { name: 'regcred', namespace: 'apps' }, ...extra };
}

function sealedOf(chart: Chart): any {
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

/** The payload kubectl writes for the test credentials, decoded from its Secret. */
function kubectlPayload(): string {
  const secret = kubectlDockerRegistrySecret({ name: 'regcred', server: SERVER, username: USERNAME, password: PASSWORD });
  return Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8');
}

describe('SealedRegistrySecret', () => {
  it('emits one SealedSecret that the schema accepts, with the Secret template the controller expects', () => {
    const chart = Testing.chart();
    new SealedRegistrySecret(chart, 'regcred', props({ metadata: { name: 'regcred', namespace: 'apps', labels: { team: 'a' } }, immutable: true }));
    const sealed = sealedOf(chart);
    validateManifest(sealed);
    expect(sealed.apiVersion).toBe('bitnami.com/v1alpha1');
    expect(sealed.kind).toBe('SealedSecret');
    expect(sealed.metadata).toEqual({ name: 'regcred', namespace: 'apps', labels: { team: 'a' }, annotations: { [SERVERS_ANNOTATION]: 'ghcr.io' } });
    expect(Object.keys(sealed.spec.encryptedData)).toEqual(['.dockerconfigjson']);
    expect(sealed.spec.data).toBeUndefined();
    expect(sealed.spec.template).toEqual({
      type: 'kubernetes.io/dockerconfigjson',
      immutable: true,
      metadata: { name: 'regcred', namespace: 'apps', labels: { team: 'a' } },
    });
  });

  it('seals exactly the payload kubectl writes, for every scope, under that scope\'s label only', () => {
    const expected = kubectlPayload();
    const cases: Array<[SealingScope, string, string[]]> = [
      [SealingScope.STRICT, 'apps/regcred', ['apps/other', 'other/regcred', 'apps', '']],
      [SealingScope.NAMESPACE_WIDE, 'apps', ['other', 'apps/regcred', '']],
      [SealingScope.CLUSTER_WIDE, '', ['apps', 'apps/regcred']],
    ];
    for (const [scope, label, wrongLabels] of cases) {
      const chart = Testing.chart();
      new SealedRegistrySecret(chart, 'regcred', props({ scope }));
      const value = sealedOf(chart).spec.encryptedData['.dockerconfigjson'];
      expect(unseal(value, label), scope).toBe(expected);
      for (const wrong of wrongLabels) {
        expect(() => unseal(value, wrong), `${scope} under '${wrong}'`).toThrow();
      }
    }
  });

  it('carries the scope annotations on the SealedSecret and on the template, as kubeseal writes them', () => {
    const annotationsOf = (scope: SealingScope) => {
      const chart = Testing.chart();
      new SealedRegistrySecret(chart, 'regcred', props({ scope, metadata: { name: 'regcred', namespace: 'apps', annotations: { note: 'x' } } }));
      const sealed = sealedOf(chart);
      validateManifest(sealed);
      const { [SERVERS_ANNOTATION]: servers, ...annotations } = sealed.metadata.annotations;
      expect(servers).toBe('ghcr.io');
      expect(sealed.spec.template.metadata.annotations).toEqual(annotations);
      return annotations;
    };
    expect(annotationsOf(SealingScope.STRICT)).toEqual({ note: 'x' });
    expect(annotationsOf(SealingScope.NAMESPACE_WIDE)).toEqual({ note: 'x', 'sealedsecrets.bitnami.com/namespace-wide': 'true' });
    expect(annotationsOf(SealingScope.CLUSTER_WIDE)).toEqual({ note: 'x', 'sealedsecrets.bitnami.com/cluster-wide': 'true' });
  });

  it('binds a generated name and the chart\'s namespace into the strict label', () => {
    const chart = new Chart(Testing.app(), 'team', { namespace: 'team-a' });
    const secret = new SealedRegistrySecret(chart, 'regcred', props({ metadata: undefined }));
    const sealed = sealedOf(chart);
    expect(secret.name).toMatch(/^team-regcred-[0-9a-f]{8}$/);
    expect(sealed.metadata).toEqual({ name: secret.name, namespace: 'team-a', annotations: { [SERVERS_ANNOTATION]: SERVER } });
    expect(sealed.spec.template.metadata).toEqual({ name: secret.name, namespace: 'team-a' });
    expect(JSON.parse(unseal(sealed.spec.encryptedData['.dockerconfigjson'], `team-a/${secret.name}`)).auths[SERVER].username).toBe(USERNAME);
  });

  it('seals several registries as PrivateRegistrySecret encodes them, once per synth', () => {
    const chart = Testing.chart();
    const sealed = new SealedRegistrySecret(chart, 'regcred', props());
    const plain = new PrivateRegistrySecret(chart, 'plain', { server: SERVER, username: USERNAME, password: PASSWORD });
    for (const s of [sealed, plain]) {
      s.addRegistry({ server: 'localhost:5000', username: 'other', password: 'FAKE-2', email: 'o@example.com' });
    }
    expect(sealed.servers).toEqual(['ghcr.io', 'localhost:5000']);
    const [first, second] = [Testing.synth(chart), Testing.synth(chart)];
    const value = first.find((o) => o.kind === 'SealedSecret').spec.encryptedData['.dockerconfigjson'];
    const plainPayload = Buffer.from(first.find((o) => o.kind === 'Secret').data['.dockerconfigjson'], 'base64').toString('utf8');
    expect(unseal(value, 'apps/regcred')).toBe(plainPayload);
    // sealing is randomized: the same text twice means the second synth did not seal again
    expect(second.find((o) => o.kind === 'SealedSecret').spec.encryptedData['.dockerconfigjson']).toBe(value);

    sealed.addRegistry({ server: 'quay.io', username: 'q', password: 'FAKE-3' });
    const third = Testing.synth(chart).find((o) => o.kind === 'SealedSecret').spec.encryptedData['.dockerconfigjson'];
    expect(third).not.toBe(value);
    expect(Object.keys(JSON.parse(unseal(third, 'apps/regcred')).auths)).toEqual(['ghcr.io', 'localhost:5000', 'quay.io']);
  });

  it('stands for the Secret the controller creates, for pods, env values and RBAC', () => {
    const chart = Testing.chart();
    const secret = new SealedRegistrySecret(chart, 'regcred', props());
    expect([secret.apiVersion, secret.apiGroup, secret.kind, secret.resourceType, secret.resourceName])
      .toEqual(['v1', '', 'Secret', 'secrets', 'regcred']);
    expect(secret.secretNamespace).toBe('apps');
    expect(ApiObject.of(secret).kind).toBe('SealedSecret');
    new PrivatePod(chart, 'pod', {
      metadata: { namespace: 'apps' },
      containers: [{ image: 'ghcr.io/org/app:1', envVariables: { TOKEN: secret.envValue('token') } }],
      registrySecrets: [secret],
    });
    const pod = Testing.synth(chart).find((o) => o.kind === 'Pod');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.spec.containers[0].env).toEqual([{ name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'regcred', key: 'token' } } }]);
  });

  it('declares its servers to the manifest pull check, which cannot open the sealed value', () => {
    const chart = Testing.chart();
    const secret = new SealedRegistrySecret(chart, 'regcred', props());
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'quay.io/org/app:1' }], imagePullSecrets: [{ name: 'regcred' }] } };
    const before = checkManifests([...Testing.synth(chart), pod]);
    expect(before.errors.map((e) => e.rule)).toEqual(['image-coverage']);
    secret.addRegistry({ server: 'quay.io', username: 'q', password: 'FAKE-3' });
    const objects = Testing.synth(chart);
    expect(objects[0].metadata.annotations[SERVERS_ANNOTATION]).toBe('ghcr.io,quay.io');
    expect(checkManifests([...objects, pod])).toMatchObject({ errors: [], warnings: [], podsChecked: 1 });
  });

  it('writes no plaintext into the synthesized YAML: no password, no auth, no base64 of the payload', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'sealed-app-'));
    try {
      const app = new App({ outdir });
      const chart = new Chart(app, 'sealed', { namespace: 'apps' });
      const secret = new SealedRegistrySecret(chart, 'regcred', props({ metadata: { name: 'regcred' } }));
      secret.addRegistry({ server: 'localhost:5000', username: 'other', password: 'FAKE-second-pw' });
      app.synth();
      const yaml = readdirSync(outdir).map((f) => readFileSync(join(outdir, f), 'utf8')).join('\n');
      expect(yaml).toContain('kind: SealedSecret');
      // the payload of both registries, as the (kubectl-checked) PrivateRegistrySecret encodes it
      const plain = new PrivateRegistrySecret(Testing.chart(), 'plain', { server: SERVER, username: USERNAME, password: PASSWORD });
      plain.addRegistry({ server: 'localhost:5000', username: 'other', password: 'FAKE-second-pw' });
      const payloadBase64 = Testing.synth(Chart.of(plain))[0].data['.dockerconfigjson'];
      const payload = Buffer.from(payloadBase64, 'base64').toString('utf8');
      const auths = JSON.parse(payload).auths;
      expect(JSON.parse(kubectlPayload()).auths[SERVER]).toEqual(auths[SERVER]);
      for (const forbidden of [PASSWORD, JSON.stringify(PASSWORD).slice(1, -1), 'FAKE-s3cr3t', 'FAKE-second-pw', auths[SERVER].auth,
        auths['localhost:5000'].auth, payloadBase64, payload, 'auths', Buffer.from(PASSWORD).toString('base64')]) {
        expect(yaml.includes(forbidden), `found '${forbidden.slice(0, 12)}...'`).toBe(false);
      }
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('SealedRegistrySecret with a stabilityKey', () => {
  const KEY = randomBytes(32).toString('hex');

  /** The SealedSecret of a new app each time, as a new `cdk8s synth` makes one. */
  function sealedIn(extra: Partial<SealedRegistrySecretProps> = {}): any {
    const chart = new Chart(Testing.app(), 'sealed');
    new SealedRegistrySecret(chart, 'regcred', props({ stabilityKey: KEY, ...extra }));
    return sealedOf(chart);
  }
  const valueOf = (sealed: any): string => sealed.spec.encryptedData['.dockerconfigjson'];

  it('seals the same credentials to the same manifest in every new app, which opens to kubectl\'s payload', () => {
    const [first, second] = [sealedIn(), sealedIn()];
    expect(second).toEqual(first);
    expect(unseal(valueOf(first), 'apps/regcred')).toBe(kubectlPayload());
  });

  it('is stable for every scope, each under its own label', () => {
    for (const [scope, label] of [[SealingScope.NAMESPACE_WIDE, 'apps'], [SealingScope.CLUSTER_WIDE, '']] as const) {
      const value = valueOf(sealedIn({ scope }));
      expect(valueOf(sealedIn({ scope })), scope).toBe(value);
      expect(unseal(value, label), scope).toBe(kubectlPayload());
    }
  });

  it('seals anew when the password, the name, the namespace, the scope or the key changes', () => {
    const base = valueOf(sealedIn());
    const variants: [string, Partial<SealedRegistrySecretProps>][] = [
      ['password', { password: `${PASSWORD}2` }],
      ['username', { username: 'robot2' }],
      ['name', { metadata: { name: 'regcred2', namespace: 'apps' } }],
      ['namespace', { metadata: { name: 'regcred', namespace: 'apps2' } }],
      ['scope', { scope: SealingScope.NAMESPACE_WIDE }],
      ['key', { stabilityKey: randomBytes(32).toString('hex') }],
    ];
    const values = variants.map(([, extra]) => valueOf(sealedIn(extra)));
    expect(new Set([base, ...values]).size).toBe(variants.length + 1);
  });

  it('seals anew when a registry is added, and stays stable with it', () => {
    const withTwo = (): string => {
      const chart = new Chart(Testing.app(), 'sealed');
      const secret = new SealedRegistrySecret(chart, 'regcred', props({ stabilityKey: KEY }));
      secret.addRegistry({ server: 'quay.io', username: 'q', password: 'FAKE-3' });
      return valueOf(sealedOf(chart));
    };
    expect(withTwo()).toBe(withTwo());
    expect(withTwo()).not.toBe(valueOf(sealedIn()));
  });

  it('without a key, two apps seal differently, as kubeseal does', () => {
    expect(valueOf(sealedIn({ stabilityKey: undefined }))).not.toBe(valueOf(sealedIn({ stabilityKey: undefined })));
  });

  it('keeps the key out of the manifest, the construct tree and the construct itself', () => {
    const chart = new Chart(Testing.app(), 'sealed');
    const secret = new SealedRegistrySecret(chart, 'regcred', props({ stabilityKey: KEY }));
    const everything = [JSON.stringify(Testing.synth(chart)), inspect(secret, { depth: 8, showHidden: true }),
      JSON.stringify(secret.node.metadata), inspect(chart.node.findAll().map((c) => c.node.metadata), { depth: 8 })].join('\n');
    for (const form of [KEY, Buffer.from(KEY, 'hex').toString('base64').slice(0, 40)]) expect(everything.includes(form)).toBe(false);
  });

  it('fails when the key is too short, naming \'stabilityKey\' without quoting it, and leaves nothing behind', () => {
    const chart = Testing.chart();
    const short = randomBytes(16).toString('hex');
    const message = errorMessage(() => new SealedRegistrySecret(chart, 'regcred', props({ stabilityKey: short })));
    expect(message).toMatch(/^SealedRegistrySecret 'regcred': 'stabilityKey' is too short: 32 hex digits \(16 bytes\), expected a random key of at least 32 bytes/);
    expect(message).not.toContain(short);
    expect(chart.node.children).toHaveLength(0);
  });
});

describe('SealingCertificate', () => {
  it('reads the same key from a file and from pem text', () => {
    const fromPem = SealingCertificate.fromPem(readFileSync(join(keys.dir, 'cert.pem'), 'utf8'));
    expect(fromPem.pem).toBe(certificate.pem);
    expect(fromPem.source).toBe('certificate');
    expect(certificate.source).toBe(`certificate file '${join(keys.dir, 'cert.pem')}'`);
  });

  it('fails when the pem is not a certificate or public key', () => {
    expect(() => SealingCertificate.fromPem('not a pem')).toThrow(/^sealing: certificate must be a pem certificate .* found no pem block; fetch/);
    expect(() => SealingCertificate.fromPem('')).toThrow(/^sealing: certificate must be pem text, got an empty value/);
  });

  it('fails when the pem is a private key, without quoting it', () => {
    const keyPem = readFileSync(join(keys.dir, 'key.pem'), 'utf8');
    let message = '';
    try {
      SealingCertificate.fromPem(keyPem);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/found only 'PRIVATE KEY' blocks/);
    expect(message).not.toContain(keyPem.split('\n')[1]);
  });

  it('fails when the certificate file cannot be read', () => {
    expect(() => SealingCertificate.fromFile(join(keys.dir, 'missing.pem')))
      .toThrow(/^sealing: certificate file '.*missing\.pem' cannot be read: no such file; expected the controller's pem certificate: check/);
  });

  it('fails when the certificate file holds garbage, naming the file', () => {
    const bad = join(keys.dir, 'bad.pem');
    writeFileSync(bad, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    expect(() => SealingCertificate.fromFile(bad))
      .toThrow(/certificate file '.*bad\.pem' has a CERTIFICATE block that is not a valid x\.509 certificate/);
  });
});

describe('SealedRegistrySecret failures', () => {
  const messages: string[] = [];
  function fails(build: () => unknown, pattern: RegExp): void {
    const message = errorMessage(build);
    expect(message).toMatch(pattern);
    messages.push(message);
  }

  it('fails when a strict scope has no namespace (neither metadata nor chart)', () => {
    fails(() => new SealedRegistrySecret(Testing.chart(), 'regcred', props({ metadata: { name: 'regcred' } })),
      /^SealedRegistrySecret 'regcred': 'metadata.namespace' must be set for scope 'strict' .*, got none; set metadata.namespace or the chart's/);
  });

  it('fails when a namespace-wide scope has no namespace, and lets a cluster-wide one go without', () => {
    fails(() => new SealedRegistrySecret(Testing.chart(), 'regcred', props({ metadata: {}, scope: SealingScope.NAMESPACE_WIDE })),
      /'metadata.namespace' must be set for scope 'namespace-wide'/);
    const chart = Testing.chart();
    new SealedRegistrySecret(chart, 'regcred', props({ metadata: { name: 'regcred' }, scope: SealingScope.CLUSTER_WIDE }));
    const sealed = sealedOf(chart);
    expect(sealed.metadata.namespace).toBeUndefined();
    expect(JSON.parse(unseal(sealed.spec.encryptedData['.dockerconfigjson'], '')).auths[SERVER].username).toBe(USERNAME);
  });

  it('fails when the scope is not a SealingScope', () => {
    fails(() => new SealedRegistrySecret(Testing.chart(), 'regcred', props({ scope: 'everywhere' as SealingScope })),
      /'scope' must be one of 'strict', 'namespace-wide', 'cluster-wide', got "everywhere"/);
  });

  it('fails when the certificate is pem text instead of a SealingCertificate', () => {
    fails(() => new SealedRegistrySecret(Testing.chart(), 'regcred', props({ certificate: 'pem' as unknown as SealingCertificate })),
      /'certificate' must be a SealingCertificate, got a string; use SealingCertificate.fromFile/);
  });

  it('fails when the name is not a DNS-1123 subdomain', () => {
    fails(() => new SealedRegistrySecret(Testing.chart(), 'regcred', props({ metadata: { name: 'Reg_Cred', namespace: 'apps' } })),
      /'metadata.name' must be a DNS-1123 subdomain .* got "Reg_Cred"/);
  });

  it('fails when credentials are bad, in the constructor and in addRegistry, and leaves nothing behind', () => {
    const chart = Testing.chart();
    fails(() => new SealedRegistrySecret(chart, 'regcred', props({ username: 'a:b' })), /'username' must not contain ':'/);
    expect(chart.node.children).toHaveLength(0);
    const secret = new SealedRegistrySecret(chart, 'ok', props());
    fails(() => secret.addRegistry({ server: SERVER, username: 'x', password: PASSWORD }), /server 'ghcr.io' was added twice/);
    fails(() => secret.addRegistry({ server: 'quay.io', username: 'x', password: '' }), /'password' must not be empty/);
    expect(secret.servers).toEqual([SERVER]);
  });

  it('puts no password into any error message', () => {
    expect(messages.length).toBeGreaterThanOrEqual(6);
    for (const m of messages) {
      expect(m).not.toContain('FAKE-s3cr3t');
      expect(m).not.toMatch(/\.$/);
      expect(m.split('\n')).toHaveLength(1);
    }
  });
});
