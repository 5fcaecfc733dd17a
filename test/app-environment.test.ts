import { describe, expect, it } from 'vitest';
import { AppEnvironmentVariables, EXAMPLE_CREDENTIALS } from '../lib';

const FAKE = 'FAKE-pw-never-printed';

describe('AppEnvironmentVariables.read', () => {
  it('uses the seed example credentials and says so when no REGISTRY_* variable is set', () => {
    const { chartProps, notice } = AppEnvironmentVariables.read({ IMAGE: 'ghcr.io/x/y:1' });
    expect(chartProps.credentials).toEqual(EXAMPLE_CREDENTIALS);
    expect(EXAMPLE_CREDENTIALS).toEqual({ server: 'https://index.docker.io/v1/', username: 'janedoe', password: 'xxxxxxxxxxx', email: 'jdoe@example.com' });
    expect(notice).toMatch(/using the example credentials/);
    expect(notice).not.toContain('xxxxxxxxxxx');
    expect(chartProps.image).toBe('ghcr.io/x/y:1');
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
