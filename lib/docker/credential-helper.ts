/**
 * Runs docker credential helpers (`docker-credential-NAME get|list`) with docker's protocol, synchronously because
 * constructs are built synchronously. Pure logic apart from the child process: no constructs.
 *
 * A helper's own output never reaches a message: on success it is a secret, and on failure its text (which helpers
 * print on stdout, not stderr) may echo one back, so we report the exit code and tell the user how to see it.
 *
 * @see https://github.com/docker/docker-credential-helpers
 */
import { spawnSync } from 'child_process';
import { accessSync, constants, statSync } from 'fs';
import { delimiter, join } from 'path';

/** How to run helpers. @internal */
export interface HelperRunOptions {
  /** The environment of the helper; its PATH is where the program is looked up. */
  readonly env: Record<string, string | undefined>;
  /** Time allowed per call; the helper is killed with SIGKILL, by its PID, when it runs over. */
  readonly timeoutMs: number;
}

/** One helper, and where the docker config names it (for messages). @internal */
export interface HelperRef {
  /** The NAME in `docker-credential-NAME`. */
  readonly name: string;
  /** The config key that chose it: `"credsStore"` or `credHelpers["ghcr.io"]`. */
  readonly configKey: string;
}

/** What `get` returned: the helper's username and secret. @internal */
export interface HelperCredentials {
  readonly username: string;
  readonly secret: string;
}

/** The username a helper returns when the secret is an identity token rather than a password. @internal */
export const IDENTITY_TOKEN_USERNAME = '<token>';

// docker-credential-helpers prints exactly 'credentials not found in native keychain'; other helpers word it
// slightly differently, so any output that says 'credentials not found' counts (it is only matched, never shown).
const NOT_FOUND = /credentials not found/i;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/** The program that runs helper NAME. @internal */
export function helperProgram(name: string): string {
  return `docker-credential-${name}`;
}

/**
 * `docker-credential-NAME get` for one server: undefined when the helper has no credentials for it.
 *
 * @param where names the config file and server in messages
 */
export function helperGet(helper: HelperRef, server: string, run: HelperRunOptions, where: string): HelperCredentials | undefined {
  const result = runHelper(helper, 'get', server, run, where);
  if (result.notFound) return undefined;
  const parsed = parseJsonObject(result.stdout);
  const username = parsed?.Username;
  const secret = parsed?.Secret;
  if (parsed === undefined || typeof username !== 'string' || typeof secret !== 'string') {
    throw new Error(`${where}: '${helperProgram(helper.name)} get' printed something other than the json ` +
      '{"ServerURL","Username","Secret"} (left out, it may hold a secret); check the helper\'s version, or run it by hand with the server on stdin');
  }
  // docker-credential-pass before 0.7 (Debian 12 ships 0.6.4) answers a missing server with empty fields and exit code 0
  if (username === '' && secret === '') return undefined;
  return { username, secret };
}

/** `docker-credential-NAME list`: the servers the helper holds credentials for. */
export function helperList(helper: HelperRef, run: HelperRunOptions, where: string): string[] {
  const result = runHelper(helper, 'list', '', run, where);
  if (result.notFound) return [];
  const parsed = parseJsonObject(result.stdout);
  if (parsed === undefined) {
    throw new Error(`${where}: '${helperProgram(helper.name)} list' printed something other than a json object {SERVER: USERNAME}; ` +
      'check the helper\'s version, or run it by hand');
  }
  return Object.keys(parsed);
}

interface HelperResult {
  readonly stdout: string;
  readonly notFound: boolean;
}

function runHelper(helper: HelperRef, action: string, input: string, run: HelperRunOptions, where: string): HelperResult {
  const program = helperProgram(helper.name);
  const command = `'${program} ${action}'`;
  const notExecutableError = (): Error =>
    new Error(`${where}: the credential helper program '${program}' is not executable; fix its permissions (chmod +x)`);
  const { path, notExecutable } = findOnPath(program, run.env.PATH);
  if (path === undefined) {
    if (notExecutable !== undefined) {
      throw new Error(`${where}: the credential helper program '${program}' (named by ${helper.configKey}) was not found on PATH as an ` +
        `executable file; '${notExecutable}' is not executable: fix its permissions (chmod +x), or install '${program}'`);
    }
    throw new Error(`${where}: the credential helper program '${program}' (named by ${helper.configKey}) was not found on PATH; ` +
      `install '${program}'${helper.name === 'pass' ? ' (Debian package golang-docker-credential-helpers)' : ''}, ` +
      `or remove ${helper.configKey} from the docker config and log in again`);
  }
  // setsid makes the helper the leader of a process group of its own (same PID, since it is not one already), so that
  // a time-out kills whatever it started too, not only the helper: spawnSync alone kills just the PID it started
  const useSetsid = SETSID !== undefined;
  const result = spawnSync(useSetsid ? SETSID : path, useSetsid ? [path, action] : [action], {
    input,
    env: run.env,
    timeout: run.timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_OUTPUT_BYTES,
    encoding: 'utf8',
    stdio: 'pipe',
    windowsHide: true,
  });
  if (useSetsid && result.pid && (result.error || result.signal)) killGroup(result.pid);
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === 'ETIMEDOUT') {
      throw new Error(`${where}: ${command} did not answer within ${run.timeoutMs} ms and was killed with what it started; ` +
        'make sure it cannot wait for input (a locked keychain, a gpg passphrase prompt without a tty), or raise \'helperTimeout\'');
    }
    if (code === 'EACCES') throw notExecutableError();
    if (code === 'ENOBUFS') {
      throw new Error(`${where}: ${command} printed more than ${MAX_OUTPUT_BYTES} bytes and was stopped; check the helper`);
    }
    throw new Error(`${where}: could not run ${command} (${code ?? 'unknown error'}); check that '${program}' works on its own`);
  }
  if (result.status === 0) return { stdout: result.stdout, notFound: false };
  if (NOT_FOUND.test(result.stdout) || NOT_FOUND.test(result.stderr)) return { stdout: '', notFound: true };
  // setsid runs the helper itself, and exits 126 when it cannot
  if (useSetsid && result.status === 126) throw notExecutableError();
  const how = result.status === null ? `was killed by ${result.signal}` : `exited with code ${result.status}`;
  throw new Error(`${where}: ${command} ${how} (its output is left out, it may hold a secret); ` +
    `run '${program} ${action}' by hand${action === 'get' ? ' with the server on stdin' : ''} to see why, then fix the helper or log in again`);
}

// util-linux' setsid, where there is one (every Linux machine the kubelet runs on has it; elsewhere helpers run plainly)
const SETSID = ['/usr/bin/setsid', '/bin/setsid'].find((p) => isExecutable(p));

/**
 * The program's path on PATH as docker finds it (Go's exec.LookPath): the first regular file this user may execute,
 * so that a directory or a file without execute permission earlier on PATH does not hide a working helper. Without
 * one, the first non-executable file of that name, for the message.
 */
function findOnPath(program: string, pathVar: string | undefined): { path?: string; notExecutable?: string } {
  let notExecutable: string | undefined;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    // LookPath reads an empty entry as '.', and since Go 1.19 refuses what it finds there (exec.ErrDot)
    if (dir === '') continue;
    const candidate = join(dir, program);
    let isFile: boolean;
    try {
      isFile = statSync(candidate).isFile();
    } catch {
      continue;
    }
    if (!isFile) continue;
    if (isExecutable(candidate)) return { path: candidate };
    notExecutable ??= candidate;
  }
  return { notExecutable };
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** SIGKILL to every process left in the helper's group; the group is gone already when it started nothing. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // ESRCH: nothing left
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through: the caller reports it without the text
  }
  return undefined;
}
