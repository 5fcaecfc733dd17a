// The "after" example of docs/pull-policy.md, run as written (the package import pointed at this checkout), and
// examples/pull-policy.ts: both synthesize, and the pull check finds nothing in what they write.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Testing, Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from '../../examples/pull-policy';
import { checkManifests } from '../../lib/check/manifest-check';
import { validateManifest } from '../support/schema';

const ROOT = path.resolve(__dirname, '..', '..');
const TSX_LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-example-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function pageExample(marker: string): string {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'pull-policy.md'), 'utf8');
  const at = page.indexOf(marker);
  expect(at).toBeGreaterThan(0);
  const block = /```ts[^\n]*\n([\s\S]*?)```/.exec(page.slice(at))!;
  return block[1];
}

describe('the docs example of RegistryPullPolicy', () => {
  it('synthesizes as written, and the pull check finds nothing in its output', () => {
    const source = pageExample('<!-- example: pull policy -->');
    expect(source).toContain('from \'cdk8s-private-registry\'');
    fs.writeFileSync(path.join(dir, 'main.ts'), source.replace('\'cdk8s-private-registry\'', JSON.stringify(path.join(ROOT, 'lib', 'index.ts'))));
    fs.copyFileSync(path.join(__dirname, 'fixtures', 'vendored.yaml'), path.join(dir, 'vendored.yaml'));
    const r = spawnSync(process.execPath, ['--import', `file://${TSX_LOADER}`, 'main.ts'], {
      cwd: dir, encoding: 'utf8', timeout: 120_000,
      // the app's own node_modules would hold cdk8s; this checkout's stand in for them
      env: {
        PATH: process.env.PATH, NODE_PATH: path.join(ROOT, 'node_modules'), GHCR_TOKEN: 'FAKE-readme-ghcr', REGISTRY_PASSWORD: 'FAKE-readme-registry',
      },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'dist'));
    expect(files).toHaveLength(2);
    const objects = files.flatMap((f) => Yaml.load(path.join(dir, 'dist', f)));
    // every pod-bearing object is judged, and the only warnings are Docker Hub's anonymous limit for the public images
    const result = checkManifests(objects, { publicImages: ['busybox', 'nginx'] });
    expect(result).toMatchObject({ errors: [], podsChecked: 14 });
    for (const w of result.warnings) expect(w.message).toMatch(/is pulled from Docker Hub without credentials/);
  });
});

describe('examples/pull-policy', () => {
  it('gives the chart of our own and the vendored one their secrets, and passes the schema and the pull check', () => {
    const app = Testing.app();
    const policy = build(app, {});
    app.synthYaml();
    const objects = app.charts.flatMap((c) => c.toJson());
    const api = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === 'shop' && o.metadata.name.startsWith('shop-api-'));
    expect(api.spec.template.spec.imagePullSecrets).toEqual([{ name: 'regcred' }]);
    expect(policy.secretsChart.toJson().map((s: any) => s.metadata.namespace)).toEqual([undefined, 'monitoring', 'payments', 'shop']);
    for (const o of objects) validateManifest(o);
    // every pod-bearing object, the two of public images only among them
    expect(checkManifests(objects, { publicImages: policy.publicImages })).toMatchObject({ errors: [], podsChecked: 15 });
  });
});
