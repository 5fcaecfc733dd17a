// The live login check against `skopeo inspect --authfile` run over the same images one after another: 200 images
// (50 tags in each of 4 repositories) on 2 local docker-registry processes, one with htpasswd (Basic) and one with
// token auth. Prints wall times and the ratio (target <= 0.25); never asserts.
//
// `npx tsx bench/login-check.ts` runs it alone; `npm run bench` runs it after the others unless BENCH_LOGIN=0.
// BENCH_LOGIN_RUNS sets the runs of our check, in process and in a fresh process (default 5, medians printed); skopeo
// runs once (about 65 ms per image here).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { checkLogins, LoginCredential, LoginResult, LoginTarget } from '../lib/registry/login';
import { checkLoginsInChild } from '../test/support/login-check';
import { compileWorker } from './pods';
import { authfileJson, pushTinyImage, startRegistry } from '../test/support/registry';
import { runSkopeoAsync } from '../test/support/skopeo';
import { addTags, startTokenRegistry } from '../test/support/token-registry';

const TAGS_PER_REPOSITORY = 50;
// the check as the CLI will run it, compiled JavaScript in a process of its own (bench/tsconfig.json builds it)
const CHILD = path.resolve(__dirname, '..', '.bench', 'test', 'support', 'login-check-child.js');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

export async function benchLoginCheck(runs: number): Promise<string[]> {
  compileWorker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-login-'));
  const basic = await startRegistry();
  try {
    const tokenRegistry = await startTokenRegistry({
      users: [{ username: 'bench-user', password: 'FAKE-bench-password', grants: [
        { repository: 'bench/gamma', actions: ['pull'] },
        { repository: 'bench/delta', actions: ['pull'] },
      ] }],
    });
    try {
      const tags = Array.from({ length: TAGS_PER_REPOSITORY }, (_, i) => `t${i}`);
      const basicAuth = `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
      for (const repo of ['bench/alpha', 'bench/beta']) {
        pushTinyImage(basic, repo, tags[0]);
        await addTags(`http://${basic.host}`, repo, tags[0], tags.slice(1), basicAuth);
      }
      for (const repo of ['bench/gamma', 'bench/delta']) {
        await tokenRegistry.push(repo, tags[0]);
        const token = await tokenRegistry.pusherToken(`repository:${repo}:pull,push`);
        await addTags(`http://${tokenRegistry.host}`, repo, tags[0], tags.slice(1), `Bearer ${token}`);
      }

      const basicCredential: LoginCredential = { secret: 'bench/basic', server: basic.host, username: basic.username, password: basic.password };
      const tokenCredential: LoginCredential = {
        secret: 'bench/token', server: tokenRegistry.host, username: 'bench-user', password: 'FAKE-bench-password',
      };
      const targets: LoginTarget[] = [];
      for (const tag of tags) {
        for (const [host, repository, credential] of [
          [basic.host, 'bench/alpha', basicCredential], [basic.host, 'bench/beta', basicCredential],
          [tokenRegistry.host, 'bench/gamma', tokenCredential], [tokenRegistry.host, 'bench/delta', tokenCredential],
        ] as const) {
          targets.push({ domain: host, repository, reference: tag, credentials: [credential] });
        }
      }

      // our check in this process (warm), and in a fresh node process as the CLI will run it (start-up included),
      // alternating; every run is a fresh session: new pings, new tokens
      const ours: number[] = [];
      const fresh: number[] = [];
      const allOk = (results: LoginResult[]) => {
        const failed = results.filter((r) => r.status !== 'ok');
        if (failed.length > 0) throw new Error(`the login check failed ${failed.length} images, first: ${failed[0].detail}`);
      };
      for (let i = 0; i < runs; i++) {
        const [results, ms] = await timed(() => checkLogins(targets));
        allOk(results);
        ours.push(ms);
        const [childResults, childMs] = await timed(() => checkLoginsInChild(targets, {}, {}, CHILD));
        allOk(childResults);
        fresh.push(childMs);
      }

      const authfile = path.join(dir, 'auth.json');
      const auths = {
        ...JSON.parse(authfileJson(basic.host, basic.username, basic.password)).auths,
        ...JSON.parse(authfileJson(tokenRegistry.host, tokenCredential.username, tokenCredential.password)).auths,
      };
      fs.writeFileSync(authfile, JSON.stringify({ auths }), { mode: 0o600 });
      const [, skopeoMs] = await timed(async () => {
        for (const t of targets) {
          const image = `docker://${t.domain}/${t.repository}:${t.reference}`;
          const r = await runSkopeoAsync(['inspect', '--tls-verify=false', '--authfile', authfile, image]);
          if (r.status !== 0) throw new Error(`skopeo inspect ${t.repository}:${t.reference} failed: ${r.stderr.trim()}`);
        }
      });

      const [oursMs, freshMs] = [median(ours), median(fresh)];
      const each = (xs: number[]) => xs.map((m) => m.toFixed(0)).join(', ');
      return [
        `login check of ${targets.length} images (4 repositories on 2 local registries, Basic and token), every image ok:`,
        `  ours, in process, median of ${runs}:                ${oursMs.toFixed(0).padStart(7)} ms  (runs: ${each(ours)})`,
        `  ours, fresh node process, median of ${runs}:        ${freshMs.toFixed(0).padStart(7)} ms  (runs: ${each(fresh)})`,
        `  skopeo inspect --authfile, one after another:  ${skopeoMs.toFixed(0).padStart(7)} ms`,
        `  ratio ours / skopeo: ${(oursMs / skopeoMs).toFixed(3)} in process, ${(freshMs / skopeoMs).toFixed(3)} fresh process (target <= 0.25)`,
      ];
    } finally {
      await tokenRegistry.stop();
    }
  } finally {
    await basic.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  benchLoginCheck(Number(process.env.BENCH_LOGIN_RUNS ?? 5)).then(
    (lines) => lines.forEach((line) => console.log(line)),
    (e: Error) => {
      console.error(e.message);
      process.exitCode = 1;
    },
  );
}
