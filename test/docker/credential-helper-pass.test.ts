/**
 * readDockerConfigFile against a real credential helper: Debian's docker-credential-pass (package
 * golang-docker-credential-helpers), backed by `pass` and gpg in a throwaway GNUPGHOME with a passphrase-less key.
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDockerConfigJson } from '../../lib/docker/payload';
import { readDockerConfigFile } from '../../lib/docker/config-reader';
import { PassStore, createPassStore } from '../support/pass-store';

// fake credentials only
const STORED = [
  { ServerURL: '127.0.0.1:5000', Username: 'u', Secret: 'p' },
  { ServerURL: 'ghcr.io', Username: 'gh-user', Secret: 'fake:pässword<&>' },
  { ServerURL: 'token.example.com', Username: '<token>', Secret: 'fake-identity-token' },
];

let pass: PassStore | undefined;
let env: Record<string, string>;
let configPath: string;

beforeAll(() => {
  pass = createPassStore();
  env = pass.env;
  for (const creds of STORED) pass.store(creds.ServerURL, creds.Username, creds.Secret);
  configPath = join(pass.dir, 'config.json');
  // as 'docker login' writes it with a credential store: empty entries under auths, the secrets in the store
  writeFileSync(configPath, JSON.stringify({ auths: { '127.0.0.1:5000': {}, 'ghcr.io': { email: 'gh@example.org' } }, credsStore: 'pass' }));
});

afterAll(() => pass?.close());

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
