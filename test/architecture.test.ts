// The folders of lib/ are layers: a file imports only from its own layer or lower ones, pure logic knows nothing of
// constructs, and the library never reaches into the default app or the tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const LIB = path.resolve(__dirname, '..', 'lib');
// bottom to top
const LAYERS = ['go', 'input', 'kubelet', 'docker', 'registry', 'check', 'secrets', 'pods', 'policy', 'cli'];
// below the constructs, cdk8s and constructs may be used for their value types and the construct tree only here
const CDK8S_BELOW_CONSTRUCTS = ['input/metadata.ts', 'docker/docker-config.ts', 'check/_synth-state.ts'];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function imports(file: string): string[] {
  return [...fs.readFileSync(file, 'utf8').matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]);
}

const files = sources(LIB).map((f) => path.relative(LIB, f));
const layerOf = (rel: string): number => LAYERS.indexOf(rel.split(path.sep)[0]);

describe('the layers of lib/', () => {
  it('puts every file but the index in a layer', () => {
    expect(files.filter((f) => f !== 'index.ts' && layerOf(f) < 0)).toEqual([]);
  });

  it.each(files.filter((f) => f !== 'index.ts'))('%s imports only from its layer or lower ones', (file) => {
    const own = layerOf(file);
    const wrong = imports(path.join(LIB, file)).filter((spec) => spec.startsWith('.')).filter((spec) => {
      const target = path.relative(LIB, path.resolve(LIB, path.dirname(file), spec));
      return target.startsWith('..') || layerOf(target) < 0 || layerOf(target) > own;
    });
    expect(wrong).toEqual([]);
  });

  const pure = files.filter((f) => layerOf(f) >= 0 && layerOf(f) < LAYERS.indexOf('secrets'));
  it.each(pure)('%s is pure logic: no cdk8s-plus, no constructs', (file) => {
    const external = imports(path.join(LIB, file)).filter((spec) => !spec.startsWith('.'));
    expect(external.filter((spec) => spec === 'cdk8s-plus-28')).toEqual([]);
    if (!CDK8S_BELOW_CONSTRUCTS.includes(file)) expect(external.filter((spec) => spec === 'cdk8s' || spec === 'constructs')).toEqual([]);
  });
});
