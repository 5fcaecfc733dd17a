// RegistryPullPolicy over real manifests: an Include of a vendored multi-document YAML spanning several namespaces,
// synthesized to disk by App.synth() and read back. kubectl judges the secrets' bytes and names, the Kubernetes schema
// every object, the pull-check plugin the whole output, and a plain synth of the same Include the objects that must not
// change.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Include, JsonPatch, Testing, Yaml } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DockerConfig, PrivateDeployment, PrivatePod, PrivateRegistrySecret, PullCheckValidation, PullCheckViolation, RegistryCredentials,
  RegistryPullPolicy,
  RegistryPullPolicyProps, SealingCertificate,
} from '../../lib';
import { POLICY_PUBLIC_IMAGES_ANNOTATION } from '../../lib/check/annotations';
import { errorMessage } from '../support/errors';
import { kubectlDockerRegistrySecret } from '../support/kubectl';
import { SealingKeys, createSealingKeys, unseal } from '../support/sealed-secrets';
import { validateManifest } from '../support/schema';

const FIXTURE = path.join(__dirname, 'fixtures', 'vendored.yaml');
const GHCR: RegistryCredentials = { server: 'ghcr.io', username: 'octocat', password: 'FAKE-ghcr-token-q8Zr3vW1x' };
const REGISTRY: RegistryCredentials = {
  server: 'registry.example.com:5000', username: 'ci', password: 'FAKE-registry-pw-"<&>-q8Zr3vW1x', email: 'ci@example.com',
};
const UNUSED: RegistryCredentials = { server: 'private.example.org', username: 'ops', password: 'FAKE-private-q8Zr3vW1x' };
const PUBLIC = ['busybox', 'nginx'];
const PASSWORDS = [GHCR.password, REGISTRY.password, UNUSED.password];

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pull-policy-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

interface Output {
  /** Each file App.synth() wrote, as text. */
  readonly files: { [file: string]: string };
  /** Each file's objects. */
  readonly objects: { [file: string]: any[] };
  readonly all: any[];
  /** The folder they are in. */
  readonly outdir: string;
}

/** Writes the app to a fresh folder with App.synth() and reads every file back. */
function synthToDisk(build: (app: App) => void): Output {
  const outdir = fs.mkdtempSync(path.join(dir, 'dist-'));
  const app = new App({ outdir });
  build(app);
  app.synth();
  return readOutput(outdir);
}

function readOutput(outdir: string): Output {
  const files: { [file: string]: string } = {};
  const objects: { [file: string]: any[] } = {};
  for (const f of fs.readdirSync(outdir).sort()) {
    files[f] = fs.readFileSync(path.join(outdir, f), 'utf8');
    objects[f] = Yaml.load(path.join(outdir, f));
  }
  return { files, objects, all: Object.values(objects).flat(), outdir };
}

function vendoredApp(policy?: Partial<RegistryPullPolicyProps>): (app: App) => RegistryPullPolicy | undefined {
  return (app) => {
    const chart = new Chart(app, 'vendored');
    new Include(chart, 'manifests', { url: FIXTURE });
    return policy && new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR, REGISTRY, UNUSED], publicImages: PUBLIC, ...policy });
  };
}

const key = (o: any): string => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const find = (objects: any[], k: string): any => {
  const found = objects.filter((o) => key(o) === k);
  expect(found, k).toHaveLength(1);
  return found[0];
};
const podSpec = (o: any): any => {
  if (o.kind === 'Pod') return o.spec;
  if (o.kind === 'PodTemplate') return o.template.spec;
  return o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
};
const auths = (secret: any): any => JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8')).auths;

/** A cdk8s CLI validation context over the output, as the CLI builds it: the manifests, a report, a logger. */
/**
 * The plugin over the output: its findings, and apart from them its warnings (the report carries both; only findings
 * fail it). The public images here are Docker Hub's, so the only warnings are about pulling them anonymously.
 */
interface PluginRun { violations: PullCheckViolation[]; warnings: string[]; status: string; podsChecked: string }

function pluginRun(output: Output, publicImages = PUBLIC): PluginRun {
  const all: PullCheckViolation[] = [];
  let status = '';
  let podsChecked = '';
  new PullCheckValidation({ publicImages }).validate({
    // the plugin reads the files itself
    manifests: Object.keys(output.objects).map((f) => path.join(output.outdir, f)),
    parseManifest: () => { throw new Error('the plugin reads the files itself'); },
    report: { addViolation: (v) => all.push(v), submit: (s, m) => { status = s; podsChecked = m?.podsChecked ?? ''; } },
    logger: { log: () => undefined },
  });
  const warnings = all.filter((v) => v.ruleName === 'warning').map((v) => v.recommendation);
  for (const w of warnings) expect(w).toMatch(/is pulled from Docker Hub without credentials/);
  return { violations: all.filter((v) => v.ruleName !== 'warning'), warnings, status, podsChecked };
}

describe('an App-scoped policy over an Include of vendored manifests', () => {
  let output: Output;
  let bare: Output;
  let secrets: any[];

  beforeAll(() => {
    output = synthToDisk(vendoredApp({}));
    bare = synthToDisk(vendoredApp());
    secrets = output.all.filter((o) => o.kind === 'Secret' && o.metadata.name === 'regcred');
  });

  it('writes the secrets into a chart of its own, and the vendored objects stay in theirs', () => {
    const files = Object.keys(output.files);
    expect(files).toHaveLength(2);
    expect(files).toContain('vendored.k8s.yaml');
    const own = files.find((f) => f !== 'vendored.k8s.yaml')!;
    expect(own).toMatch(/^pull-policy-secrets-[0-9a-f]{8}\.k8s\.yaml$/);
    expect(output.objects[own].map((o) => o.kind)).toEqual(['Secret', 'Secret', 'Secret', 'Secret']);
    expect(output.objects['vendored.k8s.yaml'].map(key)).toEqual(bare.objects['vendored.k8s.yaml'].map(key));
  });

  it('writes one secret per namespace that needs one, holding only the registries that namespace pulls from', () => {
    const byNamespace = Object.fromEntries(secrets.map((s) => [s.metadata.namespace ?? '(none)', Object.keys(auths(s))]));
    expect(byNamespace).toEqual({
      'shop': ['ghcr.io'],
      'payments': ['registry.example.com:5000'],
      'monitoring': ['ghcr.io', 'registry.example.com:5000'],
      '(none)': ['ghcr.io'],
    });
    // a namespace of public images gets nothing, and no namespace gets the registry nothing pulls from
    expect(output.files['vendored.k8s.yaml']).not.toContain('private.example.org');
    for (const text of Object.values(output.files)) {
      expect(text).not.toContain(Buffer.from(`${UNUSED.username}:${UNUSED.password}`).toString('base64'));
    }
  });

  it('writes each one-registry secret byte for byte as kubectl create secret docker-registry does', () => {
    for (const [namespace, c] of [['shop', GHCR], ['payments', REGISTRY]] as const) {
      const ours = secrets.find((s) => s.metadata.namespace === namespace);
      const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', namespace, server: c.server, username: c.username, password: c.password,
        email: c.email });
      expect(ours).toEqual({
        apiVersion: kubectl.apiVersion, kind: kubectl.kind, metadata: { name: kubectl.metadata.name, namespace: kubectl.metadata.namespace },
        type: kubectl.type, data: kubectl.data,
      });
    }
  });

  it('writes both registries\' credentials into the namespace that pulls from both', () => {
    const entries = auths(secrets.find((s) => s.metadata.namespace === 'monitoring'));
    for (const c of [GHCR, REGISTRY]) {
      const ok = Buffer.from(entries[c.server!].auth, 'base64').toString('utf8') === `${c.username}:${c.password}`;
      expect(ok, `auth of ${c.server}`).toBe(true);
    }
  });

  it('adds the secret once to each object that needs it, after the entries it has', () => {
    const vendored = output.objects['vendored.k8s.yaml'];
    const expected: { [k: string]: string[] } = {
      'Deployment shop/web': ['regcred'],
      'StatefulSet shop/db': ['regcred'],
      'CronJob shop/report': ['vendor-pull', 'regcred'],
      'Pod shop/debug': ['regcred'], // only its ephemeral container pulls privately
      // lists none, so it got its service account's secrets; listing any, it must list those itself
      'Job payments/build': ['builder-pull', 'regcred'],
      'DaemonSet payments/agent': ['regcred'],
      'ReplicaSet payments/legacy': ['regcred'],
      'ReplicationController payments/older': ['regcred'],
      'PodTemplate payments/batch-template': ['regcred'],
      'Deployment monitoring/exporter': ['regcred'],
      'Pod /standalone': ['regcred'],
      // covered by their own secret, or public
      'Deployment shop/static-site': [],
      'Job shop/migrate': ['registry-creds'],
      'Deployment public-only/dashboards': [],
    };
    for (const [k, names] of Object.entries(expected)) {
      const refs = podSpec(find(vendored, k)).imagePullSecrets;
      expect(refs === undefined ? [] : refs.map((r: any) => r.name), k).toEqual(names);
    }
  });

  it('leaves every object that needs nothing byte for byte as a plain synth of the same Include writes it', () => {
    const docs = (o: Output): string[] => o.files['vendored.k8s.yaml'].split(/^---\n/m);
    const objects = output.objects['vendored.k8s.yaml'];
    expect(docs(output)).toHaveLength(objects.length);
    const changed = docs(output).map((d, i) => (d === docs(bare)[i] ? undefined : key(objects[i]))).filter((k) => k !== undefined);
    expect(changed.sort()).toEqual([
      'CronJob shop/report', 'DaemonSet payments/agent', 'Deployment monitoring/exporter',
      // these two need no secret: they carry the policy's public images that name their images, and nothing else changes
      'Deployment public-only/dashboards', 'Deployment shop/static-site',
      'Deployment shop/web', 'Job payments/build',
      'Pod /standalone', 'Pod shop/debug', 'PodTemplate payments/batch-template', 'ReplicaSet payments/legacy',
      'ReplicationController payments/older', 'StatefulSet shop/db',
    ]);
    for (const k of ['Deployment public-only/dashboards', 'Deployment shop/static-site']) {
      const declared = structuredClone(find(output.objects['vendored.k8s.yaml'], k));
      expect(declared.metadata.annotations[POLICY_PUBLIC_IMAGES_ANNOTATION]).toMatch(/\S/);
      delete declared.metadata.annotations[POLICY_PUBLIC_IMAGES_ANNOTATION];
      if (Object.keys(declared.metadata.annotations).length === 0) delete declared.metadata.annotations;
      expect(declared).toEqual(find(bare.objects['vendored.k8s.yaml'], k));
    }
    // and a changed object differs only in its imagePullSecrets (and the declaration of its nginx as public)
    const web = structuredClone(find(output.objects['vendored.k8s.yaml'], 'Deployment shop/web'));
    const bareWeb = find(bare.objects['vendored.k8s.yaml'], 'Deployment shop/web');
    delete web.spec.template.spec.imagePullSecrets;
    expect(web.metadata.annotations).toEqual({ [POLICY_PUBLIC_IMAGES_ANNOTATION]: 'nginx' });
    delete web.metadata.annotations;
    expect(web).toEqual(bareWeb);
  });

  it('keeps the strings that YAML 1.1 reads as booleans quoted, so that they stay strings', () => {
    const flags = find(output.objects['vendored.k8s.yaml'], 'ConfigMap shop/shop-flags');
    expect(flags.data).toEqual({ cache: 'on', debug: 'off', tracing: 'n', metrics: 'y', canary: 'no', legacy: 'yes' });
    expect(podSpec(find(output.objects['vendored.k8s.yaml'], 'Deployment shop/web')).containers[0].env).toEqual([
      { name: 'FEATURE_X', value: 'on' }, { name: 'VERBOSE', value: 'n' },
    ]);
  });

  it('writes only objects that pass the Kubernetes schema', () => {
    expect(output.all.length).toBeGreaterThan(20);
    for (const o of output.all) validateManifest(o);
  });

  it('passes the pull-check plugin over the whole output with no findings', () => {
    const run = pluginRun(output);
    expect(run.violations).toEqual([]);
    expect(run.status).toBe('success');
    // every pod-bearing object is judged: the 11 the policy changed, Job shop/migrate with its own secret, and the two
    // that pull only public images (the policy leaves those alone)
    expect(run.podsChecked).toBe('14');
    expect(run.warnings.length).toBeGreaterThan(0);
  });

  it('is judged by the plugin: a namespace secret without a registry its pods need is a finding', () => {
    const tampered: Output = JSON.parse(JSON.stringify(output));
    const file = Object.keys(tampered.objects).find((f) => f !== 'vendored.k8s.yaml')!;
    const monitoring = tampered.objects[file].find((s: any) => s.metadata.namespace === 'monitoring');
    const entries = auths(monitoring);
    delete entries['registry.example.com:5000'];
    monitoring.data['.dockerconfigjson'] = Buffer.from(JSON.stringify({ auths: entries })).toString('base64');
    // the plugin reads files: the tampered output goes to a folder of its own
    const outdir = fs.mkdtempSync(path.join(dir, 'tampered-'));
    for (const [f, objects] of Object.entries(tampered.objects)) fs.writeFileSync(path.join(outdir, f), Yaml.stringify(...objects));
    const run = pluginRun({ ...tampered, outdir });
    expect(run.violations.map((v) => v.violatingResources[0].resourceName)).toEqual(['Deployment monitoring/exporter']);
    expect(run.violations[0].recommendation).toMatch(/registry.example.com:5000\/acme\/collector:5/);
  });

  it('writes the same files when the app is synthesized again', () => {
    const outdir = fs.mkdtempSync(path.join(dir, 'twice-'));
    const app = new App({ outdir });
    vendoredApp({})(app);
    app.synth();
    const first = readOutput(outdir).files;
    app.synth();
    expect(readOutput(outdir).files).toEqual(first);
    expect(first).toEqual(output.files);
  });

  it('never writes a password where it does not belong', () => {
    const vendored = output.files['vendored.k8s.yaml'];
    for (const password of PASSWORDS) expect(vendored.includes(password)).toBe(false);
  });
});

describe('a Chart-scoped policy', () => {
  function build(): { chart: Chart; other: Chart; app: App } {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const other = new Chart(app, 'other', { namespace: 'other' });
    new kplus.Deployment(chart, 'api', { containers: [{ image: 'ghcr.io/acme/api:2' }] });
    new ApiObject(chart, 'nightly', {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly' },
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never',
        containers: [{ name: 'n', image: 'registry.example.com:5000/acme/nightly:1' }] } } } } },
    });
    const own = new PrivateRegistrySecret(chart, 'own', { metadata: { name: 'own' }, server: 'quay.io', username: 'q',
      password: 'FAKE-own-q8Zr3vW1x' });
    new PrivateDeployment(chart, 'private', { containers: [{ image: 'quay.io/acme/private:1' }], registrySecrets: [own] });
    new kplus.Job(chart, 'public', { containers: [{ image: 'nginx:1.25' }] });
    new kplus.Deployment(other, 'elsewhere', { containers: [{ image: 'ghcr.io/acme/elsewhere:1' }] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR, REGISTRY], publicImages: ['nginx'] });
    return { app, chart, other };
  }

  it('covers that chart\'s objects, writes the secret into it, and leaves other charts alone', () => {
    const { chart, other } = build();
    const objects = Testing.synth(chart);
    const secrets = objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'regcred');
    expect(secrets).toHaveLength(1);
    expect(secrets[0].metadata.namespace).toBe('apps');
    expect(Object.keys(auths(secrets[0]))).toEqual(['ghcr.io', 'registry.example.com:5000']);
    const refs = (kind: string, name: RegExp): any => podSpec(objects.find((o) => o.kind === kind && name.test(o.metadata.name))).imagePullSecrets;
    expect(refs('Deployment', /-api-/)).toEqual([{ name: 'regcred' }]);
    expect(refs('CronJob', /^nightly$/)).toEqual([{ name: 'regcred' }]);
    expect(refs('Deployment', /-private-/)).toEqual([{ name: 'own' }]);
    expect(refs('Job', /-public-/)).toBeUndefined();
    expect(podSpec(Testing.synth(other)[0]).imagePullSecrets).toBeUndefined();
  });

  it('gives the same result through App.synth(), whose validations run once per chart and once more', () => {
    const { app, chart } = build();
    const viaTesting = Testing.synth(chart);
    const outdir = fs.mkdtempSync(path.join(dir, 'chart-scope-'));
    (app as any).outdir = outdir;
    app.synth();
    const written = readOutput(outdir);
    expect(written.objects['apps.k8s.yaml']).toEqual(viaTesting);
  });

  it('fails when an image is covered by nothing, naming the object, the image and the fix', () => {
    const { app, chart } = build();
    new kplus.Deployment(chart, 'stray', { containers: [{ image: 'registry.example.com/acme/stray:1' }] });
    const message = errorMessage(() => app.synthYaml());
    expect(message).toMatch(/\[apps\/pull-policy\] Deployment apps\/apps-stray-c8[0-9a-f]+: container 'main' image 'registry.example.com\/acme\/stray:1'/);
    // the near miss: the key has a port, the image none
    expect(message).toMatch(/pull secret key 'registry.example.com:5000' does not match image .*port '5000'/);
    // the policy's key is evidence that the image is private: one wording, the engine's, as the plugin and inspect show it
    expect(message).toMatch(/the kubelet would pull it anonymously and fail with ErrImagePull: add a pull secret with a registry for 'registry.example.com' to the pod, or declare the image public \(publicImages\)/);
    for (const password of PASSWORDS) expect(message.includes(password)).toBe(false);
  });
});

describe('appendHash', () => {
  it('names each namespace\'s secret by its own content, as kubectl --append-hash does, and the references follow', () => {
    const output = synthToDisk(vendoredApp({ appendHash: true }));
    const secrets = output.all.filter((o) => o.kind === 'Secret' && o.metadata.name.startsWith('regcred-'));
    expect(secrets).toHaveLength(4);
    for (const [namespace, c] of [['shop', GHCR], ['payments', REGISTRY]] as const) {
      const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', namespace, server: c.server, username: c.username, password: c.password,
        email: c.email, appendHash: true });
      expect(secrets.find((s) => s.metadata.namespace === namespace).metadata.name).toBe(kubectl.metadata.name);
    }
    // shop and the objects without a namespace hold the same registry, so the same content and name
    expect(new Set(secrets.map((s) => s.metadata.name)).size).toBe(3);
    const vendored = output.objects['vendored.k8s.yaml'];
    const nameIn = (namespace?: string): string => secrets.find((s) => s.metadata.namespace === namespace).metadata.name;
    expect(podSpec(find(vendored, 'CronJob shop/report')).imagePullSecrets).toEqual([{ name: 'vendor-pull' }, { name: nameIn('shop') }]);
    expect(podSpec(find(vendored, 'DaemonSet payments/agent')).imagePullSecrets).toEqual([{ name: nameIn('payments') }]);
    expect(podSpec(find(vendored, 'Deployment monitoring/exporter')).imagePullSecrets).toEqual([{ name: nameIn('monitoring') }]);
    expect(pluginRun(output).violations).toEqual([]);
  });
});

describe('sealingCertificate', () => {
  let keys: SealingKeys;
  beforeAll(() => {
    keys = createSealingKeys();
  });
  afterAll(() => keys?.close());

  it('writes a strict SealedSecret per namespace, which the controller opens to kubectl\'s payload', () => {
    const certificate = SealingCertificate.fromFile(keys.certPath);
    const output = synthToDisk((app) => {
      const chart = new Chart(app, 'vendored');
      new Include(chart, 'manifests', { url: FIXTURE });
      // the object without a namespace cannot get a strict SealedSecret: leave it out of this app
      new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR, REGISTRY], publicImages: [...PUBLIC, 'ghcr.io/acme/standalone'],
        sealingCertificate: certificate });
    });
    const sealed = output.all.filter((o) => o.kind === 'SealedSecret');
    expect(sealed.map((s) => s.metadata.namespace).sort()).toEqual(['monitoring', 'payments', 'shop']);
    expect(output.all.filter((o) => o.kind === 'Secret' && o.metadata.name === 'regcred')).toEqual([]);
    for (const [namespace, c] of [['shop', GHCR], ['payments', REGISTRY]] as const) {
      const s = sealed.find((o) => o.metadata.namespace === namespace);
      const payload = unseal(s.spec.encryptedData['.dockerconfigjson'], `${namespace}/regcred`, keys.privateKey);
      const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', namespace, server: c.server, username: c.username, password: c.password,
        email: c.email });
      expect(payload === Buffer.from(kubectl.data['.dockerconfigjson'], 'base64').toString('utf8')).toBe(true);
    }
    for (const o of output.all) validateManifest(o);
    expect(pluginRun(output, [...PUBLIC, 'ghcr.io/acme/standalone']).violations).toEqual([]);
  });

  it('fails when objects without a namespace need the secret: a strict SealedSecret is bound to one', () => {
    const app = Testing.app();
    vendoredApp({ sealingCertificate: SealingCertificate.fromFile(keys.certPath) })(app);
    expect(() => app.synthYaml())
      .toThrow(/objects without a namespace \(Pod standalone\) need the policy's pull secret, but a SealedSecret with strict scope/);
  });
});

describe('sealingCertificate with a stabilityKey', () => {
  const KEY = randomBytes(32).toString('base64');
  let keys: SealingKeys;
  beforeAll(() => {
    keys = createSealingKeys();
  });
  afterAll(() => keys?.close());

  function sealedApp(props: Partial<RegistryPullPolicyProps>): Output {
    return synthToDisk((app) => {
      const chart = new Chart(app, 'vendored');
      new Include(chart, 'manifests', { url: FIXTURE });
      new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR, REGISTRY], publicImages: [...PUBLIC, 'ghcr.io/acme/standalone'],
        sealingCertificate: SealingCertificate.fromFile(keys.certPath), stabilityKey: KEY, ...props });
    });
  }

  it('writes byte-identical files on every synth, whose secrets the controller opens to kubectl\'s payload', () => {
    const [first, second] = [sealedApp({}), sealedApp({})];
    expect(second.files).toEqual(first.files);
    const shop = first.all.find((o) => o.kind === 'SealedSecret' && o.metadata.namespace === 'shop');
    const kubectl = kubectlDockerRegistrySecret({ name: 'regcred', namespace: 'shop', ...GHCR });
    expect(unseal(shop.spec.encryptedData['.dockerconfigjson'], 'shop/regcred', keys.privateKey)
      === Buffer.from(kubectl.data['.dockerconfigjson'], 'base64').toString('utf8')).toBe(true);
    const text = Object.values(first.files).join('\n');
    expect(text.includes(KEY) || PASSWORDS.some((p) => text.includes(p))).toBe(false);
  });

  it('seals anew only the namespace whose credentials changed', () => {
    const sealedByNamespace = (o: Output): Map<string, string> => new Map(o.all.filter((x) => x.kind === 'SealedSecret')
      .map((x) => [x.metadata.namespace, x.spec.encryptedData['.dockerconfigjson']]));
    const before = sealedByNamespace(sealedApp({}));
    const after = sealedByNamespace(sealedApp({ registries: [GHCR, { ...REGISTRY, password: `${REGISTRY.password}-rotated` }] }));
    expect(after.get('shop')).toBe(before.get('shop'));
    expect(after.get('payments')).not.toBe(before.get('payments'));
    const otherKey = sealedByNamespace(sealedApp({ stabilityKey: randomBytes(32).toString('hex') }));
    for (const [namespace, value] of before) expect(otherKey.get(namespace), namespace).not.toBe(value);
  });

  it('fails when the key is given without sealingCertificate, or is too short, naming \'stabilityKey\'', () => {
    const chart = Testing.chart();
    expect(errorMessage(() => new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], stabilityKey: KEY })))
      .toMatch(/^RegistryPullPolicy 'pull-policy': 'stabilityKey' is given without 'sealingCertificate'/);
    const short = randomBytes(20).toString('hex');
    const message = errorMessage(() => new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], stabilityKey: short,
      sealingCertificate: SealingCertificate.fromFile(keys.certPath) }));
    expect(message).toMatch(/^RegistryPullPolicy 'pull-policy': 'stabilityKey' is too short: 40 hex digits \(20 bytes\)/);
    expect(message).not.toContain(short);
    expect(chart.node.children).toHaveLength(0);
  });
});

describe('sealingCertificate with appendHash', () => {
  it('is refused: the name would be a hash of the unsealed credentials, committed in plaintext', () => {
    const keys = createSealingKeys();
    try {
      const chart = Testing.chart();
      expect(() => new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], appendHash: true,
        sealingCertificate: SealingCertificate.fromFile(keys.certPath) }))
        .toThrow(/^RegistryPullPolicy 'pull-policy': 'appendHash' cannot be used with 'sealingCertificate': the name would be a hash/);
      expect(chart.node.children).toHaveLength(0);
    } finally {
      keys.close();
    }
  });
});

describe('what is in scope already', () => {
  it('refers to a Secret of the same name and content that the namespace has already, instead of writing a second one', () => {
    const chart = Testing.chart();
    const existing = new PrivateRegistrySecret(chart, 'existing', { metadata: { name: 'regcred', namespace: 'apps' }, ...GHCR });
    new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'ghcr.io/acme/api:2' }] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.kind === 'Secret')).toHaveLength(1);
    expect(objects[0].metadata.name).toBe(existing.name);
    expect(podSpec(objects.find((o) => o.kind === 'Deployment')).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('fails when the namespace has a Secret of that name with other content', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'existing', { metadata: { name: 'regcred', namespace: 'apps' }, server: 'quay.io', username: 'q',
      password: 'FAKE-quay-q8Zr3vW1x' });
    new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'ghcr.io/acme/api:2' }] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const message = errorMessage(() => Testing.synth(chart));
    expect(message).toMatch(/namespace 'apps' already has a Secret named 'regcred' \(Secret test\/existing\/Resource\) with other content than the policy's/);
    expect(message).toMatch(/set the policy's secretName to another name/);
    expect(message.includes('FAKE-quay-q8Zr3vW1x') || message.includes(GHCR.password)).toBe(false);
  });

  it('writes the secret under another secretName next to an unrelated Secret of the default name', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'existing', { metadata: { name: 'regcred', namespace: 'apps' }, server: 'quay.io', username: 'q',
      password: 'FAKE-quay-q8Zr3vW1x' });
    new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'ghcr.io/acme/api:2' }] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], secretName: 'app-pull' });
    const objects = Testing.synth(chart);
    expect(objects.filter((o) => o.kind === 'Secret').map((o) => o.metadata.name)).toEqual(['regcred', 'app-pull']);
    expect(podSpec(objects.find((o) => o.kind === 'Deployment')).imagePullSecrets).toEqual([{ name: 'app-pull' }]);
  });

  it('does not list the secret twice in an object that names it already', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'ghcr.io/acme/p:1' }] } });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const objects = Testing.synth(chart);
    expect(objects[0].spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(Object.keys(auths(objects[1]))).toEqual(['ghcr.io']);
  });
});

describe('reading the objects: once per synth, again when they may have changed', () => {
  /** A raw Pod that counts how often its JSON is made. */
  class CountingPod extends ApiObject {
    public calls = 0;
    constructor(scope: Chart, id: string, image: string) {
      super(scope, id, { apiVersion: 'v1', kind: 'Pod', metadata: { name: id }, spec: { containers: [{ name: 'c', image }] } });
    }
    public override toJson(): any {
      this.calls++;
      return super.toJson();
    }
  }

  it('makes each object\'s JSON once to read it and once to write it when App.synth writes one chart and the policy\'s', () => {
    const outdir = fs.mkdtempSync(path.join(dir, 'read-once-'));
    const app = new App({ outdir });
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const pods = Array.from({ length: 3 }, (_, i) => new CountingPod(chart, `p${i}`, 'ghcr.io/a/b:1'));
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    app.synth();
    expect(pods.map((p) => p.calls)).toEqual([2, 2, 2]);
  });

  it('makes each object\'s JSON at most three times per App.synth (two reads, one write), however many charts there are', () => {
    const outdir = fs.mkdtempSync(path.join(dir, 'reads-'));
    const app = new App({ outdir });
    const pods = Array.from({ length: 6 }, (_, i) => new CountingPod(new Chart(app, `c${i}`, { namespace: `ns${i % 2}` }), `p${i}`, 'ghcr.io/a/b:1'));
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    app.synth();
    // cdk8s validates 8 times here (once, then once per chart); a read per validation would make it 9 per object
    expect(pods.map((p) => p.calls).every((n) => n >= 2 && n <= 3)).toBe(true);
    expect(readOutput(outdir).all.filter((o) => o.kind === 'Secret')).toHaveLength(2);
  });

  it('sees an object changed after a synth that wrote it, in the same synchronous run', () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'ghcr.io/acme/api:2' }] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR, REGISTRY] });
    const before = Testing.synth(chart);
    expect(Object.keys(auths(before.find((o) => o.kind === 'Secret')))).toEqual(['ghcr.io']);
    deployment.addContainer({ name: 'worker', image: 'registry.example.com:5000/acme/worker:2' });
    const after = Testing.synth(chart);
    expect(Object.keys(auths(after.find((o) => o.kind === 'Secret')))).toEqual(['ghcr.io', 'registry.example.com:5000']);
    expect(podSpec(after.find((o) => o.kind === 'Deployment')).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('reads everything again after it reported errors, so that a fix made in the same run counts', () => {
    const chart = Testing.chart();
    const pod = new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'gchr.io/acme/p:1' }] } });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    expect(() => Testing.synth(chart)).toThrow(/did you mean 'ghcr.io\/acme\/p:1'/);
    pod.addJsonPatch(JsonPatch.replace('/spec/containers/0/image', 'ghcr.io/acme/p:1'));
    const objects = Testing.synth(chart);
    expect(objects[0].spec).toEqual({ containers: [{ name: 'c', image: 'ghcr.io/acme/p:1' }], imagePullSecrets: [{ name: 'regcred' }] });
  });

  it('reads everything again in the next run, after an await', async () => {
    const chart = Testing.chart();
    const deployment = new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'ghcr.io/acme/api:2' }] });
    // another construct's own check fails this synth, after the policy read the Deployment (the policy itself is content)
    const own = new PrivateRegistrySecret(chart, 'own', { metadata: { name: 'own', namespace: 'apps' }, server: 'quay.io', username: 'q',
      password: 'FAKE-own-q8Zr3vW1x' });
    const other = new PrivateDeployment(chart, 'other', { metadata: { namespace: 'apps' }, containers: [{ image: 'janedoe/tool:1' }],
      registrySecrets: [own] });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR, REGISTRY], publicImages: ['nginx'] });
    expect(() => Testing.synth(chart)).toThrow(/janedoe\/tool/);
    other.addPublicImage('janedoe/tool');
    deployment.addContainer({ name: 'worker', image: 'registry.example.com:5000/acme/worker:2' });
    await Promise.resolve();
    const secret = Testing.synth(chart).find((o) => o.kind === 'Secret' && o.metadata.name === 'regcred');
    expect(Object.keys(auths(secret))).toEqual(['ghcr.io', 'registry.example.com:5000']);
  });

  it('adds nothing to the YAML of the objects it reads but the public images it declares for them', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } });
    new ApiObject(chart, 'other', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], publicImages: ['nginx', 'quay.io/acme/tool'] });
    // the declaration travels in the output, so that the plugin and inspect, which read only manifests, see it too
    expect(Testing.synth(chart)).toEqual([
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps', annotations: { [POLICY_PUBLIC_IMAGES_ANNOTATION]: 'nginx' } },
        spec: { containers: [{ name: 'c', image: 'nginx:1.25' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'apps' }, spec: { containers: [{ name: 'c', image: 'busybox:1.36' }] } },
    ]);
  });
});

describe('a private construct under a policy', () => {
  const build = (scope: 'app' | 'chart' | 'other-chart') => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps', { namespace: 'apps' });
    const quay = new PrivateRegistrySecret(chart, 'quay', { metadata: { name: 'quay' }, server: 'quay.io', username: 'q',
      password: 'FAKE-quay-q8Zr3vW1x' });
    new PrivatePod(chart, 'pod', { registrySecrets: [quay], containers: [{ name: 'app', image: 'quay.io/acme/app:1' },
      { name: 'sidecar', image: 'ghcr.io/acme/sidecar:1' }] });
    const target = scope === 'app' ? app : scope === 'chart' ? chart : new Chart(app, 'other');
    new RegistryPullPolicy(target, 'pull-policy', { registries: [GHCR] });
    return app;
  };

  it.each(['app', 'chart'] as const)('passes an image its own secrets miss and a %s-wide policy covers: the output is what gets applied', (scope) => {
    const app = build(scope);
    const objects = app.charts.flatMap((c) => c.toJson());
    const pod = objects.find((o) => o.kind === 'Pod');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'quay' }, { name: 'regcred' }]);
    // and the plugin, judging that output with no properties, agrees
    const violations: PullCheckViolation[] = [];
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-output-'));
    try {
      const file = path.join(dir, 'all.k8s.yaml');
      fs.writeFileSync(file, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
      new PullCheckValidation().validate({ manifests: [file], parseManifest: () => { throw new Error('the plugin reads the files itself'); },
        report: { addViolation: (v) => violations.push(v), submit: () => undefined }, logger: { log: () => undefined } });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(violations.filter((v) => v.ruleName !== 'warning')).toEqual([]);
  });

  it('fails the image when the policy covers another chart', () => {
    expect(() => build('other-chart').synth())
      .toThrow(/container 'sidecar' image 'ghcr.io\/acme\/sidecar:1' .* is not covered by any pull secret in imagePullSecrets; tried 'quay.io' in 'quay'/);
  });
});

describe('what counts as pulled, and by whom', () => {
  it('counts image volumes, and matches Docker Hub images as the kubelet does (the index.docker.io fallback)', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: {
        containers: [{ name: 'c', image: 'janedoe/private:v1' }],
        volumes: [{ name: 'models', image: { reference: 'registry.example.com:5000/acme/models:1', pullPolicy: 'IfNotPresent' } }],
      } });
    const hub = { server: 'https://index.docker.io/v1/', username: 'janedoe', password: 'FAKE-hub-q8Zr3vW1x' };
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [hub, GHCR, REGISTRY] });
    const [pod, secret] = Testing.synth(chart);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(Object.keys(auths(secret))).toEqual(['https://index.docker.io/v1/', 'registry.example.com:5000']);
  });

  it('skips the images an object declares public in its annotation, as the pull check does', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod',
      metadata: { name: 'p', namespace: 'apps', annotations: { [PullCheckValidation.PUBLIC_IMAGES_ANNOTATION]: 'quay.io/acme/tool' } },
      spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/p:1' }, { name: 't', image: 'quay.io/acme/tool:2' }] } });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const [pod, secret] = Testing.synth(chart);
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(Object.keys(auths(secret))).toEqual(['ghcr.io']);
  });

  it('gives a namespace only the key the kubelet tries first, not a broader one that also matches', () => {
    const chart = Testing.chart();
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/app:1' }, { name: 'd', image: 'ghcr.io/other/tool:1' }] } });
    new ApiObject(chart, 'acme-only', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'q', namespace: 'acme' },
      spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/app:1' }] } });
    const scoped = { server: 'ghcr.io/acme', username: 'acme-bot', password: 'FAKE-acme-q8Zr3vW1x' };
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR, scoped] });
    const secrets = Testing.synth(chart).filter((o) => o.kind === 'Secret');
    const serversIn = (namespace: string): string[] => Object.keys(auths(secrets.find((o) => o.metadata.namespace === namespace)));
    expect(serversIn('acme')).toEqual(['ghcr.io/acme']);
    expect(serversIn('apps')).toEqual(['ghcr.io', 'ghcr.io/acme']);
  });

  it('counts its own secret lent by a service account as the policy\'s: an image the policy does not cover fails', () => {
    const build = (image: string): any[] => {
      const chart = Testing.chart();
      new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'apps' },
        imagePullSecrets: [{ name: 'regcred' }] });
      new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
        spec: { serviceAccountName: 'builder', containers: [{ name: 'c', image }] } });
      new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
      return Testing.synth(chart);
    };
    // covered: the service account gives the pod the secret already, so the pod is left as it is
    const objects = build('ghcr.io/acme/app:1');
    expect(objects.find((o) => o.kind === 'Pod').spec.imagePullSecrets).toBeUndefined();
    expect(Object.keys(auths(objects.find((o) => o.kind === 'Secret')))).toEqual(['ghcr.io']);
    expect(() => build('quay.io/acme/app:1')).toThrow(
      /Pod apps\/p: container 'c' image 'quay.io\/acme\/app:1' .* is not covered by any pull secret in the imagePullSecrets of service account 'builder'; tried 'ghcr.io' in 'regcred'/);
  });

  it('takes the registries of a docker config too', () => {
    const chart = Testing.chart();
    new kplus.Deployment(chart, 'api', { metadata: { namespace: 'apps' }, containers: [{ image: 'quay.io/acme/api:2' }] });
    const dockerConfig = DockerConfig.fromDockerConfigJson(JSON.stringify({ auths: { 'quay.io': {
      auth: Buffer.from('robot:FAKE-quay-q8Zr3vW1x').toString('base64') } } }));
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR], dockerConfig });
    const secret = Testing.synth(chart).find((o) => o.kind === 'Secret');
    expect(Object.keys(auths(secret))).toEqual(['quay.io']);
    expect(Buffer.from(auths(secret)['quay.io'].auth, 'base64').toString('utf8') === 'robot:FAKE-quay-q8Zr3vW1x').toBe(true);
  });
});

describe('an app whose resolvers change values', () => {
  it('judges the images as the app writes them, not as the objects hold them', () => {
    // a mirror: every quay.io image is written as the ghcr.io copy
    const app = new App({ outdir: fs.mkdtempSync(path.join(dir, 'resolver-')), resolvers: [{
      resolve: (context) => {
        if (typeof context.value === 'string' && context.value.startsWith('quay.io/')) context.replaceValue(`ghcr.io/${context.value.slice(8)}`);
      },
    }] });
    const chart = new Chart(app, 'apps');
    new ApiObject(chart, 'pod', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'quay.io/acme/p:1' }] } });
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const [pod, secret] = Testing.synth(chart);
    expect(pod.spec).toEqual({ containers: [{ name: 'c', image: 'ghcr.io/acme/p:1' }], imagePullSecrets: [{ name: 'regcred' }] });
    expect(Object.keys(auths(secret))).toEqual(['ghcr.io']);
  });
});
