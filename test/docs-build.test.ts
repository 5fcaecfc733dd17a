// What jsii's tools make of the documentation (see test/support/jsii-build.ts): every TypeScript example of README.md
// and docs/*.md compiles with its fixture and translates to the other jsii languages under `jsii-rosetta extract
// --fail`, as Construct Hub needs it; and API.md is what jsii-docgen generates for the public API as it is now.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsiiBuild, combinedMarkdown, compileWithJsii, exampleFiles, locate, typescriptBlocks } from './support/jsii-build';

const ROOT = path.resolve(__dirname, '..');
let pkg: JsiiBuild;

beforeAll(() => {
  pkg = compileWithJsii();
}, 300_000);

afterAll(() => pkg?.remove());

describe('jsii-rosetta extract --fail', () => {
  it('compiles and translates every ```ts example of the README and the docs pages', () => {
    const { markdown, starts } = combinedMarkdown();
    const run = pkg.extract(markdown);
    expect(run.status, locate(run.output, starts)).toBe(0);
    // each block was extracted (none skipped as something else), and nothing else was
    const blocks = exampleFiles().flatMap((f) => typescriptBlocks(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(blocks.length).toBeGreaterThanOrEqual(10);
    expect(run.sources).toHaveLength(blocks.length);
    for (const block of blocks) expect(run.sources.some((s) => s.trim() === block.trim()), block).toBe(true);
  }, 300_000);

  it('fails on an example that does not compile, naming its file and line', () => {
    const broken = ['# Broken', '', '```ts', 'import { PrivatePod } from \'cdk8s-private-registry\';', '',
      'new PrivatePod(chart, \'pod\', { registrySecret: secret });', '```', ''].join('\n');
    const run = pkg.extract(broken);
    expect(run.status).not.toBe(0);
    expect(locate(run.output, [{ file: 'docs/broken.md', line: 1 }])).toMatch(/docs\/broken\.md:3:.*error TS\d+: .*registrySecret/);
  }, 300_000);
});

describe('API.md', () => {
  it('is what jsii-docgen generates for the public API now (after a change to it, run npm run docgen)', () => {
    const generated = pkg.docgen();
    expect(generated).toMatch(/^# API Reference/);
    expect(generated).toContain('### PrivateRegistrySecret ');
    // compared as text, not with toEqual: a diff of two 450 KB files is no help; the first differing line is
    const current = fs.readFileSync(path.join(ROOT, 'API.md'), 'utf8');
    const [a, b] = [current.split('\n'), generated.split('\n')];
    const at = Array.from({ length: Math.max(a.length, b.length) }, (_, i) => i).find((i) => a[i] !== b[i]);
    expect(at, `API.md differs from jsii-docgen's output at line ${(at ?? 0) + 1}: run npm run docgen`).toBeUndefined();
  }, 300_000);
});
