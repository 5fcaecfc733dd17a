// A registry key with `user:password@` in it, in every spelling a URL parser would not take for userinfo (a malformed
// scheme, no scheme but '//', a password with '/', '?', '#' or a bad '%' escape in it), on every surface that shows a
// key: the constructors, the manifest check's findings and warnings, the `inspect` command's text and JSON, and the
// node's image patterns. The password must not show up in any form, not even in part.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PrivateRegistrySecret, RegistryPullPolicy } from '../../lib';
import { checkManifests } from '../../lib/check/manifest-check';
import { runCli } from '../../lib/cli/run';
import { nodeImagesProvider } from '../../lib/kubelet/credential-providers';
import { displayKey, hasUserinfo } from '../../lib/kubelet/keyring';
import { expectRefused, leaksIn, redact } from './_expect';
import { fake, newChart, useTempRoot } from './_fixtures';

const temp = useTempRoot('userinfo');
const PASSWORD = fake('userinfo-pw');
// the password's middle, which a parser error about a bad escape or a cut at '/' could quote on its own
const PART = PASSWORD.slice(5, 15);
const SECRETS = [PASSWORD, PART];

/** Keys that hold the password; the host the kubelet would read from each is ghcr.io. */
const KEYS: readonly { title: string; key: string }[] = [
  { title: 'a malformed scheme', key: `https:/bob:${PASSWORD}@ghcr.io` },
  { title: 'no scheme but //', key: `//bob:${PASSWORD}@ghcr.io` },
  { title: 'a password with / and #', key: `bob:${PASSWORD.slice(0, 8)}/${PASSWORD.slice(8)}#x@ghcr.io` },
  { title: 'a password with ?', key: `https://bob:${PASSWORD}?q@ghcr.io` },
  { title: 'a bad % escape in the password', key: `bob:${PASSWORD.slice(0, 5)}%zz${PASSWORD.slice(5)}@ghcr.io` },
  { title: 'plain userinfo', key: `bob:${PASSWORD}@ghcr.io` },
];

const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

function dockerSecret(name: string, auths: Record<string, unknown>, namespace = 'apps'): any {
  return { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/dockerconfigjson', metadata: { name, namespace },
    data: { '.dockerconfigjson': b64(JSON.stringify({ auths })) } };
}

function pod(name: string, image: string, secrets: string[]): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'apps' },
    spec: { containers: [{ name: 'c', image }], ...(secrets.length ? { imagePullSecrets: secrets.map((s) => ({ name: s })) } : {}) } };
}

/** Every message of a manifest check of these objects. */
function checkMessages(objects: any[], options: Record<string, unknown> = {}): string[] {
  const r = checkManifests(objects, options, temp.dir());
  return [...r.errors.map((e) => e.message), ...r.warnings.map((w) => w.message)];
}

function expectNoLeak(texts: readonly string[]): void {
  const leaks = texts.flatMap((t) => leaksIn(t, SECRETS).map((l) => `${l} in: ${redact(t, SECRETS)}`));
  expect(leaks).toEqual([]);
}

describe('a registry key with a user name or password', () => {
  it('is recognised in every spelling, and shown without it', () => {
    for (const { key } of KEYS) {
      expect(hasUserinfo(key)).toBe(true);
      expect(leaksIn(displayKey(key), SECRETS)).toEqual([]);
      expect(displayKey(key)).toMatch(/\*\*\*@ghcr\.io$/);
    }
    expect(displayKey(`https://bob:${PASSWORD}@ghcr.io/org`)).toBe('https://***@ghcr.io/org');
    expect(hasUserinfo('ghcr.io/org')).toBe(false);
    expect(displayKey('registry.example.com:5000/v1/')).toBe('registry.example.com:5000/v1/');
  });

  for (const { title, key } of KEYS) {
    it(`is refused as a server, not shown: ${title}`, () => {
      const chart = newChart();
      expectRefused(() => new PrivateRegistrySecret(chart, 's', { server: key, username: 'bob', password: fake('pw') }),
        { names: /'server'/, secrets: SECRETS, says: [/user name or password/], scope: chart });
      expectRefused(() => new RegistryPullPolicy(chart, 'p', { registries: [{ server: key, username: 'bob', password: fake('pw') }] }),
        { names: /'registries\[0\]\.server'/, secrets: SECRETS, says: [/user name or password/], scope: chart });
    });

    it(`never reaches a finding or warning of the manifest check: ${title}`, () => {
      const objects = [
        dockerSecret('regcred', { [key]: { auth: '!!!' } }),
        dockerSecret('other', { [key]: { username: 'bob', password: 'FAKE-x', auth: b64('bob:FAKE-x') } }),
        pod('covered-by-bad', 'ghcr.io/org/app:1', ['regcred']),
        pod('uncovered', 'ghcr.io:5000/org/app:1', ['other']),
        pod('no-secrets', 'ghcr.io/org/app:1', []),
      ];
      const messages = checkMessages(objects);
      expect(messages.length).toBeGreaterThanOrEqual(3);
      expect(messages.join('\n')).toMatch(/\*\*\*@ghcr\.io/);
      expectNoLeak(messages);
    });

    it(`never reaches inspect's text or JSON: ${title}`, async () => {
      const dir = temp.sub('inspect');
      const objects = [dockerSecret('regcred', { [key]: { username: 'bob', password: 'FAKE-x', auth: b64('bob:FAKE-x') } }),
        dockerSecret('broken', { [key]: { auth: '!!!' } }), pod('p', 'ghcr.io/org/app:1', ['regcred']), pod('q', 'quay.io/org/app:1', ['regcred'])];
      fs.writeFileSync(path.join(dir, 'out.k8s.yaml'), objects.map((o) => JSON.stringify(o)).join('\n---\n'));
      for (const json of [false, true]) {
        const lines: string[] = [];
        const out = { write: (t: string) => lines.push(t), color: false, width: 80 };
        const status = await runCli(['inspect', ...(json ? ['--json'] : []), dir], { out, err: (l) => lines.push(l), env: {}, cwd: dir });
        expect(status).toBe(1);
        expect(lines.join('')).toMatch(/\*\*\*@ghcr\.io/);
        expectNoLeak(lines);
      }
    });

    it(`is not echoed by a node image pattern: ${title}`, () => {
      const pattern = key.startsWith('https:/') || key.startsWith('//') ? key : `https://${key}`;
      expectRefused(() => nodeImagesProvider([pattern], 'NodePullConfig \'n\''), { names: /'nodeImages\[0\]'/, secrets: SECRETS });
    });
  }
});
