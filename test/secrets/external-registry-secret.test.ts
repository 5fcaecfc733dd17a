import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, ApiObject, Chart, Duration, Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EcrRegistrySecret, EcrRegistrySecretProps, ExternalRegistrySecret, ExternalRegistrySecretProps, ExternalSecretsApiVersion, PrivatePod,
  PrivateRegistrySecret, SecretStoreKind,
} from '../../lib';
import { SERVERS_ANNOTATION } from '../../lib/check/annotations';
import { checkManifests } from '../../lib/check/manifest-check';
import { GoTemplateRenderer, buildGoTemplateRenderer } from '../support/go-template';
import { kubectlDockerRegistrySecret } from '../support/kubectl';
import { validateManifest } from '../support/schema';
import { errorMessage } from '../support/errors';

/** The Go program that renders a template as ESO's engine v2 does: Go's own text/template with ESO's FuncMap. */
let go: GoTemplateRenderer | undefined;
let goError: Error | undefined;

// built once per file: `go run` would compile on every render
beforeAll(() => {
  try {
    go = buildGoTemplateRenderer();
  } catch (e) {
    goError = e as Error;
  }
}, 200_000);

afterAll(() => go?.close());

/** Renders an ESO v2 template with Go's text/template on secret data, which ESO passes as strings. */
function renderGoTemplate(template: string, data: { [key: string]: string }): string {
  if (goError) throw goError;
  if (!go) throw new Error('the go renderer was not built: renderGoTemplate runs in a test, after beforeAll');
  return go.render({ template, data });
}

/** The `.dockerconfigjson` bytes kubectl writes. */
function kubectlPayload(server: string | undefined, username: string, password: string, email?: string): string {
  const secret = kubectlDockerRegistrySecret({ name: 'regcred', server, username, password, email });
  return Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8');
}

/** ESO 0.5.2's models know v1beta1 only; v1 is the same schema promoted, so the v1 object is judged under v1beta1. */
function validateExternalSecret(manifest: any): void {
  validateManifest(manifest.apiVersion === 'external-secrets.io/v1' ? { ...manifest, apiVersion: 'external-secrets.io/v1beta1' } : manifest);
}

const BASE: ExternalRegistrySecretProps = {
  metadata: { name: 'regcred', namespace: 'apps' },
  server: 'ghcr.io',
  storeName: 'vault',
  usernameKey: 'registry/ghcr',
  usernameProperty: 'username',
  passwordKey: 'registry/ghcr',
  passwordProperty: 'token',
};

/** Fake credential sets, each with a label to name it in a failure (never the password itself). */
const CREDENTIALS: Array<{ label: string; username: string; password: string; email: string }> = [
  { label: 'plain', username: 'robot', password: 'FAKE-plain', email: 'robot@example.com' },
  { label: 'quote and backslash', username: 'ro"bot\\', password: 'FAKE-"quoted"\\back\\slash\\', email: 'a"b\\c@example.com' },
  { label: 'html characters', username: 'r<o>&bot', password: 'FAKE-<html>&amp;</html>', email: '<robot>&co@example.com' },
  {
    label: 'line separators and controls',
    username: 'robot\u2029',
    password: 'FAKE-\u2028-\u2029-\t-\n-\r-\u0001-\u007f',
    email: 'r\u2028@example.com',
  },
  { label: 'unicode', username: 'ünïcödé-用户', password: 'FAKE-pässwörd-密码-😀', email: 'ü@exämple.com' },
  { label: 'colons', username: 'robot', password: 'FAKE:pass:word::', email: 'robot@example.com' },
  { label: 'template delimiters', username: '{{ .password }}', password: 'FAKE-{{ .username }}-}}{{', email: '{{ end }}' },
];

function externalSecretOf(props: Partial<ExternalRegistrySecretProps> = {}): any {
  const chart = Testing.chart();
  new ExternalRegistrySecret(chart, 'regcred', { ...BASE, ...props });
  const objects = Testing.synth(chart);
  expect(objects).toHaveLength(1);
  return objects[0];
}

describe('ExternalRegistrySecret', () => {
  it('emits one ExternalSecret (external-secrets.io/v1) that the schema accepts', () => {
    const es = externalSecretOf({ metadata: { name: 'regcred', namespace: 'apps', labels: { team: 'a' } } });
    validateExternalSecret(es);
    expect(es.apiVersion).toBe('external-secrets.io/v1');
    expect(es.kind).toBe('ExternalSecret');
    expect(es.metadata).toEqual({ name: 'regcred', namespace: 'apps', labels: { team: 'a' }, annotations: { [SERVERS_ANNOTATION]: 'ghcr.io' } });
    expect(es.spec.refreshInterval).toBe('1h');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'SecretStore' });
    expect(es.spec.data).toEqual([
      { secretKey: 'username', remoteRef: { key: 'registry/ghcr', property: 'username' } },
      { secretKey: 'password', remoteRef: { key: 'registry/ghcr', property: 'token' } },
    ]);
    expect(es.spec.target).toMatchObject({
      name: 'regcred',
      creationPolicy: 'Owner',
      template: { engineVersion: 'v2', type: 'kubernetes.io/dockerconfigjson', metadata: { labels: { team: 'a' } } },
    });
    expect(Object.keys(es.spec.target.template.data)).toEqual(['.dockerconfigjson']);
  });

  it('emits v1beta1 for older operators, which the v1beta1 schema accepts as is', () => {
    const es = externalSecretOf({ externalSecretsApiVersion: ExternalSecretsApiVersion.V1BETA1, storeKind: SecretStoreKind.CLUSTER_SECRET_STORE });
    expect(es.apiVersion).toBe('external-secrets.io/v1beta1');
    expect(es.spec.secretStoreRef).toEqual({ name: 'vault', kind: 'ClusterSecretStore' });
    validateManifest(es);
  });

  it('lets the schema fail a broken ExternalSecret, so the judge can fail', () => {
    const es = externalSecretOf();
    expect(() => validateExternalSecret({ ...es, spec: { ...es.spec, refreshInterval: 3600 } })).toThrow(/fails the schema/);
  });

  it('renders, under Go text/template, the byte-for-byte payload kubectl writes, whatever the credentials hold', () => {
    const template = externalSecretOf().spec.target.template.data['.dockerconfigjson'];
    for (const { label, username, password } of CREDENTIALS) {
      expect(renderGoTemplate(template, { username, password }), label).toBe(kubectlPayload('ghcr.io', username, password));
    }
  });

  it('writes the email as kubectl does when the store has one, and leaves an empty one out', () => {
    const es = externalSecretOf({ emailKey: 'registry/ghcr', emailProperty: 'email' });
    validateExternalSecret(es);
    expect(es.spec.data[2]).toEqual({ secretKey: 'email', remoteRef: { key: 'registry/ghcr', property: 'email' } });
    const template = es.spec.target.template.data['.dockerconfigjson'];
    for (const { label, username, password, email } of CREDENTIALS) {
      expect(renderGoTemplate(template, { username, password, email }), label).toBe(kubectlPayload('ghcr.io', username, password, email));
      expect(renderGoTemplate(template, { username, password, email: '' }), label).toBe(kubectlPayload('ghcr.io', username, password));
    }
  });

  it('defaults to Docker Hub as kubectl does, and escapes the server as a JSON string', () => {
    const chart = Testing.chart();
    const secret = new ExternalRegistrySecret(chart, 'hub', { ...BASE, server: undefined });
    expect(secret.servers).toEqual(['https://index.docker.io/v1/']);
    const template = Testing.synth(chart)[0].spec.target.template.data['.dockerconfigjson'];
    expect(renderGoTemplate(template, { username: 'robot', password: 'FAKE-pw' })).toBe(kubectlPayload(undefined, 'robot', 'FAKE-pw'));
    // a server that JSON must escape: the key is a Go-JSON literal in the template's text
    const odd = 'registry.example.com/a&b<c>"d\\e-é{}';
    const oddChart = Testing.chart();
    new ExternalRegistrySecret(oddChart, 'odd', { ...BASE, server: odd });
    const oddTemplate = Testing.synth(oddChart)[0].spec.target.template.data['.dockerconfigjson'];
    expect(renderGoTemplate(oddTemplate, { username: 'robot', password: 'FAKE-pw' })).toBe(kubectlPayload(odd, 'robot', 'FAKE-pw'));
  });

  it('writes refreshInterval as a Go duration', () => {
    expect(externalSecretOf({ refreshInterval: Duration.minutes(90) }).spec.refreshInterval).toBe('1h30m');
    expect(externalSecretOf({ refreshInterval: Duration.seconds(45) }).spec.refreshInterval).toBe('45s');
    expect(externalSecretOf({ refreshInterval: Duration.seconds(0) }).spec.refreshInterval).toBe('0s');
  });

  it('stands for the Secret the operator creates, with its one server, in a pod', () => {
    const chart = Testing.chart();
    const secret = new ExternalRegistrySecret(chart, 'regcred', BASE);
    expect([secret.apiVersion, secret.apiGroup, secret.kind, secret.resourceType, secret.resourceName])
      .toEqual(['v1', '', 'Secret', 'secrets', 'regcred']);
    expect(secret.servers).toEqual(['ghcr.io']);
    expect(secret.secretNamespace).toBe('apps');
    expect(ApiObject.of(secret).kind).toBe('ExternalSecret');
    new PrivatePod(chart, 'pod', {
      metadata: { namespace: 'apps' },
      containers: [{ image: 'ghcr.io/org/app:1', envVariables: { U: secret.envValue('x') } }],
      registrySecrets: [secret],
    });
    const pod = Testing.synth(chart).find((o) => o.kind === 'Pod');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(pod.spec.containers[0].env[0].valueFrom).toEqual({ secretKeyRef: { name: 'regcred', key: 'x' } });
  });
});

describe('the Go text/template judge', () => {
  it('fails a template that does not parse, calls a function ESO lacks, or reads a key the data lacks', () => {
    // a literal '{' right before an action: Go's lexer takes the first '{{' as the delimiter
    expect(() => renderGoTemplate('{"auths":{{{ .username | toJson }}:{}}}', { username: 'robot' })).toThrow(/unable to parse template/);
    expect(() => renderGoTemplate('{{ .username | nosuchfunc }}', { username: 'robot' })).toThrow(/function "nosuchfunc" not defined/);
    // ESO parses with missingkey=error
    expect(() => renderGoTemplate('{{ .email }}', { username: 'robot' })).toThrow(/map has no entry for key "email"/);
  });

  it('escapes as Go\'s json.Marshal does and pads base64, not as JSON.stringify would', () => {
    expect(renderGoTemplate('{{ .v | toJson }}', { v: '<&>\u2028' })).toBe('"\\u003c\\u0026\\u003e\\u2028"');
    expect(renderGoTemplate('{{ .v | b64enc }}', { v: 'a' })).toBe('YQ==');
    expect(renderGoTemplate('{{ .v | trimPrefix "https://" }}', { v: 'https://h' })).toBe('h');
  });
});

const ECR: EcrRegistrySecretProps = { metadata: { name: 'ecr', namespace: 'apps' }, region: 'eu-west-1', serviceAccountName: 'ecr-reader' };

function ecrObjects(props: Partial<EcrRegistrySecretProps> = {}): { generator: any; es: any; secret: EcrRegistrySecret } {
  const chart = Testing.chart();
  const secret = new EcrRegistrySecret(chart, 'ecr', { ...ECR, ...props });
  const objects = Testing.synth(chart);
  expect(objects.map((o) => o.kind)).toEqual(['ECRAuthorizationToken', 'ExternalSecret']);
  return { generator: objects[0], es: objects[1], secret };
}

describe('EcrRegistrySecret', () => {
  it('emits an ECRAuthorizationToken generator and an ExternalSecret that reads it, both schema-valid', () => {
    const { generator, es, secret } = ecrObjects({ role: 'arn:aws:iam::123456789012:role/ecr-pull' });
    validateManifest(generator);
    validateExternalSecret(es);
    expect(generator.apiVersion).toBe('generators.external-secrets.io/v1alpha1');
    expect(generator.metadata.namespace).toBe('apps');
    expect(generator.spec).toEqual({
      region: 'eu-west-1',
      role: 'arn:aws:iam::123456789012:role/ecr-pull',
      auth: { jwt: { serviceAccountRef: { name: 'ecr-reader' } } },
    });
    expect(es.spec.refreshInterval).toBe('6h');
    expect(es.spec.secretStoreRef).toBeUndefined();
    expect(es.spec.dataFrom).toEqual([{
      sourceRef: {
        generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ECRAuthorizationToken', name: generator.metadata.name },
      },
    }]);
    expect(secret.generatorName).toBe(generator.metadata.name);
    expect(secret.name).toBe('ecr');
    expect(secret.servers).toBeUndefined();
  });

  it('builds the payload kubectl writes from the token\'s username, password and proxy_endpoint', () => {
    const template = ecrObjects().es.spec.target.template.data['.dockerconfigjson'];
    const host = '123456789012.dkr.ecr.eu-west-1.amazonaws.com';
    // the generator's data (pkg/generator/ecr): username, password, proxy_endpoint and expires_at, all strings
    const token = { username: 'AWS', password: 'FAKE-ecr-token+/=', proxy_endpoint: `https://${host}`, expires_at: '1700000000' };
    expect(renderGoTemplate(template, token)).toBe(kubectlPayload(host, 'AWS', token.password));
    for (const { label, username, password } of CREDENTIALS) {
      expect(renderGoTemplate(template, { ...token, username, password }), label).toBe(kubectlPayload(host, username, password));
    }
  });

  it('writes the registry host and declares it as the server when the account is known', () => {
    const { es, secret } = ecrObjects({ accountId: '123456789012', region: 'cn-north-1' });
    const host = '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn';
    expect(secret.servers).toEqual([host]);
    const template = es.spec.target.template.data['.dockerconfigjson'];
    const token = { username: 'AWS', password: 'FAKE-ecr-token', proxy_endpoint: `https://${host}`, expires_at: '1700000000' };
    expect(renderGoTemplate(template, token)).toBe(kubectlPayload(host, 'AWS', token.password));
    for (const { label, username, password } of CREDENTIALS) {
      expect(renderGoTemplate(template, { ...token, username, password }), label).toBe(kubectlPayload(host, username, password));
    }
    // the key is the declared host, whatever endpoint the token names
    expect(renderGoTemplate(template, { ...token, proxy_endpoint: 'https://other.example.com' })).toBe(kubectlPayload(host, 'AWS', token.password));
  });

  it('authenticates with static keys from a Secret, or with the operator\'s own credentials', () => {
    const { generator } = ecrObjects({ serviceAccountName: undefined, accessKeySecretName: 'aws-keys', sessionTokenKey: 'session' });
    validateManifest(generator);
    expect(generator.spec.auth).toEqual({
      secretRef: {
        accessKeyIDSecretRef: { name: 'aws-keys', key: 'access-key-id' },
        secretAccessKeySecretRef: { name: 'aws-keys', key: 'secret-access-key' },
        sessionTokenSecretRef: { name: 'aws-keys', key: 'session' },
      },
    });
    expect(ecrObjects({ serviceAccountName: undefined }).generator.spec).toEqual({ region: 'eu-west-1' });
  });

  it('accepts a refresh just under the token lifetime', () => {
    expect(ecrObjects({ refreshInterval: Duration.minutes(11 * 60 + 59) }).es.spec.refreshInterval).toBe('11h59m');
  });
});

describe('the manifest pull check', () => {
  const pod = (image: string, secret: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
    spec: { containers: [{ name: 'c', image }], imagePullSecrets: [{ name: secret }] } });

  it('judges images against the server an ExternalSecret declares', () => {
    const chart = Testing.chart();
    new ExternalRegistrySecret(chart, 'regcred', BASE);
    const objects = Testing.synth(chart);
    expect(checkManifests([...objects, pod('ghcr.io/org/app:1', 'regcred')])).toMatchObject({ errors: [], warnings: [] });
    expect(checkManifests([...objects, pod('quay.io/org/app:1', 'regcred')]).errors.map((e) => e.rule)).toEqual(['image-coverage']);
  });

  it('judges ECR images when the account is known, and warns when it is not', () => {
    const image = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1';
    expect(checkManifests([...Testing.synth(Chart.of(ecrObjects({ accountId: '123456789012' }).secret)), pod(image, 'ecr')]))
      .toMatchObject({ errors: [], warnings: [] });
    const unknown = checkManifests([...Testing.synth(Chart.of(ecrObjects().secret)), pod(image, 'ecr')]);
    expect(unknown.errors).toEqual([]);
    expect(unknown.warnings).toHaveLength(1);
    expect(unknown.warnings[0].message).toMatch(/cannot judge 'ecr' \(not in the output, or its servers not declared\)/);
  });
});

describe('an existing pull secret (PrivateRegistrySecret.fromRegistrySecretName)', () => {
  it('emits nothing and carries the declared servers and namespace', () => {
    const chart = Testing.chart();
    const secret = PrivateRegistrySecret.fromRegistrySecretName(chart, 'existing', 'regcred',
      { servers: ['ghcr.io', 'quay.io'], secretNamespace: 'apps' });
    expect(Testing.synth(chart)).toEqual([]);
    expect(secret.name).toBe('regcred');
    expect(secret.servers).toEqual(['ghcr.io', 'quay.io']);
    expect(secret.secretNamespace).toBe('apps');
  });
});

describe('plaintext', () => {
  it('the synthesized YAML of an external app holds no password, auth value or payload', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'external-app-'));
    try {
      const app = new App({ outdir });
      const chart = new Chart(app, 'external', { namespace: 'apps' });
      new ExternalRegistrySecret(chart, 'ghcr', BASE);
      new EcrRegistrySecret(chart, 'ecr', ECR);
      app.synth();
      const yaml = readdirSync(outdir).map((f) => readFileSync(join(outdir, f), 'utf8')).join('\n');
      expect(yaml).toContain('kind: ExternalSecret');
      // what the store would hold: none of it may be in the manifests, only template actions
      const payload = kubectlPayload('ghcr.io', 'robot', 'FAKE-store-pw');
      const auth = JSON.parse(payload).auths['ghcr.io'].auth;
      for (const forbidden of ['FAKE-store-pw', auth, Buffer.from(payload).toString('base64'), '"auth":"' + auth]) {
        expect(yaml.includes(forbidden), forbidden.slice(0, 12)).toBe(false);
      }
      expect(yaml).not.toMatch(/"auth":"[A-Za-z0-9+/=]+"/);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('failures', () => {
  const messages: string[] = [];
  function fails(build: () => unknown, pattern: RegExp): void {
    const message = errorMessage(build);
    expect(message).toMatch(pattern);
    messages.push(message);
  }
  const external = (props: Partial<ExternalRegistrySecretProps>) =>
    () => new ExternalRegistrySecret(Testing.chart(), 'regcred', { ...BASE, ...props });
  const ecr = (props: Partial<EcrRegistrySecretProps>) => () => new EcrRegistrySecret(Testing.chart(), 'ecr', { ...ECR, ...props });

  it('fails when the ECR refresh interval is 12 hours or more, or zero', () => {
    fails(ecr({ refreshInterval: Duration.hours(12) }), new RegExp("^EcrRegistrySecret 'ecr': 'refreshInterval' must be more than 0 and " +
      'less than 12h \\(an ecr token expires after 12 hours\\), got 12h; use Duration.hours\\(6\\)'));
    fails(ecr({ refreshInterval: Duration.days(1) }), /'refreshInterval' must be .* got 24h/);
    fails(ecr({ refreshInterval: Duration.seconds(0) }), /'refreshInterval' must be more than 0 .* got 0s/);
  });

  it('fails when the ECR region or account is malformed', () => {
    fails(ecr({ region: 'Europe' }), /^EcrRegistrySecret 'ecr': 'region' must be an aws region such as 'eu-west-1', got "Europe"/);
    fails(ecr({ accountId: '1234' }), /'accountId' must be a 12-digit aws account id, got "1234"/);
  });

  it('fails when ECR has two ways to authenticate, or key names without the Secret', () => {
    fails(ecr({ accessKeySecretName: 'aws-keys' }), /'serviceAccountName' and 'accessKeySecretName' must not both be set/);
    fails(ecr({ serviceAccountName: undefined, accessKeyIdKey: 'id' }), /'accessKeyIdKey' needs 'accessKeySecretName', got none/);
  });

  it('fails when ECR has serviceAccountName and access-key fields, instead of dropping the key fields', () => {
    for (const field of ['accessKeyIdKey', 'secretAccessKeyKey', 'sessionTokenKey'] as const) {
      fails(ecr({ [field]: 'key' }), new RegExp(`^EcrRegistrySecret 'ecr': '${field}' needs 'accessKeySecretName', got none ` +
        `\\('serviceAccountName' authenticates instead, which uses no keys\\); remove '${field}', or replace 'serviceAccountName' ` +
        'with \'accessKeySecretName\'$'));
    }
  });

  it('fails when the server is empty or has white space', () => {
    fails(external({ server: '' }), /^ExternalRegistrySecret 'regcred': 'server' must not be empty/);
    fails(external({ server: 'ghcr.io ' }), /'server' must not contain white space, got "ghcr.io "/);
  });

  it('fails when a remote key, the store name or an enum is missing or wrong', () => {
    fails(external({ usernameKey: '' }), /'usernameKey' must not be empty; name the remote secret that holds the username/);
    fails(external({ passwordKey: undefined as unknown as string }), /'passwordKey' must be a string, got undefined; name the remote secret that holds the password/);
    fails(external({ passwordProperty: '' }), /'passwordProperty' must not be empty; name the property or leave it out/);
    fails(external({ emailProperty: 'email' }), /'emailKey' must be a string, got undefined; name the remote secret that holds the email/);
    fails(external({ storeName: 'Vault Store' }), /'storeName' must be a DNS-1123 subdomain .* got "Vault Store"/);
    fails(external({ storeKind: 'Vault' as SecretStoreKind }), /'storeKind' must be one of 'SecretStore', 'ClusterSecretStore', got "Vault"/);
    fails(external({ externalSecretsApiVersion: 'v2' as ExternalSecretsApiVersion }), /'externalSecretsApiVersion' must be one of/);
    fails(external({ metadata: { name: 'Reg_Cred' } }), /'metadata.name' must be a DNS-1123 subdomain/);
  });

  it('every message is one line, without a trailing period', () => {
    expect(messages.length).toBeGreaterThanOrEqual(15);
    for (const m of messages) {
      expect(m.split('\n')).toHaveLength(1);
      expect(m).not.toMatch(/\.$/);
    }
  });
});
