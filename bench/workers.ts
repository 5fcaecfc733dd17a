// What every benchmark shares: the compiled workers, one worker run in a process of its own, and the median.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');

/** Compiles lib/ and the bench workers (bench/tsconfig.json) into .bench/. */
export function compileWorker(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(__dirname, 'tsconfig.json')], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`compiling the bench worker failed: ${r.stdout}${r.stderr}`);
}

/**
 * Runs a compiled worker (`.bench/bench/NAME.js`) in its own process and returns the JSON object its last line prints,
 * with the process's wall time added as `wallMs`.
 */
export function runWorker<T>(worker: string, args: string[], timeoutMs = 300_000): T & { readonly wallMs: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [path.join(ROOT, '.bench', 'bench', worker), ...args], {
    cwd: ROOT, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 1 << 20,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== 0) {
    throw new Error(`bench worker '${worker} ${args[0]}' failed with status ${r.status}: ${r.stderr.split('\n').slice(0, 3).join(' ')}`);
  }
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()!), wallMs };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
