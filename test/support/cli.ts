/**
 * The `cdk8s-private-registry` command as a user runs it: compiled JavaScript (tsc, as the package ships it) in a node
 * child process of its own, with its arguments, folder and environment; optionally on a pseudo-terminal made by
 * util-linux `script`. Test support only: every child is killed by its PID when it outlives its limit, and the compiled
 * output lives under the test run's TMPDIR.
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const RUN_TIMEOUT_MS = 120_000;

/** The compiled program. */
export interface CompiledCli {
  /** `.../lib/cli/main.js`. */
  readonly main: string;
  /** Removes the compiled files. */
  remove(): void;
}

/**
 * Compiles lib/ with the build's tsconfig into a temporary folder, with a copy of package.json above the compiled code
 * as in the package (`--version` reads it). The compiled files are outside the repository, so the children get
 * NODE_PATH pointing at its node_modules, where an app that installed the package has cdk8s.
 */
export function compileCli(): CompiledCli {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-build-'));
  const r = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'),
    '--outDir', out, '--rootDir', ROOT, '--declaration', 'false'], { cwd: ROOT, encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    fs.rmSync(out, { recursive: true, force: true });
    throw new Error(`compiling lib/ failed: ${r.stdout}${r.stderr}`);
  }
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(out, 'package.json'));
  return { main: path.join(out, 'lib', 'cli', 'main.js'), remove: () => fs.rmSync(out, { recursive: true, force: true }) };
}

/** What one run gave. */
export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** How to run the command. */
export interface CliRunOptions {
  /** The working folder (where cdk8s.yaml is looked for). */
  readonly cwd: string;
  /** More environment on top of PATH, HOME, TMPDIR and NODE_PATH. */
  readonly env?: NodeJS.ProcessEnv;
}

function baseEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? os.tmpdir(),
    TMPDIR: os.tmpdir(),
    NODE_PATH: path.join(ROOT, 'node_modules'),
    ...extra,
  };
}

/**
 * Runs `node MAIN ARGS...` asynchronously (a registry's token server may live in this very process, and must keep
 * answering while the command runs).
 */
export function runCompiledCli(cli: CompiledCli, args: readonly string[], options: CliRunOptions): Promise<CliRun> {
  return runChild(process.execPath, [cli.main, ...args], options.cwd, baseEnv(options.env));
}

/**
 * Runs the command on a pseudo-terminal of `columns` columns, through `script`: stdout is then a TTY, as in a
 * person's terminal. The terminal's line ends (`\r\n`) are given back as `\n`; stdout and stderr arrive together.
 */
export async function runCompiledCliOnTty(cli: CompiledCli, args: readonly string[], options: CliRunOptions & { readonly columns: number }):
Promise<CliRun> {
  const quote = (s: string): string => `'${s.replace(/'/g, '\'\\\'\'')}'`;
  const command = `stty cols ${options.columns} rows 50; exec ${[process.execPath, cli.main, ...args].map(quote).join(' ')}`;
  const run = await runChild('script', ['--quiet', '--return', '--command', command, '/dev/null'], options.cwd,
    baseEnv({ TERM: 'xterm', ...options.env }));
  return { ...run, stdout: run.stdout.replace(/\r\n/g, '\n') };
}

function runChild(program: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      if (child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ status: null, stdout, stderr: `${stderr}could not run ${program}: ${e.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ status: code, stdout, stderr });
    });
  });
}
