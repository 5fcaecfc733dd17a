// The live login check against `skopeo inspect --authfile` run over the same images one after another: 200 images
// (50 tags in each of 4 repositories) on 2 local docker-registry processes, one with htpasswd (Basic) and one with
// token auth. Prints wall times and the ratio (target <= 0.25); never asserts. Three ways of running ours: the engine
// in this process, the engine in a fresh node process, and the real command, `cdk8s-private-registry login-check`,
// over the manifests our constructs synthesize for the same 200 images (50 pods of 4 containers), compiled, in a
// fresh process that re-executes itself for the system trust store, as a user runs it.
//
// `npx tsx bench/login-check.ts` runs it alone; `npm run bench` runs it after the others unless BENCH_LOGIN=0.
// BENCH_LOGIN_RUNS sets the runs of our check, in process and in a fresh process (default 5, medians printed); skopeo
// runs once (about 65 ms per image here).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { App, Chart } from 'cdk8s';
import { checkLogins, LoginCredential, LoginResult, LoginTarget } from '../lib/registry/login';
import { PrivatePod } from '../lib/pods/private-pod';
import { PrivateRegistrySecret } from '../lib/secrets/private-registry-secret';
import { checkLoginsInChild } from '../test/support/login-check';
import { compileWorker, median } from './workers';
import { authfileJson, pushTinyImage, startRegistry } from '../test/support/registry';
import { runSkopeoAsync } from '../test/support/skopeo';
import { addTags, startTokenRegistry } from '../test/support/token-registry';

const TAGS_PER_REPOSITORY = 50;
// the check as the CLI will run it, compiled JavaScript in a process of its own (bench/tsconfig.json builds it)
const CHILD = path.resolve(__dirname, '..', '.bench', 'test', 'support', 'login-check-child.js');
// the command, compiled by the same build (bench/tsconfig.json compiles all of lib/)
const COMMAND = path.resolve(__dirname, '..', '.bench', 'lib', 'cli', 'main.js');

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

      const dist = synthManifests(dir, targets);

      // our check in this process (warm), in a fresh node process, and as the command (start-up included), alternating;
      // every run is a fresh session: new pings, new tokens
      const ours: number[] = [];
      const fresh: number[] = [];
      const command: number[] = [];
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
        command.push(await runCommand(dist));
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

      const [oursMs, freshMs, commandMs] = [median(ours), median(fresh), median(command)];
      const each = (xs: number[]) => xs.map((m) => m.toFixed(0)).join(', ');
      return [
        `login check of ${targets.length} images (4 repositories on 2 local registries, Basic and token), every image ok:`,
        `  ours, in process, median of ${runs}:                ${oursMs.toFixed(0).padStart(7)} ms  (runs: ${each(ours)})`,
        `  ours, fresh node process, median of ${runs}:        ${freshMs.toFixed(0).padStart(7)} ms  (runs: ${each(fresh)})`,
        `  cdk8s-private-registry login-check, median of ${runs}: ${commandMs.toFixed(0).padStart(5)} ms  (runs: ${each(command)})`,
        `  skopeo inspect --authfile, one after another:  ${skopeoMs.toFixed(0).padStart(7)} ms`,
        `  ratio ours / skopeo: ${(oursMs / skopeoMs).toFixed(3)} in process, ${(freshMs / skopeoMs).toFixed(3)} fresh process, ` +
          `${(commandMs / skopeoMs).toFixed(3)} the command (target <= 0.25)`,
      ];
    } finally {
      await tokenRegistry.stop();
    }
  } finally {
    await basic.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The manifests a user's app would synthesize for the targets: one PrivateRegistrySecret per registry and 50 pods of
 * 4 containers, one image of each repository per pod.
 */
function synthManifests(dir: string, targets: readonly LoginTarget[]): string {
  const outdir = path.join(dir, 'dist');
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { namespace: 'bench' });
  const secrets = new Map<string, PrivateRegistrySecret>();
  for (const t of targets) {
    const c = t.credentials[0];
    if (!secrets.has(c.server)) {
      secrets.set(c.server, new PrivateRegistrySecret(chart, `secret-${secrets.size}`, { server: c.server, username: c.username,
        password: c.password }));
    }
  }
  for (let i = 0; i < targets.length; i += 4) {
    const group = targets.slice(i, i + 4);
    new PrivatePod(chart, `pod-${i / 4}`, {
      containers: group.map((t, j) => ({ name: `c${j}`, image: `${t.domain}/${t.repository}:${t.reference}` })),
      registrySecrets: [...new Set(group.map((t) => secrets.get(t.credentials[0].server)!))],
    });
  }
  app.synth();
  return outdir;
}

/**
 * Runs the compiled command over `dist` in a fresh process and gives its wall time; throws unless every image is ok.
 * Asynchronously: the token server lives in this process and must keep answering.
 */
async function runCommand(dist: string): Promise<number> {
  const start = process.hrtime.bigint();
  const child = spawn(process.execPath, [COMMAND, 'login-check', dist], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 300_000);
  const status = await new Promise<number | null>((resolve) => child.once('close', resolve));
  clearTimeout(timer);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (status !== 0 || !/\n200 images: 200 ok, 0 skipped, 0 failed\n$/.test(stdout)) {
    throw new Error(`the command failed with status ${status}: ${(stdout.split('\nWhy\n')[1] ?? stdout).slice(0, 400)} ${stderr.trim()}`);
  }
  return ms;
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
