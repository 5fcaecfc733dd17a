import { spawnSync } from 'child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PUBLIC_IMAGES_ANNOTATION, SERVERS_ANNOTATION } from '../../lib/check/annotations';
import { checkManifests } from '../../lib/check/manifest-check';
import { PullCheckValidation, PullCheckViolation } from '../../lib/check/pull-check-validation';
import { validateRegistryCredentials } from '../../lib/docker/credentials';
import { encodeDockerConfigJson } from '../../lib/docker/payload';
import { KUBECTL } from '../support/kubectl';

function dockerSecret(name: string, servers: string[], namespace?: string): any {
  const entries = servers.map((server) => validateRegistryCredentials({ server, username: 'u', password: 'FAKE' }, 'test'));
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data: { '.dockerconfigjson': Buffer.from(encodeDockerConfigJson(entries)).toString('base64') },
  };
}

function podSpec(images: string[], secrets?: string[], extra: any = {}): any {
  return {
    containers: images.map((image, i) => ({ name: `c${i}`, image })),
    ...(secrets ? { imagePullSecrets: secrets.map((name) => ({ name })) } : {}),
    ...extra,
  };
}

const wrap: { [kind: string]: (spec: any) => any } = {
  Pod: (spec) => ({ apiVersion: 'v1', kind: 'Pod', spec }),
  Deployment: (spec) => ({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { template: { spec } } }),
  ReplicaSet: (spec) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { template: { spec } } }),
  StatefulSet: (spec) => ({ apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { template: { spec } } }),
  DaemonSet: (spec) => ({ apiVersion: 'apps/v1', kind: 'DaemonSet', spec: { template: { spec } } }),
  Job: (spec) => ({ apiVersion: 'batch/v1', kind: 'Job', spec: { template: { spec } } }),
  CronJob: (spec) => ({ apiVersion: 'batch/v1', kind: 'CronJob', spec: { jobTemplate: { spec: { template: { spec } } } } }),
};

function workload(kind: string, name: string, spec: any, namespace?: string, annotations?: any): any {
  const o = wrap[kind](spec);
  o.metadata = { name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) };
  return o;
}

describe('checkManifests', () => {
  it.each(Object.keys(wrap))('checks a %s pod template against the secrets in the output', (kind) => {
    const ok = checkManifests([dockerSecret('regcred', ['ghcr.io']), workload(kind, 'w', podSpec(['ghcr.io/org/app:1'], ['regcred']))]);
    expect(ok.errors).toEqual([]);
    expect(ok.podsChecked).toBe(1);
    const bad = checkManifests([dockerSecret('regcred', ['ghcr.io']), workload(kind, 'w', podSpec(['quay.io/org/app:1'], ['regcred']))]);
    expect(bad.errors.map((e) => e.rule)).toEqual(['image-coverage']);
    expect(bad.errors[0].message).toMatch(new RegExp(`^${kind} w: container 'c0' image 'quay.io/org/app:1'`));
  });

  it('uses the service account\'s imagePullSecrets for a pod that lists none', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci' }, imagePullSecrets: [{ name: 'regcred' }] };
    const objects = [dockerSecret('regcred', ['ghcr.io'], 'ci'), sa,
      workload('Job', 'build', podSpec(['quay.io/x/y:1'], undefined, { serviceAccountName: 'builder' }), 'ci')];
    const r = checkManifests(objects);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/not covered by any pull secret in the imagePullSecrets of service account 'builder'/);
  });

  it('uses the default service account when none is named', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' }, imagePullSecrets: [{ name: 'regcred' }] };
    expect(checkManifests([dockerSecret('regcred', ['ghcr.io']), sa, workload('Pod', 'p', podSpec(['ghcr.io/a/b']))]).podsChecked).toBe(1);
  });

  it('ignores the service account\'s secrets for a pod that lists its own', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'quay' }] };
    const r = checkManifests([dockerSecret('ghcr', ['ghcr.io']), dockerSecret('quay', ['quay.io']), sa,
      workload('Pod', 'p', podSpec(['quay.io/x/y'], ['ghcr'], { serviceAccountName: 'builder' }))]);
    expect(r.errors.map((e) => e.rule)).toEqual(['image-coverage']);
  });

  it('fails when the pod\'s service account is only in another namespace', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', namespace: 'ci' }, imagePullSecrets: [{ name: 'regcred' }] };
    const r = checkManifests([dockerSecret('regcred', ['ghcr.io'], 'ci'), sa,
      workload('Job', 'build', podSpec(['ghcr.io/x/y:1'], undefined, { serviceAccountName: 'builder' }), 'apps')]);
    expect(r.errors.map((e) => e.rule)).toEqual(['secret-namespace', 'image-coverage']);
    expect(r.errors[0].message).toMatch(/service account 'builder' is in namespace 'ci' but the pod is in namespace 'apps'/);
    // the pod gets none of that service account's secrets, and its image is evidently private
    expect(r.errors[1].message).toMatch(/image 'ghcr.io\/x\/y:1' .* pulled without credentials: .* pull secret 'ci\/regcred' holds credentials/);
  });

  it('warns, per image, about images that a pod without pull secrets pulls without any declaration, and about Docker Hub', () => {
    const r = checkManifests([workload('Deployment', 'web', podSpec(['nginx:1.25', 'quay.io/org/tool:1'])),
      workload('Pod', 'p', podSpec(['quay.io/org/other:2']))]);
    expect(r.errors).toEqual([]);
    expect(r.podsChecked).toBe(2);
    const messages = r.warnings.map((w) => w.message);
    expect(messages.filter((m) => /nothing declares the image public or node-provided/.test(m))).toEqual([
      expect.stringMatching(/^Deployment web: container 'c1' image 'quay.io\/org\/tool:1' is pulled without credentials/),
      expect.stringMatching(/^Pod p: container 'c0' image 'quay.io\/org\/other:2' is pulled without credentials/),
    ]);
    // an official image is public: only Docker Hub's rate limit is worth a word
    expect(messages.filter((m) => /Docker Hub without credentials/.test(m))).toEqual([
      expect.stringMatching(/^Deployment web: container 'c0' image 'nginx:1.25' is a Docker Hub official image \(public\), pulled from Docker Hub/),
    ]);
  });

  it('fails when the secret is only in another namespace, naming both', () => {
    const r = checkManifests([dockerSecret('regcred', ['ghcr.io'], 'team-a'), workload('CronJob', 'nightly', podSpec(['ghcr.io/a/b'], ['regcred']),
      'team-b')]);
    // one line: the image the secret would have covered, and why the kubelet does not read it
    expect(r.errors.map((e) => e.rule)).toEqual(['image-coverage']);
    expect(r.errors[0].message).toMatch(/image 'ghcr.io\/a\/b' .*pull secret 'regcred' is in namespace 'team-a' but the pod is in namespace 'team-b'/);
  });

  it('warns when a listed secret is not in the output and nothing else covers the image', () => {
    const r = checkManifests([workload('Pod', 'p', podSpec(['ghcr.io/a/b'], ['made-elsewhere']))]);
    expect(r.errors).toEqual([]);
    expect(r.warnings[0].message).toMatch(/cannot judge 'made-elsewhere'/);
  });

  it('reads the servers a SealedSecret or ExternalSecret declares', () => {
    const sealed = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'regcred',
      annotations: { [SERVERS_ANNOTATION]: 'ghcr.io, quay.io' } } };
    const r = checkManifests([sealed, workload('Pod', 'p', podSpec(['quay.io/a/b', 'docker.io/x/y'], ['regcred']))]);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].message).toMatch(/image 'docker.io\/x\/y'/);
  });

  it('honours public images from the options and from the annotation', () => {
    const objects = [dockerSecret('regcred', ['ghcr.io']),
      workload('Pod', 'p', podSpec(['ghcr.io/a/b', 'quay.io/org/tool', 'quay.io/org/cli:1'], ['regcred']), undefined,
        { [PUBLIC_IMAGES_ANNOTATION]: 'quay.io/org/cli' })];
    expect(checkManifests(objects).errors.map((e) => e.message)).toEqual([expect.stringMatching(/image 'quay.io\/org\/tool'/)]);
    expect(checkManifests(objects, { publicImages: ['quay.io/org/tool'] }).errors).toEqual([]);
  });

  it('fails on an empty imagePullSecrets name, which the schema lets through', () => {
    const r = checkManifests([dockerSecret('regcred', ['ghcr.io']), workload('Pod', 'p', { containers: [{ name: 'c', image: 'ghcr.io/a/b' }],
      imagePullSecrets: [{ name: 'regcred' }, { name: '' }] })]);
    expect(r.errors.map((e) => e.message)).toEqual([expect.stringMatching(/imagePullSecrets\[1\] has no name; the kubelet skips it/)]);
  });

  it('fails on a container without an image, which the schema lets through', () => {
    const r = checkManifests([dockerSecret('regcred', ['ghcr.io']), workload('Pod', 'p', { containers: [{ name: 'c' }],
      imagePullSecrets: [{ name: 'regcred' }] })]);
    expect(r.errors.map((e) => e.rule)).toEqual(['image-reference']);
  });

  it('fails on a docker Secret the kubelet cannot read', () => {
    const broken = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred' },
      data: { '.dockerconfigjson': Buffer.from('{not json').toString('base64') } };
    const r = checkManifests([broken, workload('Pod', 'p', podSpec(['ghcr.io/a/b'], ['regcred']))]);
    expect(r.errors.map((e) => e.rule)).toContain('secret-content');
  });

  it('fails on a docker Secret with an auth the kubelet cannot decode, naming the server but not the value', () => {
    const payload = { auths: { 'ghcr.io': { auth: 'bm90LWJhc2U2NA' + '!!' }, 'quay.io': { auth: Buffer.from('u:FAKE').toString('base64') } } };
    const broken = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred' },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify(payload)).toString('base64') } };
    const r = checkManifests([broken, workload('Pod', 'p', podSpec(['quay.io/a/b'], ['regcred']))]);
    expect(r.errors.map((e) => [e.rule, e.message])).toEqual([
      ['secret-content', expect.stringMatching(/^Secret regcred has an entry for 'ghcr.io' whose 'auth' is not valid base64; the kubelet fails every pull/)],
      ['secret-content', expect.stringMatching(/^Pod p: container 'c0' image 'quay.io\/a\/b' is not pulled: pull secret 'regcred' cannot be decoded/)],
    ]);
    expect(r.errors[0].message).not.toContain('bm90LWJhc2U2NA');
  });

  it('reads a legacy .dockercfg Secret', () => {
    const legacy = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockercfg', metadata: { name: 'old' },
      data: { '.dockercfg': Buffer.from(JSON.stringify({ 'https://quay.io': { auth: 'dTpw' } })).toString('base64') } };
    expect(checkManifests([legacy, workload('Pod', 'p', podSpec(['quay.io/a/b'], ['old']))]).errors).toEqual([]);
  });
});

let dir = '';
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'manifest-check-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The plugin over files of the given texts, with a context shaped as the cdk8s CLI's. */
function runPlugin(properties: unknown, texts: (string | Buffer)[]): { violations: PullCheckViolation[]; status: string; files: string[] } {
  const violations: PullCheckViolation[] = [];
  let status = '';
  const files = texts.map((text, i) => {
    const file = join(mkdtempSync(join(dir, 'dist-')), `chart-${i}.k8s.yaml`);
    writeFileSync(file, text);
    return file;
  });
  new PullCheckValidation(properties as any).validate({
    manifests: files,
    parseManifest: () => { throw new Error('the plugin reads the files itself'); },
    report: { addViolation: (v) => violations.push(v), submit: (s) => { status = s; } },
    logger: { log: () => undefined },
  });
  return { violations, status, files };
}

/** What kubectl says of a file it cannot parse (offline: an empty kubeconfig; a file it parses fails later, on discovery). */
function kubectlParseError(file: string): string {
  const home = mkdtempSync(join(dir, 'kubectl-'));
  writeFileSync(join(home, 'config'), '');
  const r = spawnSync(KUBECTL, ['create', '-f', file, '--dry-run=client', '--validate=false', '-o', 'json'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, KUBECONFIG: join(home, 'config') }, encoding: 'utf8', timeout: 30_000,
  });
  return /^error: error parsing .*$/m.exec(r.stderr)?.[0] ?? '';
}

describe('PullCheckValidation properties', () => {
  function validate(properties: unknown): { ruleName: string; recommendation: string; locations: string[] }[] {
    const found: { ruleName: string; recommendation: string; locations: string[] }[] = [];
    new PullCheckValidation(properties as any).validate({
      manifests: [],
      parseManifest: () => { throw new Error('the plugin reads the files itself'); },
      report: {
        addViolation: (v) => found.push({ ruleName: v.ruleName, recommendation: v.recommendation, locations: v.violatingResources[0].locations }),
        submit: () => undefined,
      },
      logger: { log: () => undefined },
    });
    return found;
  }
  for (const [title, value, got] of [['a string', 'publicImages: [nginx]', 'a string'], ['a number', 42, 'a number'],
    ['a list', ['nginx'], 'an array'], ['true', true, 'a boolean']] as const) {
    it(`fails when properties is ${title}, with one error, as inspect refuses it in cdk8s.yaml`, () => {
      expect(validate(value)).toEqual([{ ruleName: 'plugin-properties', locations: ['properties'],
        recommendation: '\'properties\' of the pull-check ' +
        `plugin must be a mapping such as { publicImages: [nginx] }, got ${got}; fix the plugin entry in cdk8s.yaml` }]);
    });
  }
  for (const value of [undefined, null, {}]) {
    it(`takes properties ${JSON.stringify(value)} as none`, () => {
      expect(validate(value)).toEqual([]);
    });
  }
});

describe('PullCheckValidation reads the files itself', () => {
  const pod = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: Bad/Image\n';

  it('reports each finding with the file its object is in', () => {
    const { violations, status } = runPlugin({}, ['apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\n', `---\n${pod}`]);
    expect(status).toBe('failure');
    expect(violations.map((v) => [v.ruleName, v.violatingResources[0].manifestPath.endsWith('chart-1.k8s.yaml'),
      v.violatingResources[0].locations])).toEqual([['image-reference', true, ['spec.containers[0].image']]]);
  });

  // kubectl's verdict where it parses the file itself: it refuses control characters and broken YAML while parsing (a
  // lone byte that is not UTF-8 it lets through to the server; our reader refuses it, as inspect does)
  for (const [title, text, message, kubectl] of [
    ['is not UTF-8', Buffer.concat([Buffer.from('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \xff'), Buffer.from([0xff, 0x0a])]),
      /^cannot read '.*chart-0\.k8s\.yaml': it is not UTF-8 text \(a binary file\?\): a manifest is UTF-8 YAML or JSON$/, undefined],
    ['holds a control character', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\u0007b\n',
      /^'.*chart-0\.k8s\.yaml' is not valid YAML: line 4, column 10: a control character \(U\+0007\), which YAML does not allow and kubectl refuses/,
      /yaml: control characters are not allowed/],
    ['is not valid YAML', 'a: [\n', /^'.*chart-0\.k8s\.yaml' is not valid YAML: document 1/, /yaml: line 1: did not find expected node content/],
  ] as const) {
    it(`reports a file that ${title} as one finding naming it, and checks the other files`, () => {
      const { violations, status, files } = runPlugin({}, [text, pod]);
      if (kubectl) expect(kubectlParseError(files[0])).toMatch(kubectl);
      expect(status).toBe('failure');
      expect(violations.map((v) => v.ruleName)).toEqual(['manifest-object', 'image-reference']);
      expect(violations[0].recommendation).toMatch(message);
      expect(violations[0].violatingResources[0].manifestPath).toMatch(/chart-0\.k8s\.yaml$/);
      expect(violations[1].violatingResources[0].manifestPath).toMatch(/chart-1\.k8s\.yaml$/);
    });
  }
});
