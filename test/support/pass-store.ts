// A throwaway password store for Debian's docker-credential-pass: gpg with a passphrase-less key in a temporary
// GNUPGHOME, `pass init` in a temporary PASSWORD_STORE_DIR. Nothing touches the user's own keys or store.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const PASS_HELPER = '/usr/bin/docker-credential-pass';
const TOOLS = [PASS_HELPER, '/usr/bin/pass', '/usr/bin/gpg', '/usr/bin/gpgconf'];

/** A running throwaway store. */
export interface PassStore {
  /** The temporary folder that holds everything. */
  readonly dir: string;
  /** The environment the helper, pass and gpg need (GNUPGHOME, PASSWORD_STORE_DIR, PATH, HOME). */
  readonly env: Record<string, string>;
  /** Stores credentials through the helper, as `docker login` does with `credsStore: pass`. */
  store(server: string, username: string, secret: string): void;
  /** Stops gpg-agent and removes the folder. */
  close(): void;
}

/** Creates a store; fails (never skips) when the Debian packages are missing, since CI installs them. */
export function createPassStore(): PassStore {
  const missing = TOOLS.filter((t) => !existsSync(t));
  if (missing.length > 0) {
    throw new Error(`missing ${missing.join(', ')}: install the Debian packages golang-docker-credential-helpers, pass and gnupg`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'cred-pass-'));
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
  const env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: join(dir, 'store'), PATH: '/usr/bin:/bin', HOME: dir };
  const run = (program: string, args: string[], input?: string): string =>
    execFileSync(program, args, { env, input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', stdio: 'pipe' });
  try {
    run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'test <test@example.invalid>', 'default', 'default', 'never']);
    const fingerprint = run('gpg', ['--batch', '--with-colons', '--list-secret-keys']).split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9];
    if (!fingerprint) throw new Error('gpg created no key in the throwaway GNUPGHOME');
    run('pass', ['init', fingerprint]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    dir,
    env,
    store: (server, username, secret) => {
      run(PASS_HELPER, ['store'], JSON.stringify({ ServerURL: server, Username: username, Secret: secret }));
    },
    close: () => {
      try {
        run('gpgconf', ['--kill', 'gpg-agent']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
