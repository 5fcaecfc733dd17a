/**
 * What jsii's tools make of this package, from a jsii build in a temporary folder (never the repository's build/, which
 * other tests rebuild):
 * - jsii-rosetta over the examples of README.md and docs/*.md, as Construct Hub runs it: `jsii-rosetta extract --fail`
 *   compiles every ```ts block with its fixture (rosetta/*.ts-fixture) and translates it to Python, Java, C# and Go.
 *   Rosetta reads only an assembly's readme, and the docs pages are not in the assembly, so the markdown files are put
 *   into the readme of a copy of the assembly.
 * - jsii-docgen's API reference, which API.md must equal.
 *
 * Run alone: `npm run rosetta` (this file), which prints rosetta's report and exits non-zero on a failure.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const JSII = path.join(ROOT, 'node_modules', 'jsii', 'bin', 'jsii');
const ROSETTA = path.join(ROOT, 'node_modules', 'jsii-rosetta', 'bin', 'jsii-rosetta');
const DOCGEN = path.join(ROOT, 'node_modules', 'jsii-docgen', 'bin', 'jsii-docgen');
const QUIET = { JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20', JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION: '1' };

/** The markdown files whose examples must translate: the README (the assembly's own readme) and every docs page. */
export function exampleFiles(): string[] {
  return ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => path.join('docs', f))];
}

/** The ```ts blocks of a markdown text. */
export function typescriptBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```(?:ts|typescript)\b[^\n]*\n([\s\S]*?)^```/gm)].map((m) => m[1]);
}

/** One rosetta run over one markdown text. */
export interface RosettaRun {
  readonly status: number | null;
  readonly output: string;
  /** The TypeScript source of every snippet rosetta extracted from the readme (fixture left out). */
  readonly sources: string[];
}

/** A compiled copy of this package, whose assembly's readme can be replaced. */
export interface JsiiBuild {
  /** Runs `jsii-rosetta extract --fail` with `markdown` as the assembly's readme. */
  extract(markdown: string): RosettaRun;
  /** The API reference jsii-docgen generates for the assembly as jsii wrote it (`npm run docgen` writes it to API.md). */
  docgen(): string;
  /** Removes the copy. */
  remove(): void;
}

/** Compiles this package with jsii into a temporary folder (lib/, package.json, the fixtures; node_modules linked). */
export function compileWithJsii(): JsiiBuild {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rosetta-'));
  try {
    for (const f of ['lib', 'rosetta']) fs.cpSync(path.join(ROOT, f), path.join(dir, f), { recursive: true });
    for (const f of ['package.json', 'tsconfig.build.json', 'README.md']) fs.copyFileSync(path.join(ROOT, f), path.join(dir, f));
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'));
    const jsii = spawnSync(process.execPath, [JSII], { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...QUIET } });
    if (jsii.status !== 0) throw new Error(`jsii failed: ${jsii.stdout}${jsii.stderr}`);
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const assemblyFile = path.join(dir, '.jsii');
  const original = fs.readFileSync(assemblyFile, 'utf8');
  const assembly = JSON.parse(original);
  return {
    docgen(): string {
      fs.writeFileSync(assemblyFile, original);
      const out = path.join(dir, 'API.md');
      const r = spawnSync(process.execPath, [DOCGEN, '-o', out], { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...QUIET } });
      if (r.status !== 0) throw new Error(`jsii-docgen failed: ${r.stdout}${r.stderr}`);
      return fs.readFileSync(out, 'utf8');
    },
    extract(markdown: string): RosettaRun {
      fs.writeFileSync(assemblyFile, JSON.stringify({ ...assembly, readme: { markdown } }));
      const tablet = path.join(dir, 'examples.tabl.json');
      fs.rmSync(tablet, { force: true });
      const r = spawnSync(process.execPath, [ROSETTA, 'extract', '--fail', '--compile', '--cache-to', tablet, assemblyFile],
        { cwd: dir, encoding: 'utf8', timeout: 300_000, env: { ...process.env, ...QUIET } });
      const snippets = fs.existsSync(tablet) ? Object.values(JSON.parse(fs.readFileSync(tablet, 'utf8')).snippets ?? {}) : [];
      const sources = snippets.filter((s: any) => s.location?.api?.api === 'moduleReadme').map((s: any) => s.translations.$.source as string);
      return { status: r.status, output: `${r.stdout}${r.stderr}`, sources };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** The markdown files as one readme, and where each file's lines start in it. */
export function combinedMarkdown(files: string[] = exampleFiles()): { markdown: string; starts: { file: string; line: number }[] } {
  const starts: { file: string; line: number }[] = [];
  let markdown = '';
  for (const file of files) {
    starts.push({ file, line: markdown.split('\n').length });
    markdown += `${fs.readFileSync(path.join(ROOT, file), 'utf8').trimEnd()}\n\n`;
  }
  return { markdown, starts };
}

/** Rosetta names a snippet of the readme `...-README-L<line>`: this gives the file and line of each such name instead. */
export function locate(output: string, starts: { file: string; line: number }[]): string {
  return output.replace(/[\w.-]*-README-L(\d+)\.ts/g, (_, n: string) => {
    const line = Number(n);
    const at = [...starts].reverse().find((s) => s.line <= line)!;
    return `${at.file}:${line - at.line + 1}`;
  });
}

if (require.main === module) {
  // one rosetta run for every file: each run sets up its own dependency folder, which costs more than the snippets
  const pkg = compileWithJsii();
  try {
    const { markdown, starts } = combinedMarkdown();
    const run = pkg.extract(markdown);
    process.stdout.write(locate(run.output, starts));
    process.stdout.write(`${run.status === 0 ? 'ok' : 'FAILED'}: ${run.sources.length} examples in ${starts.map((s) => s.file).join(', ')}\n`);
    process.exitCode = run.status === 0 ? 0 : 1;
  } finally {
    pkg.remove();
  }
}
