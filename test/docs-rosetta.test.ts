// Every TypeScript example of README.md and docs/*.md compiles with its fixture and translates to the other jsii
// languages under `jsii-rosetta extract --fail`, as Construct Hub needs it (see test/support/rosetta.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosettaPackage, combinedMarkdown, compileForRosetta, exampleFiles, locate, typescriptBlocks } from './support/rosetta';

const ROOT = path.resolve(__dirname, '..');
let pkg: RosettaPackage;

beforeAll(() => {
  pkg = compileForRosetta();
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
