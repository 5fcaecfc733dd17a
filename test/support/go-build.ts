// Builds one of the Go programs under test/support with Debian's golang-go, offline, into a temp folder.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { goEnv } from './go-template';

/** A built program: `run` feeds it JSON and parses its JSON answer; `close()` removes its folder. */
export interface GoProgram {
  run<T>(request: unknown): T;
  close(): void;
}

/**
 * Builds `source`: a main.go in GOPATH mode (standard library only), or a folder with a go.mod in module mode (its
 * dependencies are local `replace`s). Fails, never skips, when Go is missing: these answers must come from Go.
 */
export function buildGoProgram(source: string): GoProgram {
  const dir = mkdtempSync(join(tmpdir(), `${basename(source).replace(/\.go$/, '')}-`));
  const binary = join(dir, 'program');
  const module = statSync(source).isDirectory();
  try {
    execFileSync(process.env.GO ?? 'go', ['build', '-o', binary, module ? '.' : source], {
      cwd: module ? source : dir, env: { ...goEnv(dir), GO111MODULE: module ? 'on' : 'off' }, timeout: 180_000, killSignal: 'SIGKILL',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    const error = e as NodeJS.ErrnoException & { stderr?: Buffer };
    throw new Error(error.code === 'ENOENT'
      ? 'the go toolchain is missing: install the Debian package \'golang-go\' (scripts/setup.sh --system does in CI), or set GO to a go binary'
      : `go build of ${source} failed: ${error.stderr?.toString().trim() || error.message}`);
  }
  return {
    run: <T>(request: unknown) => JSON.parse(execFileSync(binary, [], {
      input: JSON.stringify(request), encoding: 'utf8', env: {}, timeout: 60_000, killSignal: 'SIGKILL', stdio: ['pipe', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    })) as T,
    close: () => rmSync(dir, { recursive: true, force: true }),
  };
}
