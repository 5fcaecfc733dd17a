// The manifest model reads documents as kubectl does: Lists (any object with 'items') are their items, a namespace that
// is not a string is refused, "" is no namespace. kubectl itself judges each case: `kubectl label --local -f FILE -o json`
// decodes and flattens the file offline, exactly as `kubectl apply` does before it talks to the cluster.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkManifests } from '../../lib/check/manifest-check';
import { readManifests } from '../../lib/check/manifest-model';
import { PullCheckRule } from '../../lib/check/pull-engine';
import { parseYamlDocuments } from '../../lib/input/yaml';
import { KUBECTL } from '../support/kubectl';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'manifest-model-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, 'config'), '');

/** The objects kubectl makes of a YAML text (`kind namespace/name`), or undefined when it refuses the file. */
function kubectlObjects(yaml: string): string[] | undefined {
  const file = path.join(dir, 'in.yaml');
  fs.writeFileSync(file, yaml);
  let out: string;
  try {
    out = execFileSync(KUBECTL, ['label', '--local', '-f', file, 'checked=yes', '-o',
      'go-template={{.kind}} {{or .metadata.namespace ""}}/{{.metadata.name}}{{"\\n"}}'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, KUBECONFIG: path.join(dir, 'config') },
      encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch {
    return undefined;
  }
  return out.split('\n').filter((l) => l !== '').sort();
}

/** What the model makes of it: the objects it read (pods, pull secrets, service accounts), or undefined when it has a problem. */
function modelObjects(yaml: string): string[] | undefined {
  const model = readManifests(parseYamlDocuments(yaml, 'in.yaml'));
  if (model.problems.length > 0) return undefined;
  return [
    ...model.pods.map((p) => `${p.kind} ${p.namespace ?? ''}/${p.name}`),
    ...model.secrets.map((s) => `${s.kind} ${s.namespace ?? ''}/${s.name}`),
    ...model.serviceAccounts.map((s) => `ServiceAccount ${s.namespace ?? ''}/${s.name}`),
  ].sort();
}

const podObject = (name: unknown, namespace?: unknown): any => ({ apiVersion: 'v1', kind: 'Pod',
  metadata: { name, ...(namespace === undefined ? {} : { namespace }) }, spec: { containers: [{ name: 'c', image: 'ghcr.io/acme/app:1' }] } });
const secretObject = {
  apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred', namespace: 'apps' },
  data: { '.dockerconfigjson': Buffer.from('{"auths":{"ghcr.io":{"auth":"dTpGQUtF"}}}').toString('base64') },
};
const list = (items: unknown, kind = 'List', apiVersion = 'v1'): any => ({ apiVersion, kind, items });
// one JSON document: YAML that kubectl and eemeli/yaml read alike
const pod = (name: string, namespace?: unknown): string => JSON.stringify(podObject(name, namespace));

const CASES: { title: string; yaml: string; accepted: boolean; apiServerOnly?: boolean }[] = [
  { title: 'a v1 List of a Pod and a Secret', accepted: true, yaml: JSON.stringify(list([podObject('a'), secretObject])) },
  { title: 'a DeploymentList whose items have no kind (they take Deployment)', accepted: true,
    yaml: JSON.stringify(list([{ metadata: { name: 'd', namespace: 'apps' }, spec: { template: { spec: podObject('x').spec } } }], 'DeploymentList',
      'apps/v1')) },
  { title: 'a ConfigMap with an items field (kubectl reads any such object as a list)', accepted: true,
    yaml: JSON.stringify({ ...list([podObject('in-cm')], 'ConfigMap'), metadata: { name: 'cm' } }) },
  { title: 'a List with items: null (no objects)', accepted: true, yaml: JSON.stringify(list(null)) },
  { title: 'a List whose items is a string', accepted: false, yaml: JSON.stringify(list('hello')) },
  { title: 'a List with an item that is a string', accepted: false, yaml: JSON.stringify(list(['hello', podObject('b')])) },
  { title: 'a List inside a List', accepted: false, yaml: JSON.stringify(list([list([podObject('c')])])) },
  { title: 'a v1 List with an item without kind', accepted: false, yaml: JSON.stringify(list([{ metadata: { name: 'x' } }])) },
  { title: 'namespace: 123', accepted: false, yaml: pod('n', 123) },
  { title: 'namespace: [apps]', accepted: false, yaml: pod('n', ['apps']) },
  { title: 'namespace: {a: b}', accepted: false, yaml: pod('n', { a: 'b' }) },
  { title: 'namespace: true', accepted: false, yaml: pod('n', true) },
  // kubectl's local decoding of a List item does not read its metadata into Go's ObjectMeta; the API server does
  { title: 'namespace: 123 on an item of a List', accepted: false, apiServerOnly: true, yaml: JSON.stringify(list([podObject('n', 123)])) },
  { title: 'name: 123', accepted: false, yaml: JSON.stringify(podObject(123)) },
  { title: 'namespace: "" (Go decodes it as unset)', accepted: true, yaml: pod('e', '') },
  { title: 'namespace: null', accepted: true, yaml: pod('e', null) },
  { title: 'namespace: "123" (a string)', accepted: true, yaml: pod('e', '123') },
];

describe('reading documents as kubectl does', () => {
  for (const c of CASES) {
    it(`${c.accepted ? 'reads' : 'refuses'} ${c.title}, as kubectl does`, () => {
      const kubectl = c.apiServerOnly ? undefined : kubectlObjects(c.yaml);
      expect(kubectl === undefined, `kubectl ${kubectl === undefined ? 'refused' : 'accepted'} it`).toBe(!c.accepted);
      const ours = modelObjects(c.yaml);
      if (kubectl === undefined) {
        expect(ours).toBeUndefined();
      } else {
        // the model reads only the kinds the pull checks need; kubectl's others (a ConfigMap) are not in it
        expect(ours).toEqual(kubectl.filter((o) => /^(Pod|Deployment|Secret|ServiceAccount) /.test(o)));
      }
    });
  }

  it('names the object and the field when a namespace is not a string, in one line', () => {
    const model = readManifests([podObject('web', 123)]);
    expect(model.problems.map((p) => [p.location, p.message])).toEqual([['metadata.namespace',
      'Pod web: \'metadata.namespace\' must be a string such as \'apps\', got a number; kubectl and the API server refuse the object: ' +
      'write it as a string (quote it if it looks like a number)']]);
    expect(model.pods).toEqual([]);
  });

  it('gives an item of a List the List\'s document index, and its path in the document', () => {
    const model = readManifests(['not an object', list([secretObject, podObject('a')])]);
    expect(model.pods.map((p) => [p.index, p.specPath, p.list])).toEqual([[1, 'items[1].spec', 'List']]);
    expect(model.problems.map((p) => [p.index, p.message])).toEqual([[0, expect.stringMatching(/^a document is a string, not an object; kubectl refuses it/)]]);
  });
});

describe('two Secrets of one name in one namespace', () => {
  const docker = (namespace: string | undefined, server: string): any => ({
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
    metadata: { name: 'regcred', ...(namespace === undefined ? {} : { namespace }) },
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: { [server]: { auth: 'dTpGQUtF' } } })).toString('base64') },
  });
  const sealed = (namespace: string): any => ({ apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'regcred', namespace } });
  const CASES_DUP: { title: string; objects: any[]; collide: boolean }[] = [
    { title: 'two with other content in one namespace', objects: [docker('apps', 'ghcr.io'), docker('apps', 'quay.io')], collide: true },
    { title: 'the same Secret twice', objects: [docker('apps', 'ghcr.io'), docker('apps', 'ghcr.io')], collide: false },
    { title: 'one without a namespace and one in default, other content', objects: [docker(undefined, 'ghcr.io'), docker('default', 'quay.io')],
      collide: true },
    { title: 'one without a namespace and one in default, same content', objects: [docker(undefined, 'ghcr.io'), docker('default', 'ghcr.io')],
      collide: false },
    { title: 'the same name in two namespaces', objects: [docker('a', 'ghcr.io'), docker('b', 'quay.io')], collide: false },
    { title: 'a Secret and a SealedSecret that makes one of the same name', objects: [docker('apps', 'ghcr.io'), sealed('apps')], collide: true },
    { title: 'two SealedSecrets (their content is not known)', objects: [sealed('apps'), sealed('apps')], collide: true },
  ];
  for (const c of CASES_DUP) {
    it(`${c.collide ? 'reports' : 'accepts'} ${c.title}`, () => {
      const problems = readManifests(c.objects).problems;
      expect(problems.length).toBe(c.collide ? 1 : 0);
      if (c.collide) {
        expect(problems[0].message).toMatch(/^two different Secrets named 'regcred' (in namespace '(apps|default)'|among)/);
        expect(problems[0].message).toMatch(/kubectl apply keeps the last one/);
        expect(problems[0].duplicateSecret).toBe(true);
      }
    });
  }

  it('is a finding of the plugin\'s check, naming both objects', () => {
    const result = checkManifests([docker(undefined, 'ghcr.io'), docker('default', 'quay.io')]);
    expect(result.errors.map((e) => [e.rule, e.index, e.message])).toEqual([[PullCheckRule.SECRET_CONTENT, 1, expect.stringMatching(
      /Secret regcred \(no namespace\) and Secret default\/regcred \(objects without a namespace land in kubectl's current namespace, 'default'/)]]);
  });
});

describe('the plugin\'s check over a List', () => {
  it('fails when a Pod inside a List pulls a private image without a pull secret', () => {
    // with a pull secret (in the List too) that does not cover it: an error
    const covered = podObject('web', 'apps');
    covered.spec.imagePullSecrets = [{ name: 'quay' }];
    const quay = { ...secretObject, metadata: { name: 'quay', namespace: 'apps' },
      data: { '.dockerconfigjson': Buffer.from('{"auths":{"quay.io":{"auth":"dTpGQUtF"}}}').toString('base64') } };
    const result = checkManifests([list([covered, quay])]);
    expect(result.podsChecked).toBe(1);
    expect(result.errors.map((e) => [e.rule, e.resource, e.location])).toEqual([[PullCheckRule.IMAGE_COVERAGE, 'Pod apps/web',
      'items[0].spec.containers[0].image']]);
    // with none: pulled anonymously, and not declared public (undeclared: the warning the check gives any such image)
    const bare = checkManifests([list([podObject('web', 'apps')])]);
    expect(bare.errors).toEqual([]);
    expect(bare.warnings.map((w) => [w.resource, w.location, w.message])).toEqual([['Pod apps/web', 'items[0].spec.containers[0].image',
      expect.stringMatching(/^Pod apps\/web: container 'c' image 'ghcr.io\/acme\/app:1' is pulled without credentials/)]]);
  });

  it('passes it when the List holds the pull secret too', () => {
    const web = podObject('web', 'apps');
    web.spec.imagePullSecrets = [{ name: 'regcred' }];
    expect(checkManifests([list([web, secretObject])]).errors).toEqual([]);
  });

  it('reports a namespace that is not a string as a finding on the object', () => {
    const result = checkManifests([podObject('web', ['apps'])]);
    expect(result.errors.map((e) => [e.rule, e.location])).toEqual([[PullCheckRule.MANIFEST_OBJECT, 'metadata.namespace']]);
  });
});

describe('large outputs', () => {
  it('checks 200,000 objects without "Maximum call stack size exceeded" (no array is spread into a call)', () => {
    const objects = Array.from({ length: 200_000 }, (_, i) => podObject(`p${i}`, 'apps'));
    const result = checkManifests(objects, { publicImages: ['ghcr.io/acme/app'] });
    expect(result.podsChecked).toBe(200_000);
    expect(result.errors).toEqual([]);
  });
});
