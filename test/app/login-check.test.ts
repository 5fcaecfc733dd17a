// The default app's opt-in login check, run the way cdk8s.yaml runs the app (never importing main.ts): with
// REGISTRY_LOGIN_CHECK=1 it logs in to a real docker-registry after synth and fails on a wrong password; without the
// variable nothing connects anywhere, which a listener that counts connections shows.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leaksIn } from '../hostile/_expect';
import { pushTinyImage, RunningRegistry, startRegistry, wrongPassword } from '../support/registry';

const ROOT = path.resolve(__dirname, '..', '..');

interface AppRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outdir: string;
}

let registry: RunningRegistry;
const dirs: string[] = [];

beforeAll(async () => {
  registry = await startRegistry();
  pushTinyImage(registry, 'team/app', 'v1');
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** Runs main.ts asynchronously (a listener of this process must keep counting meanwhile); killed by its PID after a minute. */
function runApp(env: { [name: string]: string }): Promise<AppRun> {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-login-'));
  dirs.push(outdir);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'main.ts'], {
      cwd: ROOT, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), CDK8S_OUTDIR: outdir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), 60_000);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, outdir });
    });
  });
}

function credentials(host: string, password: string): { [name: string]: string } {
  return { REGISTRY_SERVER: host, REGISTRY_USERNAME: registry.username, REGISTRY_PASSWORD: password, IMAGE: `${host}/team/app:v1` };
}

describe('REGISTRY_LOGIN_CHECK=1', () => {
  it('logs in after synth and says ok, on stderr (cdk8s synth shows only that), exit 0', async () => {
    const r = await runApp({ ...credentials(registry.host, registry.password), REGISTRY_LOGIN_CHECK: '1' });
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\n {4}127\.0\.0\.1:\d+\/team\/app:v1 +ok +myregcred +127\.0\.0\.1:\d+\n/);
    expect(r.stderr).toMatch(/\n1 image: 1 ok, 0 skipped, 0 failed\n$/);
    expect(fs.readdirSync(r.outdir)).toEqual(['private-registry.k8s.yaml']);
    expect(leaksIn(r.stdout + r.stderr, [registry.password])).toEqual([]);
  });

  it('fails the app when the password is wrong, after writing the manifests', async () => {
    const wrong = wrongPassword(registry.password);
    const r = await runApp({ ...credentials(registry.host, wrong), REGISTRY_LOGIN_CHECK: '1' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/ +unauthorized +myregcred /);
    expect(fs.readdirSync(r.outdir)).toEqual(['private-registry.k8s.yaml']);
    expect(leaksIn(r.stdout + r.stderr, [wrong, registry.password])).toEqual([]);
  });

  it('fails on a value other than 1 or 0, naming the variable, before writing anything', async () => {
    const r = await runApp({ ...credentials(registry.host, registry.password), REGISTRY_LOGIN_CHECK: 'yes' });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('error: environment variable REGISTRY_LOGIN_CHECK must be 1 (check the logins after synth) or 0, got "yes"; ' +
      'set it to 1 or unset it');
    expect(fs.readdirSync(r.outdir)).toEqual([]);
  });
});

describe('without REGISTRY_LOGIN_CHECK', () => {
  it('nothing connects: a listener on the image\'s registry counts no connection, and counts one once the check is on', async () => {
    let connections = 0;
    // every connection is counted and closed at once, so that the check (when on) fails fast instead of waiting
    const server = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
    try {
      for (const value of [undefined, '', '0']) {
        const r = await runApp({ ...credentials(host, 'FAKE-never-sent'), ...(value === undefined ? {} : { REGISTRY_LOGIN_CHECK: value }) });
        expect(r.status).toBe(0);
        expect(r.stderr).toBe('');
      }
      expect(connections).toBe(0);
      const on = await runApp({ ...credentials(host, 'FAKE-never-sent'), REGISTRY_LOGIN_CHECK: '1' });
      expect(on.status).toBe(1);
      expect(on.stderr).toMatch(/ +unreachable +myregcred /);
      expect(connections).toBeGreaterThan(0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
