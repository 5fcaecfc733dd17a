import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { authfileJson, pushTinyImage, RunningRegistry, skopeoInspect, startRegistry, wrongPassword } from '../support/registry';

// Proves the harness itself with hand-written authfiles, so that pull.test.ts can trust it as a judge.
describe('real registry harness', () => {
  let registry: RunningRegistry;
  let digest: string;
  let dir: string;
  let image: string;

  beforeAll(async () => {
    registry = await startRegistry();
    digest = pushTinyImage(registry, 'harness/tiny', 'v1');
    image = `${registry.host}/harness/tiny:v1`;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'harness-test-'));
  });

  afterAll(async () => {
    await registry?.stop();
    if (dir) {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  function authfile(name: string, content: string): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content, { mode: 0o600 });
    return file;
  }

  test('the registry listens on 127.0.0.1 and the push reports a sha256 digest', () => {
    expect(registry.host).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  test('fails with no credentials at all: the registry requires auth', () => {
    const result = skopeoInspect(image);
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized|authentication required/i);
  });

  test('an authfile with the right credentials lets skopeo inspect the pushed image', () => {
    const result = skopeoInspect(image, authfile('right.json', authfileJson(registry.host, registry.username, registry.password)));
    expect(result.stderr).not.toMatch(/unauthorized/i);
    expect(result.ok).toBe(true);
    expect(result.digest).toBe(digest);
    expect(result.tags).toEqual(['v1']);
  });

  test('fails with a wrong password', () => {
    const wrong = authfileJson(registry.host, registry.username, wrongPassword(registry.password));
    const result = skopeoInspect(image, authfile('wrong.json', wrong));
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test('fails with a wrong user name', () => {
    const result = skopeoInspect(image, authfile('user.json', authfileJson(registry.host, 'someone-else', registry.password)));
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test('fails with the right credentials filed under another host', () => {
    const result = skopeoInspect(image, authfile('other.json', authfileJson('127.0.0.1:1', registry.username, registry.password)));
    expect(result.ok).toBe(false);
    expect(result.stderr).toMatch(/401|unauthorized/i);
  });

  test('a stopped registry leaves no process behind', async () => {
    const other = await startRegistry();
    await other.stop();
    expect(() => process.kill(other.pid, 0)).toThrow();
  });
});
