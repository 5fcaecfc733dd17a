// A consumer's view: pack the library as npm would publish it, install the tarball into a fresh cdk8s app, compile the
// README's example there with strict TypeScript and synthesize it with the cdk8s CLI.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const version = (pkg: string): string => JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;

/** The first ```LANG block after the marker in README.md. */
function readmeExample(marker: string, lang = 'ts'): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf(marker);
  if (at < 0) throw new Error(`README.md has no marker ${marker}`);
  const m = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(at));
  if (!m) throw new Error(`README.md has no ${lang} block after ${marker}`);
  return m[1];
}

let work: string;
let app: string;
let packedFiles: string[];

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'consumer-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  const packed = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 }));
  packedFiles = packed[0].files.map((f: { path: string }) => f.path);
  const tarball = path.join(work, packed[0].filename);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer-app', version: '0.0.0', private: true }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball,
    `cdk8s@${version('cdk8s')}`, `constructs@${version('constructs')}`, `cdk8s-plus-28@${version('cdk8s-plus-28')}`, '@types/node@20'],
  { cwd: app, encoding: 'utf8', timeout: 180_000, stdio: 'pipe' });
}, 300_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the published package', () => {
  it('ships only the compiled library and its typings', () => {
    expect(packedFiles).toContain('build/lib/index.js');
    expect(packedFiles).toContain('build/lib/index.d.ts');
    expect(packedFiles.filter((f) => !/^build\/lib\/.*\.(js|d\.ts)$|^(package\.json|README\.md|LICENSE)$/.test(f))).toEqual([]);
  });

  it('runs no app when imported', () => {
    const out = execFileSync(process.execPath, ['-e', 'const l = require("cdk8s-private-registry"); console.log(typeof l.PrivatePod)'],
      { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(out.trim()).toBe('function');
    expect(fs.existsSync(path.join(app, 'dist'))).toBe(false);
  });

  it('compiles the README example with strict TypeScript and synthesizes it with the cdk8s CLI', () => {
    fs.writeFileSync(path.join(app, 'main.ts'), readmeExample('<!-- example: quick start -->'));
    // the pull-check plugin enabled exactly as the README tells another app to
    fs.writeFileSync(path.join(app, 'cdk8s.yaml'), readmeExample('<!-- example: plugin config -->', 'yaml'));
    execFileSync(process.execPath, [TSC, '--strict', '--noUnusedLocals', '--target', 'ES2022', '--module', 'commonjs', '--moduleResolution', 'node',
      '--esModuleInterop', '--skipLibCheck', '--types', 'node', 'main.ts'], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    const synthOutput = execFileSync(process.execPath, [CDK8S, 'synth', '--no-check-upgrade'], {
      cwd: app, encoding: 'utf8', timeout: 120_000, stdio: 'pipe',
      env: { ...process.env, REGISTRY_PASSWORD: 'FAKE-hub-pw', GHCR_TOKEN: 'FAKE-ghcr-token', CDK8S_CHECK_UPGRADE: 'false',
        CDK8S_RECORD_CONSTRUCT_METADATA: 'false' },
    });
    expect(synthOutput).toMatch(/Status\s*│\s*success/);
    expect(synthOutput).toMatch(/podsChecked\s*│\s*1/);
    const files = fs.readdirSync(path.join(app, 'dist'));
    expect(files).toEqual(['private-registry.k8s.yaml']);
    const objects = files.flatMap((f) => Yaml.load(path.join(app, 'dist', f)));
    const secret = objects.find((o: any) => o.kind === 'Secret');
    const pod = objects.find((o: any) => o.kind === 'Pod');
    expect(secret.metadata.name).toBe('myregcred');
    const auths = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths;
    expect(Object.keys(auths)).toEqual(['ghcr.io', 'https://index.docker.io/v1/']);
    expect(auths['ghcr.io'].password).toBe('FAKE-ghcr-token');
    expect(pod.metadata.name).toBe('private-reg');
    expect(pod.spec.imagePullSecrets).toEqual([{ name: 'myregcred' }]);
  });
});
