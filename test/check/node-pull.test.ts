// Issue 12: the pull check knows every way a node pulls. Node-provided credentials (a kubelet CredentialProviderConfig
// in the documentation's own form, or a plain pattern list), image volumes, KEP-4412 service account tokens, cached
// images under KEP-2535, Docker Hub's anonymous limit, and no silent "public" guess, through the constructs and
// through the manifest check the plugin runs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Pod } from 'kubernetes-models/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImagePullCredentialsVerificationPolicy, NodePullConfig, PrivatePod, PrivateRegistrySecret } from '../../lib';
import { ManifestCheckOptions, checkManifests } from '../../lib/check/manifest-check';

const ECR_IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/app:1';
// the ECR example of https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/
const ECR_CONFIG = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
      - "*.dkr.ecr.*.amazonaws.com"
      - "*.dkr.ecr.*.amazonaws.com.cn"
      - "*.dkr.ecr-fips.*.amazonaws.com"
    defaultCacheDuration: "12h"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
`;
// a KEP-4412 provider that exchanges the pod's service account token
const TOKEN_CONFIG = `apiVersion: kubelet.config.k8s.io/v1
kind: CredentialProviderConfig
providers:
  - name: acr-credential-provider
    matchImages: ["*.azurecr.io"]
    defaultCacheDuration: "10m"
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    tokenAttributes:
      serviceAccountTokenAudience: api://AzureADTokenExchange
      requireServiceAccount: true
      requiredServiceAccountAnnotationKeys: ["azure.workload.identity/client-id"]
      cacheType: ServiceAccount
`;

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'node-pull-'));
  fs.writeFileSync(path.join(dir, 'ecr.yaml'), ECR_CONFIG);
  fs.writeFileSync(path.join(dir, 'token.yaml'), TOKEN_CONFIG);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function dockerSecret(name: string, servers: string[], namespace?: string): any {
  const auths = Object.fromEntries(servers.map((s) => [s, { auth: Buffer.from('u:FAKE-node-pw').toString('base64') }]));
  return { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name, namespace },
    data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } };
}

function pod(name: string, spec: any, namespace?: string, annotations?: any): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, annotations }, spec };
}

function messages(objects: any[], options: ManifestCheckOptions = {}): { errors: string[]; warnings: string[]; rules: string[] } {
  const r = checkManifests(objects, options, dir);
  return { errors: r.errors.map((e) => e.message), warnings: r.warnings.map((w) => w.message), rules: r.errors.map((e) => e.rule) };
}

describe('node-provided credentials', () => {
  const objects = [dockerSecret('regcred', ['ghcr.io']),
    pod('app', { containers: [{ name: 'web', image: 'ghcr.io/org/web:1' }, { name: 'api', image: ECR_IMAGE }],
      imagePullSecrets: [{ name: 'regcred' }] })];

  it('rejects a pod with a pull secret for ghcr.io and an ECR image, unless the credential provider config declares ECR', () => {
    const without = messages(objects);
    expect(without.rules).toEqual(['image-coverage']);
    expect(without.errors[0]).toMatch(/container 'api' image '123456789012.dkr.ecr.eu-west-1.amazonaws.com\/team\/app:1'.* is not covered/);
    expect(messages(objects, { credentialProviderConfig: 'ecr.yaml' })).toEqual({ errors: [], warnings: [], rules: [] });
    expect(messages(objects, { nodeImages: ['*.dkr.ecr.*.amazonaws.com'] })).toEqual({ errors: [], warnings: [], rules: [] });
    // a pattern of another partition or part count does not cover it
    expect(messages(objects, { nodeImages: ['*.dkr.ecr.*.amazonaws.com.cn', '*.amazonaws.com'] }).rules).toEqual(['image-coverage']);
  });

  it('does the same for a PrivatePod, with a NodePullConfig in its chart or its app', () => {
    const build = (config: boolean, inApp: boolean): (() => unknown) => () => {
      const app = Testing.app();
      const chart = new Chart(app, 'c');
      if (config) new NodePullConfig(inApp ? app : chart, 'nodes', { credentialProviderConfig: path.join(dir, 'ecr.yaml') });
      const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'u', password: 'FAKE-node-pw' });
      new PrivatePod(chart, 'pod', { containers: [{ name: 'web', image: 'ghcr.io/org/web:1' }, { name: 'api', image: ECR_IMAGE }],
        registrySecrets: [secret] });
      return Testing.synth(chart);
    };
    expect(build(false, false)).toThrow(/container 'api' image '123456789012.dkr.ecr.eu-west-1.amazonaws.com\/team\/app:1'.*is not covered/);
    expect(build(true, false)).not.toThrow();
    expect(build(true, true)).not.toThrow();
  });

  it('writes what the NodePullConfig declares on the PrivatePod, so that the plugin judges the output as the synth did', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new NodePullConfig(chart, 'nodes', { credentialProviderConfig: path.join(dir, 'ecr.yaml'), nodeImages: ['*.gcr.io'] });
    const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'u', password: 'FAKE-node-pw' });
    new PrivatePod(chart, 'pod', { containers: [{ name: 'web', image: 'ghcr.io/org/web:1' }, { name: 'api', image: ECR_IMAGE },
      { name: 'tool', image: 'eu.gcr.io/p/tool:1' }], registrySecrets: [secret] });
    const objects = Testing.synth(chart);
    const annotated = objects.find((o) => o.kind === 'Pod');
    expect(annotated.metadata.annotations).toEqual({
      'private-registry.cdk8s.io/node-images': '*.dkr.ecr.*.amazonaws.com,*.dkr.ecr.*.amazonaws.com.cn,*.dkr.ecr-fips.*.amazonaws.com,*.gcr.io' });
    expect(messages(objects)).toEqual({ errors: [], warnings: [], rules: [] });
    // without the annotation the plugin, told nothing in cdk8s.yaml, fails both
    delete annotated.metadata.annotations;
    expect(messages(objects).rules).toEqual(['image-coverage', 'image-coverage']);
  });

  it('needs the service account annotations a token provider (KEP-4412) requires', () => {
    const image = 'team.azurecr.io/app:1';
    const sa = (annotations?: any): any => ({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'builder', annotations } });
    const p = pod('app', { serviceAccountName: 'builder', containers: [{ name: 'c', image }] });
    const options = { credentialProviderConfig: 'token.yaml' };
    const missing = messages([sa(), p], options);
    expect(missing.rules).toEqual(['node-credentials']);
    expect(missing.errors[0]).toMatch(/requires the annotation 'azure.workload.identity\/client-id' on the pod's service account 'builder'/);
    expect(messages([sa({ 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' }), p], options).errors).toEqual([]);
    // a service account made elsewhere cannot be judged: a warning, not a guess
    const unknown = messages([p], options);
    expect(unknown.errors).toEqual([]);
    expect(unknown.warnings.join('\n')).toMatch(/relies on credential provider 'acr-credential-provider'.*not in the output/);
    // a token provider that requires no annotation is invoked for any service account: nothing to warn about
    fs.writeFileSync(path.join(dir, 'token-no-keys.yaml'), TOKEN_CONFIG.replace(/ *requiredServiceAccountAnnotationKeys: .*\n/, ''));
    expect(messages([p], { credentialProviderConfig: 'token-no-keys.yaml' })).toEqual({ errors: [], warnings: [], rules: [] });
  });

  it('judges a PrivatePod\'s own ServiceAccount annotations for a token provider', () => {
    const synth = (annotations: { [k: string]: string }): (() => unknown) => () => {
      const chart = Testing.chart();
      new NodePullConfig(chart, 'nodes', { credentialProviderConfig: path.join(dir, 'token.yaml') });
      const secret = new PrivateRegistrySecret(chart, 'regcred', { server: 'ghcr.io', username: 'u', password: 'FAKE-node-pw' });
      const serviceAccount = new kplus.ServiceAccount(chart, 'sa', { metadata: { annotations } });
      new PrivatePod(chart, 'pod', { containers: [{ image: 'team.azurecr.io/app:1' }], registrySecrets: [secret], serviceAccount });
      return Testing.synth(chart);
    };
    expect(synth({})).toThrow(/credential provider 'acr-credential-provider' .* requires the annotation 'azure.workload.identity\/client-id'/);
    expect(synth({ 'azure.workload.identity/client-id': 'x' })).not.toThrow();
  });

  it('reports a bad plugin property under the rule plugin-properties, at that property', () => {
    fs.writeFileSync(path.join(dir, 'alias.yaml'), ECR_CONFIG.replace('ecr-credential-provider', '*nope'));
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ credentialProviderConfig: 'missing.yaml' }, 'credentialProviderConfig', /missing\.yaml/],
      [{ credentialProviderConfig: 'alias.yaml' }, 'credentialProviderConfig', /the YAML cannot be read: Unresolved alias .*: nope; fix or remove the alias/],
      [{ nodeImages: ['ghcr.io:abc'] }, 'nodeImages', /'nodeImages\[0\]'/],
      [{ imagePullCredentialsVerificationPolicy: 'Sometimes' }, 'imagePullCredentialsVerificationPolicy', /must be one of/],
      [{ preloadedImagesVerificationAllowlist: ['nginx'] }, 'preloadedImagesVerificationAllowlist', /is used only with/],
      [{ dockerHubCredentialsRequired: 'yes' }, 'dockerHubCredentialsRequired', /must be/],
      [{ publicImages: 'nginx' }, 'publicImages', /must be a list/],
    ];
    for (const [options, location, message] of cases) {
      const r = checkManifests(objects, options as ManifestCheckOptions, dir);
      const finding = r.errors.find((e) => e.rule === 'plugin-properties');
      expect(finding, JSON.stringify(options)).toMatchObject({ location, message: expect.stringMatching(message) });
    }
  });

  it('fails on a bad declaration with one clear line naming the property', () => {
    expect(messages(objects, { nodeImages: 'x' as any }).errors[0]).toMatch(/'nodeImages' must be a list of image patterns/);
    expect(messages(objects, { credentialProviderConfig: 'missing.yaml' }).errors[0]).toMatch(/missing\.yaml/);
    expect(() => new NodePullConfig(Testing.chart(), 'n', { imagePullCredentialsVerificationPolicy: 'Sometimes' as any }))
      .toThrow(/^NodePullConfig 'n': 'imagePullCredentialsVerificationPolicy' must be one of 'NeverVerify', /);
    expect(() => new NodePullConfig(Testing.chart(), 'n', { preloadedImagesVerificationAllowlist: ['docker.io/library/nginx'] }))
      .toThrow(/is used only with imagePullCredentialsVerificationPolicy 'NeverVerifyAllowlistedImages'/);
    expect(() => new NodePullConfig(Testing.chart(), 'n', {
      imagePullCredentialsVerificationPolicy: ImagePullCredentialsVerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES,
      preloadedImagesVerificationAllowlist: ['nginx'],
    })).toThrow(/'preloadedImagesVerificationAllowlist\[0\]' must be a normalized image name .* use 'docker.io\/library\/nginx'/);
  });
});

describe('image volumes', () => {
  const volumePod = (reference: string, secrets?: string[]): any => pod('p', {
    containers: [{ name: 'c', image: 'ghcr.io/org/app:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
    volumes: [{ name: 'data', image: { reference, pullPolicy: 'IfNotPresent' } }],
    ...secrets ? { imagePullSecrets: secrets.map((name) => ({ name })) } : {},
  });

  it('is a Pod the Kubernetes schema accepts', () => {
    expect(() => new Pod(volumePod('quay.io/org/data:1', ['regcred'])).validate()).not.toThrow();
  });

  it('rejects an image volume from a private registry that the pod\'s secrets do not cover, at its location', () => {
    const r = checkManifests([dockerSecret('regcred', ['ghcr.io']), volumePod('quay.io/org/data:1', ['regcred'])], {}, dir);
    expect(r.errors.map((e) => [e.rule, e.location])).toEqual([['image-coverage', 'spec.volumes[0].image.reference']]);
    expect(r.errors[0].message).toMatch(/^Pod p: image volume 'data' image 'quay.io\/org\/data:1' .* is not covered/);
    expect(checkManifests([dockerSecret('regcred', ['ghcr.io']), volumePod('ghcr.io/org/data:1', ['regcred'])], {}, dir).errors).toEqual([]);
  });

  it('rejects an image volume of a pod without pull secrets when a secret in the output holds its registry', () => {
    const r = messages([dockerSecret('regcred', ['quay.io']), volumePod('quay.io/org/data:1')], { publicImages: ['ghcr.io/org/app'] });
    expect(r.rules).toEqual(['image-coverage']);
    expect(r.errors[0]).toMatch(/image volume 'data' image 'quay.io\/org\/data:1' .* pulled without credentials: the pod lists no imagePullSecrets/);
  });
});

describe('never assume public', () => {
  it('fails a pod without pull secrets that pulls from a registry another pull secret holds credentials for', () => {
    const objects = [dockerSecret('regcred', ['ghcr.io'], 'apps'), pod('p', { containers: [{ name: 'c', image: 'ghcr.io/org/app:1' }] }, 'web')];
    const r = messages(objects);
    expect(r.rules).toEqual(['image-coverage']);
    expect(r.errors[0]).toMatch(/pull secret 'apps\/regcred' holds credentials for its registry \(key 'ghcr.io'\)/);
    expect(messages(objects, { publicImages: ['ghcr.io/org/app'] }).errors).toEqual([]);
    expect(messages(objects, { nodeImages: ['ghcr.io'] }).errors).toEqual([]);
  });

  it('takes no Docker Hub credential for evidence that a Docker Hub image is private, unless its key names a path', () => {
    const nginx = pod('p', { containers: [{ name: 'c', image: 'nginx:1.25' }] });
    const hub = messages([dockerSecret('hub', ['https://index.docker.io/v1/', 'docker.io']), nginx]);
    expect(hub.errors).toEqual([]);
    expect(hub.warnings.join('\n')).toMatch(/image 'nginx:1.25' is a Docker Hub official image \(public\), pulled from Docker Hub without credentials/);
    const scoped = messages([dockerSecret('hub', ['docker.io/acme']), pod('p', { containers: [{ name: 'c', image: 'acme/app:1' }] })]);
    expect(scoped.errors).toEqual([expect.stringMatching(/pull secret 'hub' holds credentials for its registry \(key 'docker.io\/acme'\)/)]);
  });

  it('reads the public images a pod declares in its annotation', () => {
    const objects = [dockerSecret('regcred', ['ghcr.io']),
      pod('p', { containers: [{ name: 'c', image: 'ghcr.io/org/app:1' }] }, undefined,
        { 'private-registry.cdk8s.io/public-images': 'ghcr.io/org/app' })];
    expect(messages(objects)).toEqual({ errors: [], warnings: [], rules: [] });
  });
});

describe('Docker Hub', () => {
  const hub = [pod('p', { containers: [{ name: 'c', image: 'nginx:1.25' }] })];

  it('warns when a Docker Hub image is pulled without credentials, and fails with dockerHubCredentialsRequired', () => {
    const warned = messages(hub, { publicImages: ['nginx'] });
    expect(warned.errors).toEqual([]);
    expect(warned.warnings).toEqual([expect.stringMatching(/image 'nginx:1.25' is pulled from Docker Hub without credentials, which allows 10 pulls per hour/)]);
    const required = messages(hub, { publicImages: ['nginx'], dockerHubCredentialsRequired: true });
    expect(required.rules).toEqual(['docker-hub']);
  });

  it('is quiet when a secret covers the Docker Hub image', () => {
    const covered = [dockerSecret('hub', ['https://index.docker.io/v1/']),
      pod('p', { containers: [{ name: 'c', image: 'nginx:1.25' }], imagePullSecrets: [{ name: 'hub' }] })];
    expect(messages(covered, { dockerHubCredentialsRequired: true })).toEqual({ errors: [], warnings: [], rules: [] });
  });

  it('is quiet too when the covered image is also declared public: the kubelet pulls it with the secret', () => {
    const covered = [dockerSecret('hub', ['https://index.docker.io/v1/']),
      pod('p', { containers: [{ name: 'c', image: 'nginx:1.25' }], imagePullSecrets: [{ name: 'hub' }] })];
    expect(messages(covered, { publicImages: ['nginx'], dockerHubCredentialsRequired: true }))
      .toEqual({ errors: [], warnings: [], rules: [] });
    // and a covered image with imagePullPolicy Never is still warned about, declared public or not
    const never = [dockerSecret('hub', ['https://index.docker.io/v1/']),
      pod('p', { containers: [{ name: 'c', image: 'nginx:1.25', imagePullPolicy: 'Never' }], imagePullSecrets: [{ name: 'hub' }] })];
    expect(messages(never, { publicImages: ['nginx'] }).warnings).toEqual([expect.stringMatching(/has imagePullPolicy Never/)]);
  });
});

describe('cached images (KEP-2535)', () => {
  const neverPod = [dockerSecret('regcred', ['ghcr.io']),
    pod('p', { containers: [{ name: 'c', image: 'ghcr.io/org/app:1', imagePullPolicy: 'Never' }], imagePullSecrets: [{ name: 'regcred' }] })];

  it.each([
    [undefined, /NeverVerifyPreloadedImages \(the kubelet's default; none declared\) it works only where the image was preloaded/],
    ['NeverVerify', /NeverVerify it works only where the image is already on every node/],
    ['AlwaysVerify', /AlwaysVerify it the kubelet verifies the pod's credentials for every image/],
    ['NeverVerifyAllowlistedImages', /not in preloadedImagesVerificationAllowlist/],
  ])('warns about a private image with imagePullPolicy Never under policy %s', (policy, expected) => {
    const r = messages(neverPod, policy ? { imagePullCredentialsVerificationPolicy: policy } : {});
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(expected)]);
  });

  it('judges the allowlist as the kubelet does: exact normalized names, or prefixes ending in /*', () => {
    const allow = (list: string[]): string[] => messages(neverPod, {
      imagePullCredentialsVerificationPolicy: 'NeverVerifyAllowlistedImages', preloadedImagesVerificationAllowlist: list }).warnings;
    expect(allow(['ghcr.io/org/app'])[0]).toMatch(/works only where the image was preloaded/);
    expect(allow(['ghcr.io/org/*'])[0]).toMatch(/works only where the image was preloaded/);
    expect(allow(['ghcr.io/other/*'])[0]).toMatch(/not in preloadedImagesVerificationAllowlist/);
  });

  it('says nothing about a public image with imagePullPolicy Never', () => {
    const r = messages([pod('p', { containers: [{ name: 'c', image: 'ghcr.io/org/tool:1', imagePullPolicy: 'Never' }] })],
      { publicImages: ['ghcr.io/org/tool'] });
    expect(r).toEqual({ errors: [], warnings: [], rules: [] });
  });
});
