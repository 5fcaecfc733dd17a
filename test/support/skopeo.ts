/**
 * skopeo run asynchronously, for registries whose token server lives in the test's own process: registry.ts runs
 * skopeo with spawnSync, which would block the very event loop the token server answers on. Same isolation as there:
 * only the authfile given holds credentials. Test support only.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { authfileJson, InspectResult, isolatedSkopeoEnv, writeTinyOciLayout } from './registry';

const SKOPEO_TIMEOUT_MS = 60_000;

/** How skopeo talks TLS to the registry. */
export interface SkopeoTls {
  /**
   * A directory of `*.crt` CA files to trust; TLS is then verified.
   *
   * @default - TLS is not verified and plain HTTP is allowed (`--tls-verify=false`), as for a loopback test registry
   */
  readonly certDir?: string;
}

/** What one skopeo run gave. */
export interface SkopeoRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs skopeo with an isolated HOME and a time limit; a run over the limit is killed by its PID. */
export async function runSkopeoAsync(args: string[]): Promise<SkopeoRun> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'skopeo-home-'));
  try {
    const child = spawn('skopeo', args, { env: isolatedSkopeoEnv(home), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, SKOPEO_TIMEOUT_MS);
    const status = await new Promise<number | null>((resolve) => {
      child.once('error', (e) => {
        stderr += `could not run skopeo: ${e.message}\n`;
        resolve(null);
      });
      child.once('close', (code) => resolve(code));
    });
    clearTimeout(timer);
    return { status, stdout, stderr: (timedOut ? `skopeo did not finish within ${SKOPEO_TIMEOUT_MS} ms\n` : '') + stderr };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** `skopeo inspect docker://IMAGE` with only `authfile` (or no credentials at all). */
export async function skopeoInspectAsync(imageRef: string, authfile?: string, tls: SkopeoTls = {}): Promise<InspectResult> {
  const args = ['inspect', ...tlsArgs('', tls)];
  if (authfile !== undefined) args.push('--authfile', authfile);
  args.push(`docker://${imageRef}`);
  const result = await runSkopeoAsync(args);
  if (result.status !== 0) return { ok: false, stderr: result.stderr };
  const inspected = JSON.parse(result.stdout) as { Digest: string; RepoTags: string[] };
  return { ok: true, digest: inspected.Digest, tags: inspected.RepoTags, stderr: result.stderr };
}

/**
 * Builds the tiny OCI image of registry.ts and pushes it as `HOST/REPO:TAG` with the given user.
 *
 * @returns the manifest digest skopeo pushed
 */
export async function pushTinyImageAsync(
  host: string, username: string, password: string, repo: string, tag: string, tls: SkopeoTls = {},
): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-image-'));
  try {
    const layout = path.join(dir, 'layout');
    writeTinyOciLayout(layout, tag);
    const authfile = path.join(dir, 'auth.json');
    fs.writeFileSync(authfile, authfileJson(host, username, password), { mode: 0o600 });
    const policy = path.join(dir, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const digestFile = path.join(dir, 'digest');
    const result = await runSkopeoAsync([
      '--policy', policy, 'copy', ...tlsArgs('dest-', tls), '--dest-authfile', authfile, '--digestfile', digestFile,
      `oci:${layout}:${tag}`, `docker://${host}/${repo}:${tag}`,
    ]);
    if (result.status !== 0) {
      throw new Error(`skopeo copy to ${host}/${repo}:${tag} failed: ${result.stderr.trim()}`);
    }
    return fs.readFileSync(digestFile, 'utf8').trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function tlsArgs(prefix: string, tls: SkopeoTls): string[] {
  return tls.certDir === undefined ? [`--${prefix}tls-verify=false`] : [`--${prefix}tls-verify=true`, `--${prefix}cert-dir`, tls.certDir];
}
