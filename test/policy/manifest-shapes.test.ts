// RegistryPullPolicy over objects of odd shapes: Lists (which kubectl apply turns into their items), namespaces that are
// not strings, two Secrets of one name in one namespace (across charts and policies, and the no-namespace group beside
// 'default'), and names with control characters, which must reach no terminal raw.
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { RegistryPullPolicy } from '../../lib';
import { parseYamlDocuments } from '../../lib/input/yaml';
import { errorMessage } from '../support/errors';

const GHCR = { server: 'ghcr.io', username: 'octocat', password: 'FAKE-ghcr-q8Zr3vW1x' };
const QUAY = { server: 'quay.io', username: 'robot', password: 'FAKE-quay-q8Zr3vW1x' };

const podJson = (name: string, image: string, namespace?: unknown): any => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, ...(namespace === undefined ? {} : { namespace }) },
  spec: { containers: [{ name: 'main', image }] },
});

function objectsOf(app: App): any[] {
  return parseYamlDocuments(app.synthYaml(), 'app') as any[];
}

describe('a List in scope', () => {
  it('fails when a Pod inside a List needs the policy\'s secret: the policy cannot patch a List\'s item', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    new ApiObject(chart, 'list', { apiVersion: 'v1', kind: 'List', items: [podJson('web', 'ghcr.io/acme/web:1', 'apps')] } as any);
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    const message = errorMessage(() => app.synthYaml());
    expect(message).toMatch(/\[pull-policy\] apps\/list: Pod apps\/web \(an item of List apps-list-[0-9a-f]+\) needs the policy's pull secret 'regcred', but the policy cannot add it/);
    expect(message).not.toContain(GHCR.password);
  });

  it('fails when a Pod inside a List pulls an image nothing covers', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    // its own pull secret (in the List too) holds quay.io, the policy ghcr.io: registry.example.com is not covered, an
    // error (without any pull secret it would be undeclared, a warning)
    const auths = { [QUAY.server]: { username: QUAY.username, password: QUAY.password } };
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'quaycred', namespace: 'apps' },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } };
    const pod = podJson('web', 'registry.example.com/acme/web:1', 'apps');
    pod.spec.imagePullSecrets = [{ name: 'quaycred' }];
    new ApiObject(chart, 'list', { apiVersion: 'v1', kind: 'List', items: [secret, pod] } as any);
    new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    const message = errorMessage(() => app.synthYaml());
    expect(message).toMatch(/Pod apps\/web: container 'main' image 'registry.example.com\/acme\/web:1' .* is not covered .*tried 'quay.io' in 'quaycred'/);
    expect(message).not.toContain(QUAY.password);
  });

  it('writes the secret for a List\'s Pod that lists it already', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    const pod = podJson('web', 'ghcr.io/acme/web:1', 'apps');
    pod.spec.imagePullSecrets = [{ name: 'regcred' }];
    new ApiObject(chart, 'list', { apiVersion: 'v1', kind: 'List', items: [pod] } as any);
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    const secrets = objectsOf(app).filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['apps/regcred']);
  });
});

describe('metadata.namespace', () => {
  for (const namespace of [123, ['apps'], { name: 'apps' }, true]) {
    it(`fails when a pod-bearing object's namespace is ${JSON.stringify(namespace)}, naming the object and the field`, () => {
      const app = Testing.app();
      const chart = new Chart(app, 'apps');
      new ApiObject(chart, 'web', podJson('web', 'ghcr.io/acme/web:1', namespace));
      new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
      expect(errorMessage(() => app.synthYaml())).toMatch(
        /apps\/web: Pod web: 'metadata.namespace' must be a string such as 'apps', got (a number|an array|an object|a boolean); kubectl and the API server refuse/);
    });
  }

  it('takes namespace "" as no namespace, as Go decodes it', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    new ApiObject(chart, 'web', podJson('web', 'ghcr.io/acme/web:1', ''));
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    const objects = objectsOf(app);
    expect(objects.filter((o) => o.kind === 'Secret').map((s) => s.metadata.namespace)).toEqual([undefined]);
    expect(objects.find((o) => o.kind === 'Pod').spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });
});

describe('two Secrets of one name in one namespace', () => {
  it('fails when two Chart-scoped policies write different Secrets of one name into one namespace, naming both', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shared' });
    const b = new Chart(app, 'b', { namespace: 'shared' });
    new ApiObject(a, 'web', podJson('web', 'ghcr.io/acme/web:1'));
    new ApiObject(b, 'api', podJson('api', 'quay.io/acme/api:1'));
    new RegistryPullPolicy(a, 'pull-policy', { registries: [GHCR] });
    new RegistryPullPolicy(b, 'pull-policy', { registries: [QUAY] });
    const message = errorMessage(() => app.synthYaml());
    expect(message).toMatch(/namespace 'shared' needs the policy's Secret 'regcred', and Secret a\/pull-policy\/ns-shared\/Resource in another chart makes a Secret of that name in namespace 'shared' with other content; kubectl apply keeps the last one/);
    expect(message).toMatch(/^ *\[b\/pull-policy\] namespace 'shared'/m);
    for (const p of [GHCR.password, QUAY.password]) expect(message).not.toContain(p);
  });

  it('passes two Chart-scoped policies whose Secrets in one namespace are the same', () => {
    const app = Testing.app();
    for (const id of ['a', 'b']) {
      const chart = new Chart(app, id, { namespace: 'shared' });
      new ApiObject(chart, 'web', podJson(`web-${id}`, 'ghcr.io/acme/web:1'));
      new RegistryPullPolicy(chart, 'pull-policy', { registries: [GHCR] });
    }
    expect(objectsOf(app).filter((o) => o.kind === 'Secret')).toHaveLength(2);
  });

  it('fails when a Chart-scoped policy\'s Secret has the name of another chart\'s Secret in that namespace', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a', { namespace: 'shared' });
    const b = new Chart(app, 'b', { namespace: 'shared' });
    new ApiObject(a, 'web', podJson('web', 'ghcr.io/acme/web:1'));
    new ApiObject(b, 'regcred', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'regcred' }, type: 'kubernetes.io/dockerconfigjson',
      data: { '.dockerconfigjson': Buffer.from('{"auths":{"quay.io":{"auth":"dTpGQUtF"}}}').toString('base64') } });
    new RegistryPullPolicy(a, 'pull-policy', { registries: [GHCR] });
    expect(errorMessage(() => app.synthYaml())).toMatch(/namespace 'shared' needs the policy's Secret 'regcred', and Secret b\/regcred in another chart/);
  });

  it('fails when a Chart-scoped policy writes its Secret without a namespace and another chart has one of that name in default', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b', { namespace: 'default' });
    new ApiObject(a, 'web', podJson('web', 'ghcr.io/acme/web:1'));
    new ApiObject(b, 'api', podJson('api', 'quay.io/acme/api:1'));
    new RegistryPullPolicy(a, 'pull-policy', { registries: [GHCR] });
    new RegistryPullPolicy(b, 'pull-policy', { registries: [QUAY] });
    expect(errorMessage(() => app.synthYaml())).toMatch(/needs the policy's Secret 'regcred', and Secret a\/pull-policy\/no-namespace\/Resource in another chart makes a Secret of that name in no namespace/);
  });

  it('gives the objects without a namespace and those in default one Secret of one content (an App-scoped policy)', () => {
    const app = Testing.app();
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b', { namespace: 'default' });
    new ApiObject(a, 'web', podJson('web', 'ghcr.io/acme/web:1'));
    new ApiObject(b, 'api', podJson('api', 'quay.io/acme/api:1'));
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR, QUAY] });
    const secrets = objectsOf(app).filter((o) => o.kind === 'Secret');
    expect(secrets.map((s) => s.metadata.namespace)).toEqual([undefined, 'default']);
    // whichever kubectl applies last, both pods pull
    expect(secrets[0].data).toEqual(secrets[1].data);
    expect(Object.keys(JSON.parse(Buffer.from(secrets[0].data['.dockerconfigjson'], 'base64').toString()).auths)).toEqual(['ghcr.io', 'quay.io']);
  });
});

describe('values from the manifests in the policy\'s messages', () => {
  it('escapes control characters in a pod name: an ESC or a newline never reaches the terminal raw', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    new ApiObject(chart, 'web', podJson('web\u001b[2J\nforged: line', 'registry.example.com/acme/web:1\u0007', 'apps'));
    new RegistryPullPolicy(app, 'pull-policy', { registries: [GHCR] });
    const message = errorMessage(() => app.synthYaml());
    expect(message).toContain('Pod apps/web\\u{1b}[2J\\u{a}forged: line');
    expect(message).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
    expect(message.split('\n').filter((l) => l.includes('forged'))).toHaveLength(1);
  });
});
