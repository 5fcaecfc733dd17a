// Builds the Go programs of test/support with Debian's golang-go, so that tests judge our output with Go's own code.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** Debian's Go toolchain; scripts/setup.sh installs it in CI. */
const GO_PACKAGE = 'golang-go';

/** An environment in which go only compiles: its caches in our temp dir, no toolchain or module download. */
export function goEnv(dir: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, GOCACHE: join(dir, 'cache'), GOPATH: join(dir, 'gopath'), GO111MODULE: 'off',
    GOTOOLCHAIN: 'local', GOPROXY: 'off', GOFLAGS: '', CGO_ENABLED: '0',
  };
}

/** A built program in its own temp folder; `close()` removes the folder. */
export interface GoProgram {
  readonly binary: string;
  /** Feeds `request` as JSON on stdin and parses the JSON the program writes (empty environment, bounded time). */
  run<T>(request: unknown): T;
  close(): void;
}

/** Runs a built program with `input` on stdin and returns its stdout (empty environment, bounded time and output). */
export function runGo(binary: string, input: string): string {
  return execFileSync(binary, [], {
    input, encoding: 'utf8', env: {}, timeout: 60_000, killSignal: 'SIGKILL', stdio: ['pipe', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024,
  });
}

/** Builds one main.go. Fails, never skips, when Go is missing: the output must be judged by the real code. */
export function buildGoProgram(source: string, name = basename(dirname(source))): GoProgram {
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const binary = join(dir, name);
  try {
    execFileSync(process.env.GO ?? 'go', ['build', '-o', binary, source],
      { cwd: dir, env: goEnv(dir), timeout: 180_000, killSignal: 'SIGKILL', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const error = e as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new Error(error.code === 'ENOENT'
      ? `the go toolchain is missing: install the Debian package '${GO_PACKAGE}' (scripts/setup.sh --system does in CI), or set GO to a go binary`
      : `go build of ${source} failed: ${error.stderr?.toString().trim() || error.message}`);
  }
  return {
    binary, run: <T>(request: unknown) => JSON.parse(runGo(binary, JSON.stringify(request))) as T,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
