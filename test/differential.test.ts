// One verdict everywhere: a seeded, generated corpus of manifests (pods of every kind in several namespaces, mixed pull
// secrets, service accounts, public and node-provided declarations, Docker Hub images, near misses, invalid references)
// judged image by image by the cdk8s validation plugin, by `inspect`, and by a RegistryPullPolicy, whose output the
// plugin and `inspect` judge again. Zero disagreements: the plugin's errors on images are exactly the images `inspect`
// calls NOT COVERED, and exactly the images the policy fails.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, App, Chart, Include } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PullCheckValidation, PullCheckViolation, RegistryPullPolicy } from '../lib';
import { NODE_IMAGES_ANNOTATION, PUBLIC_IMAGES_ANNOTATION, SERVERS_ANNOTATION } from '../lib/check/annotations';
import { ImageUse, readManifests } from '../lib/check/manifest-model';
import { inspectJson, inspectStatus } from '../lib/cli/inspect';
import { readPulls } from '../lib/cli/pulls';

const KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'PodTemplate', 'ReplicationController'];
const NAMESPACES = ['team-a', 'team-b', 'team-c', undefined];
const SERVERS = ['ghcr.io', 'quay.io', 'registry.example.com:5000', 'https://index.docker.io/v1/', 'docker.io/acme', 'ghcr.io/acme',
  '*.registry.example.com'];
const SECRET_NAMES = ['ghcr', 'quay', 'hub', 'mixed'];
const IMAGES = [
  'ghcr.io/acme/app:1', 'ghcr.io/other/tool:2', 'gchr.io/acme/app:1', 'quay.io/acme/api:3', 'registry.example.com:5000/team/svc:1',
  'registry.example.com/team/svc:1', 'eu.registry.example.com/x:1', 'nginx:1.25', 'busybox:1.36', 'janedoe/private:1', 'acme/app:2',
  'GHCR.IO/acme/app:1', 'JaneDoe/app:1', 'ghcr.io/Acme/App:1', '123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1',
  'docker.io/acme/private:1', 'quay.io/acme/worker@sha256:' + 'c'.repeat(64), 'registry.example.com:5000/team/job:2',
];
const PUBLIC = ['quay.io/acme/api', 'nginx', 'janedoe/private', 'ghcr.io/other/tool'];

/** mulberry32: a small seeded generator, so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(seed: number, pods: number): any[] {
  const r = random(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)];
  const some = <T>(list: readonly T[], max: number): T[] => [...new Set(Array.from({ length: 1 + Math.floor(r() * max) }, () => pick(list)))];
  const meta = (name: string, namespace: string | undefined, annotations?: object): any =>
    ({ name, ...(namespace ? { namespace } : {}), ...(annotations ? { annotations } : {}) });
  const objects: any[] = [];
  for (const namespace of NAMESPACES) {
    for (const name of SECRET_NAMES) {
      const roll = r();
      if (roll < 0.45) {
        const auths = Object.fromEntries(some(SERVERS, 2).map((s) => [s, { username: 'u', password: 'FAKE-differential-pw' }]));
        objects.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: meta(name, namespace),
          data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } });
      } else if (roll < 0.55) {
        objects.push({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
          metadata: meta(name, namespace, { [SERVERS_ANNOTATION]: some(SERVERS, 2).join(',') }), spec: {} });
      } else if (roll < 0.6) {
        objects.push({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: meta(`${name}-es`, namespace),
          spec: { target: { name } } });
      } else if (roll < 0.63) {
        objects.push({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: meta(name, namespace),
          data: { '.dockerconfigjson': Buffer.from('{"auths":').toString('base64') } });
      }
    }
    if (r() < 0.7) {
      objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('builder', namespace),
        imagePullSecrets: some([...SECRET_NAMES, 'regcred'], 2).map((name) => ({ name })) });
    }
  }
  for (let i = 0; i < pods; i++) {
    const namespace = pick(NAMESPACES);
    const kind = pick(KINDS);
    const annotations: Record<string, string> = {};
    if (r() < 0.2) annotations[PUBLIC_IMAGES_ANNOTATION] = some(PUBLIC, 2).join(',');
    if (r() < 0.3) annotations[NODE_IMAGES_ANNOTATION] = '*.dkr.ecr.*.amazonaws.com';
    const images = some(IMAGES, 3);
    const spec: any = { containers: images.map((image, j) => ({ name: `c${j}`, image })) };
    if (r() < 0.3) spec.initContainers = [{ name: 'init', image: pick(IMAGES.filter((image) => !images.includes(image))) }];
    const roll = r();
    if (roll < 0.55) spec.imagePullSecrets = some([...SECRET_NAMES, 'missing', 'regcred'], 2).map((name) => ({ name }));
    if (r() < 0.3) spec.serviceAccountName = 'builder';
    const metadata = meta(`w${i}`, namespace, Object.keys(annotations).length > 0 ? annotations : undefined);
    const template = { spec };
    switch (kind) {
      case 'Pod': objects.push({ apiVersion: 'v1', kind, metadata, spec }); break;
      case 'PodTemplate': objects.push({ apiVersion: 'v1', kind, metadata, template }); break;
      case 'CronJob': objects.push({ apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } });
        break;
      case 'Job': objects.push({ apiVersion: 'batch/v1', kind, metadata, spec: { template } }); break;
      case 'ReplicationController': objects.push({ apiVersion: 'v1', kind, metadata, spec: { template } }); break;
      default: objects.push({ apiVersion: 'apps/v1', kind, metadata, spec: { template } });
    }
  }
  return objects;
}

/** `Kind ns/name|kind 'name'`: one image of one object, as every view can name it. */
const key = (resource: string, use: ImageUse): string => `${resource}|${use.kind} '${use.name}'`;

/** The images of the objects, by the location of each in its object. */
function imagesByLocation(objects: any[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const pod of readManifests(objects).pods) for (const use of pod.images) found.set(`${pod.resource}@${use.location}`, key(pod.resource, use));
  return found;
}

interface Judgement {
  /** The images the plugin fails. */
  readonly plugin: string[];
  /** The images inspect calls not covered. */
  readonly inspect: string[];
  /** The exit status of inspect, and whether the plugin failed. */
  readonly status: number;
  readonly failed: boolean;
  /** Every verdict inspect gives. */
  readonly verdicts: Set<string>;
}

function judge(objects: any[], dir: string): Judgement {
  // one file, read by the plugin (as the cdk8s CLI hands it the synth output's paths) and by inspect
  fs.mkdirSync(dir);
  const file = path.join(dir, 'app.k8s.yaml');
  fs.writeFileSync(file, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));

  const violations: PullCheckViolation[] = [];
  let status = '';
  new PullCheckValidation({}).validate({
    manifests: [file], parseManifest: () => { throw new Error('the plugin reads the files itself'); },
    report: { addViolation: (v) => violations.push(v), submit: (s) => { status = s; } },
    logger: { log: () => undefined },
  });
  const images = imagesByLocation(objects);
  const plugin = violations.filter((v) => v.ruleName !== 'warning').flatMap((v) => v.violatingResources.flatMap((res) =>
    res.locations.map((l) => images.get(`${res.resourceName}@${l}`)).filter((k): k is string => k !== undefined)));
  const pulls = readPulls({ paths: [dir], publicImages: [], nodeImages: [] }, dir);
  const doc = inspectJson(pulls);
  const model = readManifests(objects);
  const inspect: string[] = [];
  const verdicts = new Set<string>();
  doc.workloads.forEach((w, i) => w.images.forEach((image, j) => {
    verdicts.add(image.coverage);
    if (image.coverage === 'not covered') inspect.push(key(model.pods[i].resource, model.pods[i].images[j]));
  }));
  return { plugin: [...new Set(plugin)].sort(), inspect: inspect.sort(), status: inspectStatus(pulls), failed: status === 'failure', verdicts };
}

let work: string;
beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'differential-'));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe.each([1, 2, 3])('a generated corpus (seed %i)', (seed) => {
  const objects = corpus(seed, 150);

  it('the plugin fails exactly the images inspect calls NOT COVERED, and both fail or pass together', () => {
    const j = judge(objects, path.join(work, `input-${seed}`));
    expect(j.plugin).toEqual(j.inspect);
    // the corpus is not trivial: every verdict occurs, and images fail
    expect([...j.verdicts].sort()).toEqual(['node', 'not covered', 'public', 'secret', 'undeclared']);
    expect(j.inspect.length).toBeGreaterThan(10);
    expect(j.status).toBe(1);
    expect(j.failed).toBe(true);
  });

  it('a RegistryPullPolicy fails exactly the images the plugin and inspect fail in what it writes', () => {
    const file = path.join(work, `corpus-${seed}.yaml`);
    fs.writeFileSync(file, objects.map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
    const app = new App({ outdir: path.join(work, `dist-${seed}`) });
    const chart = new Chart(app, 'vendored');
    new Include(chart, 'corpus', { url: file });
    const policy = new RegistryPullPolicy(app, 'pull-policy', {
      registries: [{ server: 'ghcr.io', username: 'octocat', password: 'FAKE-differential-ghcr' },
        { server: 'registry.example.com:5000', username: 'ci', password: 'FAKE-differential-reg' }],
      publicImages: ['busybox', 'acme/app'],
    });
    // the policy's own verdicts, as its validation reports them (`Kind ns/name: kind 'name' ...`)
    const errors = policy.node.validate();
    const resources = new Set(readManifests(objects).pods.map((p) => p.resource));
    const failed = errors.map((e) => {
      const m = /^(\S+ \S+): (container|init container|ephemeral container|image volume) '([^']+)'/.exec(e);
      expect(m && resources.has(m[1]), e).toBe(true);
      return `${m![1]}|${m![2]} '${m![3]}'`;
    });
    // what it writes: the objects with its references, and its secrets (and the public images it declared, in annotations);
    // read object by object, since a chart's toJson() would run the validations and throw
    const output = app.node.findAll().filter((c): c is ApiObject => ApiObject.isApiObject(c)).map((o) => o.toJson());
    expect(output.some((o) => o.metadata?.annotations?.['private-registry.cdk8s.io/policy-public-images'] !== undefined)).toBe(true);
    const j = judge(output, path.join(work, `output-${seed}`));
    expect(j.plugin).toEqual(j.inspect);
    expect([...new Set(failed)].sort()).toEqual(j.plugin);
    expect(failed.length).toBeGreaterThan(5);
  });
});
