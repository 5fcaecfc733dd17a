/**
 * Helpers for the login check tests: credentials, targets, the check run in a child process, a server that accepts
 * connections and never answers, and a fetch that counts. Test support only.
 */
import { spawn } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { LoginCredential, LoginOptions, LoginResult, LoginTarget } from '../../lib/registry/login';
import { verifyingFetch } from '../../lib/registry/verifying-fetch';
import { listenOnLoopback } from './loopback';

const CHILD_SCRIPT = path.join(__dirname, 'login-check-child.ts');
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CHILD_TIMEOUT_MS = 60_000;

/** A target for `HOST/REPOSITORY:REFERENCE`. */
export function target(host: string, repository: string, reference: string, credentials: LoginCredential[]): LoginTarget {
  return { domain: host, repository, reference, credentials };
}

/**
 * Runs `checkLogins` in a fresh node process with exactly `env` (plus PATH and HOME), the targets on stdin. The child
 * is killed by its PID if it outlives the limit.
 *
 * @param script the child script: login-check-child.ts through tsx by default, or its compiled JavaScript
 */
export async function checkLoginsInChild(
  targets: LoginTarget[], options: LoginOptions, env: NodeJS.ProcessEnv, script: string = CHILD_SCRIPT,
): Promise<LoginResult[]> {
  const args = script.endsWith('.ts') ? ['--import', 'tsx', script] : [script];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const timer = setTimeout(() => child.pid !== undefined && process.kill(child.pid, 'SIGKILL'), CHILD_TIMEOUT_MS);
  child.stdin.end(JSON.stringify({ targets, options }));
  const status = await new Promise<number | null>((resolve) => {
    child.once('error', () => resolve(null));
    child.once('close', (code) => resolve(code));
  });
  clearTimeout(timer);
  if (status !== 0) throw new Error(`the login check child exited with ${status}: ${stderr.trim()}`);
  return JSON.parse(stdout) as LoginResult[];
}

/** A TCP server on 127.0.0.1 that accepts every connection and never sends a byte. */
export interface BlackHole {
  readonly host: string;
  /** Connections accepted so far. */
  readonly connections: () => number;
  close(): Promise<void>;
}

export async function startBlackHole(): Promise<BlackHole> {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.on('error', () => undefined);
  });
  const { host, close } = await listenOnLoopback(server);
  return { host, connections: () => connections, close };
}

/** The check's own fetch, recording every call (method and URL, never headers) and the most calls it saw in flight at once. */
export interface CountingFetch {
  readonly fetch: typeof fetch;
  readonly calls: { method: string; url: string }[];
  readonly maxInFlight: () => number;
}

export function countingFetch(): CountingFetch {
  const calls: { method: string; url: string }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const counting: typeof fetch = async (input, init) => {
    calls.push({ method: init?.method ?? 'GET', url: String(input) });
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    try {
      return await verifyingFetch(input, init);
    } finally {
      inFlight--;
    }
  };
  return { fetch: counting, calls, maxInFlight: () => maxInFlight };
}
