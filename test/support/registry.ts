/**
 * A real, local, password-protected docker registry for tests, plus skopeo helpers that push to it and judge an
 * authfile against it. Test support only: nothing here is part of the library.
 *
 * Everything stays on 127.0.0.1, every process is stopped by its PID and every wait is bounded.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';

const REGISTRY_BIN = '/usr/bin/docker-registry';
const BIND_ATTEMPTS = 5;
const READY_POLLS = 100;
const READY_POLL_MS = 100;
const STOP_WAIT_MS = 5_000;
const SKOPEO_TIMEOUT_MS = 30_000;

/** A registry started by {@link startRegistry}. */
export interface RunningRegistry {
  /** `127.0.0.1:PORT`, the registry part of an image reference and the key of an authfile entry. */
  readonly host: string;
  /** The only user the registry accepts (fake). */
  readonly username: string;
  /** That user's password (fake, random per registry). */
  readonly password: string;
  /** The registry process. */
  readonly pid: number;
  /** Stops the process by its PID (SIGTERM, then SIGKILL) and removes its files. */
  stop(): Promise<void>;
}

/** PEM files for a registry that serves HTTPS. */
export interface RegistryTls {
  /** The server certificate (with SAN IP 127.0.0.1). */
  readonly certificate: string;
  readonly key: string;
  /** The CA that signed it, for waiting on the registry without trusting everything. */
  readonly ca: string;
}

/** What {@link startRegistry} can change. */
export interface StartRegistryOptions {
  /**
   * Serve HTTPS with these files.
   *
   * @default - plain HTTP
   */
  readonly tls?: RegistryTls;
}

/** The parts of a docker-registry configuration that differ from one test registry to the next. */
export interface RegistryConfig {
  /** The lines of the `auth:` section, each indented by two spaces. */
  readonly auth: string[];
  /**
   * Serve HTTPS with these files.
   *
   * @default - plain HTTP
   */
  readonly tls?: RegistryTls;
}

/** A docker-registry process started by {@link startRegistryProcess}. */
export interface RegistryProcess {
  readonly port: number;
  readonly pid: number;
  /** Stops the process by its PID (SIGTERM, then SIGKILL); the caller removes the directory. */
  stop(): Promise<void>;
}

/** What {@link skopeoInspect} saw. */
export interface InspectResult {
  /** skopeo exited with 0. */
  readonly ok: boolean;
  /** The manifest digest skopeo reported, when it succeeded. */
  readonly digest?: string;
  /** The tags skopeo listed for the repository, when it succeeded. */
  readonly tags?: string[];
  /** skopeo's error output, for asserting why it failed. */
  readonly stderr: string;
}

/** Registries still running, so that a crashed test run does not leave them behind. */
const running = new Map<number, ChildProcess>();
process.on('exit', () => {
  for (const [pid, child] of running) {
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
});

/**
 * Starts `docker-registry` on a free port of 127.0.0.1 with htpasswd (bcrypt) auth for one fake user and waits
 * until it answers `GET /v2/` with 401.
 */
export async function startRegistry(options: StartRegistryOptions = {}): Promise<RunningRegistry> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'registry-'));
  try {
    const username = 'ci-user';
    const password = randomBytes(18).toString('base64url');
    const htpasswdFile = path.join(dir, 'htpasswd');
    // -i reads the password from stdin, so it never shows up in a process listing
    fs.writeFileSync(htpasswdFile, execFileSync('htpasswd', ['-niB', username], { input: password }));
    const registry = await startRegistryProcess(dir, {
      auth: ['  htpasswd:', '    realm: test-registry', `    path: ${JSON.stringify(htpasswdFile)}`],
      tls: options.tls,
    });
    return {
      host: `127.0.0.1:${registry.port}`,
      username,
      password,
      pid: registry.pid,
      stop: async () => {
        await registry.stop();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Starts `docker-registry` with its storage, config and log in `dir`, on a free port of 127.0.0.1 (retrying when
 * someone else takes the port first), and waits until it answers `GET /v2/` with 401.
 */
export async function startRegistryProcess(dir: string, config: RegistryConfig): Promise<RegistryProcess> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const started = await tryStart(dir, config, port);
    if (started.child) {
      const child = started.child;
      return { port, pid: child.pid!, stop: () => stopProcess(child) };
    }
    if (!/address already in use/i.test(started.log) || attempt === BIND_ATTEMPTS) {
      throw new Error(`docker-registry did not start on 127.0.0.1:${port}: ${started.log.trim() || '(no output)'}`);
    }
  }
}

/**
 * Builds a tiny OCI image offline (one layer holding one text file) and pushes it with skopeo as `REPO:TAG`.
 *
 * @returns the manifest digest skopeo pushed
 */
export function pushTinyImage(registry: RunningRegistry, repo: string, tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tiny-image-'));
  try {
    const layout = path.join(dir, 'layout');
    writeTinyOciLayout(layout, tag);
    const authfile = path.join(dir, 'auth.json');
    fs.writeFileSync(authfile, authfileJson(registry.host, registry.username, registry.password), { mode: 0o600 });
    const policy = path.join(dir, 'policy.json');
    fs.writeFileSync(policy, JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    const digestFile = path.join(dir, 'digest');
    const result = runSkopeo([
      '--policy', policy,
      'copy', '--dest-tls-verify=false', '--dest-authfile', authfile, '--digestfile', digestFile,
      `oci:${layout}:${tag}`, `docker://${registry.host}/${repo}:${tag}`,
    ]);
    if (result.status !== 0) {
      throw new Error(`skopeo copy to ${registry.host}/${repo}:${tag} failed: ${result.stderr.trim()}`);
    }
    return fs.readFileSync(digestFile, 'utf8').trim();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs `skopeo inspect` for `imageRef` (`HOST/REPO:TAG`, no transport) over plain HTTP with only the given authfile:
 * HOME, XDG_RUNTIME_DIR, DOCKER_CONFIG and REGISTRY_AUTH_FILE point into an empty directory, so no credentials of
 * the machine can help.
 *
 * @param authfilePath the authfile to use; leave it out to try with no credentials at all
 */
export function skopeoInspect(imageRef: string, authfilePath?: string): InspectResult {
  const args = ['inspect', '--tls-verify=false'];
  if (authfilePath !== undefined) {
    args.push('--authfile', authfilePath);
  }
  args.push(`docker://${imageRef}`);
  const result = runSkopeo(args);
  if (result.status !== 0) {
    return { ok: false, stderr: result.stderr };
  }
  const inspected = JSON.parse(result.stdout) as { Digest: string; RepoTags: string[] };
  return { ok: true, digest: inspected.Digest, tags: inspected.RepoTags, stderr: result.stderr };
}

/** An authfile (`{"auths": {...}}`) with one entry holding only `auth`, the one field skopeo reads. */
export function authfileJson(server: string, username: string, password: string): string {
  return JSON.stringify({ auths: { [server]: { auth: Buffer.from(`${username}:${password}`, 'utf8').toString('base64') } } });
}

/** The same password with its first character changed: bcrypt only reads the first 72 bytes, so change the front. */
export function wrongPassword(password: string): string {
  return (password.startsWith('a') ? 'b' : 'a') + password.slice(1);
}

/** An environment for skopeo in which only the files it is given hold credentials: everything points into `home`. */
export function isolatedSkopeoEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    XDG_RUNTIME_DIR: path.join(home, 'run'),
    XDG_CONFIG_HOME: path.join(home, 'config'),
    DOCKER_CONFIG: path.join(home, 'docker'),
    REGISTRY_AUTH_FILE: path.join(home, 'auth.json'),
  };
}

/** Runs skopeo with an environment of its own (see {@link skopeoInspect}) and a time limit. */
function runSkopeo(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'skopeo-home-'));
  try {
    const result = spawnSync('skopeo', args, {
      encoding: 'utf8',
      timeout: SKOPEO_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      env: isolatedSkopeoEnv(home),
    });
    const timedOut = result.error ? `skopeo did not finish: ${result.error.message}\n` : '';
    return { status: result.status, stdout: result.stdout ?? '', stderr: timedOut + (result.stderr ?? '') };
  } finally {
    fs.rmSync(home, { recursive: true, force: true });
  }
}

/** A port that was free a moment ago; the registry may still lose it to someone else, hence the retries. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

/** Starts the registry on `port`; gives back the running process, or the log of one that exited or never got ready. */
async function tryStart(dir: string, registryConfig: RegistryConfig, port: number): Promise<{ child?: ChildProcess; log: string }> {
  const config = path.join(dir, `config-${port}.yml`);
  const tls = registryConfig.tls;
  fs.writeFileSync(config, [
    'version: 0.1',
    'log:',
    '  level: warn',
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    // paths as JSON strings, which YAML reads as double-quoted scalars: any TMPDIR works
    `    rootdirectory: ${JSON.stringify(path.join(dir, 'storage'))}`,
    'http:',
    `  addr: 127.0.0.1:${port}`,
    `  secret: ${randomBytes(16).toString('hex')}`,
    ...(tls ? ['  tls:', `    certificate: ${JSON.stringify(tls.certificate)}`, `    key: ${JSON.stringify(tls.key)}`] : []),
    'auth:',
    ...registryConfig.auth,
    '',
  ].join('\n'));
  // the log goes to a file, not a pipe: a pipe nobody drains (while a test blocks in spawnSync) could stall the registry
  const logFile = path.join(dir, `registry-${port}.log`);
  const logFd = fs.openSync(logFile, 'w');
  let child: ChildProcess;
  try {
    child = spawn(REGISTRY_BIN, ['serve', config], { stdio: ['ignore', logFd, logFd] });
  } finally {
    fs.closeSync(logFd);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid === undefined) {
    return { log: `could not run ${REGISTRY_BIN}: ${(await spawnError).message}` };
  }
  running.set(child.pid, child);
  const readLog = () => fs.readFileSync(logFile, 'utf8');
  const ca = tls && fs.readFileSync(tls.ca, 'utf8');

  for (let poll = 0; poll < READY_POLLS; poll++) {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child.pid);
      return { log: readLog() };
    }
    if (await answers401(port, ca)) {
      return { child, log: '' };
    }
    await sleep(READY_POLL_MS);
  }
  await stopProcess(child);
  return { log: `no 401 from /v2/ after ${READY_POLLS * READY_POLL_MS} ms; registry log: ${readLog()}` };
}

/** Whether `GET /v2/` answers 401; over HTTPS, trusting only `ca`. */
function answers401(port: number, ca?: string): Promise<boolean> {
  return new Promise((resolve) => {
    const options = { host: '127.0.0.1', port, path: '/v2/', timeout: 1_000 };
    const request = ca
      ? https.get({ ...options, ca }, (response) => answered(response))
      : http.get(options, (response) => answered(response));
    const answered = (response: http.IncomingMessage) => {
      response.resume();
      resolve(response.statusCode === 401);
    };
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

/** SIGTERM by PID, then SIGKILL if it is still there after a bounded wait. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  const pid = child.pid!;
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  const exit = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (!exited()) {
    process.kill(pid, 'SIGTERM');
    await Promise.race([exit, sleep(STOP_WAIT_MS)]);
    if (!exited()) {
      process.kill(pid, 'SIGKILL');
      await Promise.race([exit, sleep(STOP_WAIT_MS)]);
    }
  }
  running.delete(pid);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Writes an OCI image layout (https://github.com/opencontainers/image-spec/blob/main/image-layout.md) by hand. */
export function writeTinyOciLayout(dir: string, tag: string): void {
  const blobs = path.join(dir, 'blobs', 'sha256');
  fs.mkdirSync(blobs, { recursive: true });
  const writeBlob = (mediaType: string, content: Buffer) => {
    const hex = createHash('sha256').update(content).digest('hex');
    fs.writeFileSync(path.join(blobs, hex), content);
    return { mediaType, digest: `sha256:${hex}`, size: content.length };
  };

  const tar = tarWithOneFile('hello.txt', 'hello from a tiny test image\n');
  const layer = writeBlob('application/vnd.oci.image.layer.v1.tar+gzip', gzipSync(tar));
  const config = writeBlob('application/vnd.oci.image.config.v1+json', Buffer.from(JSON.stringify({
    architecture: 'amd64',
    os: 'linux',
    config: {},
    rootfs: { type: 'layers', diff_ids: [`sha256:${createHash('sha256').update(tar).digest('hex')}`] },
  })));
  const manifest = writeBlob('application/vnd.oci.image.manifest.v1+json', Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config,
    layers: [layer],
  })));
  fs.writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  fs.writeFileSync(path.join(dir, 'index.json'), JSON.stringify({
    schemaVersion: 2,
    manifests: [{ ...manifest, annotations: { 'org.opencontainers.image.ref.name': tag } }],
  }));
}

/** A ustar archive with one regular file, mtime 0, so the layer is the same on every run. */
function tarWithOneFile(name: string, text: string): Buffer {
  const content = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(512);
  const field = (offset: number, length: number, value: string) => header.write(value, offset, length, 'ascii');
  const octal = (offset: number, length: number, value: number) => field(offset, length, value.toString(8).padStart(length - 1, '0'));
  field(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, content.length);
  octal(136, 12, 0);
  field(148, 8, ' '.repeat(8));
  field(156, 1, '0');
  field(257, 6, 'ustar\0');
  field(263, 2, '00');
  const checksum = header.reduce((sum, byte) => sum + byte, 0);
  field(148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024)]);
}
