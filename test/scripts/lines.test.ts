// scripts/lines.js, the build of one package per cdk8s-plus line: what it writes for a line, and what it refuses. jsii,
// npm and a consumer app judge the packages themselves (test/consumer/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { lines, linePackage, lineReadme, packageName, rewriteSource } = require('../../scripts/lines.js');

const ROOT = path.resolve(__dirname, '..', '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

describe('the cdk8s-plus lines', () => {
  it('are the cdk8s-plus-N devDependencies: 28 (the root package) to 33 (today\'s template)', () => {
    expect(lines()).toEqual([28, 29, 30, 31, 32, 33]);
    expect(packageName(28)).toBe('cdk8s-private-registry');
    expect(packageName(33)).toBe('cdk8s-private-registry-33');
  });

  it('give each line a package.json whose only cdk8s-plus peer is its own, from the version tested up', () => {
    const line = linePackage(33);
    expect(line.name).toBe('cdk8s-private-registry-33');
    expect(line.peerDependencies).toEqual({ 'cdk8s': pkg.peerDependencies.cdk8s, 'cdk8s-plus-33': `^${pkg.devDependencies['cdk8s-plus-33']}`,
      'constructs': pkg.peerDependencies.constructs });
    expect(Object.keys(line.devDependencies).filter((d) => d.startsWith('cdk8s-plus'))).toEqual(['cdk8s-plus-33']);
    expect(line.dependencies).toBeUndefined();
    expect(line.overrides).toBeUndefined();
    expect(line.files).toEqual(pkg.files);
    expect(line.bin).toEqual(pkg.bin);
  });

  it('fails when a line\'s cdk8s-plus is not pinned to the version the tests run against', () => {
    const loose = { ...pkg, devDependencies: { ...pkg.devDependencies, 'cdk8s-plus-33': '^2.5.57' } };
    expect(() => linePackage(33, loose)).toThrow(/^package\.json: devDependencies 'cdk8s-plus-33' must be an exact version such as '2\.5\.57', got '\^2\.5\.57'/);
  });

  it('rewrites the cdk8s-plus-28 module name in either quote, and nothing else', () => {
    const source = 'import * as kplus from \'cdk8s-plus-28\';\nconst k = require("cdk8s-plus-28");\n// cdk8s-plus-28 in a comment\n';
    expect(rewriteSource(source, 33))
      .toBe('import * as kplus from \'cdk8s-plus-33\';\nconst k = require("cdk8s-plus-33");\n// cdk8s-plus-28 in a comment\n');
  });

  it('fails on a source that imports another line than cdk8s-plus-28', () => {
    expect(() => rewriteSource('import * as k from \'cdk8s-plus-30\';\n', 33, 'lib/x.ts'))
      .toThrow(/^lib\/x\.ts: imports 'cdk8s-plus-30', expected only 'cdk8s-plus-28'/);
  });

  it('give each line a README that installs and imports its own packages, and keeps the table of lines as it is', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const line = lineReadme(readme, 33);
    expect(line).toMatch(/\nnpm install cdk8s-private-registry-33 cdk8s-plus-33\n/);
    expect(line).toContain('from \'cdk8s-private-registry-33\'');
    expect(line).not.toMatch(/from 'cdk8s-private-registry'/);
    const table = (text: string): string => /<!-- lines -->[\s\S]*?<!-- \/lines -->/.exec(text)![0];
    expect(table(line)).toBe(table(readme));
    expect(table(readme)).toContain('| `cdk8s-plus-33` (today\'s `cdk8s init typescript-app`) | `cdk8s-private-registry-33` |');
  });
});
