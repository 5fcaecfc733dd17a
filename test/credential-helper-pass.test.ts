/**
 * readDockerConfigFile against a real credential helper: Debian's docker-credential-pass (package
 * golang-docker-credential-helpers), backed by `pass` and gpg in a throwaway GNUPGHOME with a passphrase-less key.
 */
import { execFileSync } from 'child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDockerConfigJson } from '../lib/docker-config-json';
import { readDockerConfigFile } from '../lib/docker-config-file';

const HELPER = '/usr/bin/docker-credential-pass';
const TOOLS = [HELPER, '/usr/bin/pass', '/usr/bin/gpg', '/usr/bin/gpgconf'];

// fake credentials only
const STORED = [
  { ServerURL: '127.0.0.1:5000', Username: 'u', Secret: 'p' },
  { ServerURL: 'ghcr.io', Username: 'gh-user', Secret: 'fake:pässword<&>' },
  { ServerURL: 'token.example.com', Username: '<token>', Secret: 'fake-identity-token' },
];

let dir: string | undefined;
let env: Record<string, string>;
let configPath: string;

function run(program: string, args: string[], input?: string): string {
  return execFileSync(program, args, { env, input, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', stdio: 'pipe' });
}

beforeAll(() => {
  const missing = TOOLS.filter((t) => !existsSync(t));
  if (missing.length > 0) {
    // CI installs them; a silent skip would hide that the real helper was never tried
    throw new Error(`missing ${missing.join(', ')}: install the Debian packages golang-docker-credential-helpers, pass and gnupg`);
  }
  dir = mkdtempSync(join(tmpdir(), 'cred-pass-'));
  const gnupgHome = join(dir, 'gnupg');
  mkdirSync(gnupgHome, { mode: 0o700 });
  env = { GNUPGHOME: gnupgHome, PASSWORD_STORE_DIR: join(dir, 'store'), PATH: '/usr/bin:/bin', HOME: dir };
  run('gpg', ['--batch', '--passphrase', '', '--quick-gen-key', 'test <test@example.invalid>', 'default', 'default', 'never']);
  const fingerprint = run('gpg', ['--batch', '--with-colons', '--list-secret-keys']).split('\n').find((l) => l.startsWith('fpr:'))?.split(':')[9];
  if (!fingerprint) throw new Error('gpg created no key in the throwaway GNUPGHOME');
  run('pass', ['init', fingerprint]);
  for (const creds of STORED) run(HELPER, ['store'], JSON.stringify(creds));
  configPath = join(dir, 'config.json');
  // as 'docker login' writes it with a credential store: empty entries under auths, the secrets in the store
  writeFileSync(configPath, JSON.stringify({ auths: { '127.0.0.1:5000': {}, 'ghcr.io': { email: 'gh@example.org' } }, credsStore: 'pass' }));
});

afterAll(() => {
  if (dir === undefined) return;
  try {
    run('gpgconf', ['--kill', 'gpg-agent']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('docker-credential-pass', () => {
  it('is asked for a chosen server', () => {
    expect(readDockerConfigFile({ path: configPath, env, servers: ['127.0.0.1:5000'] })).toEqual([
      { server: '127.0.0.1:5000', username: 'u', password: 'p', email: undefined },
    ]);
  });

  it('gives the servers it lists, with the email from auths', () => {
    const messages: string[] = [];
    try {
      readDockerConfigFile({ path: configPath, env });
    } catch (e) {
      messages.push((e as Error).message);
    }
    // the store also holds an identity token, which must fail the whole read
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatch(/server 'token\.example\.com': 'docker-credential-pass' holds an identity token \(username '<token>'\), /);
    expect(messages[0]).toMatch(/which the kubelet ignores/);
    expect(messages[0]).not.toContain('fake-identity-token');

    const entries = readDockerConfigFile({ path: configPath, env, servers: ['ghcr.io', '127.0.0.1:5000'] });
    expect(entries).toEqual([
      { server: '127.0.0.1:5000', username: 'u', password: 'p', email: undefined },
      { server: 'ghcr.io', username: 'gh-user', password: 'fake:pässword<&>', email: 'gh@example.org' },
    ]);
    expect(JSON.parse(encodeDockerConfigJson(entries)).auths['ghcr.io'].auth).toBe(Buffer.from('gh-user:fake:pässword<&>').toString('base64'));
  });

  it('fails when it has no credentials for the server', () => {
    // docker-credential-pass 0.6.4 answers a missing server with empty fields and exit code 0, later versions with 'not found'
    expect(() => readDockerConfigFile({ path: configPath, env, servers: ['quay.io'] }))
      .toThrow(/has no credentials for server 'quay\.io': 'docker-credential-pass' \("credsStore": "pass"\) has none; /);
    expect(() => readDockerConfigFile({ path: configPath, env, servers: ['quay.io'] }))
      .toThrow(/\(it has '127\.0\.0\.1:5000', 'ghcr\.io', 'token\.example\.com'\)$/);
  });
});
