// The kubelet's CredentialProviderConfig, read, validated and matched. Go judges what Go decides in the kubelet: the
// matchImages table and pattern validity run through Go's own net/url, net, path/filepath and time in
// test/support/go-credential-provider/main.go. The expected values in the tables were worked out by hand from
// kubernetes pkg/credentialprovider (URLsMatch, ParseSchemelessURL) and pkg/credentialprovider/plugin (config.go
// validateCredentialProviderConfig); Go must agree with them, and so must our port.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NodeCredentialProvider, matchNodeProviders, nodeImagesProvider, parseCredentialProviderConfig, readCredentialProviderConfig,
  serviceAccountProblem,
} from '../../lib/kubelet/credential-providers';
import { parseGoDuration } from '../../lib/go/duration';
import { parseImageReference } from '../../lib/kubelet/image-reference';
import { schemelessUrlError } from '../../lib/kubelet/keyring';

const GO_SOURCE = join(__dirname, '..', 'support', 'go-credential-provider', 'main.go');
/** Values that must never reach a message: the config's env values and args can be secrets. */
const FAKE_ENV_VALUE = 'FAKE-env-secret-value';
const FAKE_ARG = '--token=FAKE-arg-secret';

let dir: string;
let goBinary: string | Error | undefined;

// built once per file, in the temp folder, with go's caches there too: go only compiles, nothing is downloaded
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'credential-providers-'));
  const binary = join(dir, 'go-credential-provider');
  try {
    execFileSync(process.env.GO ?? 'go', ['build', '-o', binary, GO_SOURCE], {
      cwd: dir,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GOCACHE: join(dir, 'gocache'), GOPATH: join(dir, 'gopath'),
        GO111MODULE: 'off', GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0',
      },
      timeout: 180_000,
      killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    goBinary = binary;
  } catch (e) {
    const error = e as NodeJS.ErrnoException & { stderr?: Buffer };
    goBinary = new Error(error.code === 'ENOENT'
      ? 'the go toolchain is missing: install the Debian package \'golang-go\' (scripts/setup.sh --system does in CI), or set GO to a go binary'
      : `go build of ${GO_SOURCE} failed: ${error.stderr?.toString().trim() || error.message}`);
  }
}, 200_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface GoAnswers {
  readonly go: string;
  readonly patternErrors: string[];
  readonly matches: boolean[];
  readonly durations: Array<{ nanoseconds: string; error: string }>;
}

/** Asks Go; fails, never skips, when Go is missing: these answers must come from the real functions. */
function askGo(request: { patterns?: string[]; cases?: Array<{ pattern: string; image: string }>; durations?: string[] }): GoAnswers {
  if (goBinary === undefined) throw new Error('the go program was not built: askGo runs in a test, after beforeAll');
  if (goBinary instanceof Error) throw goBinary;
  const out = execFileSync(goBinary, [], {
    input: JSON.stringify({ patterns: [], cases: [], durations: [], ...request }),
    encoding: 'utf8',
    env: {},
    timeout: 20_000,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

function writeConfig(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

// ---- the documentation's providers -------------------------------------------------------------------------------

// The patterns the Kubernetes documentation's example (ECR) and the cloud providers' own kubelet configs list:
// cloud-provider-aws ecr-credential-provider, cloud-provider-gcp auth-provider-gcp, cloud-provider-azure
// acr-credential-provider.
const ECR = ['*.dkr.ecr.*.amazonaws.com', '*.dkr.ecr.*.amazonaws.com.cn', '*.dkr.ecr-fips.*.amazonaws.com',
  '*.dkr.ecr.us-iso-east-1.c2s.ic.gov', '*.dkr.ecr.us-isob-east-1.sc2s.sgov.gov'];
const GCP = ['container.cloud.google.com', 'gcr.io', '*.gcr.io', '*.pkg.dev'];
const ACR = ['*.azurecr.io', '*.azurecr.cn', '*.azurecr.de', '*.azurecr.us'];

const quoted = (patterns: string[], indent: string): string => patterns.map((p) => `${indent}- "${p}"`).join('\n');

/** A config in the documentation's shape, in `kubelet.config.k8s.io/<version>`; v1 adds a KEP-4412 token provider. */
function documentationConfig(version: 'v1' | 'v1beta1'): string {
  const plugin = `credentialprovider.kubelet.k8s.io/${version}`;
  return `# the providers of EKS, GKE and AKS nodes
apiVersion: kubelet.config.k8s.io/${version}
kind: CredentialProviderConfig
providers:
  - name: ecr-credential-provider
    matchImages:
${quoted(ECR, '      ')}
    defaultCacheDuration: "12h"
    apiVersion: ${plugin}
    args:
      - ${FAKE_ARG}
    env:
      - name: AWS_PROFILE
        value: ${FAKE_ENV_VALUE}
  - name: auth-provider-gcp
    apiVersion: ${plugin}
    matchImages:
${quoted(GCP, '      ')}
    defaultCacheDuration: 1m
    args: [get-credentials, --v=3]
  - name: acr-credential-provider
    apiVersion: credentialprovider.kubelet.k8s.io/v1
    defaultCacheDuration: 10m
    matchImages:
${quoted(ACR, '      ')}
${version === 'v1' ? `    tokenAttributes:
      serviceAccountTokenAudience: api://AzureADTokenExchange
      requireServiceAccount: true
      requiredServiceAccountAnnotationKeys:
        - azure.workload.identity/client-id
      optionalServiceAccountAnnotationKeys:
        - azure.workload.identity/tenant-id
      cacheType: ServiceAccount
` : ''}`;
}

describe('the documentation\'s example config', () => {
  it.each(['v1', 'v1beta1'] as const)('reads the ECR, GCP and ACR providers from a %s file', (version) => {
    const providers = readCredentialProviderConfig(writeConfig(`providers-${version}.yaml`, documentationConfig(version)));
    expect(providers.map((p) => [p.name, p.matchImages, p.defaultCacheDuration])).toEqual([
      ['ecr-credential-provider', ECR, '12h'],
      ['auth-provider-gcp', GCP, '1m'],
      ['acr-credential-provider', ACR, '10m'],
    ]);
    expect(providers.every((p) => p.source.endsWith(`providers-${version}.yaml`))).toBe(true);
    expect(providers[0].apiVersion).toBe(`credentialprovider.kubelet.k8s.io/${version}`);
    expect(providers[2].tokenAttributes).toEqual(version === 'v1' ? {
      serviceAccountTokenAudience: 'api://AzureADTokenExchange',
      requireServiceAccount: true,
      requiredServiceAccountAnnotationKeys: ['azure.workload.identity/client-id'],
      optionalServiceAccountAnnotationKeys: ['azure.workload.identity/tenant-id'],
      cacheType: 'ServiceAccount',
    } : undefined);
  });

  it('reads the same config written as JSON', () => {
    const providers = readCredentialProviderConfig(writeConfig('providers.json', JSON.stringify({
      apiVersion: 'kubelet.config.k8s.io/v1',
      kind: 'CredentialProviderConfig',
      providers: [
        { name: 'ecr-credential-provider', matchImages: ECR, defaultCacheDuration: '12h', apiVersion: 'credentialprovider.kubelet.k8s.io/v1' },
        { name: 'auth-provider-gcp', matchImages: GCP, defaultCacheDuration: '1m', apiVersion: 'credentialprovider.kubelet.k8s.io/v1' },
      ],
    }, null, 2)));
    expect(providers.map((p) => p.name)).toEqual(['ecr-credential-provider', 'auth-provider-gcp']);
  });

  it('reads kubelet.config.k8s.io/v1alpha1, which the kubelet still decodes', () => {
    const text = documentationConfig('v1beta1').replace('kubelet.config.k8s.io/v1beta1', 'kubelet.config.k8s.io/v1alpha1');
    expect(parseCredentialProviderConfig(text, 'alpha.yaml')).toHaveLength(3);
  });

  it.each<[string, string | undefined]>([
    ['123456789012.dkr.ecr.us-west-2.amazonaws.com/team/app:1', 'ecr-credential-provider'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', 'ecr-credential-provider'],
    ['us-docker.pkg.dev/project/repo/app', 'auth-provider-gcp'],
    ['gcr.io/project/app', 'auth-provider-gcp'],
    ['myregistry.azurecr.io/app', 'acr-credential-provider'],
    ['ghcr.io/org/app', undefined],
    ['nginx', undefined],
  ])('matches %s to %s', (target, provider) => {
    const providers = parseCredentialProviderConfig(documentationConfig('v1'), 'providers.yaml');
    expect(matchNodeProviders(providers, parseImageReference(target))[0]?.provider.name).toBe(provider);
  });
});

// ---- matchImages, judged by Go ---------------------------------------------------------------------------------

/** pattern, image as written in a pod, whether the kubelet runs the provider for it. */
const MATCH_TABLE: Array<[string, string, boolean]> = [
  // ECR
  ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:1', true],
  ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', false], // 7 host parts, not 6
  ['*.dkr.ecr.*.amazonaws.com.cn', '123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app', true],
  ['*.dkr.ecr-fips.*.amazonaws.com', '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/app', true],
  ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr-fips.us-east-1.amazonaws.com/app', false],
  ['*.dkr.ecr.us-iso-east-1.c2s.ic.gov', '123456789012.dkr.ecr.us-iso-east-1.c2s.ic.gov/app', true],
  ['*.dkr.ecr.*.amazonaws.com', 'public.ecr.aws/org/app', false],
  ['*.dkr.ecr.*.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com:443/app', false], // ports as strings
  ['*.dkr.ecr.*.amazonaws.com', '123456789012.DKR.ECR.us-east-1.amazonaws.com/app', false], // case-sensitive
  ['123456789012.dkr.ecr.us-east-1.amazonaws.com', '123456789012.dkr.ecr.us-east-1.amazonaws.com/app@sha256:' + 'a'.repeat(64), true],
  // paths: a plain string prefix of the image's path
  ['*.dkr.ecr.*.amazonaws.com/team', '1234.dkr.ecr.eu-west-1.amazonaws.com/team/app', true],
  ['*.dkr.ecr.*.amazonaws.com/team', '1234.dkr.ecr.eu-west-1.amazonaws.com/teamx/app', true],
  ['*.dkr.ecr.*.amazonaws.com/team/', '1234.dkr.ecr.eu-west-1.amazonaws.com/teamx/app', false],
  ['*.dkr.ecr.*.amazonaws.com/other', '1234.dkr.ecr.eu-west-1.amazonaws.com/team/app', false],
  // GCP
  ['*.gcr.io', 'us.gcr.io/project/app', true],
  ['*.gcr.io', 'gcr.io/project/app', false],
  ['gcr.io', 'gcr.io/project/app', true],
  ['*.pkg.dev', 'us-central1-docker.pkg.dev/project/repo/app:2', true],
  ['*.pkg.dev', 'pkg.dev/x', false],
  ['container.cloud.google.com', 'container.cloud.google.com/project/app', true],
  ['*.gcr.io', 'eu.gcr.io:443/project/app', false],
  // Azure
  ['*.azurecr.io', 'myregistry.azurecr.io/app:1', true],
  ['*.azurecr.io', 'azurecr.io/app', false],
  ['*.azurecr.io', 'a.b.azurecr.io/app', false], // one glob is one host part
  ['*.azurecr.cn', 'myregistry.azurecr.cn/app', true],
  ['*.azurecr.de', 'myregistry.azurecr.io/app', false],
  ['*.azurecr.us', 'myregistry.azurecr.us/app', true],
  ['*.azurecr.io', 'MyRegistry.azurecr.io/app', true], // '*' takes any case
  ['*.AZURECR.io', 'myregistry.azurecr.io/app', false],
  // glob shapes from the API documentation
  ['app*.k8s.io', 'app1.k8s.io/x', true],
  ['app*.k8s.io', 'other.k8s.io/x', false],
  ['k8s.*', 'k8s.io/x', true],
  ['*.*.registry.io', 'a.b.registry.io/x', true],
  ['*.*.registry.io', 'a.registry.io/x', false],
  ['registry.io:8080/path', 'registry.io:8080/path/app', true],
  ['registry.io:8080/path', 'registry.io/path/app', false],
  ['registry.io:8080', 'registry.io:8081/app', false],
  ['registry.io', 'registry.io:8080/app', false],
  ['r?gistry.io', 'registry.io/app', false], // '?' starts the URL query: the pattern's host is 'r'
  ['https://gcr.io', 'gcr.io/app', false], // no scheme in patterns: the host is 'https'
  // local registries and IPv6
  ['localhost:5000', 'localhost:5000/app', true],
  ['localhost', 'localhost:5000/app', false],
  ['*', 'localhost/app', true],
  ['127.0.0.*:5000', '127.0.0.1:5000/app', true],
  ['[::1]:5000', '[::1]:5000/app', true],
  ['[::1]', '[::1]/app', false], // issue 15: without a port the brackets stay and glob as a class
  ['[2001:db8::1]', '[2001:db8::1]/repo', false],
  // Docker Hub: the image is matched as the kubelet normalizes it, and there is no index.docker.io fallback
  ['docker.io', 'nginx', true],
  ['docker.io/library', 'nginx:1.25', true],
  ['docker.io/janedoe', 'janedoe/app', true],
  ['index.docker.io', 'nginx', false],
  ['index.docker.io', 'index.docker.io/library/nginx', false], // normalized to docker.io/library/nginx
  ['*.docker.io', 'nginx', false],
  ['registry-1.docker.io', 'janedoe/app', false],
];

describe('matchImages, judged by Go', () => {
  it('has at least 40 cases', () => {
    expect(MATCH_TABLE.length).toBeGreaterThanOrEqual(40);
  });

  it('Go\'s net/url, net.SplitHostPort and filepath.Match give the expected answer for every case', () => {
    const cases = MATCH_TABLE.map(([pattern, image]) => ({ pattern, image: parseImageReference(image).name }));
    const answers = askGo({ cases });
    expect(MATCH_TABLE.map(([pattern, image], i) => [pattern, image, answers.matches[i]])).toEqual(MATCH_TABLE);
  });

  it.each(MATCH_TABLE)('%s → %s: %s', (pattern, image, expected) => {
    const provider: NodeCredentialProvider = { name: 'p', source: 'test', matchImages: [pattern] };
    expect(matchNodeProviders([provider], parseImageReference(image))[0]?.pattern).toBe(expected ? pattern : undefined);
  });
});

describe('matchImages validity', () => {
  /** Patterns every Go version since 1.19 treats alike, with the kubelet's verdict. */
  const PATTERNS: Array<[string, boolean]> = [
    ['*.gcr.io', true],
    ['', true], // valid, and matches nothing
    ['registry.io:8080/path', true],
    ['*', true],
    ['[::1]:5000', true],
    ['gcr.io/a%20b', true],
    ['r?gistry.io', true],
    ['gcr.io:abc', false],
    ['my registry.io', false],
    ['gcr.io/%zz', false],
    ['[::1', false],
    ['gcr.io\t', false],
    ['gcr.io:80a', false],
  ];

  it('Go\'s url.Parse accepts and refuses the same patterns as the port', () => {
    const answers = askGo({ patterns: PATTERNS.map(([p]) => p) });
    expect(PATTERNS.map(([p], i) => [p, answers.patternErrors[i] === ''])).toEqual(PATTERNS);
    expect(PATTERNS.map(([p]) => [p, schemelessUrlError(p) === undefined])).toEqual(PATTERNS);
  });

  // Go 1.25.2 and 1.26 refuse these (brackets only around a whole IPv6 address, the port from the first colon of an
  // https host); older Go, such as Debian's, still accepts them, so Go cannot judge them here. The kubelet is built
  // with a current Go.
  it.each(['h[a-z]st.io', '[1.2.3.4]:5000', 'registry.io:5000:6000'])('refuses %s as a current kubelet does', (pattern) => {
    expect(schemelessUrlError(pattern)).toBeDefined();
    expect(() => nodeImagesProvider([pattern], 'test')).toThrow(/is not a pattern the kubelet can parse/);
  });
});

describe('defaultCacheDuration, judged by Go\'s time.ParseDuration', () => {
  const DURATIONS = ['12h', '1h30m', '1.5h', '0', '-0', '+5m', '.5s', '1.s', '', '12', '1d', '1h 2m', ' 1h', 'h', '.', '-1h',
    '1µs', '1μs', '1us', '300ms', '2562047h47m16.854775807s', '2562047h47m16.854775808s', '-2562047h47m16.854775808s'];

  it('agrees with Go on every duration, valid or not, and on its length', () => {
    const answers = askGo({ durations: DURATIONS });
    const ours = DURATIONS.map((d) => {
      const parsed = parseGoDuration(d);
      return [d, 'error' in parsed ? 'error' : parsed.nanoseconds.toString()];
    });
    expect(ours).toEqual(DURATIONS.map((d, i) => [d, answers.durations[i].error ? 'error' : answers.durations[i].nanoseconds]));
  });
});

// ---- invalid configs ---------------------------------------------------------------------------------------------

const HEADER = 'apiVersion: kubelet.config.k8s.io/v1\nkind: CredentialProviderConfig\n';

/** One provider in the v1 file, with secret-looking args and env that must never reach a message; `extra` is appended. */
function provider(fields: { [field: string]: string | undefined } = {}, extra = ''): string {
  const all: { [field: string]: string | undefined } = {
    name: 'ecr-credential-provider',
    matchImages: '["*.dkr.ecr.*.amazonaws.com"]',
    defaultCacheDuration: '"12h"',
    apiVersion: 'credentialprovider.kubelet.k8s.io/v1',
    args: `["${FAKE_ARG}"]`,
    env: `[{name: AWS_PROFILE, value: "${FAKE_ENV_VALUE}"}]`,
    ...fields,
  };
  const lines = Object.entries(all).filter(([, v]) => v !== undefined).map(([k, v]) => `    ${k}: ${v}`);
  return `  - ${lines.join('\n').trimStart()}\n${extra}`;
}

const TOKEN = (fields: { [field: string]: string | undefined } = {}): string => {
  const all: { [field: string]: string | undefined } = {
    serviceAccountTokenAudience: 'sts.amazonaws.com',
    requireServiceAccount: 'true',
    requiredServiceAccountAnnotationKeys: '[eks.amazonaws.com/role-arn]',
    cacheType: 'Token',
    ...fields,
  };
  return '    tokenAttributes:\n' + Object.entries(all).filter(([, v]) => v !== undefined).map(([k, v]) => `      ${k}: ${v}\n`).join('');
};

describe('invalid configs', () => {
  it('reads the base provider of this table', () => {
    expect(parseCredentialProviderConfig(`${HEADER}providers:\n${provider({}, TOKEN())}`, 'base.yaml')).toHaveLength(1);
  });

  it.each<[string, string, RegExp]>([
    // the file
    ['the file is empty', '', /the file is empty; write a CredentialProviderConfig$/],
    ['the file holds a list', '- a\n- b\n', /the file must hold a mapping with apiVersion, kind and providers, got a list$/],
    ['the apiVersion is missing', 'kind: CredentialProviderConfig\nproviders: []\n', /'apiVersion' is missing; set 'kubelet.config.k8s.io\/v1'$/],
    ['the apiVersion is unknown', `apiVersion: kubelet.config.k8s.io/v2\nkind: CredentialProviderConfig\nproviders:\n${provider()}`,
      /'apiVersion' must be one of kubelet.config.k8s.io\/v1, kubelet.config.k8s.io\/v1beta1, kubelet.config.k8s.io\/v1alpha1, got 'kubelet.config.k8s.io\/v2'/],
    ['the kind is another', `apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\nproviders:\n${provider()}`,
      /'kind' must be 'CredentialProviderConfig', got 'KubeletConfiguration'/],
    ['there is no provider', `${HEADER}providers: []\n`, /'providers' must list at least one provider/],
    ['a top-level field is unknown', `${HEADER}metadata: {name: x}\nproviders:\n${provider()}`,
      /unknown field 'metadata', which the kubelet's strict decoder refuses; the fields here are apiVersion, kind, providers$/],
    ['a key appears twice', `${HEADER}providers:\n${provider()}    name: again\n`, /the YAML cannot be read at line 10, column 5: a key appears twice/],
    ['the YAML is malformed', `${HEADER}providers: [\n`, /the YAML cannot be read at line \d+, column \d+: /],
    ['there are two documents', `${HEADER}providers:\n${provider()}---\n${HEADER}providers:\n${provider({ name: 'b' })}`,
      /the file has 2 YAML documents and the kubelet reads only the first/],
    ['the JSON is invalid', '{"apiVersion": "kubelet.config.k8s.io/v1",', /the file starts with '\{' but is not valid JSON/],
    ['a JSON key appears twice', '{"kind": "CredentialProviderConfig", "kind": "CredentialProviderConfig"}', /the JSON cannot be read at line 1, column \d+: a key appears twice/],
    ['providers is not a list', `${HEADER}providers: {name: x}\n`, /'providers' must be a list, got a mapping/],
    // names
    ['a name has a slash', `${HEADER}providers:\n${provider({ name: 'bin/ecr' })}`,
      /provider 'bin\/ecr' \(providers\[0\]\): 'name' must not contain '\/', got 'bin\/ecr'; use the file name of the plugin executable/],
    ['a name has a space', `${HEADER}providers:\n${provider({ name: '"ecr provider"' })}`, /'name' must not contain spaces/],
    ['a name is .', `${HEADER}providers:\n${provider({ name: '"."' })}`, /'name' must not be '\.'/],
    ['a name is ..', `${HEADER}providers:\n${provider({ name: '".."' })}`, /'name' must not be '\.\.'/],
    ['a name is missing', `${HEADER}providers:\n${provider({ name: undefined })}`, /providers\[0\]: 'name' is required: it names the plugin executable/],
    ['a name is the YAML 1.1 boolean no', `${HEADER}providers:\n${provider({ name: 'no' })}`, /'providers\[0\].name' must be a string, got a boolean; quote it$/],
    ['a name is used twice', `${HEADER}providers:\n${provider()}${provider()}`,
      /provider 'ecr-credential-provider' \(providers\[1\]\): 'name' is also used by providers\[0\]/],
    // the plugin API version
    ['the plugin apiVersion is missing', `${HEADER}providers:\n${provider({ apiVersion: undefined })}`,
      /'apiVersion' is required; set 'credentialprovider.kubelet.k8s.io\/v1'$/],
    ['the plugin apiVersion is unknown', `${HEADER}providers:\n${provider({ apiVersion: 'credentialprovider.kubelet.k8s.io/v2' })}`,
      /'apiVersion' must be one of credentialprovider.kubelet.k8s.io\/v1, credentialprovider.kubelet.k8s.io\/v1alpha1, credentialprovider.kubelet.k8s.io\/v1beta1, got 'credentialprovider.kubelet.k8s.io\/v2'$/],
    // matchImages
    ['matchImages is missing', `${HEADER}providers:\n${provider({ matchImages: undefined })}`, /'matchImages' must list at least one image pattern/],
    ['matchImages is empty', `${HEADER}providers:\n${provider({ matchImages: '[]' })}`, /'matchImages' must list at least one image pattern/],
    ['a pattern has a bad port', `${HEADER}providers:\n${provider({ matchImages: '["*.gcr.io", "gcr.io:abc"]' })}`,
      /'matchImages\[1\]' 'gcr.io:abc' is not a pattern the kubelet can parse \(invalid port ':abc' after host\); write a registry host such as/],
    ['a pattern with user info has a bad port', `${HEADER}providers:\n${provider({ matchImages: '["jane:FAKE-pw@gcr.io:abc"]' })}`,
      /'matchImages\[0\]' '\*\*\*@gcr.io:abc' is not a pattern/],
    ['a pattern is a number', `${HEADER}providers:\n${provider({ matchImages: '[5000]' })}`, /'matchImages\[0\]' must be a string, got a number/],
    // defaultCacheDuration
    ['defaultCacheDuration is missing', `${HEADER}providers:\n${provider({ defaultCacheDuration: undefined })}`,
      /'defaultCacheDuration' is required; set a Go duration such as '12h'/],
    ['defaultCacheDuration is not a Go duration', `${HEADER}providers:\n${provider({ defaultCacheDuration: '12 hours' })}`,
      /'defaultCacheDuration' must be a Go duration such as '12h', '30m' or '1h30m', got '12 hours': ' hours' is not a unit/],
    ['defaultCacheDuration is in days', `${HEADER}providers:\n${provider({ defaultCacheDuration: '1d' })}`, /'d' is not a unit/],
    ['defaultCacheDuration is negative', `${HEADER}providers:\n${provider({ defaultCacheDuration: '-1h' })}`,
      /'defaultCacheDuration' must not be negative, got '-1h'; use '0' to cache nothing$/],
    ['defaultCacheDuration is an unquoted 0', `${HEADER}providers:\n${provider({ defaultCacheDuration: '0' })}`,
      /'defaultCacheDuration' must be a string, got a number; write a Go duration in quotes such as '12h' or '0'$/],
    // strict decoding of the provider
    ['a provider field is misspelt', `${HEADER}providers:\n${provider({ matchImage: '["x.io"]' })}`,
      /unknown field 'matchImage', which the kubelet's strict decoder refuses; the fields here are name, matchImages/],
    ['a provider field has the wrong case', `${HEADER}providers:\n${provider({ MatchImages: '["x.io"]' })}`,
      /unknown field 'MatchImages'.*field names are case-sensitive: write 'matchImages'$/],
    ['an env entry has an unknown field', `${HEADER}providers:\n${provider({ env: `[{name: A, valueFrom: "${FAKE_ENV_VALUE}"}]` })}`,
      /unknown field 'env\[0\].valueFrom'/],
    ['an env value is a number', `${HEADER}providers:\n${provider({ env: '[{name: A, value: 12345}]' })}`, /'env\[0\].value' must be a string, got a number; quote it$/],
    ['an arg is a mapping', `${HEADER}providers:\n${provider({ args: `[{token: "${FAKE_ARG}"}]` })}`, /'args\[0\]' must be a string, got a mapping$/],
    // tokenAttributes
    ['tokenAttributes is in v1beta1',
      `apiVersion: kubelet.config.k8s.io/v1beta1\nkind: CredentialProviderConfig\nproviders:\n${provider({}, TOKEN())}`,
      /'tokenAttributes' exists only in kubelet.config.k8s.io\/v1, and the kubelet refuses it as an unknown field in kubelet.config.k8s.io\/v1beta1/],
    ['the audience is missing', `${HEADER}providers:\n${provider({}, TOKEN({ serviceAccountTokenAudience: undefined }))}`,
      /'tokenAttributes.serviceAccountTokenAudience' is required/],
    ['requireServiceAccount is missing', `${HEADER}providers:\n${provider({}, TOKEN({ requireServiceAccount: undefined }))}`,
      /'tokenAttributes.requireServiceAccount' is required; set true, or false/],
    ['requireServiceAccount is a string', `${HEADER}providers:\n${provider({}, TOKEN({ requireServiceAccount: '"true"' }))}`,
      /'tokenAttributes.requireServiceAccount' must be true or false, got a string$/],
    ['the plugin API is v1beta1', `${HEADER}providers:\n${provider({ apiVersion: 'credentialprovider.kubelet.k8s.io/v1beta1' }, TOKEN())}`,
      /'tokenAttributes' needs the plugin 'apiVersion' credentialprovider.kubelet.k8s.io\/v1, got 'credentialprovider.kubelet.k8s.io\/v1beta1'$/],
    ['required keys without requireServiceAccount', `${HEADER}providers:\n${provider({}, TOKEN({ requireServiceAccount: 'false' }))}`,
      /'tokenAttributes.requiredServiceAccountAnnotationKeys' needs 'requireServiceAccount: true'/],
    ['an annotation key has two slashes', `${HEADER}providers:\n${provider({}, TOKEN({ requiredServiceAccountAnnotationKeys: '[a.io/b/c]' }))}`,
      /'tokenAttributes.requiredServiceAccountAnnotationKeys\[0\]' must be an annotation key such as 'example.com\/identity', got 'a.io\/b\/c': it has 2 '\/', at most one/],
    ['an annotation key has a bad prefix', `${HEADER}providers:\n${provider({}, TOKEN({ optionalServiceAccountAnnotationKeys: '[my_corp.io/x]' }))}`,
      /'tokenAttributes.optionalServiceAccountAnnotationKeys\[0\]'.*its prefix \(before '\/'\) must be a DNS-1123 subdomain \(letters, digits/],
    ['an annotation name is too long',
      `${HEADER}providers:\n${provider({}, TOKEN({ requiredServiceAccountAnnotationKeys: `[a.io/${'x'.repeat(64)}]` }))}`,
      /its name has 64 characters, more than 63$/],
    ['an annotation key is listed twice', `${HEADER}providers:\n${provider({}, TOKEN({ requiredServiceAccountAnnotationKeys: '[a.io/x, a.io/x]' }))}`,
      /'tokenAttributes.requiredServiceAccountAnnotationKeys' lists 'a.io\/x' twice/],
    ['an annotation key is required and optional',
      `${HEADER}providers:\n${provider({}, TOKEN({ optionalServiceAccountAnnotationKeys: '[eks.amazonaws.com/role-arn]' }))}`,
      /lists 'eks.amazonaws.com\/role-arn' as both required and optional annotation keys/],
    ['cacheType is missing', `${HEADER}providers:\n${provider({}, TOKEN({ cacheType: undefined }))}`,
      /'tokenAttributes.cacheType' is required; set 'ServiceAccount' or 'Token'$/],
    ['cacheType is unknown', `${HEADER}providers:\n${provider({}, TOKEN({ cacheType: 'Pod' }))}`,
      /'tokenAttributes.cacheType' must be 'ServiceAccount' or 'Token', got 'Pod'$/],
    ['tokenAttributes has an unknown field', `${HEADER}providers:\n${provider({}, TOKEN({ audience: 'x' }))}`,
      /unknown field 'tokenAttributes.audience'/],
  ])('fails when %s', (_what, text, message) => {
    let error: Error | undefined;
    try {
      parseCredentialProviderConfig(text, '/etc/kubernetes/credential-providers.yaml');
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).toMatch(/^credential provider config '\/etc\/kubernetes\/credential-providers.yaml': /);
    expect(error?.message).toMatch(message);
    expect(error?.message).not.toContain('\n');
    expect(error?.message).not.toMatch(/FAKE/);
  });
});

describe('YAML 1.1, as the kubelet\'s go-yaml v2 reads it', () => {
  it.each(['yes', 'on', 'y', 'True'])('reads requireServiceAccount: %s as true', (value) => {
    const [p] = parseCredentialProviderConfig(`${HEADER}providers:\n${provider({}, TOKEN({ requireServiceAccount: value }))}`, 'f.yaml');
    expect(p.tokenAttributes?.requireServiceAccount).toBe(true);
  });

  it('reads a merge key', () => {
    const text = `${HEADER}providers:\n  - &ecr\n    name: a\n    matchImages: ["*.gcr.io"]\n    defaultCacheDuration: 1h\n` +
      '    apiVersion: credentialprovider.kubelet.k8s.io/v1\n  - <<: *ecr\n    name: b\n';
    expect(parseCredentialProviderConfig(text, 'f.yaml').map((p) => p.name)).toEqual(['a', 'b']);
  });

  it('treats null as absent, as Go decodes it', () => {
    const [p] = parseCredentialProviderConfig(`${HEADER}providers:\n${provider({ args: 'null', env: '~' })}`, 'f.yaml');
    expect(p.name).toBe('ecr-credential-provider');
  });
});

describe('a config directory', () => {
  const ecr = (name: string): string => `${HEADER}providers:\n${provider({ name })}`;

  it('reads *.json, *.yaml and *.yml in byte order and skips other files', () => {
    const d = join(dir, 'conf.d');
    mkdirSync(d);
    writeFileSync(join(d, 'b.yml'), ecr('b'));
    writeFileSync(join(d, 'B.yaml'), ecr('upper-b'));
    writeFileSync(join(d, 'a.json'), JSON.stringify({ apiVersion: 'kubelet.config.k8s.io/v1', kind: 'CredentialProviderConfig', providers: [
      { name: 'a', matchImages: ['*.gcr.io'], defaultCacheDuration: '1h', apiVersion: 'credentialprovider.kubelet.k8s.io/v1' }] }));
    writeFileSync(join(d, 'README.md'), 'not a config');
    mkdirSync(join(d, 'sub.yaml'));
    const providers = readCredentialProviderConfig(d);
    expect(providers.map((p) => p.name)).toEqual(['upper-b', 'a', 'b']);
    expect(providers[1].source).toBe(join(d, 'a.json'));
  });

  it('fails when two files declare the same provider name', () => {
    const d = join(dir, 'dup.d');
    mkdirSync(d);
    writeFileSync(join(d, '10-ecr.yaml'), ecr('ecr'));
    writeFileSync(join(d, '20-ecr.yaml'), ecr('ecr'));
    expect(() => readCredentialProviderConfig(d)).toThrow(`credential provider config '${join(d, '20-ecr.yaml')}': provider 'ecr' ` +
      `(providers[0]): 'name' is also used by providers[0] in '${join(d, '10-ecr.yaml')}'; each provider names its own plugin executable`);
  });

  it('fails when the directory has no config file', () => {
    const d = join(dir, 'empty.d');
    mkdirSync(d);
    expect(() => readCredentialProviderConfig(d)).toThrow(/has no \*.json, \*.yaml or \*.yml file/);
  });

  it('fails when the path does not exist, naming the error code', () => {
    expect(() => readCredentialProviderConfig(join(dir, 'missing.yaml'))).toThrow(/cannot read credential provider config '.*missing.yaml': ENOENT/);
  });
});

// ---- matching several providers, service accounts, plain lists --------------------------------------------------

describe('matchNodeProviders', () => {
  const providers = parseCredentialProviderConfig(`${HEADER}providers:\n` +
    `${provider({ name: 'wide', matchImages: '["*.example.com"]' })}` +
    `${provider({ name: 'team', matchImages: '["registry.example.com/team", "other.example.com"]' })}`, 'f.yaml');

  it('returns every provider the kubelet asks, in config order, each with its first matching pattern', () => {
    const matches = matchNodeProviders(providers, parseImageReference('registry.example.com/team/app'));
    expect(matches.map((m) => [m.provider.name, m.pattern])).toEqual([['wide', '*.example.com'], ['team', 'registry.example.com/team']]);
    expect(matchNodeProviders(providers, parseImageReference('registry.example.com/team/app'))[0]?.provider.name).toBe('wide');
    expect(matchNodeProviders(providers, parseImageReference('ghcr.io/org/app'))).toEqual([]);
  });
});

describe('serviceAccountProblem', () => {
  const [token] = parseCredentialProviderConfig(`${HEADER}providers:\n${provider({}, TOKEN())}`, 'f.yaml');
  const [optional] = parseCredentialProviderConfig(`${HEADER}providers:\n` +
    `${provider({}, TOKEN({ requireServiceAccount: 'false', requiredServiceAccountAnnotationKeys: undefined }))}`, 'f.yaml');
  const [plain] = parseCredentialProviderConfig(`${HEADER}providers:\n${provider()}`, 'f.yaml');
  const match = (p: NodeCredentialProvider): { provider: NodeCredentialProvider; pattern: string } => ({ provider: p, pattern: p.matchImages[0] });

  it('accepts a pod whose service account carries the required annotations', () => {
    expect(serviceAccountProblem(match(token), { name: 'app', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::1:role/x' } }))
      .toBeUndefined();
  });

  it('fails a pod without a service account when one is required', () => {
    expect(serviceAccountProblem(match(token), {}))
      .toMatch(/^credential provider 'ecr-credential-provider' \(from 'f.yaml'\) requires a service account .* run the pod as a ServiceAccount$/);
  });

  it('fails a service account without a required annotation, naming it but not the values', () => {
    expect(serviceAccountProblem(match(token), { name: 'default', annotations: { 'eks.amazonaws.com/other': 'x' } }))
      .toMatch(/requires the annotation 'eks.amazonaws.com\/role-arn' on the pod's service account 'default'/);
  });

  it('compares annotation keys as written, as Go\'s map lookup does', () => {
    expect(serviceAccountProblem(match(token), { name: 'app', annotations: { 'EKS.amazonaws.com/role-arn': 'x' } })).toBeDefined();
  });

  it('cannot judge unknown annotations, and passes providers that need no service account', () => {
    expect(serviceAccountProblem(match(token), { name: 'app' })).toBeUndefined();
    expect(serviceAccountProblem(match(optional), {})).toBeUndefined();
    expect(serviceAccountProblem(match(plain), {})).toBeUndefined();
  });
});

describe('nodeImagesProvider', () => {
  it('makes one provider of a plain pattern list', () => {
    const p = nodeImagesProvider(['*.dkr.ecr.*.amazonaws.com', '*.azurecr.io'], 'PrivatePod \'app/pod\'');
    expect(p).toEqual({ name: 'nodeImages', source: 'PrivatePod \'app/pod\'', matchImages: ['*.dkr.ecr.*.amazonaws.com', '*.azurecr.io'] });
    expect(matchNodeProviders([p], parseImageReference('x.azurecr.io/app'))[0]?.pattern).toBe('*.azurecr.io');
  });

  it.each<[string, unknown, RegExp]>([
    ['a pattern is not a string', [5000], /^app: 'nodeImages\[0\]' must be a string, got a number/],
    ['a pattern is empty', ['*.gcr.io', ''], /^app: 'nodeImages\[1\]' is empty and would match no image/],
    ['a pattern has a scheme', ['https://gcr.io'], /^app: 'nodeImages\[0\]' 'https:\/\/gcr.io' has a scheme.*use 'gcr.io'$/],
    ['a pattern does not parse', ['gcr.io:abc'], /^app: 'nodeImages\[0\]' 'gcr.io:abc' is not a pattern the kubelet can parse \(invalid port ':abc' after host\)/],
    ['the list is not a list', '*.gcr.io', /^app: 'nodeImages' must be a list of image patterns/],
  ])('fails when %s', (_what, patterns, message) => {
    expect(() => nodeImagesProvider(patterns as string[], 'app')).toThrow(message);
  });
});
