// What the hostile suites share: fake secrets, the values of the wrong JavaScript types, charts that never write to
// disk, and a temp folder per test file that also becomes TMPDIR, so that whatever the code under test leaves in
// $TMPDIR is removed with it.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Chart, ChartProps } from 'cdk8s';
import { afterAll, beforeAll } from 'vitest';

/** A fake secret: recognisable, long enough that none of its forms appears by chance, never a real credential. */
export function fake(label: string): string {
  return `FAKE-${label}-q8Zr3vW1x`;
}

/** A fake value of a type that is not a string, built around a secret so that a leak of it would show. */
export interface WrongType {
  /** How the case title names it: `a number`. */
  readonly title: string;
  /** Builds the value. */
  readonly make: (secret: string) => unknown;
  /** Whether null-like: such a value may also mean "not given" for an optional field. */
  readonly nullish?: boolean;
}

/** The values of every JavaScript type that is not a string primitive. */
export const WRONG_TYPES: readonly WrongType[] = [
  { title: 'a number', make: () => 42 },
  { title: 'an object', make: (s) => ({ value: s }) },
  { title: 'a String object', make: (s) => new String(s) },
  { title: 'an array', make: (s) => [s] },
  { title: 'null', make: () => null, nullish: true },
  { title: 'a boolean', make: () => true },
  { title: 'a symbol', make: (s) => Symbol(s) },
  { title: 'a function', make: (s) => () => s },
];

/** Stability keys that must be refused, each with what the refusal must say; every one is a secret that no message may quote. */
export const WEAK_STABILITY_KEYS: readonly { title: string; value: string; says: RegExp }[] = (() => {
  const hex = randomBytes(32).toString('hex');
  return [
    { title: '31 random bytes in hex', value: randomBytes(31).toString('hex'), says: /too short|at least 32 bytes/ },
    { title: '63 hex digits (one lost in copying)', value: hex.slice(1), says: /odd number|hex digits/ },
    { title: 'base64 of 24 random bytes', value: randomBytes(24).toString('base64'), says: /too short|at least 32 bytes/ },
    { title: 'a passphrase', value: `${fake('stability-passphrase')} and more words`, says: /hex|base64/ },
    { title: 'hex with a space in the middle', value: `${hex.slice(0, 32)} ${hex.slice(32)}`, says: /hex|base64/ },
    { title: 'hex with a non-ASCII letter', value: `${hex}\u00e9`, says: /hex|base64/ },
    { title: '64 zeros', value: '0'.repeat(64), says: /not random/ },
    { title: 'a short pattern repeated', value: 'c0ffee'.repeat(11), says: /not random/ },
  ];
})();

/** What a wrong type must be told: what it should be, and what it is. */
export const TYPE_MESSAGE = [/must be a string/, /got /];

/** Text with a lone surrogate, which is not valid Unicode and cannot be written as UTF-8. */
export const LONE_SURROGATES: readonly { title: string; make: (s: string) => string }[] = [
  { title: 'a lone high surrogate', make: (s) => `${s}\ud800` },
  { title: 'a lone low surrogate', make: (s) => `\udc00${s}` },
  { title: 'surrogates in the wrong order', make: (s) => `${s}\udc00\ud800` },
];

/** What a lone surrogate must be told. */
export const UNICODE_MESSAGE = [/unicode|utf-?8|surrogate/i];

/** What a name that is not a DNS-1123 label or subdomain must be told. */
export const NAME_MESSAGE = [/dns-1123|dns label|dns subdomain/i];

/** Namespaces the API server refuses: a namespace is a DNS-1123 label. */
export const BAD_NAMESPACES: readonly { title: string; value: string }[] = [
  { title: 'has upper case and an underscore', value: 'Bad_NS' },
  { title: 'is 64 characters long', value: 'n'.repeat(64) },
  { title: 'has a dot', value: 'team.a' },
  { title: 'starts with a dash', value: '-team' },
];

/** A folder for one test file, removed after it, that is also TMPDIR while the file runs. */
export function useTempRoot(prefix: string): { dir: () => string; sub: (name: string) => string } {
  let dir = '';
  let count = 0;
  const previous = process.env.TMPDIR;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), `hostile-${prefix}-`));
    process.env.TMPDIR = dir;
  });
  afterAll(() => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    sub: (name: string) => {
      const d = join(dir, `${++count}-${name}`);
      mkdirSync(d, { recursive: true });
      return d;
    },
  };
}

/** A chart in an app whose outdir is never written: synthesis goes through `synth`, which validates in memory. */
export function newChart(props: ChartProps = {}): Chart {
  const app = new App({ outdir: join(tmpdir(), 'hostile-never-written') });
  return new Chart(app, 'test', props);
}

/** Validates the whole app as `cdk8s synth` does (every `node.addValidation` check) and returns the chart's objects. */
export function synth(chart: Chart): any[] {
  App.of(chart).synthYaml();
  return chart.toJson();
}

/** Writes an executable `docker-credential-NAME` shell script into `bin`. */
export function writeHelper(bin: string, name: string, script: string): void {
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

/** Runs openssl in `dir` (no shell, so no quoting issue); keys and certificates of the sealing cases come from here. */
export function openssl(dir: string, ...args: string[]): void {
  execFileSync('/usr/bin/openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
}

/** Test PEM files made by openssl: a good certificate, and each kind of wrong one. */
export interface PemFiles {
  readonly good: string;
  readonly rsa512Cert: string;
  readonly rsa512PublicKey: string;
  readonly expiredCert: string;
  readonly ecCert: string;
  readonly ecPublicKey: string;
  readonly privateKey: string;
  readonly rsaPrivateKey: string;
}

/** Makes the PEM files of the sealing cases in `dir`. */
export function makePems(dir: string): PemFiles {
  const f = (name: string): string => join(dir, name);
  openssl(dir, 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', 'key.pem');
  openssl(dir, 'req', '-x509', '-new', '-key', 'key.pem', '-subj', '/O=sealed-secrets', '-days', '30', '-out', 'cert.pem');
  openssl(dir, 'genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:512', '-out', 'key512.pem');
  openssl(dir, 'req', '-x509', '-new', '-key', 'key512.pem', '-subj', '/O=weak', '-days', '30', '-out', 'cert512.pem');
  openssl(dir, 'pkey', '-in', 'key512.pem', '-pubout', '-out', 'pub512.pem');
  // a notAfter before now: openssl signs a certificate that expired a day before it was made
  openssl(dir, 'req', '-new', '-key', 'key.pem', '-subj', '/O=expired', '-out', 'expired.csr');
  openssl(dir, 'x509', '-req', '-in', 'expired.csr', '-signkey', 'key.pem', '-days', '-1', '-out', 'expired.pem');
  openssl(dir, 'ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'ec.pem');
  openssl(dir, 'req', '-x509', '-new', '-key', 'ec.pem', '-subj', '/O=ec', '-days', '30', '-out', 'ec-cert.pem');
  openssl(dir, 'pkey', '-in', 'ec.pem', '-pubout', '-out', 'ec-pub.pem');
  openssl(dir, 'pkey', '-in', 'key.pem', '-traditional', '-out', 'key-traditional.pem');
  return {
    good: f('cert.pem'), rsa512Cert: f('cert512.pem'), rsa512PublicKey: f('pub512.pem'), expiredCert: f('expired.pem'),
    ecCert: f('ec-cert.pem'), ecPublicKey: f('ec-pub.pem'), privateKey: f('key.pem'), rsaPrivateKey: f('key-traditional.pem'),
  };
}

/** The lines of a PEM body: each one is part of a key, so none may appear in a message. */
export function pemBodyLines(file: string): string[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0 && !l.startsWith('-----'));
}

/** Whether a process is alive (a zombie waiting for its parent counts as gone). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The processes whose process group is `pgid`, read from /proc. */
export function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // after the command: state, ppid, pgrp
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') members.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return members;
}

/** Stops a process the test started, by its PID, ignoring one that is gone. */
export function killPid(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** The project folder: the child processes of the suite run there, as `npm run synth` does. */
export const ROOT = join(__dirname, '..', '..');

/** What a child process did. */
export interface ChildResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly timedOut: boolean;
  /** The child's PID, which is also its process group: the group outlives it when something of it is left. */
  readonly pid: number;
}

/**
 * Runs a program in its own process group, killed as a whole group after `timeoutMs`: a case that hangs becomes a
 * finding instead of blocking the suite (a synchronous read of a FIFO would block a test's own event loop for good).
 */
export function runChild(file: string, args: string[], options: { env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<ChildResult> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: ROOT, env: options.env ?? process.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid!);
    }, options.timeoutMs);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr, timedOut, pid: child.pid! });
    });
  });
}

/** Stops a process group the suite started, by its id. */
export function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Runs `node --import tsx -e SCRIPT ARGS` in the project: SCRIPT may require('./lib'). */
export function runNodeScript(script: string, args: string[], timeoutMs: number): Promise<ChildResult> {
  return runChild(process.execPath, ['--import', 'tsx', '-e', script, ...args], { timeoutMs });
}
