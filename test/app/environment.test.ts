import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppEnvironmentVariables } from '../../app/environment';
import { EXAMPLE_CREDENTIALS } from '../../app/private-registry-chart';
import { SealingKeys, createSealingKeys } from '../support/sealed-secrets';

const FAKE = 'FAKE-pw-never-printed';

describe('AppEnvironmentVariables.read', () => {
  it('uses the seed example credentials and says so when no REGISTRY_* variable is set', () => {
    const { chartProps, notice } = AppEnvironmentVariables.read({ IMAGE: 'janedoe/other:1' });
    expect(chartProps.credentials).toEqual(EXAMPLE_CREDENTIALS);
    expect(EXAMPLE_CREDENTIALS).toEqual({ server: 'https://index.docker.io/v1/', username: 'janedoe', password: 'xxxxxxxxxxx', email: 'jdoe@example.com' });
    expect(notice).toMatch(/using the example credentials/);
    expect(notice).not.toContain('xxxxxxxxxxx');
    expect(chartProps.image).toBe('janedoe/other:1');
  });

  it('fails when IMAGE is not covered by the registries, naming IMAGE and REGISTRY_SERVER', () => {
    expect(() => AppEnvironmentVariables.read({ IMAGE: 'ghcr.io/x/y:1' })).toThrow(new RegExp('^environment variable IMAGE \'ghcr.io/x/y:1\' ' +
      "\\(repository 'ghcr.io/x/y'\\) is not covered by the Docker Hub default .* set IMAGE to an image on one of those servers, " +
      "or REGISTRY_SERVER to 'ghcr.io'"));
  });

  it('takes every variable', () => {
    const { chartProps, notice } = AppEnvironmentVariables.read({
      REGISTRY_SERVER: 'ghcr.io', REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: FAKE, REGISTRY_EMAIL: 'jane@example.com',
      IMAGE: 'ghcr.io/jane/app:v2', SECRET_NAME: 'ghcr-cred', POD_NAME: 'app', NAMESPACE: 'team-a',
    });
    expect(notice).toBeUndefined();
    expect(chartProps).toEqual({
      credentials: { server: 'ghcr.io', username: 'jane', password: FAKE, email: 'jane@example.com' },
      image: 'ghcr.io/jane/app:v2', secretName: 'ghcr-cred', podName: 'app', namespace: 'team-a',
    });
  });

  it('treats an empty variable as unset', () => {
    const { chartProps, notice } = AppEnvironmentVariables.read({ REGISTRY_SERVER: '', NAMESPACE: '' });
    expect(notice).toBeDefined();
    expect(chartProps.namespace).toBeUndefined();
  });

  it.each([
    ['the password is missing', { REGISTRY_USERNAME: 'jane' }, /REGISTRY_PASSWORD is not set, but REGISTRY_USERNAME is/],
    ['the username is missing', { REGISTRY_PASSWORD: FAKE }, /REGISTRY_USERNAME is not set, but REGISTRY_PASSWORD is/],
    ['only the server is set', { REGISTRY_SERVER: 'ghcr.io' }, /REGISTRY_USERNAME is not set, but REGISTRY_SERVER is/],
    ['the email and server are set', { REGISTRY_SERVER: 'ghcr.io', REGISTRY_EMAIL: 'a@b.c' }, /REGISTRY_USERNAME is not set, but REGISTRY_SERVER, REGISTRY_EMAIL are/],
  ])('fails when %s, naming the missing variable', (_t, env, expected) => {
    expect(() => AppEnvironmentVariables.read(env)).toThrow(expected);
    try {
      AppEnvironmentVariables.read(env);
    } catch (e) {
      expect((e as Error).message).not.toContain(FAKE);
    }
  });
});

describe('AppEnvironmentVariables.read over the 1 MiB limit on a Secret\'s data', () => {
  it.each(['REGISTRY_USERNAME', 'REGISTRY_PASSWORD', 'REGISTRY_EMAIL'])('fails when %s is 1 MiB, naming that variable', (name) => {
    const huge = `FAKE-${name}-`.padEnd(1024 * 1024, 'x');
    const env = { REGISTRY_USERNAME: 'robot', REGISTRY_PASSWORD: FAKE, REGISTRY_EMAIL: 'robot@example.com', [name]: huge };
    let message = '';
    try {
      AppEnvironmentVariables.read(env);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(new RegExp('^environment variables REGISTRY_\\*: the .dockerconfigjson payload would be [\\d,]+ bytes, over the ' +
      `1,048,576-byte limit .*; the largest field is environment variable ${name} \\(1,048,576 bytes, value not shown\\), and registry ` +
      'credentials take a few kilobytes at most: check that value$'));
    expect(message).not.toContain('FAKE');
  });
});

describe('AppEnvironmentVariables.read with DOCKER_CONFIG, REGISTRY_SERVERS and SEALED_SECRETS_CERT', () => {
  let dockerDir: string;
  let keys: SealingKeys;
  const auth = (u: string, p: string): string => Buffer.from(`${u}:${p}`).toString('base64');

  beforeAll(() => {
    dockerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'app-docker-'));
    fs.writeFileSync(path.join(dockerDir, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: auth('jane', FAKE) },
      'quay.io': { auth: auth('q', FAKE) } } }));
    keys = createSealingKeys();
  });

  afterAll(() => {
    fs.rmSync(dockerDir, { recursive: true, force: true });
    keys?.close();
  });

  it('takes every registry of $DOCKER_CONFIG/config.json, and no notice', () => {
    const { chartProps, notice } = AppEnvironmentVariables.read({ DOCKER_CONFIG: dockerDir, IMAGE: 'ghcr.io/jane/app:1' });
    expect(notice).toBeUndefined();
    expect(chartProps.credentials.dockerConfig?.servers).toEqual(['ghcr.io', 'quay.io']);
    expect(chartProps.credentials.username).toBeUndefined();
  });

  it('takes the subset REGISTRY_SERVERS names', () => {
    const { chartProps } = AppEnvironmentVariables.read({ DOCKER_CONFIG: dockerDir, REGISTRY_SERVERS: ' quay.io ', IMAGE: 'quay.io/q/app:1' });
    expect(chartProps.credentials.dockerConfig?.servers).toEqual(['quay.io']);
  });

  it('fails when REGISTRY_SERVERS names a server the config does not have, naming the file and the server', () => {
    expect(() => AppEnvironmentVariables.read({ DOCKER_CONFIG: dockerDir, REGISTRY_SERVERS: 'docker.io' }))
      .toThrow(new RegExp(`${path.join(dockerDir, 'config.json')}.*docker\\.io`));
  });

  it('fails when REGISTRY_SERVERS is set without DOCKER_CONFIG', () => {
    expect(() => AppEnvironmentVariables.read({ REGISTRY_SERVERS: 'ghcr.io' })).toThrow(/REGISTRY_SERVERS .* but DOCKER_CONFIG is not set/);
  });

  it('fails when DOCKER_CONFIG names a folder without config.json', () => {
    expect(() => AppEnvironmentVariables.read({ DOCKER_CONFIG: path.join(dockerDir, 'nope') })).toThrow(/^environment variable DOCKER_CONFIG '.*nope' names no folder that can be read/);
  });

  it('reads SEALED_SECRETS_CERT', () => {
    const { chartProps } = AppEnvironmentVariables.read({ SEALED_SECRETS_CERT: keys.certPath, NAMESPACE: 'apps' });
    expect(chartProps.namespace).toBe('apps');
    expect(chartProps.sealingCertificate?.source).toBe(`certificate file '${keys.certPath}'`);
  });

  it('reads SEALED_SECRETS_STABILITY_KEY with SEALED_SECRETS_CERT', () => {
    const key = randomBytes(32).toString('hex');
    const { chartProps } = AppEnvironmentVariables.read({ SEALED_SECRETS_CERT: keys.certPath, NAMESPACE: 'apps', SEALED_SECRETS_STABILITY_KEY: key });
    expect(chartProps.stabilityKey === key).toBe(true);
  });

  it('fails when SEALED_SECRETS_STABILITY_KEY is too short, naming it without quoting it', () => {
    const short = randomBytes(31).toString('hex');
    let message = '';
    try {
      AppEnvironmentVariables.read({ SEALED_SECRETS_CERT: keys.certPath, NAMESPACE: 'apps', SEALED_SECRETS_STABILITY_KEY: short });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/^environment variable SEALED_SECRETS_STABILITY_KEY is too short: 62 hex digits \(31 bytes\), expected/);
    expect(message).not.toContain(short);
  });

  it('fails when SEALED_SECRETS_STABILITY_KEY is set without SEALED_SECRETS_CERT', () => {
    expect(() => AppEnvironmentVariables.read({ SEALED_SECRETS_STABILITY_KEY: randomBytes(32).toString('hex') }))
      .toThrow(/^environment variable SEALED_SECRETS_STABILITY_KEY is set, but SEALED_SECRETS_CERT is not; .* or unset SEALED_SECRETS_STABILITY_KEY$/);
  });

  it('fails when SEALED_SECRETS_CERT is set without NAMESPACE', () => {
    expect(() => AppEnvironmentVariables.read({ SEALED_SECRETS_CERT: keys.certPath })).toThrow(/NAMESPACE is not set, but SEALED_SECRETS_CERT is/);
  });
});
