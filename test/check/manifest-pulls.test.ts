import { describe, expect, it } from 'vitest';
import { PUBLIC_IMAGES_ANNOTATION, SERVERS_ANNOTATION } from '../../lib/check/annotations';
import { readManifests } from '../../lib/check/manifest-model';
import { resolveManifests } from '../../lib/check/manifest-pulls';
import { NO_NODE_FACTS } from '../../lib/check/node-facts';
import { NodeCredentialProvider } from '../../lib/kubelet/credential-providers';
import { validateRegistryCredentials } from '../../lib/docker/credentials';
import { encodeDockerConfigJson } from '../../lib/docker/payload';
import { nodeImagesProvider, parseCredentialProviderConfig } from '../../lib/kubelet/credential-providers';

const PASSWORD = 'FAKE-pull-credentials-pw';

function dockerSecret(name: string, servers: string[], namespace?: string, username = 'u'): any {
  const entries = servers.map((server) => validateRegistryCredentials({ server, username, password: PASSWORD }, 'test'));
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
    metadata: { name, ...(namespace ? { namespace } : {}) },
    data: { '.dockerconfigjson': Buffer.from(encodeDockerConfigJson(entries)).toString('base64') },
  };
}

function pod(name: string, images: string[], secrets?: string[], extra: any = {}, metadata: any = {}): any {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name, ...metadata },
    spec: {
      containers: images.map((image, i) => ({ name: `c${i}`, image })),
      ...(secrets ? { imagePullSecrets: secrets.map((n) => ({ name: n })) } : {}),
      ...extra,
    },
  };
}

interface Options {
  readonly publicImages?: string[];
  readonly nodeProviders?: NodeCredentialProvider[];
}

function resolve(objects: any[], options: Options = {}) {
  const node = { ...NO_NODE_FACTS, providers: options.nodeProviders ?? [] };
  const r = resolveManifests(readManifests(objects), { publicImages: options.publicImages, node });
  return { ...r, problems: r.errors.map((e) => e.message), warningLines: r.warnings.map((w) => w.message) };
}

/** `coverage secret/key` per image of the first workload. */
function pulls(objects: any[], options: Options = {}): string[] {
  return resolve(objects, options).workloads[0].images.map((i) =>
    [i.verdict, ...i.credentials.map((c) => `${c.secret.name}/${c.server}`)].join(' '));
}

describe('resolveManifests: the kubelet\'s credentials for each image', () => {
  it('uses the entry of the matching key, and nothing for an image no key covers', () => {
    expect(pulls([dockerSecret('regcred', ['ghcr.io', 'quay.io']), pod('p', ['ghcr.io/a/b:1', 'quay.io/c/d', 'gcr.io/e/f'], ['regcred'])]))
      .toEqual(['secret regcred/ghcr.io', 'secret regcred/quay.io', 'not covered']);
  });

  it('orders the entries of every pull secret as one keyring: the most specific key first, across secrets', () => {
    const objects = [dockerSecret('broad', ['ghcr.io']), dockerSecret('narrow', ['ghcr.io/org']), dockerSecret('same', ['ghcr.io']),
      pod('p', ['ghcr.io/org/app:1', 'ghcr.io/other/app:1'], ['broad', 'narrow', 'same'])];
    // keys that normalize alike keep the order of the pod's imagePullSecrets
    expect(pulls(objects)).toEqual(['secret narrow/ghcr.io/org broad/ghcr.io same/ghcr.io', 'secret broad/ghcr.io same/ghcr.io']);
  });

  it('falls back to the Docker Hub key for Docker Hub images only', () => {
    expect(pulls([dockerSecret('hub', ['https://index.docker.io/v1/']), pod('p', ['nginx', 'janedoe/app:v1', 'ghcr.io/a/b'], ['hub'])]))
      .toEqual(['secret hub/https://index.docker.io/v1/', 'secret hub/https://index.docker.io/v1/', 'not covered']);
  });

  it('reads only the pod\'s namespace, and says where a secret of another namespace is', () => {
    const r = resolve([dockerSecret('regcred', ['ghcr.io'], 'other'), pod('p', ['ghcr.io/a/b'], ['regcred'], {}, { namespace: 'apps' })]);
    expect(r.workloads[0].images[0].verdict).toBe('not covered');
    expect(r.problems).toEqual([expect.stringMatching(
      /^Pod apps\/p: container 'c0' image 'ghcr.io\/a\/b' .*; pull secret 'regcred' is in namespace 'other' but the pod is in namespace 'apps'/)]);
    expect(r.secrets.map((s) => `${s.namespace}/${s.name} ${s.form}`)).toEqual(['other/regcred Secret', 'apps/regcred referenced only']);
  });

  it('gives a pod that lists no secrets those of its service account, and not to a pod that lists its own', () => {
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'puller' }, imagePullSecrets: [{ name: 'quay' }] };
    const objects = [dockerSecret('ghcr', ['ghcr.io']), dockerSecret('quay', ['quay.io']), sa];
    expect(pulls([...objects, pod('p', ['quay.io/x/y'], undefined, { serviceAccountName: 'puller' })])).toEqual(['secret quay/quay.io']);
    expect(pulls([...objects, pod('p', ['quay.io/x/y'], ['ghcr'], { serviceAccountName: 'puller' })])).toEqual(['not covered']);
  });

  it('counts a SealedSecret or ExternalSecret with the servers it declares, and cannot judge one that declares none', () => {
    const sealed = { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret',
      metadata: { name: 'sealed', annotations: { [SERVERS_ANNOTATION]: 'ghcr.io' } } };
    const external = { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'es' }, spec: { target: { name: 'made' } } };
    const r = resolve([sealed, external, pod('p', ['ghcr.io/a/b', 'quay.io/c/d'], ['sealed', 'made'])]);
    expect(r.workloads[0].images.map((i) => i.verdict)).toEqual(['secret', 'undeclared']);
    expect(r.workloads[0].images[0].credentials[0].entry).toBeUndefined();
    expect(r.workloads[0].images[1].message).toMatch(/the check cannot judge 'made'/);
    expect(r.errors).toEqual([]);
    expect(r.secrets.map((s) => s.form)).toEqual(['SealedSecret', 'ExternalSecret']);
  });

  it('never assumes: an image needing a secret that is only referenced is undeclared (a warning), and says why', () => {
    const r = resolve([pod('p', ['ghcr.io/a/b'], ['made-elsewhere'])]);
    expect(r.workloads[0].images[0].verdict).toBe('undeclared');
    expect(r.problems).toEqual([]);
    expect(r.warningLines).toEqual([expect.stringMatching(
      /^Pod p: container 'c0' image 'ghcr.io\/a\/b' is not covered by any pull secret whose servers are known, and the check cannot judge 'made-elsewhere'/)]);
    expect(r.secrets).toEqual([{ name: 'made-elsewhere', namespace: undefined, form: 'referenced only' }]);
  });

  it('takes public images from the object\'s annotation and from the options, by repository', () => {
    const annotated = pod('p', ['nginx:1.25', 'busybox@sha256:' + 'a'.repeat(64), 'ghcr.io/a/b'], undefined, {},
      { annotations: { [PUBLIC_IMAGES_ANNOTATION]: 'docker.io/library/nginx' } });
    expect(pulls([annotated], { publicImages: ['busybox'] })).toEqual(['public', 'public', 'undeclared']);
  });

  it('uses a secret that matches a declared-public image, as the kubelet does', () => {
    expect(pulls([dockerSecret('hub', ['docker.io']), pod('p', ['nginx'], ['hub'])], { publicImages: ['nginx'] })).toEqual(['secret hub/docker.io']);
  });

  it('takes node credentials from a credential provider config, after the pull secrets', () => {
    const config = parseCredentialProviderConfig(JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig',
      providers: [{ name: 'ecr-credential-provider', matchImages: ['*.dkr.ecr.*.amazonaws.com'], defaultCacheDuration: '12h',
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1' }],
    }), 'config.json');
    const r = resolve([pod('p', ['123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1', 'ghcr.io/a/b'])], { nodeProviders: config });
    expect(r.workloads[0].images.map((i) => [i.verdict, i.node?.provider.name]))
      .toEqual([['node', 'ecr-credential-provider'], ['undeclared', undefined]]);
  });

  it('does not count a provider the kubelet would not invoke for the pod\'s service account', () => {
    const config = parseCredentialProviderConfig(JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig',
      providers: [{ name: 'sa-provider', matchImages: ['registry.example.com'], defaultCacheDuration: '1m',
        apiVersion: 'credentialprovider.kubelet.k8s.io/v1', tokenAttributes: { serviceAccountTokenAudience: 'reg', requireServiceAccount: true,
          requiredServiceAccountAnnotationKeys: ['example.com/role'], cacheType: 'ServiceAccount' } }],
    }), 'config.json');
    const sa = (annotations: any) => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', annotations } });
    const image = pod('p', ['registry.example.com/app:1']);
    expect(pulls([sa({}), image], { nodeProviders: config })).toEqual(['not covered']);
    expect(pulls([sa({ 'example.com/role': 'puller' }), image], { nodeProviders: config })).toEqual(['node']);
    // without the ServiceAccount in the output its annotations are unknown, so the provider is taken to run
    expect(pulls([image], { nodeProviders: config })).toEqual(['node']);
  });

  it('takes plain node image patterns', () => {
    expect(pulls([pod('p', ['eu.gcr.io/p/app'])], { nodeProviders: [nodeImagesProvider(['*.gcr.io'], 'test')] })).toEqual(['node']);
  });

  it('fails every image of a pod whose pull secret the kubelet cannot decode', () => {
    const broken = { ...dockerSecret('bad', ['ghcr.io']), data: { '.dockerconfigjson': Buffer.from('{"auths":').toString('base64') } };
    const r = resolve([dockerSecret('good', ['quay.io']), broken, pod('p', ['quay.io/a/b'], ['good', 'bad'])]);
    expect(r.workloads[0].images.map((i) => [i.verdict, i.failsBeforePull])).toEqual([['not covered', true]]);
    expect(r.problems).toContainEqual(expect.stringMatching(/^Secret bad has a '.dockerconfigjson' that is not JSON/));
  });

  it('reports an invalid image as not covered, failing before the pull', () => {
    const r = resolve([pod('p', ['ghcr.io/Org/app'])]);
    expect(r.workloads[0].images[0]).toMatchObject({ verdict: 'not covered', failsBeforePull: true });
    expect(r.problems[0]).toMatch(/InvalidImageName/);
  });

  it('names a near miss in the reason, and never a password', () => {
    const r = resolve([dockerSecret('regcred', ['registry.example.com']), pod('p', ['registry.example.com:5000/app:1'], ['regcred'])]);
    expect(r.problems[0]).toMatch(/the key has no port and the image has port '5000'/);
    expect(JSON.stringify(r.problems)).not.toContain(PASSWORD);
  });

  it('shows a key with user:password@ before its host redacted', () => {
    // our constructs refuse such a key; a hand-written Secret can hold one
    const secret = dockerSecret('regcred', ['ghcr.io']);
    const auths = { 'https://jane:FAKE-in-key@ghcr.io': { username: 'u', password: PASSWORD } };
    secret.data['.dockerconfigjson'] = Buffer.from(JSON.stringify({ auths })).toString('base64');
    const r = resolve([secret, pod('p', ['quay.io/a/b'], ['regcred'])]);
    expect(r.problems.join('\n')).not.toContain('FAKE-in-key');
    expect(r.problems.join('\n')).toContain('***@ghcr.io');
  });
});
