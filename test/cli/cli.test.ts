// The command as a user runs it: compiled, in a child process of its own, over the YAML that a cdk8s app of our
// constructs synthesizes (and over hand-written manifests for what the constructs refuse to make). What it prints is
// judged for its layout (80 columns, colour only on a terminal), its exit status and, in every mode, for the absence of
// every password in every form.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExternalRegistrySecret } from '../../lib/secrets/external-registry-secret';
import { PrivateRegistrySecret } from '../../lib/secrets/private-registry-secret';
import { PrivateDeployment } from '../../lib/pods/private-deployment';
import { PrivatePod } from '../../lib/pods/private-pod';
import { leaksIn } from '../hostile/_expect';
import { CliRun, CompiledCli, compileCli, runCompiledCli, runCompiledCliOnTty } from '../support/cli';
import { startBlackHole } from '../support/login-check';

// passwords that JSON, Go's JSON and base64 all write differently from the plain text
const PASSWORDS = ['FAKE-ghcr-<pass>&"word"\\ü', 'FAKE-quay-password-42', 'FAKE-hub-password-\u2028x'];
const ESC = '\u001b[';

let cli: CompiledCli;
let work: string;
let app: string;
let uncovered: string;

/** A cdk8s app of our constructs, synthesized into `dir` as `cdk8s synth` would write it. */
function synthApp(dir: string): void {
  const cdk8sApp = new App({ outdir: dir });
  const chart = new Chart(cdk8sApp, 'apps', { namespace: 'apps' });
  const regcred = new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, server: 'ghcr.io', username: 'jane',
    password: PASSWORDS[0] });
  regcred.addRegistry({ server: 'quay.io', username: 'bob', password: PASSWORDS[1] });
  const hub = new PrivateRegistrySecret(chart, 'hub', { metadata: { name: 'hub' }, username: 'janedoe', password: PASSWORDS[2] });
  const external = new ExternalRegistrySecret(chart, 'vault', { metadata: { name: 'vault' }, server: 'registry.example.com:5000',
    storeName: 'vault', usernameKey: 'reg/user', passwordKey: 'reg/password' });
  new PrivateDeployment(chart, 'web', {
    metadata: { name: 'web' },
    containers: [{ name: 'app', image: 'ghcr.io/jane/app:v1' }, { name: 'tool', image: 'quay.io/bob/tool@sha256:' + 'b'.repeat(64) },
      { name: 'proxy', image: 'nginx:1.25' }],
    registrySecrets: [regcred],
    publicImages: ['nginx'],
  });
  new PrivatePod(chart, 'hub-pod', { metadata: { name: 'hub-pod' }, containers: [{ name: 'c', image: 'janedoe/jdoe-private:v1' }],
    registrySecrets: [hub] });
  new PrivatePod(chart, 'store-pod', {
    metadata: { name: 'store-pod' },
    containers: [{ name: 'c', image: 'registry.example.com:5000/team/a-rather-long-repository-name/service:2024.11.30-build.7' }],
    registrySecrets: [external],
  });
  cdk8sApp.synth();
}

const UNCOVERED_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: lost
  namespace: apps
spec:
  imagePullSecrets:
    - name: made-elsewhere
  containers:
    - name: app
      image: ghcr.io/jane/app:v1
`;

beforeAll(() => {
  cli = compileCli();
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-test-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  synthApp(path.join(app, 'dist'));
  uncovered = path.join(work, 'uncovered');
  fs.mkdirSync(uncovered);
  fs.writeFileSync(path.join(uncovered, 'lost.k8s.yaml'), UNCOVERED_YAML);
}, 300_000);

afterAll(() => {
  cli?.remove();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function run(args: string[], cwd = app, env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  return runCompiledCli(cli, args, { cwd, env });
}

function expectNoPasswords(r: CliRun): void {
  expect(leaksIn(r.stdout + r.stderr, PASSWORDS)).toEqual([]);
}

function longLines(text: string, width: number): string[] {
  return text.split('\n').filter((l) => l.length > width);
}

describe('cdk8s-private-registry inspect', () => {
  it('prints both tables for dist/ by default, in 80 columns, without colour off a terminal, and exits 0', async () => {
    const r = await run(['inspect']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(longLines(r.stdout, 80)).toEqual([]);
    expect(r.stdout).not.toContain(ESC);
    expect(r.stdout).toMatch(/^Pull secrets in dist\n/);
    // one row per registry: server and user name, the password as *** only
    expect(r.stdout).toMatch(/\n {2}apps\/regcred +Secret +ghcr\.io +jane +\*\*\*\n +quay\.io +bob +\*\*\*\n/);
    expect(r.stdout).toMatch(/\n {2}apps\/hub +Secret +https:\/\/index\.docker\.io\/v1\/ +janedoe +\*\*\*\n/);
    expect(r.stdout).toMatch(/\n {2}apps\/vault +ExternalSecret +registry\.example\.com:5000 +in store\n/);
    expect(r.stdout).toMatch(/\n {4}ghcr\.io\/jane\/app:v1 +regcred +ghcr\.io\n/);
    expect(r.stdout).toMatch(/\n {4}nginx:1\.25 +public\n/);
    expect(r.stdout).toMatch(/\n {4}janedoe\/jdoe-private:v1 +hub +https:\/\/index\.docker\.io\/v1\/\n/);
    // nginx is declared public, and pulled under Docker Hub's rate limit: a warning, which does not change the exit status
    const flat = r.stdout.replace(/\s+/g, ' ');
    expect(flat).toMatch(/ Warnings \(1\) - Deployment apps\/web: container 'proxy' image 'nginx:1\.25' is pulled from Docker Hub without credentials/);
    expect(flat).toMatch(/5 images in 3 workloads: 4 by a pull secret, 1 public, 0 node, 0 undeclared, 0 NOT COVERED $/);
    expectNoPasswords(r);
  });

  it('prints the JSON shape tools rely on', async () => {
    const r = await run(['inspect', '--json', 'dist']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc)).toEqual(['secrets', 'workloads', 'problems']);
    expect(doc.secrets).toEqual([
      { namespace: 'apps', name: 'regcred', kind: 'Secret',
        registries: [{ server: 'ghcr.io', username: 'jane' }, { server: 'quay.io', username: 'bob' }] },
      { namespace: 'apps', name: 'hub', kind: 'Secret', registries: [{ server: 'https://index.docker.io/v1/', username: 'janedoe' }] },
      { namespace: 'apps', name: 'vault', kind: 'ExternalSecret', registries: [{ server: 'registry.example.com:5000', username: null }] },
    ]);
    const web = doc.workloads.find((w: any) => w.name === 'web');
    expect(web).toEqual({ kind: 'Deployment', namespace: 'apps', name: 'web', images: [
      { image: 'ghcr.io/jane/app:v1', secret: 'regcred', server: 'ghcr.io', coverage: 'secret' },
      { image: 'quay.io/bob/tool@sha256:' + 'b'.repeat(64), secret: 'regcred', server: 'quay.io', coverage: 'secret' },
      { image: 'nginx:1.25', secret: null, server: null, coverage: 'public' },
    ] });
    expect(doc.problems).toEqual([]);
    expectNoPasswords(r);
  });

  it('says undeclared for an image only a secret it cannot see might cover, warns, and exits 0', async () => {
    const r = await run(['inspect', uncovered]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\n {2}apps\/made-elsewhere +referenced only +not in the output\n/);
    expect(r.stdout).toMatch(/\n {4}ghcr\.io\/jane\/app:v1 +undeclared\n/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/Warnings \(1\) - Pod apps\/lost: container 'app' image 'ghcr\.io\/jane\/app:v1' is not covered by any pull secret/);
    expect(r.stdout).not.toMatch(/Problems/);
    expect(longLines(r.stdout, 80)).toEqual([]);
    const json = JSON.parse((await run(['inspect', '--json', uncovered])).stdout);
    expect(json.secrets).toEqual([{ namespace: 'apps', name: 'made-elsewhere', kind: null, registries: [] }]);
    expect(json.workloads[0].images).toEqual([{ image: 'ghcr.io/jane/app:v1', secret: null, server: null, coverage: 'undeclared' }]);
    expect(json.problems).toEqual([]);
  });

  it('says NOT COVERED for an image its pull secrets miss, with the image it was probably meant to be, and exits 1', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'typo-'));
    const auths = { 'ghcr.io': { username: 'jane', password: PASSWORDS[1] } };
    fs.writeFileSync(path.join(dir, 'a.yaml'), [
      { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred', namespace: 'apps' },
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
        spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'gchr.io/jane/app:v1' }] } },
    ].map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
    const r = await run(['inspect', dir]);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\n {4}gchr\.io\/jane\/app:v1 +NOT COVERED\n/);
    expect(r.stdout.replace(/\s+/g, ' ')).toMatch(/Problems \(1\) - Pod apps\/p: container 'c' image 'gchr\.io\/jane\/app:v1' .* did you mean 'ghcr\.io\/jane\/app:v1'/);
    const json = JSON.parse((await run(['inspect', '--json', dir])).stdout);
    expect(json.workloads[0].images).toEqual([{ image: 'gchr.io/jane/app:v1', secret: null, server: null, coverage: 'not covered' }]);
    expect(json.problems).toHaveLength(1);
    expectNoPasswords(r);
  });

  it('reads files and folders together', async () => {
    const r = await run(['inspect', '--json', path.join(uncovered, 'lost.k8s.yaml'), 'dist']);
    expect(JSON.parse(r.stdout).workloads.map((w: any) => w.name)).toEqual(['lost', 'web', 'hub-pod', 'store-pod']);
  });

  it('colours on a terminal, fits the terminal\'s width, and leaves colour out with NO_COLOR', async () => {
    const wide = await runCompiledCliOnTty(cli, ['inspect'], { cwd: app, columns: 140 });
    expect(wide.status).toBe(0);
    expect(wide.stdout).toContain(`${ESC}32mregcred${ESC}39m`);
    expect(wide.stdout).toContain(`${ESC}1mSECRET${ESC}22m`);
    const plain = (text: string) => text.replace(/\u001b\[\d+m/g, '');
    expect(longLines(plain(wide.stdout), 140)).toEqual([]);
    expect(longLines(plain(wide.stdout), 80)).not.toEqual([]);
    // the long image fits in one line at 140 columns, and wraps at 80
    expect(plain(wide.stdout)).toContain('registry.example.com:5000/team/a-rather-long-repository-name/service:2024.11.30-build.7');
    const noColor = await runCompiledCliOnTty(cli, ['inspect'], { cwd: app, columns: 80, env: { NO_COLOR: '1' } });
    expect(noColor.stdout).not.toContain(ESC);
    expect(longLines(noColor.stdout, 80)).toEqual([]);
    expectNoPasswords(wide);
  });

  it('takes publicImages, nodeImages and credentialProviderConfig from the plugin entry in ./cdk8s.yaml, and its output folder', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'project-'));
    fs.mkdirSync(path.join(dir, 'out'));
    fs.mkdirSync(path.join(dir, 'kubelet'));
    fs.writeFileSync(path.join(dir, 'out', 'app.k8s.yaml'), [
      'apiVersion: v1', 'kind: Pod', 'metadata: { name: p }', 'spec:', '  containers:',
      '    - { name: a, image: "busybox:1" }', '    - { name: b, image: "eu.gcr.io/p/app:1" }',
      '    - { name: c, image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1" }', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'kubelet', 'providers.yaml'), [
      'apiVersion: kubelet.config.k8s.io/v1', 'kind: CredentialProviderConfig', 'providers:', '  - name: ecr-credential-provider',
      '    matchImages: ["*.dkr.ecr.*.amazonaws.com"]', '    defaultCacheDuration: 12h', '    apiVersion: credentialprovider.kubelet.k8s.io/v1', '',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
      'language: typescript', 'app: node main.js', 'output: out', 'validations:', '  - package: ./node_modules/cdk8s-private-registry',
      '    version: 0.1.0', '    class: PullCheckValidation', '    properties:', '      publicImages: [busybox]', '      nodeImages: ["*.gcr.io"]',
      '      credentialProviderConfig: kubelet/providers.yaml', '',
    ].join('\n'));
    const r = await run(['inspect', '--json'], dir);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).workloads[0].images.map((i: any) => i.coverage)).toEqual(['public', 'node', 'node']);
    expect(r.status).toBe(0);
    const text = await run(['inspect'], dir);
    expect(text.stdout).toMatch(/\n {4}eu\.gcr\.io\/p\/app:1 +node +\*\.gcr\.io\n/);
    // an option adds to what cdk8s.yaml says
    fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), 'language: typescript\napp: node main.js\noutput: out\n');
    // busybox is a Docker Hub official image, public anyway; the others are pulled anonymously, declared by nothing: warnings
    const bare = await run(['inspect', '--json'], dir);
    expect(JSON.parse(bare.stdout).workloads[0].images.map((i: any) => i.coverage)).toEqual(['public', 'undeclared', 'undeclared']);
    expect(bare.status).toBe(0);
    const withOptions = await run(['inspect', '--public-image', 'busybox', '--node-image=*.gcr.io', '--credential-provider-config',
      'kubelet/providers.yaml'], dir);
    expect(withOptions.status).toBe(0);
  });

  it('shows control characters from the manifests escaped, never raw', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'control-'));
    const auths = { 'ghcr.io': { username: 'evil\u001b[2Juser', password: PASSWORDS[1] } };
    fs.writeFileSync(path.join(dir, 'a.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson',
      metadata: { name: 'regcred' }, data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } }));
    const r = await run(['inspect', dir]);
    expect(r.stdout).not.toContain('\u001b');
    expect(r.stdout).toContain('evil\\u{1b}[2Juser');
    expectNoPasswords(r);
  });
});

describe('bad usage and unreadable input exit 2 with one line', () => {
  it.each([
    [['inspect', '--bogus'], /^error: unknown option '--bogus' for inspect\n\nusage: /],
    [['inspect', '--timeout', '3'], /^error: unknown option '--timeout' for inspect \(it is an option of login-check\)\n/],
    [['login-check', '--concurrency', '0'], /^error: option --concurrency must be a whole number from 1 to 256, got '0'\n/],
    [['login-check', '--timeout'], /^error: option --timeout needs a value\n/],
    [['login-check', '--ca-file', 'a', '--ca-file', 'b'], /^error: option --ca-file is given twice: give it once\n/],
    [['deploy'], /^error: unknown command 'deploy': use inspect or login-check\n/],
    [[], /^error: no command given: use inspect or login-check\n/],
  ])('%j', async (args, message) => {
    const r = await run(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
  });

  it('an unreadable path, an empty folder, a bad public image', async () => {
    const empty = fs.mkdtempSync(path.join(work, 'empty-'));
    for (const [args, message] of [
      [['inspect', 'no-such-dir'], /^error: cannot read 'no-such-dir': no such file: run cdk8s synth first/],
      [['inspect', empty], /^error: the folder '.*' holds no \*\.yaml or \*\.yml file: run cdk8s synth first/],
      [['inspect', '--public-image', 'Bad/Image'], /^error: option --public-image: image 'Bad\/Image' is not a valid reference/],
      [['login-check', '--insecure-registry', 'http://x'], /^error: option --insecure-registry must be a host or host:port/],
      [['login-check', '--ca-file', path.join(empty, 'none.pem')], /^error: ca file '.*none\.pem' cannot be read \(ENOENT\)/],
    ] as const) {
      const r = await run([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('a YAML error names the file and the position, never the text (which could be a password)', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'broken-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), `apiVersion: v1\nkind: Secret\nstringData:\n  password: "${PASSWORDS[1]}\n  x: [\n`);
    const r = await run(['inspect', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: '.*a\.yaml' is not valid YAML: document 1, line \d+, column \d+: [a-z ]+; fix the file/);
    expectNoPasswords(r);
  });

  it('manifests of odd shapes are problems, not crashes; aliases that expand without bound are refused', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'odd-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), [
      '---', '--- { kind: Pod, apiVersion: v1, metadata: { name: p }, spec: { containers: "x" } }',
      '--- { kind: Pod, apiVersion: v1, metadata: { name: q }, spec: { containers: [{ name: c, image: 42 }], imagePullSecrets: {} } }',
      '--- { kind: Secret, apiVersion: v1, type: kubernetes.io/dockerconfigjson, metadata: { name: s }, data: { .dockerconfigjson: "%%%" } }', '',
    ].join('\n'));
    const r = await run(['inspect', dir]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/- Pod p: containers must be a list of containers, got a string/);
    expect(r.stdout).toMatch(/- Pod q: container 'c': 'image' must be a string/);
    expect(r.stdout).toMatch(/- Pod q: imagePullSecrets must be a list/);
    expect(r.stdout).toMatch(/- Secret s has a '\.dockerconfigjson' that is not JSON/);
    const bomb = path.join(dir, 'bomb.yml');
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 8; i++) levels.push(`l${i}: &l${i} [${Array(10).fill(i === 1 ? '*a' : `*l${i - 1}`).join(', ')}]`);
    fs.writeFileSync(bomb, `${levels.join('\n')}\n`);
    const b = await run(['inspect', bomb]);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(/^error: '.*bomb\.yml' is not valid YAML for a manifest: document 1 expands too many aliases/);
  });

  it('a file kubectl refuses is an error naming it, never "0 workloads": binary, NUL bytes, a document that is not an object', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'refused-'));
    const pod = 'apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: ghcr.io/a/b:1}]}\n';
    const cases: { name: string; bytes: Buffer; says: RegExp }[] = [
      { name: 'binary.yaml', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00, 0xff, 0xfe, 0x00, 0x10]),
        says: /cannot read '.*binary\.yaml': it is not UTF-8 text \(a binary file\?\): a manifest is UTF-8 YAML or JSON$/ },
      { name: 'nul.yaml', bytes: Buffer.from(`${pod}---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x\u0000y}\n`),
        says: /'.*nul\.yaml' is not valid YAML: line 8, column 19: a control character \(U\+0000\), which YAML does not allow and kubectl refuses/ },
      { name: 'escape.yaml', bytes: Buffer.from(`${pod}# \u001b[2J\n`), says: /'.*escape\.yaml' is not valid YAML: line 5, column 3: a control character \(U\+001B\)/ },
      { name: 'scalar.yaml', bytes: Buffer.from(`${pod}---\njust a string\n`),
        says: /'.*scalar\.yaml': document 2 is a string, not an object; kubectl refuses it/ },
      { name: 'list.yaml', bytes: Buffer.from('---\n---\n- a\n- b\n'), says: /'.*list\.yaml': document 2 is an array, not an object/ },
    ];
    for (const c of cases) {
      const file = path.join(dir, c.name);
      fs.writeFileSync(file, c.bytes);
      const r = await run(['inspect', file]);
      expect(r.status, c.name).toBe(2);
      expect(r.stdout, c.name).toBe('');
      expect(r.stderr.trimEnd(), c.name).toMatch(new RegExp(`^error: ${c.says.source}`));
      expect(r.stderr.trimEnd().split('\n'), c.name).toHaveLength(1);
    }
  });

  it('reads a List as kubectl does: a Pod and a Secret inside it are a workload and its pull secret', async () => {
    const dir = fs.mkdtempSync(path.join(work, 'list-'));
    // the Pod's only pull secret holds quay.io, so its ghcr.io image is not covered (an error, not a mere warning)
    const auths = { 'quay.io': { username: 'jane', password: PASSWORDS[1] } };
    fs.writeFileSync(path.join(dir, 'list.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
      { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred', namespace: 'apps' },
        data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps' },
        spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'ghcr.io/acme/web:1' }] } },
    ] }));
    const r = await run(['inspect', '--json', dir]);
    const json = JSON.parse(r.stdout);
    expect(json.workloads.map((w: any) => [w.kind, w.namespace, w.name, w.images.map((i: any) => i.coverage)]))
      .toEqual([['Pod', 'apps', 'web', ['not covered']]]);
    expect(json.secrets.map((s: any) => [s.namespace, s.name, s.kind])).toEqual([['apps', 'regcred', 'Secret']]);
    expect(r.status).toBe(1);
    expectNoPasswords(r);
  });

  it('--help says what the exit status depends on, as the commands do it', async () => {
    const help = (await run(['--help'])).stdout.replace(/\s+/g, ' ');
    // inspect: every image is covered, but a Secret is made twice; that problem alone makes it exit 1
    const twice = fs.mkdtempSync(path.join(work, 'twice-'));
    const auths = { 'ghcr.io': { username: 'jane', password: PASSWORDS[1] } };
    const secret = { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name: 'regcred', namespace: 'apps' },
      data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths })).toString('base64') } };
    // the same name in the same namespace with other content: kubectl apply keeps the last one
    const quay = { 'quay.io': auths['ghcr.io'] };
    const other = { ...secret, data: { '.dockerconfigjson': Buffer.from(JSON.stringify({ auths: quay })).toString('base64') } };
    fs.writeFileSync(path.join(twice, 'a.yaml'), [secret, other, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { imagePullSecrets: [{ name: 'regcred' }], containers: [{ name: 'c', image: 'ghcr.io/jane/app:v1' }] } }]
      .map((o) => `---\n${JSON.stringify(o)}\n`).join(''));
    const inspect = await run(['inspect', twice]);
    expect(inspect.stdout.replace(/\s+/g, ' ')).toMatch(/two different Secrets named 'regcred' in namespace 'apps': .* kubectl apply keeps the last one/);
    expect(inspect.stdout).not.toMatch(/both make it/);
    expect(inspect.stdout.replace(/\s+/g, ' ')).toMatch(/: 1 by a pull secret, 0 public, 0 node, 0 undeclared, 0 NOT COVERED $/);
    expect(inspect.status).toBe(1);
    expect(help).toMatch(/ inspect 0 when it lists no problem; 1 when it lists any: an image NOT COVERED, and also a Secret made twice /);
    expectNoPasswords(inspect);
    // login-check: an image that is only skipped (the node's credentials) does not make it fail; no request is made
    const node = fs.mkdtempSync(path.join(work, 'node-'));
    fs.writeFileSync(path.join(node, 'a.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: 'eu.gcr.io/p/app:1' }] } }));
    const check = await run(['login-check', '--node-image', '*.gcr.io', node]);
    expect(check.stdout).toMatch(/\n1 image: 0 ok, 1 skipped, 0 failed\n$/);
    expect(check.status).toBe(0);
    expect(help).toMatch(/ login-check 0 when every image is ok or skipped /);
  });

  it('--version prints the version of the package.json above the compiled program, read when it runs, and exits 0', async () => {
    const manifest = path.join(path.dirname(cli.main), '..', '..', 'package.json');
    const pkg = JSON.parse(fs.readFileSync(manifest, 'utf8'));
    expect(pkg.name).toBe('cdk8s-private-registry');
    const r = await run(['--version']);
    expect(r).toMatchObject({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
    // another version in that file is what it prints next: nothing was compiled in
    fs.writeFileSync(manifest, JSON.stringify({ ...pkg, version: '9.8.7-test.1' }));
    try {
      expect((await run(['inspect', '--version'])).stdout).toBe('9.8.7-test.1\n');
    } finally {
      fs.writeFileSync(manifest, JSON.stringify(pkg));
    }
  });

  it('--help prints the usage in 80 columns and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: cdk8s-private-registry inspect/);
    expect(longLines(r.stdout, 80)).toEqual([]);
  });
});

describe('login-check ends with its report', () => {
  // Node's fetch keeps a socket that is still connecting (TCP accepted, TLS never answered) open until its own connect
  // time-out of 10 s, whatever --timeout says: the command must not wait for it. A hang check, not a speed test: the
  // kill timer is far above --timeout 1 and far below those 10 s.
  const KILL_AFTER_MS = 8_000;

  it('exits by itself after --timeout 1 against a port that accepts and never answers, re-executed child included', async () => {
    const blackHole = await startBlackHole();
    const dir = fs.mkdtempSync(path.join(work, 'black-hole-'));
    fs.writeFileSync(path.join(dir, 'pod.yaml'), JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'apps' },
      spec: { containers: [{ name: 'c', image: `${blackHole.host}/team/app:v1` }] } }));
    // its own process group, so that the kill reaches the re-executed child as well
    const child = spawn(process.execPath, [cli.main, 'login-check', '--timeout', '1', dir], {
      cwd: work, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), TMPDIR: os.tmpdir(),
        NODE_PATH: path.join(__dirname, '..', '..', 'node_modules') },
    });
    let killed = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    };
    const timer = setTimeout(() => {
      killed = true;
      killGroup();
    }, KILL_AFTER_MS);
    try {
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
      child.stderr.resume();
      const [status] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
        child.once('error', () => resolve([null, null]));
        child.once('close', (code, signal) => resolve([code, signal]));
      });
      expect(killed).toBe(false);
      expect(status).toBe(1);
      expect(stdout.replace(/\s+/g, ' ')).toContain(`unreachable: no answer from https://${blackHole.host}/v2/ within 1000 ms`);
    } finally {
      clearTimeout(timer);
      killGroup();
      await blackHole.close();
    }
  });
});
