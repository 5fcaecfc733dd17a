// The cdk8s-plus-33 package as a new user meets it: an app made by `cdk8s init typescript-app` (the cdk8s CLI's own
// template, which brings cdk8s-plus-33), our package installed from its tarball with npm from the npm registry, and a
// program that mixes our constructs with kplus-33 ones, compiled by the template's strict tsconfig and synthesized by
// the cdk8s CLI under the template's ts-node. The Kubernetes schema (kubernetes-models) judges the manifests.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateManifest } from '../support/schema';

const ROOT = path.resolve(__dirname, '..', '..');
const LINE = 33;
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const NAME = `${pkg.name}-${LINE}`;
const QUIET = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };
const NPM_QUIET = { npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', CDK8S_CHECK_UPGRADE: 'false' };

const PROGRAM = `import { Construct } from 'constructs';
import { App, Chart, ChartProps } from 'cdk8s';
import * as kplus from 'cdk8s-plus-33';
import { PrivateDeployment, PrivateRegistrySecret } from '${NAME}';

export class MyChart extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = { }) {
    super(scope, id, props);

    const regcred = new PrivateRegistrySecret(this, 'regcred', {
      server: 'ghcr.io', username: 'jane', password: process.env.GHCR_TOKEN ?? '',
    });
    const cache = kplus.Volume.fromEmptyDir(this, 'cache', 'cache');
    const web = new PrivateDeployment(this, 'web', {
      containers: [{ image: 'ghcr.io/acme/web:1.2.3', portNumber: 8080, volumeMounts: [{ path: '/cache', volume: cache }] }],
      volumes: [cache],
      registrySecrets: [regcred],
      revisionHistoryLimit: 3,
    });
    new kplus.Service(this, 'web-service', { selector: web, ports: [{ port: 80, targetPort: 8080 }] });
  }
}

const app = new App();
new MyChart(app, 'shop');
app.synth();
`;

let work: string;
let app: string;
let init: { status: number | null; out: string };

function run(command: string, args: string[], cwd: string, env: Record<string, string> = {}, timeout = 300_000): string {
  return execFileSync(command, args, { cwd, encoding: 'utf8', timeout, stdio: 'pipe', env: { ...process.env, ...NPM_QUIET, ...env } });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'template-app-'));
  // the package as `npm run pack` makes it, built in a folder of this test's own
  const built = path.join(work, 'package');
  run(process.execPath, [path.join(ROOT, 'scripts', 'lines.js'), 'build', String(LINE), built], ROOT, QUIET);
  fs.rmSync(path.join(built, 'node_modules'));
  const tarball = path.join(work, JSON.parse(run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], built))[0].filename);
  app = path.join(work, 'shop');
  fs.mkdirSync(app);
  // `cdk8s init` renders the template, then its post-init hook runs npm install (from the registry) and `cdk8s import`,
  // which downloads the Kubernetes schema from GitHub: that step may fail here, and is not needed to synthesize
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'init', 'typescript-app'],
    { cwd: app, encoding: 'utf8', timeout: 600_000, env: { ...process.env, ...NPM_QUIET } });
  init = { status: r.status, out: `${r.stdout}${r.stderr}` };
  run('npm', ['install', '--no-audit', '--no-fund', tarball], app);
}, 900_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe(`cdk8s-private-registry-${LINE} in an app from the cdk8s CLI's typescript-app template`, () => {
  it('is an app the template rendered, with the template\'s own dependencies installed', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8'));
    expect(Object.keys(manifest.dependencies).sort(), init.out).toEqual(['cdk8s', `cdk8s-plus-${LINE}`, NAME, 'constructs'].sort());
    expect(manifest.dependencies[NAME]).toMatch(/^file:/);
    expect(fs.readFileSync(path.join(app, 'cdk8s.yaml'), 'utf8')).toContain('app: npx ts-node main.ts');
    expect(fs.existsSync(path.join(app, 'node_modules', 'ts-node', 'package.json'))).toBe(true);
  });

  it(`installs with exactly one cdk8s-plus major: cdk8s-plus-${LINE}`, () => {
    const parseable = run('npm', ['ls', '--all', '--parseable'], app);
    const majors = [...new Set(parseable.split('\n').map((p) => /node_modules\/(cdk8s-plus-\d+)$/.exec(p)?.[1]).filter(Boolean))];
    expect(majors).toEqual([`cdk8s-plus-${LINE}`]);
    // and npm finds nothing missing or invalid in the tree (npm ls exits non-zero then)
    expect(() => run('npm', ['ls', NAME, `cdk8s-plus-${LINE}`], app)).not.toThrow();
  });

  it('compiles, with the template\'s strict tsconfig, a PrivateDeployment with a kplus-33 Volume, as a kplus-33 Service selector', () => {
    fs.writeFileSync(path.join(app, 'main.ts'), PROGRAM);
    const tsc = path.join(app, 'node_modules', 'typescript', 'bin', 'tsc');
    expect(run(process.execPath, [tsc, '--noEmit', '-p', '.'], app, {}, 180_000)).toBe('');
  });

  it('synthesizes under the template\'s ts-node with the cdk8s CLI, into manifests the Kubernetes schema accepts', () => {
    fs.writeFileSync(path.join(app, 'main.ts'), PROGRAM);
    run(process.execPath, [path.join(app, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s'), 'synth', '--no-check-upgrade'], app,
      { GHCR_TOKEN: 'FAKE-template-token', CDK8S_RECORD_CONSTRUCT_METADATA: 'false' });
    const file = path.join(app, 'dist', 'shop.k8s.yaml');
    const objects = Yaml.load(file);
    const deployment = objects.find((o: any) => o.kind === 'Deployment');
    const service = objects.find((o: any) => o.kind === 'Service');
    const secret = objects.find((o: any) => o.kind === 'Secret');
    expect(deployment.spec.revisionHistoryLimit).toBe(3);
    expect(deployment.spec.template.spec.imagePullSecrets).toEqual([{ name: secret.metadata.name }]);
    expect(deployment.spec.template.spec.volumes).toEqual([{ name: 'cache', emptyDir: {} }]);
    expect(deployment.spec.template.spec.containers[0].volumeMounts).toEqual([{ mountPath: '/cache', name: 'cache' }]);
    // the Service selects the Deployment's pods
    expect(Object.keys(service.spec.selector).length).toBeGreaterThan(0);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    const auths = JSON.parse(Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString()).auths;
    expect(auths['ghcr.io'].password).toBe('FAKE-template-token');
    expect(objects.map((o: any) => o.kind).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    objects.forEach(validateManifest);
  });
});
