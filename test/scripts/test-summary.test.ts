// The test command's last line, judged on real vitest reports: a run of a file that fails to load and of one with an
// error outside any test, each in its own vitest child process.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const VITEST = path.join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const SUMMARY = path.join(ROOT, 'scripts', 'test-summary.js');
let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-'));
  fs.writeFileSync(path.join(dir, 'good.test.mjs'), "import { it, expect } from 'vitest';\nit('passes', () => expect(1).toBe(1));\n");
  fs.writeFileSync(path.join(dir, 'broken.test.mjs'), "import { it } from 'vitest';\nthrow new Error('does not load');\nit('never', () => {});\n");
  fs.writeFileSync(path.join(dir, 'stray.test.mjs'), "import { it } from 'vitest';\nit('passes but leaves an error', () => { " +
    "setTimeout(() => { throw new Error('stray'); }, 0); return new Promise((r) => setTimeout(r, 50)); });\n");
  fs.writeFileSync(path.join(dir, 'vitest.config.mjs'), 'export default { test: { include: ["*.test.mjs"] } };\n');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs vitest on the given files in `dir`, then the summary on its report. */
function summarize(files: string[]): { line: string; status: number | null } {
  const report = path.join(dir, `report-${files.join('-')}.json`);
  const run = spawnSync(process.execPath, [VITEST, 'run', '--root', dir, '--reporter=json', `--outputFile.json=${report}`, ...files],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  const s = spawnSync(process.execPath, [SUMMARY, report, String(run.status)], { encoding: 'utf8', timeout: 30_000 });
  return { line: s.stdout.trim(), status: s.status };
}

describe('the test summary line', () => {
  it('counts passed tests when all pass', () => {
    expect(summarize(['good.test.mjs'])).toEqual({ line: 'tests: 1 passed, 0 failed', status: 0 });
  });

  it('counts a test file that fails to load as failed', () => {
    expect(summarize(['good.test.mjs', 'broken.test.mjs'])).toEqual({ line: 'tests: 1 passed, 1 failed', status: 1 });
  });

  it('counts an error outside any test as failed', () => {
    expect(summarize(['stray.test.mjs'])).toEqual({ line: 'tests: 1 passed, 1 failed', status: 1 });
  });

  it('counts every run of the suite: a line per run, then their sum', () => {
    const good = path.join(dir, 'good-run.json');
    const broken = path.join(dir, 'broken-run.json');
    const vitest = (report: string, files: string[]) => spawnSync(process.execPath,
      [VITEST, 'run', '--root', dir, '--reporter=json', `--outputFile.json=${report}`, ...files], { cwd: dir, timeout: 120_000 }).status;
    const g = vitest(good, ['good.test.mjs']);
    const b = vitest(broken, ['good.test.mjs', 'broken.test.mjs']);
    const s = spawnSync(process.execPath, [SUMMARY, good, String(g), broken, String(b), path.join(dir, 'none.json'), '1'], { encoding: 'utf8' });
    expect(s.stdout.trimEnd().split('\n')).toEqual([
      '  good-run: tests: 1 passed, 0 failed',
      '  broken-run: tests: 1 passed, 1 failed',
      '  none: tests: 0 passed, 1 failed (vitest wrote no report)',
      'tests: 2 passed, 2 failed (1 run(s) wrote no report)',
    ]);
    expect(s.status).toBe(1);
  });

  it('fails when vitest wrote no report', () => {
    const s = spawnSync(process.execPath, [SUMMARY, path.join(dir, 'missing.json'), '1'], { encoding: 'utf8' });
    expect([s.stdout.trim(), s.status]).toEqual(['tests: 0 passed, 1 failed (vitest wrote no report)', 1]);
  });
});
