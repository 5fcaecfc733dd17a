// `npm run synth` (cdk8s synth, transpile-only app runner, no upgrade check) next to the cdk8s template's way
// (`npx cdk8s synth` with `app: npx ts-node main.ts`), same app, alternating in one run. Prints medians and the ratio.
import { SpawnSyncOptionsWithStringEncoding, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median } from './workers';

const ROOT = path.resolve(__dirname, '..');

interface Way {
  readonly name: string;
  readonly command: string;
  readonly args: (outdir: string) => string[];
}

const WAYS: Way[] = [
  { name: 'npm run synth', command: 'npm', args: (out) => ['run', '--silent', 'synth', '--', '--output', out] },
  {
    name: 'template: npx cdk8s synth, app: npx ts-node main.ts',
    command: 'npx',
    args: (out) => ['cdk8s', 'synth', '--app', 'npx ts-node main.ts', '--output', out],
  },
];

export function benchSynthTime(runs: number): { [name: string]: number } {
  const times: number[][] = WAYS.map(() => []);
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
  try {
    for (let i = 0; i < runs; i++) {
      // alternate the order so that neither way always runs on a warmer cache
      const order = i % 2 === 0 ? [0, 1] : [1, 0];
      for (const w of order) {
        const start = process.hrtime.bigint();
        const options: SpawnSyncOptionsWithStringEncoding = { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 120_000 };
        const r = spawnSync(WAYS[w].command, WAYS[w].args(outdir), options);
        const ms = Number(process.hrtime.bigint() - start) / 1e6;
        if (r.status !== 0) throw new Error(`'${WAYS[w].name}' failed with status ${r.status}: ${r.stderr.split('\n').slice(-3).join(' ')}`);
        times[w].push(ms);
      }
    }
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
  const result: { [name: string]: number } = {};
  WAYS.forEach((w, i) => (result[w.name] = median(times[i])));
  return result;
}
