// What the policy's cheap read of plain ApiObjects relies on in cdk8s (lib/policy/_plain-objects.ts): an Include's
// objects keep their values in the private fields `props` and `patches`, and toJson() gives them back as they are
// when they are plain JSON. If a cdk8s release changes that, the first test fails (the policy then reads every object
// through toJson(), correct but slower), and the second shows whether the two reads still agree.
import * as path from 'node:path';
import { ApiObject, App, Chart, Include, JsonPatch, Lazy, LazyResolver, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import { RegistryPullPolicy } from '../../lib';
import { OWN_ANNOTATIONS } from '../../lib/policy/registry-pull-policy';
import { POD_SPEC_PATHS, PodObject, podObject } from '../../lib/check/manifest-model';
import { onlyBuiltInResolvers, plainPodJson } from '../../lib/policy/_plain-objects';

const FIXTURE = path.join(__dirname, 'fixtures', 'vendored.yaml');

function included(app: App = Testing.app()): ApiObject[] {
  const chart = new Chart(app, 'vendored');
  return new Include(chart, 'manifests', { url: FIXTURE }).apiObjects;
}

/** What the plan reads of a pod-bearing object. */
function facts(pod: PodObject | undefined): unknown {
  if (pod === undefined) return undefined;
  return { ...pod, spec: { imagePullSecrets: pod.spec.imagePullSecrets } };
}

describe('the cheap read of plain ApiObjects', () => {
  it('is taken for every pod-bearing object of an Include', () => {
    const pods = included().filter((o) => Object.hasOwn(POD_SPEC_PATHS, o.kind));
    expect(pods.length).toBe(14);
    for (const o of pods) expect(plainPodJson(o, undefined, true), o.node.path).toBeDefined();
  });

  it('reads what toJson() gives, for every pod-bearing object of an Include', () => {
    for (const o of included().filter((x) => Object.hasOwn(POD_SPEC_PATHS, x.kind))) {
      expect(facts(podObject(plainPodJson(o, undefined, true)!, 0)), o.node.path).toEqual(facts(podObject(o.toJson(), 0)));
    }
  });

  it('reads the object as it is without the policy\'s patch, once the policy has added it', () => {
    const app = Testing.app();
    const objects = included(app);
    new RegistryPullPolicy(app, 'pull-policy', { registries: [{ server: 'ghcr.io', username: 'u', password: 'FAKE-contract-q8Zr3vW1x' },
      { server: 'registry.example.com:5000', username: 'u', password: 'FAKE-contract-q8Zr3vW1x' }], publicImages: ['busybox', 'nginx'] });
    app.synthYaml();
    const web = objects.find((o) => o.kind === 'Deployment' && o.name === 'web')!;
    expect(web.toJson().spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    const patch = (web as unknown as { patches: JsonPatch[] }).patches[0];
    expect(plainPodJson(web, patch, true, OWN_ANNOTATIONS)!.spec.template.spec.imagePullSecrets).toBeUndefined();
    // the annotations the policy wrote on it are its own, which its read leaves out; without that, toJson() must resolve them
    expect(plainPodJson(web, patch, true)).toBeUndefined();
  });

  it('leaves to toJson() what only it can tell', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const spec = (image: unknown): any => ({ containers: [{ name: 'c', image }] });
    const raw = (id: string, s: unknown): ApiObject => new ApiObject(chart, id, { apiVersion: 'v1', kind: 'Pod', spec: s });
    expect(plainPodJson(raw('plain', spec('ghcr.io/a/b:1')), undefined, true)).toBeDefined();
    // a value a resolver computes, a null that toJson() drops, a patch of the user's, a class that renders itself
    expect(plainPodJson(raw('lazy', spec(Lazy.any({ produce: () => 'ghcr.io/a/b:1' }))), undefined, true)).toBeUndefined();
    expect(plainPodJson(raw('null', { ...spec('ghcr.io/a/b:1'), imagePullSecrets: null }), undefined, true)).toBeUndefined();
    const patched = raw('patched', spec('ghcr.io/a/b:1'));
    patched.addJsonPatch(JsonPatch.replace('/spec/containers/0/image', 'quay.io/a/b:1'));
    expect(plainPodJson(patched, undefined, true)).toBeUndefined();
    const pod = new kplus.Pod(chart, 'kplus', { containers: [{ image: 'ghcr.io/a/b:1' }] });
    expect(plainPodJson(ApiObject.of(pod), undefined, true)).toBeUndefined();
    // and an app with a resolver of its own
    expect(onlyBuiltInResolvers(chart)).toBe(true);
    const custom = new App({ resolvers: [{ resolve: () => undefined }] });
    expect(onlyBuiltInResolvers(new Chart(custom, 'c'))).toBe(false);
    expect(onlyBuiltInResolvers(new Chart(new App({ resolvers: [new LazyResolver()] }), 'c'))).toBe(true);
  });

  it('checks only the fields the pod check reads, and reads there what toJson() gives', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    const lazy = (value: unknown): unknown => Lazy.any({ produce: () => value });
    const pod = (id: string, spec: Record<string, unknown>, metadata: Record<string, unknown> = {}): ApiObject =>
      new ApiObject(chart, id, { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'apps', ...metadata }, spec });
    const container = (more: Record<string, unknown> = {}): Record<string, unknown> => ({ name: 'app', image: 'ghcr.io/acme/app:1', ...more });
    const same = (o: ApiObject): void => {
      const plain = plainPodJson(o, undefined, true);
      expect(plain, o.node.id).toBeDefined();
      expect(facts(podObject(plain!, 0)), o.node.id).toEqual(facts(podObject(o.toJson(), 0)));
    };
    // values the check does not read may be anything toJson() resolves or drops: the plain read is taken, and agrees
    same(pod('unread', {
      containers: [container({ env: [{ name: 'A', value: lazy('1') }, { name: 'B', value: null }], resources: lazy({}) })],
      nodeSelector: lazy({ disk: 'ssd' }),
      volumes: [{ name: 'v', emptyDir: lazy({}) }, { name: 'data', image: { reference: 'ghcr.io/acme/data:1' } }],
      imagePullSecrets: [{ name: 'regcred' }, {}], serviceAccountName: 'builder',
    }, { labels: { tier: lazy('web') }, annotations: { 'private-registry.cdk8s.io/public-images': 'nginx', note: 7 } }));
    same(pod('empty-list', { containers: [container()], imagePullSecrets: [], initContainers: 'not a list' }));
    same(pod('no-spec', undefined as unknown as Record<string, unknown>));
    // a value it reads that a resolver computes or toJson() drops: only toJson() can tell
    const onlyToJson: [string, Record<string, unknown>, Record<string, unknown>?][] = [
      ['lazy-container', { containers: [lazy(container())] }],
      ['lazy-pull-policy', { containers: [container({ imagePullPolicy: lazy('Never') })] }],
      ['null-image', { containers: [container({ image: null })] }],
      ['lazy-secrets', { containers: [container()], imagePullSecrets: [{ name: lazy('regcred') }] }],
      ['null-account', { containers: [container()], serviceAccountName: null }],
      ['lazy-volume', { containers: [container()], volumes: [{ name: 'data', image: { reference: lazy('ghcr.io/acme/data:1') } }] }],
      ['lazy-annotation', { containers: [container()] }, { annotations: { 'private-registry.cdk8s.io/public-images': lazy('nginx') } }],
      ['lazy-name', { containers: [container()] }, { name: lazy('web') }],
      ['lazy-namespace', { containers: [container()] }, { namespace: lazy('apps') }],
    ];
    for (const [id, spec, metadata] of onlyToJson) expect(plainPodJson(pod(id, spec, metadata), undefined, true), id).toBeUndefined();
  });
});
