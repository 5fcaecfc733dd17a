// Hostile input to the pure checks and the validation plugin: parseImageReference, checkManifests and
// PullCheckValidation. The manifest check reads whatever YAML a user's app wrote, so a bad value is a finding on that
// object (or that option), never a crash, and never the end of the check for the other objects.
import { mkdtempSync, writeFileSync } from 'fs';
import { join } from 'path';
import { describe, it } from 'vitest';
import { PullCheckValidation } from '../../lib';
import { PUBLIC_IMAGES_ANNOTATION } from '../../lib/check/annotations';
import { ManifestCheckResult, checkManifests } from '../../lib/check/manifest-check';
import { parseImageReference } from '../../lib/kubelet/image-reference';
import { expectAccepted, expectAcceptedOrRefused, expectRefused, isRawError, leaksIn, looksRaw, redact, report } from './_expect';
import { TYPE_MESSAGE, fake, useTempRoot } from './_fixtures';

const root = useTempRoot('manifest');

const PASSWORD = fake('manifest-pw');
const SECRETS = [PASSWORD];
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function dockerSecret(name: string, servers: string[], namespace?: string): any {
  const auths: Record<string, unknown> = {};
  for (const server of servers) auths[server] = { username: 'robot', password: PASSWORD, auth: b64(`robot:${PASSWORD}`) };
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name, ...(namespace ? { namespace } : {}) },
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) },
  };
}

function pod(name: string, images: string[], extra: Record<string, unknown> = {}, annotations?: Record<string, string>): any {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(annotations ? { annotations } : {}) },
    spec: { containers: images.map((image, i) => ({ name: `c${i}`, image })), imagePullSecrets: [{ name: 'regcred' }], ...extra },
  };
}

/** A pod whose image no secret covers: its finding must be there whatever else is wrong in the output. */
const UNCOVERED = (): any => pod('other', ['quay.io/org/app:1']);
const UNCOVERED_FINDING = /Pod other: container 'c0' image 'quay.io\/org\/app:1'/;

/**
 * Runs the manifest check and expects a finding matching each of `wanted`: the check must neither throw nor stop at
 * the first bad value, and every finding and warning must be one line without a secret.
 */
function expectFindings(run: () => ManifestCheckResult, wanted: readonly RegExp[]): void {
  let result: ManifestCheckResult;
  try {
    result = run();
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e), SECRETS);
    report([isRawError(e) ? `[raw crash] ${message}` :
      `[unclear message] threw instead of reporting a finding on the object or option, so nothing else was checked: ${message}`]);
    return;
  }
  const messages = result.errors.map((e) => e.message);
  const problems: string[] = [];
  for (const w of wanted) {
    if (!messages.some((m) => w.test(m))) {
      problems.push(`[silent wrong acceptance] no finding matches ${w}; found: ${redact(JSON.stringify(messages), SECRETS) || 'none'}`);
    }
  }
  for (const m of [...messages, ...result.warnings.map((w) => w.message)]) {
    if (m.includes('\n')) problems.push(`[multi-line] ${redact(m, SECRETS)}`);
    if (looksRaw(m)) problems.push(`[raw crash] a finding quotes a JavaScript error: ${redact(m, SECRETS)}`);
    for (const leak of leaksIn(m, SECRETS)) problems.push(`[leak] a finding contains ${leak}: ${redact(m, SECRETS)}`);
  }
  report(problems);
}

describe('parseImageReference tells a wrong JavaScript type what it should be', () => {
  const wrong: [string, unknown][] = [
    ['a number', 42], ['null', null], ['undefined', undefined], ['an object', { image: 'nginx' }], ['an array', ['nginx']],
    ['a symbol', Symbol('nginx')], ['a boolean', true], ['a String object', new String('nginx')],
  ];
  for (const [title, value] of wrong) {
    it(`fails when the image is ${title}`, () => {
      expectRefused(() => parseImageReference(value as any), { names: /image/, says: TYPE_MESSAGE });
    });
  }
});

describe('checkManifests refuses what is not a list of objects, with its own error', () => {
  for (const [title, value] of [['null', null], ['undefined', undefined], ['an object', {}], ['a string', 'kind: Pod']] as const) {
    it(`fails when the objects are ${title}`, () => {
      expectRefused(() => checkManifests(value as any), { names: /objects/, says: [/array|list/] });
    });
  }
  it('fails when the options are null, or takes them as none', () => {
    expectAcceptedOrRefused(() => checkManifests([pod('p', ['ghcr.io/a/b'])], null as any), { names: /options/ });
  });
});

describe('checkManifests skips objects whose kind names a property of Object.prototype', () => {
  for (const kind of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
    it(`passes an object of kind '${kind}'`, () => {
      expectAccepted(() => checkManifests([{ apiVersion: 'v1', kind, metadata: { name: 'x' }, spec: {} }]));
    });
  }
});

describe('checkManifests reports a malformed pod as a finding on it and checks the others', () => {
  const secret = dockerSecret('regcred', ['ghcr.io']);
  it('fails when \'containers\' is an object', () => {
    expectFindings(() => checkManifests([secret, pod('bad', [], { containers: { name: 'c', image: 'ghcr.io/a/b' } }), UNCOVERED()]),
      [/Pod bad/, UNCOVERED_FINDING]);
  });
  it('fails when \'initContainers\' is a string', () => {
    expectFindings(() => checkManifests([secret, pod('bad', ['ghcr.io/a/b'], { initContainers: 'ghcr.io/a/init' }), UNCOVERED()]),
      [/Pod bad/, UNCOVERED_FINDING]);
  });
  it('fails when a container is null', () => {
    expectFindings(() => checkManifests([secret, pod('bad', [], { containers: [null] }), UNCOVERED()]), [/Pod bad/, UNCOVERED_FINDING]);
  });
  it('fails when \'imagePullSecrets\' is an object', () => {
    expectFindings(() => checkManifests([secret, pod('bad', ['ghcr.io/a/b'], { imagePullSecrets: { name: 'regcred' } }), UNCOVERED()]),
      [/Pod bad/, UNCOVERED_FINDING]);
  });
  it('fails when an image is a number, saying it must be a string', () => {
    expectFindings(() => checkManifests([secret, pod('bad', [42 as any]), UNCOVERED()]), [/Pod bad.*must be a string/, UNCOVERED_FINDING]);
  });
  it('fails when the public-images annotation has an invalid image, naming the resource', () => {
    expectFindings(() => checkManifests([secret, pod('bad', ['ghcr.io/a/b'], {}, { [PUBLIC_IMAGES_ANNOTATION]: 'Bad/Image' }), UNCOVERED()]),
      [/Pod bad.*Bad\/Image/, UNCOVERED_FINDING]);
  });
  it('fails when the public-images annotation separates images with spaces, naming the resource', () => {
    const annotations = { [PUBLIC_IMAGES_ANNOTATION]: 'nginx busybox' };
    expectFindings(() => checkManifests([secret, pod('bad', ['ghcr.io/a/b'], {}, annotations), UNCOVERED()]), [/Pod bad/, UNCOVERED_FINDING]);
  });
  it('fails when a Secret\'s auth is not base64, quoting none of it', () => {
    const broken = dockerSecret('regcred', ['ghcr.io']);
    broken.data['.dockerconfigjson'] = b64(JSON.stringify({ auths: { 'ghcr.io': { auth: `robot:${PASSWORD}!` } } }));
    expectFindings(() => checkManifests([broken, pod('p', ['ghcr.io/a/b'])]), [/auth/]);
  });
  it('fails when a Secret\'s payload is not JSON, quoting none of it', () => {
    const broken = dockerSecret('regcred', ['ghcr.io']);
    broken.data['.dockerconfigjson'] = b64(`{"auths":{"ghcr.io":{"password":"${PASSWORD}"`);
    expectFindings(() => checkManifests([broken, pod('p', ['ghcr.io/a/b'])]), [/not JSON|json/i]);
  });
});

describe('checkManifests: a bad public image in the options is a finding on the option, and the check goes on', () => {
  const objects = (): any[] => [dockerSecret('regcred', ['ghcr.io']), pod('p', ['ghcr.io/a/b']), UNCOVERED()];
  it('fails when \'publicImages\' holds an invalid image', () => {
    expectFindings(() => checkManifests(objects(), { publicImages: ['Bad/Image'] }), [/'publicImages'.*Bad\/Image|Bad\/Image.*'publicImages'/,
      UNCOVERED_FINDING]);
  });
  it('fails when \'publicImages\' holds a number', () => {
    expectFindings(() => checkManifests(objects(), { publicImages: [42 as any] }), [/'publicImages'/, UNCOVERED_FINDING]);
  });
  it('fails when \'publicImages\' is a string, which would be read as its characters', () => {
    expectRefusedOrFinding(() => checkManifests(objects(), { publicImages: 'nginx' as any }), /'publicImages'/);
  });
});

/** A wrong option may be refused at once or reported as a finding; silently using it is wrong. */
function expectRefusedOrFinding(run: () => ManifestCheckResult, names: RegExp): void {
  let result: ManifestCheckResult | undefined;
  expectAcceptedOrRefused(() => { result = run(); }, { names, secrets: SECRETS });
  if (result && !result.errors.some((e) => names.test(e.message))) {
    report([`[silent wrong acceptance] no error and no finding names ${names}`]);
  }
}

interface PluginRun {
  readonly violations: any[];
  readonly status?: string;
}

/** Runs the plugin with a context shaped as the cdk8s CLI's, over files that hold the objects (JSON is YAML). */
async function runPlugin(props: unknown, manifests: Record<string, any[]>): Promise<PluginRun> {
  const violations: any[] = [];
  let status: string | undefined;
  const dir = mkdtempSync(join(root.dir(), 'dist-'));
  for (const [file, objects] of Object.entries(manifests)) {
    writeFileSync(join(dir, file), objects.map((o) => JSON.stringify(o)).join('\n---\n'));
  }
  await new PullCheckValidation(props as any).validate({
    manifests: Object.keys(manifests).map((f) => join(dir, f)),
    parseManifest: () => { throw new Error('the plugin reads the files itself'); },
    report: { addViolation: (v: any) => violations.push(v), submit: (s: string) => { status = s; } },
    logger: { log: () => undefined },
  });
  return { violations, status };
}

async function pluginProblems(props: unknown, manifests: Record<string, any[]>, wanted: RegExp[]): Promise<string[]> {
  let r: PluginRun;
  try {
    r = await runPlugin(props, manifests);
  } catch (e) {
    const message = redact(e instanceof Error ? e.message : String(e), SECRETS);
    return [isRawError(e) ? `[raw crash] ${message}` : `[unclear message] the plugin threw instead of reporting a violation: ${message}`];
  }
  const texts = r.violations.map((v) => v.recommendation as string);
  const problems = wanted.filter((w) => !texts.some((t) => w.test(t)))
    .map((w) => `[silent wrong acceptance] no violation matches ${w}; found: ${redact(JSON.stringify(texts), SECRETS)}`);
  for (const t of texts) {
    if (t.includes('\n')) problems.push(`[multi-line] ${redact(t, SECRETS)}`);
    for (const leak of leaksIn(t, SECRETS)) problems.push(`[leak] a violation contains ${leak}`);
  }
  if (wanted.length > 0 && r.status !== 'failure') problems.push(`[silent wrong acceptance] the plugin submitted '${r.status}'`);
  return problems;
}

describe('PullCheckValidation', () => {
  const secret = dockerSecret('regcred', ['ghcr.io']);
  const deployment = (images: string[], init: string[] = []): any => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' },
    spec: { template: { spec: {
      imagePullSecrets: [{ name: 'regcred' }],
      containers: images.map((image, i) => ({ name: `c${i}`, image })),
      initContainers: init.map((image, i) => ({ name: `i${i}`, image })),
    } } },
  });
  const locationCase = (title: string, objects: any[], location: RegExp): void => {
    it(`fails with the location of the value when ${title}`, async () => {
      const r = await runPlugin({}, { 'app.k8s.yaml': objects });
      const locations = r.violations.flatMap((v) => v.violatingResources.flatMap((res: any) => res.locations as string[]));
      if (r.violations.length === 0) report(['[silent wrong acceptance] no violation']);
      if (!locations.some((l) => location.test(l))) {
        report([`[unclear message] no violation has the location ${location}; locations: ${JSON.stringify(locations)}`]);
      }
    });
  };
  locationCase('a Pod\'s image is not covered', [secret, pod('p', ['quay.io/a/b'])], /^spec\.containers\[0\]\.image$/);
  locationCase('a Deployment\'s second image is not covered', [secret, deployment(['ghcr.io/a/b', 'quay.io/a/b'])],
    /^spec\.template\.spec\.containers\[1\]\.image$/);
  locationCase('an init container\'s image is invalid', [secret, deployment(['ghcr.io/a/b'], ['Bad/Image'])],
    /^spec\.template\.spec\.initContainers\[0\]\.image$/);
  // the image that the secret would have covered fails, and its message names the secret and both namespaces
  locationCase('a pull secret is in another namespace', [dockerSecret('regcred', ['ghcr.io'], 'team-a'), pod('p', ['ghcr.io/a/b'])],
    /^spec\.containers\[0\]\.image$/);

  it('fails when \'publicImages\' holds an invalid image, as a violation naming the option, and checks the rest', async () => {
    report(await pluginProblems({ publicImages: ['Bad/Image'] }, { 'app.k8s.yaml': [secret, UNCOVERED()] }, [/'publicImages'/, UNCOVERED_FINDING]));
  });
  it('fails when \'publicImages\' is a string, as a violation or an error naming the option', async () => {
    const problems = await pluginProblems({ publicImages: 'nginx' }, { 'app.k8s.yaml': [secret, pod('p', ['ghcr.io/a/b'])] }, [/'publicImages'/]);
    report(problems.filter((p) => !/^\[unclear message\] the plugin threw.*'publicImages'/.test(p)));
  });
  it('passes when the properties are null (an empty \'properties:\' in cdk8s.yaml)', async () => {
    report(await pluginProblems(null, { 'app.k8s.yaml': [secret, pod('p', ['ghcr.io/a/b'])] }, []));
  });
  it('passes a manifest that holds an empty document', async () => {
    report(await pluginProblems({}, { 'app.k8s.yaml': [null, secret, pod('p', ['ghcr.io/a/b'])] }, []));
  });
});
