import { join } from 'node:path';
import { Testing } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivatePod, PrivateRegistrySecret } from '../../lib';
import { parseImageReference } from '../../lib/kubelet/image-reference';
import { keyMatchesImage, normalizeRegistryKey, upperCaseHostProblem } from '../../lib/kubelet/keyring';
import { GoProgram, buildGoProgram } from '../support/go';

// A first component with an upper-case letter is a registry host to distribution (`Foo/bar` is host `Foo`), and the
// kubelet's isDefaultRegistryMatch still holds for it (no '.' or ':'). Only where the Docker Hub key would match by that
// fallback is the image refused: a key naming the host on purpose matches by URL, and that pull is fine.
type Verdict = 'pulls with the key' | 'Docker Hub fallback: refused' | 'not covered';
const TABLE: [keys: string[], image: string, urlMatch: boolean, verdict: Verdict][] = [
  [['Foo'], 'Foo/bar:1', true, 'pulls with the key'],
  [['https://Foo'], 'Foo/bar:1', true, 'pulls with the key'],
  [['https://Foo/v2/'], 'Foo/bar:1', true, 'pulls with the key'],
  [['Foo/bar'], 'Foo/bar:1', true, 'pulls with the key'],
  [['F*'], 'Foo/bar:1', true, 'pulls with the key'],
  [['*'], 'Foo/bar:1', true, 'pulls with the key'],
  [['Foo', 'https://index.docker.io/v1/'], 'Foo/bar:1', true, 'pulls with the key'],
  [['JaneDoe'], 'JaneDoe/app@sha256:' + 'a'.repeat(64), true, 'pulls with the key'],
  [['https://index.docker.io/v1/'], 'Foo/bar:1', false, 'Docker Hub fallback: refused'],
  [['index.docker.io'], 'Foo/bar:1', false, 'Docker Hub fallback: refused'],
  [['foo', 'https://index.docker.io/v1/'], 'Foo/bar:1', false, 'Docker Hub fallback: refused'],
  [['Foo/baz', 'index.docker.io'], 'Foo/bar:1', false, 'Docker Hub fallback: refused'],
  [['foo'], 'Foo/bar:1', false, 'not covered'],
  [['FOO'], 'Foo/bar:1', false, 'not covered'],
  [['docker.io'], 'Foo/bar:1', false, 'not covered'],
  [['Foo:5000'], 'Foo/bar:1', false, 'not covered'],
  [['Foo'], 'foo/bar:1', false, 'not covered'],
  [['https://index.docker.io/v1/'], 'foo/bar:1', false, 'pulls with the key'],
];

describe('an upper-case registry host, judged by Go\'s own matcher (test/support/go-credential-provider)', () => {
  let go: GoProgram;
  beforeAll(() => { go = buildGoProgram(join(__dirname, '..', 'support', 'go-credential-provider', 'main.go')); }, 200_000);
  afterAll(() => go?.close());

  it('URLsMatch, in Go, agrees with the table\'s urlMatch column', () => {
    // the first key that normalizes: the keyring strips the scheme and '/v2/' before URLsMatch, as the spec says
    const cases = TABLE.flatMap(([keys, image]) => keys.map((key) => ({
      pattern: normalizeRegistryKey(key)!.key, image: parseImageReference(image).name,
    })));
    const answers = go.run<{ matches: boolean[] }>({ patterns: [], cases, durations: [] }).matches;
    let i = 0;
    const goColumn = TABLE.map(([keys]) => keys.map(() => answers[i++]).some((m) => m));
    expect(goColumn).toEqual(TABLE.map(([, , urlMatch]) => urlMatch));
    // and our port of it, for the same pairs
    expect(TABLE.map(([keys, image]) => keys.some((k) => keyMatchesImage(k, parseImageReference(image))))).toEqual(goColumn);
  });

  it.each(TABLE)('keys %j, image %s (urlMatch %s): %s', (keys, image, _urlMatch, verdict) => {
    const problem = upperCaseHostProblem(image, parseImageReference(image), keys);
    expect(problem !== undefined).toBe(verdict === 'Docker Hub fallback: refused');
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { server: keys[0], username: 'robot', password: 'FAKE-pw' });
    keys.slice(1).forEach((server) => secret.addRegistry({ server, username: 'robot', password: 'FAKE-pw' }));
    new PrivatePod(chart, 'pod', { containers: [{ image }], registrySecrets: [secret] });
    let message = '';
    try {
      Testing.synth(chart);
    } catch (e) {
      message = (e as Error).message;
    }
    if (verdict === 'pulls with the key') expect(message).toBe('');
    else if (verdict === 'not covered') expect(message).toMatch(/not covered|no key|matches no key|does not match/);
    else {
      expect(message).toMatch(new RegExp(`image '${image}' names the registry host 'Foo' \\(a first component with an upper-case letter is ` +
        'read as a host, not a Docker Hub user\\), and no key names that host, so the kubelet would hand the Docker Hub credentials of ' +
        '\'(https://index.docker.io/v1/|index.docker.io)\' to \'Foo\': use \'foo/bar:1\' for Docker Hub, or add the key \'Foo\' for a registry of that name'));
      expect(message).not.toContain('FAKE');
    }
  });
});
