// A consumer's view: compile the library with jsii as it is published, pack it with npm, install the tarball into fresh
// projects, and let real tools judge it: strict TypeScript 5.9 and 7 (without @types/node), an app made from the
// `cdk8s init typescript-app` template with the README's quick start and the plugin configuration of docs/pull-check.md
// (run by the cdk8s CLI, and by the template's own main.test.ts), and jsii-pacmak, which generates the Python, Java, Go
// and .NET bindings.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaksIn } from '../hostile/_expect';
import { NpmRegistry, ServedPackage, startNpmRegistry } from '../support/npm-registry';

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const PACMAK = path.join(ROOT, 'node_modules', 'jsii-pacmak', 'bin', 'jsii-pacmak');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
// the app `cdk8s init typescript-app` makes: its main.ts, main.test.ts, tsconfig.json and cdk8s.yaml
const TEMPLATE = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
// the TypeScript that `npm install typescript` gives a consumer today: the native compiler, without ts-node's JS API
const TYPESCRIPT_7 = '7.0.2';
const version = (pkg: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const QUIET = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

/** The first ```LANG block after the marker in a markdown file of this repository. */
function docExample(file: string, marker: string, lang = 'ts'): string {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const at = text.indexOf(marker);
  if (at < 0) throw new Error(`${file} has no marker ${marker}`);
  const m = new RegExp('```' + lang + '[^\\n]*\\n([\\s\\S]*?)```').exec(text.slice(at));
  if (!m) throw new Error(`${file} has no ${lang} block after ${marker}`);
  return m[1];
}

function npmInstall(dir: string, packages: string[]): void {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: path.basename(dir), version: '0.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', ...packages],
    { cwd: dir, encoding: 'utf8', timeout: 180_000, stdio: 'pipe' });
}

let work: string;
let app: string;
let typesOnly: string;
let packedFiles: string[];
let compileOutput: string;
let registry: NpmRegistry | undefined;

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  app = path.join(work, 'app');
  typesOnly = path.join(work, 'types-only');
  fs.mkdirSync(app);
  fs.mkdirSync(typesOnly);
  // the build the package ships: jsii, which fails on any warning
  compileOutput = execFileSync('npm', ['run', '--silent', 'compile'],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000, env: { ...process.env, ...QUIET } });
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work],
    { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }));
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);
  const tarball = path.join(work, packed[0].filename);
  const peers = [`cdk8s@${version('cdk8s')}`, `constructs@${version('constructs')}`, `cdk8s-plus-28@${version('cdk8s-plus-28')}`];
  // the template's runner (ts-node, with TypeScript 5.9) and its tsconfig.json: cdk8s.yaml's `app: npx ts-node main.ts`
  npmInstall(app, [tarball, ...peers, '@types/node@20', `ts-node@${version('ts-node')}`, `typescript@${version('typescript')}`]);
  for (const f of ['tsconfig.json', 'main.test.ts']) fs.copyFileSync(path.join(TEMPLATE, f), path.join(app, f));
  // no @types/node here: a consumer's TypeScript must not need it to read our declarations
  npmInstall(typesOnly, [tarball, ...peers, `typescript@${TYPESCRIPT_7}`]);
}, 600_000);

/**
 * A registry on 127.0.0.1 that serves our tarball and the peer dependencies npm installs with it (packed from this
 * repo's node_modules; their own dependencies are bundled), so that the cdk8s CLI installs the plugin by name offline.
 */
async function pluginRegistry(): Promise<NpmRegistry> {
  const served: ServedPackage[] = [{ tarball: path.join(work, fs.readdirSync(work).find((f) => f.endsWith('.tgz'))!), manifest: pkg }];
  for (const peer of ['cdk8s', 'constructs', 'cdk8s-plus-28']) {
    const dir = path.join(ROOT, 'node_modules', peer);
    const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work, dir],
      { cwd: work, encoding: 'utf8', timeout: 120_000 }));
    served.push({ tarball: path.join(work, out[0].filename), manifest: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) });
  }
  return startNpmRegistry(served);
}

afterAll(async () => {
  await registry?.stop();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('compiles with jsii without a warning', () => {
    expect(compileOutput).toMatch(/Errors: 0 \| Warnings: 0/);
  });

  it('ships only the compiled library, its typings and the jsii assembly: no default-app code', () => {
    expect(packedFiles).toContain('build/lib/index.js');
    expect(packedFiles).toContain('build/lib/index.d.ts');
    expect(packedFiles).toContain('.jsii');
    expect(packedFiles).toContain('LICENSE');
    expect(packedFiles.filter((f) => !/^build\/lib\/.*\.(js|d\.ts)$|^(package\.json|README\.md|LICENSE|\.jsii)$/.test(f))).toEqual([]);
    // the command line's entry point is the one main that belongs in the package
    expect(packedFiles.filter((f) => /environment|private-registry-chart|main\./.test(f))).toEqual(['build/lib/cli/main.d.ts', 'build/lib/cli/main.js']);
    // every compiled file comes from a source file that exists now (no stale output of an earlier layout)
    for (const f of packedFiles.filter((p) => p.endsWith('.js'))) {
      expect(fs.existsSync(path.join(ROOT, f.replace(/^build\//, '').replace(/\.js$/, '.ts')))).toBe(true);
    }
  });

  it('runs no app when imported', () => {
    const out = execFileSync(process.execPath, ['-e', 'const l = require("cdk8s-private-registry"); console.log(typeof l.PrivatePod)'],
      { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('function');
    expect(fs.existsSync(path.join(app, 'dist'))).toBe(false);
  });

  it('exports at runtime only names that are types of the jsii assembly', () => {
    const installed = path.join(typesOnly, 'node_modules', 'cdk8s-private-registry');
    const assembly = JSON.parse(fs.readFileSync(path.join(installed, '.jsii'), 'utf8'));
    const names = JSON.parse(execFileSync(process.execPath, ['-e', 'console.log(JSON.stringify(Object.keys(require("cdk8s-private-registry"))))'],
      { cwd: typesOnly, encoding: 'utf8', timeout: 30_000 }));
    expect(names.length).toBeGreaterThanOrEqual(20);
    expect(names.filter((n: string) => assembly.types[`${assembly.name}.${n}`] === undefined)).toEqual([]);
    // and the assembly declares a binding for each of the four languages
    expect(Object.keys(assembly.targets).sort()).toEqual(['dotnet', 'go', 'java', 'js', 'python']);
    expect(assembly.targets.python.module).toBe('cdk8s_private_registry');
  });

  it('has typings that strict TypeScript 5.9 and 7 read without @types/node or skipLibCheck', () => {
    fs.writeFileSync(path.join(typesOnly, 'use.ts'), [
      'import { App, Chart, Duration } from \'cdk8s\';',
      'import * as lib from \'cdk8s-private-registry\';',
      'const app = new App();',
      'const chart = new Chart(app, \'c\', { namespace: \'apps\' });',
      'const secret = new lib.PrivateRegistrySecret(chart, \'r\', { server: \'ghcr.io\', username: \'u\', password: \'FAKE-types-pw\' });',
      'new lib.PrivateDeployment(chart, \'d\', { containers: [{ image: \'ghcr.io/a/b:1\' }], registrySecrets: [secret] });',
      'const options: lib.DockerConfigFileOptions = { helperTimeout: Duration.seconds(5), servers: [\'ghcr.io\'] };',
      'const ref: lib.ImageReference = lib.ImageReference.parse(\'nginx\');',
      'const plugin = new lib.PullCheckValidation({ publicImages: [ref.toString()] });',
      'void options; void plugin; app.synth();',
      '',
    ].join('\n'));
    const flags = ['--strict', '--noEmit', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'use.ts'];
    // each compiler's own output is what a consumer sees; both must be silent
    expect(execFileSync(process.execPath, [TSC, ...flags], { cwd: typesOnly, encoding: 'utf8', timeout: 120_000 })).toBe('');
    const tsc7 = path.join(typesOnly, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(execFileSync(process.execPath, [tsc7, '--version'], { cwd: typesOnly, encoding: 'utf8' }).trim()).toBe(`Version ${TYPESCRIPT_7}`);
    expect(execFileSync(process.execPath, [tsc7, ...flags], { cwd: typesOnly, encoding: 'utf8', timeout: 120_000 })).toBe('');
    expect(fs.existsSync(path.join(typesOnly, 'node_modules', '@types', 'node'))).toBe(false);
  });

  it('generates the Python, Java, Go and .NET bindings with jsii-pacmak', () => {
    const installed = path.join(typesOnly, 'node_modules', 'cdk8s-private-registry');
    const out = path.join(work, 'bindings');
    execFileSync(process.execPath, [PACMAK, '--code-only', '--targets', 'python,java,go,dotnet', '--outdir', out,
      '--pack-command', 'npm pack --ignore-scripts', installed],
    { cwd: typesOnly, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...QUIET }, stdio: 'pipe' });
    const read = (...p: string[]): string => fs.readFileSync(path.join(out, ...p), 'utf8');
    expect(read('python', 'src', 'cdk8s_private_registry', '__init__.py')).toMatch(/^class PrivateRegistrySecret\(/m);
    const javaDir = path.join(out, 'java', 'src', 'main', 'java', ...pkg.jsii.targets.java.package.split('.'));
    expect(fs.readdirSync(javaDir)).toContain('PrivateRegistrySecret.java');
    const goDir = path.join(out, 'go', 'cdk8sprivateregistry');
    expect(fs.readdirSync(goDir)).toContain('PrivateRegistrySecret.go');
    const dotnetDir = path.join(out, 'dotnet', pkg.jsii.targets.dotnet.packageId);
    expect(fs.readdirSync(dotnetDir)).toContain(`${pkg.jsii.targets.dotnet.namespace}`);
  });

  it('compiles the README\'s quick start in the template\'s MyChart and synthesizes it with the cdk8s CLI, which installs the plugin', async () => {
    const quickStart = docExample('README.md', '<!-- example: quick start -->');
    // the quick start adds to the template's main.ts: every line of the template is still there, in order
    const template = fs.readFileSync(path.join(TEMPLATE, 'main.ts'), 'utf8').replace('{{ $base }}', 'private-registry');
    const kept = template.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('//'));
    const lines = quickStart.split('\n').map((l) => l.replace(/\s*\/\/ .*$/, '').trim());
    let at = 0;
    for (const line of kept) {
      at = lines.indexOf(line, at);
      expect(at, `the template's line ${line}`).toBeGreaterThanOrEqual(0);
    }
    fs.writeFileSync(path.join(app, 'main.ts'), quickStart);
    // the pull-check plugin enabled exactly as the docs tell an app made from the template to: by package name and pinned
    // version, the template's own `app:` line kept
    const config = docExample(path.join('docs', 'pull-check.md'), '<!-- example: plugin config -->', 'yaml');
    expect(config).toContain('package: cdk8s-private-registry\n');
    expect(config).toContain(`version: ${pkg.version} `);
    const templateConfig = fs.readFileSync(path.join(TEMPLATE, 'cdk8s.yaml'), 'utf8');
    expect(config.startsWith(templateConfig)).toBe(true);
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), config);
    execFileSync(process.execPath, [TSC, '--strict', '--noUnusedLocals', '--noEmit', '--target', 'ES2022', '--module', 'commonjs',
      '--moduleResolution', 'node', '--esModuleInterop', '--types', 'node', 'main.ts'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    registry = await pluginRegistry();
    const pluginsDir = path.join(work, 'plugins');
    const reportFile = path.join(work, 'report.json');
    // asynchronously: the registry answers npm from this process's event loop
    const { stdout: synthOutput } = await promisify(execFile)(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', '--plugins-dir', pluginsDir,
      '--validation-reports-output-file', reportFile], {
      cwd: app, encoding: 'utf8', timeout: 240_000,
      env: { ...process.env, REGISTRY_PASSWORD: 'FAKE-hub-pw', CDK8S_CHECK_UPGRADE: 'false',
        CDK8S_RECORD_CONSTRUCT_METADATA: 'false', npm_config_registry: registry.url, npm_config_cache: path.join(work, 'npm-cache'),
        npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
    });
    // npm installed exactly this version from the registry, with its peers, into the CLI's plugins folder
    expect(registry.requests).toContain('/cdk8s-private-registry');
    expect(registry.requests).toContain(`/cdk8s-private-registry/-/cdk8s-private-registry-${pkg.version}.tgz`);
    const installed = path.join(pluginsDir, 'cdk8s-private-registry', pkg.version, 'node_modules');
    expect(JSON.parse(fs.readFileSync(path.join(installed, 'cdk8s-private-registry', 'package.json'), 'utf8')).version).toBe(pkg.version);
    expect(fs.existsSync(path.join(installed, 'cdk8s-plus-28', 'package.json'))).toBe(true);
    expect(synthOutput).toMatch(/Status\s*│\s*success/);
    expect(synthOutput).toMatch(/podsChecked\s*│\s*1/);
    // the JSON report the CLI writes: our plugin, its summary, and no secret in it
    const reports = fs.readFileSync(reportFile, 'utf8');
    for (const secret of ['FAKE-hub-pw', Buffer.from('janedoe:FAKE-hub-pw').toString('base64')]) {
      expect(reports).not.toContain(secret);
    }
    const json = JSON.parse(reports);
    const ours = json.reports.find((r: any) => r.summary.plugin === 'cdk8s-private-registry');
    expect(ours.summary).toMatchObject({ status: 'success', version: pkg.version, metadata: { podsChecked: '1', errors: '0' } });
    const files = fs.readdirSync(path.join(app, 'dist'));
    expect(files).toEqual(['private-registry.k8s.yaml']);
    const objects = files.flatMap((f) => Yaml.load(path.join(app, 'dist', f)));
    const secret = objects.find((o: any) => o.kind === 'Secret');
    const pod = objects.find((o: any) => o.kind === 'Pod');
    expect(secret.metadata.name).toBe('myregcred');
    const auths = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths;
    expect(Object.keys(auths)).toEqual(['https://index.docker.io/v1/']);
    expect(auths['https://index.docker.io/v1/']).toMatchObject({ username: 'janedoe', password: 'FAKE-hub-pw', email: 'jdoe@example.com' });
    expect(pod.metadata.name).toBe('private-reg');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'myregcred' }]);
  }, 300_000);

  it('runs `npx cdk8s-private-registry inspect` on the app\'s dist/ through npm\'s bin link, and never prints a password', () => {
    // the README example's secrets, synthesized by the test before this one
    expect(fs.readdirSync(path.join(app, 'dist'))).toEqual(['private-registry.k8s.yaml']);
    const bin = path.join(app, 'node_modules', '.bin', 'cdk8s-private-registry');
    expect(fs.realpathSync(bin)).toBe(fs.realpathSync(path.join(app, 'node_modules', 'cdk8s-private-registry', 'build', 'lib', 'cli', 'main.js')));
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    const env = { ...process.env, NO_COLOR: '' };
    const text = execFileSync('npx', ['--no-install', 'cdk8s-private-registry', 'inspect'], { cwd: app, encoding: 'utf8', timeout: 60_000, env });
    expect(text).toMatch(/^Pull secrets in dist\n/);
    expect(text).toMatch(/\n {2}myregcred +Secret +https:\/\/index\.docker\.io\/v1\/ +janedoe +\*\*\*\n/);
    expect(text).toMatch(/\n {4}janedoe\/jdoe-private:v1 +myregcred +https:\/\/index\.docker\.io\/v1\/\n/);
    // the bin runs by its shebang too, as a shell would start it
    const json = JSON.parse(execFileSync(bin, ['inspect', '--json'], { cwd: app, encoding: 'utf8', timeout: 60_000 }));
    expect(json.workloads).toEqual([{ kind: 'Pod', namespace: null, name: 'private-reg', images: [
      { image: 'janedoe/jdoe-private:v1', secret: 'myregcred', server: 'https://index.docker.io/v1/', coverage: 'secret' },
    ] }]);
    expect(leaksIn(text + JSON.stringify(json), ['FAKE-hub-pw'])).toEqual([]);
    // and says which version was installed
    expect(execFileSync(bin, ['--version'], { cwd: app, encoding: 'utf8', timeout: 60_000 })).toBe(`${pkg.version}\n`);
  });

  it('keeps the template\'s own main.test.ts passing with the quick start in MyChart', () => {
    // the template runs it with jest; vitest with globals runs the same file unchanged, and writes its first snapshot.
    // As `npm test` in a fresh app: no REGISTRY_PASSWORD set. Its import of main.ts synthesizes into dist/ too.
    const { REGISTRY_PASSWORD: _unset, ...withoutPassword } = process.env;
    const run = spawnSync(process.execPath, [VITEST, 'run', '--globals', '--update', '--root', app, 'main.test.ts'],
      { cwd: app, encoding: 'utf8', timeout: 120_000, env: { ...withoutPassword, NO_COLOR: '1' } });
    expect(run.stdout + run.stderr).toMatch(/Tests\s+1 passed/);
    expect(run.status).toBe(0);
    const snapshot = fs.readFileSync(path.join(app, '__snapshots__', 'main.test.ts.snap'), 'utf8');
    expect(snapshot).toContain('"kind": "Secret"');
    expect(snapshot).toContain('"kind": "Pod"');
  }, 180_000);
});
