import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseImageReference } from '../../lib/kubelet/image-reference';
import {
  findNearMisses, hasMatchingKey, keyMatchesImage, matchingKeys, NearMissKind, normalizeRegistryKey, registryKeyError,
} from '../../lib/kubelet/keyring';

const image = parseImageReference;

/** What the kubelet would do with one pull secret holding only `key`: matched directly, by fallback, or not at all. */
function uses(key: string, target: string): boolean {
  return matchingKeys([key], image(target)).length > 0;
}

// Expected values below are worked out by hand from kubernetes pkg/credentialprovider/keyring.go (Add, Lookup,
// URLsMatch, isDefaultRegistryMatch), Go's net/url Parse and net.SplitHostPort; the first table is the spec's section 4.
describe('the cases from the kubelet\'s own tests (spec section 4)', () => {
  it.each<[string, string, boolean]>([
    ['*.kubernetes.io', 'prefix.kubernetes.io/app', true],
    ['prefix.*.io', 'prefix.kubernetes.io/app', true],
    ['*-good.kubernetes.io', 'prefix-good.kubernetes.io/app', true],
    ['prefix.*.io/foo', 'prefix.kubernetes.io/foo/bar', true],
    ['*.kubernetes.io:1111/blah', 'prefix.kubernetes.io:1111/blah', true],
    ['*.kubernetes.io', 'kubernetes.io/app', false],
    ['*.*.kubernetes.io', 'prefix.kubernetes.io/app', false],
    ['k*.io', 'quay.io/app', false],
    ['*.kubernetes.io:1234/blah', 'prefix.kubernetes.io:1111/blah', false],
    ['https://quay.io/v1/', 'quay.io/foo/bar', true],
    ['bar.example.com/pong', 'bar.example.com/pongz', true],
    ['bar.example.com', 'foo.example.com/app', false],
    ['https://index.docker.io/v1/', 'jenkins', true],
    ['https://index.docker.io/v1/', 'world.mesos.org/foo/bar', false],
  ])('%s → %s: %s', (key, target, expected) => {
    expect(uses(key, target)).toBe(expected);
  });
});

describe('normalizeRegistryKey (BasicDockerKeyring.Add)', () => {
  it.each<[string, string, string, string, string]>([
    // key, normalized key, host, port, path
    ['ghcr.io', 'ghcr.io', 'ghcr.io', '', ''],
    ['https://ghcr.io', 'ghcr.io', 'ghcr.io', '', ''],
    ['http://ghcr.io', 'ghcr.io', 'ghcr.io', '', ''],
    ['https://ghcr.io/', 'ghcr.io', 'ghcr.io', '', ''],
    ['https://index.docker.io/v1/', 'index.docker.io', 'index.docker.io', '', ''],
    ['index.docker.io/v2/', 'index.docker.io', 'index.docker.io', '', ''],
    // without the trailing slash '/v1' is an ordinary path and stays
    ['https://index.docker.io/v1', 'index.docker.io/v1', 'index.docker.io', '', '/v1'],
    ['https://registry-1.docker.io/v2/', 'registry-1.docker.io', 'registry-1.docker.io', '', ''],
    ['docker.io', 'docker.io', 'docker.io', '', ''],
    // only the three characters '/v2' go, also in front of a longer path
    ['ghcr.io/v2/org', 'ghcr.io/org', 'ghcr.io', '', '/org'],
    ['ghcr.io/v3/', 'ghcr.io/v3/', 'ghcr.io', '', '/v3/'],
    ['ghcr.io/org/', 'ghcr.io/org/', 'ghcr.io', '', '/org/'],
    ['localhost:5000', 'localhost:5000', 'localhost', '5000', ''],
    ['https://localhost:5000/v2/', 'localhost:5000', 'localhost', '5000', ''],
    ['127.0.0.1:5000', '127.0.0.1:5000', '127.0.0.1', '5000', ''],
    ['[::1]:5000', '[::1]:5000', '::1', '5000', ''],
    // without a port net.SplitHostPort fails and the brackets stay part of the host
    ['[::1]', '[::1]', '[::1]', '', ''],
    ['Registry.Example.com', 'Registry.Example.com', 'Registry.Example.com', '', ''],
    // the scheme check is case-sensitive, so 'HTTPS:' becomes the host and '//ghcr.io' the path
    ['HTTPS://ghcr.io', 'HTTPS://ghcr.io', 'HTTPS', '', '//ghcr.io'],
    ['user:secret@ghcr.io', 'ghcr.io', 'ghcr.io', '', ''],
    // '?' starts the query and '#' the fragment, so a '?' glob cuts the host short
    ['us?.gcr.io', 'us', 'us', '', ''],
    ['ghcr.io/org?x=1', 'ghcr.io/org', 'ghcr.io', '', '/org'],
    ['ghcr.io#frag', 'ghcr.io', 'ghcr.io', '', ''],
    // an empty port is valid for url.Parse and SplitHostPort
    ['ghcr.io:', 'ghcr.io:', 'ghcr.io', '', ''],
    ['ghcr.io/a%2Fb', 'ghcr.io/a/b', 'ghcr.io', '', '/a/b'],
    ['*.gcr.io', '*.gcr.io', '*.gcr.io', '', ''],
  ])('%s → %s', (key, normalized, host, port, path) => {
    expect(normalizeRegistryKey(key)).toEqual({ original: key, key: normalized, host, port, path });
    expect(registryKeyError(key)).toBeUndefined();
  });

  it('is not idempotent for a doubled /v1/, like the kubelet (it normalizes once)', () => {
    expect(normalizeRegistryKey('x.io/v1/v1/')?.key).toBe('x.io/v1/');
    expect(normalizeRegistryKey('x.io/v1/')?.key).toBe('x.io');
  });

  it.each<[string, string, RegExp]>([
    ['the port is not numeric', 'ghcr.io:abc', /invalid port ':abc' after host/],
    ['the host has a space', 'my registry.com', /invalid character ' ' in host name/],
    ['the host has a caret', 'gh^cr.io', /invalid character '\^' in host name/],
    ['there are two ports', 'ghcr.io:5000:6000', /invalid port ':5000:6000' after host/],
    ['a character class starts the host', '[a-z]host.com', /invalid port 'host.com' after host/],
    ['a character class is inside the host', 'h[a-z]st.com', /'\[' is only allowed around an IPv6 address/],
    ['an IPv4 address is in brackets', '[1.2.3.4]:5000', /'\[1.2.3.4\]' is not an IPv6 address/],
    ['the bracket is not closed', '[::1', /missing '\]' in host/],
    ['the path has a bad escape', 'ghcr.io/%zz', /invalid URL escape '%zz'/],
    ['the host escapes an ASCII byte', 'ghcr%2Eio', /invalid URL escape '%2E'/],
    ['the key has a control character', 'ghcr.io\t', /control character/],
  ])('fails when %s', (_what, key, message) => {
    expect(normalizeRegistryKey(key)).toBeUndefined();
    expect(registryKeyError(key)).toMatch(new RegExp('^pull secret key \'.*\' is ignored by the kubelet: '));
    expect(() => {
      throw new Error(registryKeyError(key));
    }).toThrow(message);
  });
});

describe('matching one key against one image', () => {
  it.each<[string, string, boolean]>([
    ['ghcr.io', 'ghcr.io/org/app', true],
    ['ghcr.io', `ghcr.io/org/app@sha256:${'a'.repeat(64)}`, true],
    ['ghcr.io', 'ghcr.io/org/app:1.0', true],
    ['ghcr.io:443', 'ghcr.io/org/app', false],
    ['ghcr.io', 'ghcr.io:443/org/app', false],
    ['ghcr.io:443', 'ghcr.io:443/org/app', true],
    ['http://ghcr.io', 'ghcr.io/org/app', true],
    ['https://ghcr.io/v2/', 'ghcr.io/org/app', true],
    ['ghcr.io/v2/org', 'ghcr.io/org/app', true],
    ['ghcr.io/v2/org', 'ghcr.io/v2/org/app', false],
    ['ghcr.io:', 'ghcr.io/org/app', true],
    ['user:secret@ghcr.io', 'ghcr.io/org/app', true],
    ['HTTPS://ghcr.io', 'ghcr.io/org/app', false],
    // path-scoped keys: a plain string prefix of the path, not a path-segment prefix
    ['ghcr.io/org', 'ghcr.io/org/app', true],
    ['ghcr.io/org', 'ghcr.io/organisation/app', true],
    ['ghcr.io/org/', 'ghcr.io/org/app', true],
    ['ghcr.io/org/', 'ghcr.io/organisation/app', false],
    ['ghcr.io/other', 'ghcr.io/org/app', false],
    ['ghcr.io/org/app:1.0', 'ghcr.io/org/app', false],
    // localhost and IP addresses
    ['localhost', 'localhost/app', true],
    ['localhost:5000', 'localhost:5000/app', true],
    ['localhost', 'localhost:5000/app', false],
    ['localhost:5000', 'localhost/app', false],
    ['http://localhost:5000', 'localhost:5000/app', true],
    ['127.0.0.1:5000', '127.0.0.1:5000/app', true],
    ['127.0.0.*:5000', '127.0.0.1:5000/app', true],
    ['127.0.0.1', '127.0.0.1:5000/app', false],
    ['[::1]:5000', '[::1]:5000/app', true],
    // '[::1]' is then a one-character class pattern, which never matches the five characters '[::1]'
    ['[::1]', '[::1]/app', false],
    // globs
    ['*.gcr.io', 'us.gcr.io/p/app', true],
    ['*.gcr.io', 'gcr.io/p/app', false],
    ['us-*.pkg.dev', 'us-east1.pkg.dev/p/r/app', true],
    ['*.pkg.dev', 'us-east1.pkg.dev/p/r/app', true],
    ['*', 'localhost/app', true],
    ['*.*', 'ghcr.io/org/app', true],
    ['*.*', 'nginx', true],
    ['us?.gcr.io', 'us1.gcr.io/p/app', false],
    ['h[a-z]st.example.com', 'host.example.com/app', false],
    // upper case: the kubelet does not lower-case either side
    ['Example.com', 'Example.com/app', true],
    ['example.com', 'Example.com/app', false],
    ['Example.com', 'example.com/app', false],
    ['GHCR.io', 'ghcr.io/org/app', false],
    // Docker Hub: images normalize to docker.io; index.docker.io is only the fallback
    ['docker.io', 'nginx', true],
    ['docker.io', 'janedoe/app', true],
    ['https://docker.io', 'docker.io/janedoe/app', true],
    ['docker.io/janedoe', 'janedoe/app', true],
    ['docker.io/library', 'nginx', true],
    ['docker.io/janedoe', 'other/app', false],
    ['index.docker.io', 'nginx', true],
    ['index.docker.io', 'index.docker.io/janedoe/app', true],
    ['https://index.docker.io/v1/', 'janedoe/app', true],
    ['https://index.docker.io/v2/', 'janedoe/app', true],
    ['http://index.docker.io', 'nginx', true],
    ['https://index.docker.io/v1', 'nginx', false],
    ['index.docker.io:443', 'nginx', false],
    ['index.docker.io/janedoe', 'janedoe/app', false],
    ['registry-1.docker.io', 'nginx', false],
    ['https://registry-1.docker.io/v2/', 'nginx', false],
    ['registry-1.docker.io', 'registry-1.docker.io/library/nginx', true],
    ['docker.io', 'registry-1.docker.io/library/nginx', false],
    ['index.docker.io', 'registry-1.docker.io/library/nginx', false],
    ['hub.docker.com', 'nginx', false],
    // the fallback also covers any first component without '.' or ':'
    ['index.docker.io', 'localhost/app', true],
    ['index.docker.io', 'MyRegistry/app', true],
    ['index.docker.io', 'localhost:5000/app', false],
    ['index.docker.io', 'ghcr.io/org/app', false],
  ])('%s → %s: %s', (key, target, expected) => {
    expect(uses(key, target)).toBe(expected);
  });

  it('keyMatchesImage leaves out the Docker Hub fallback', () => {
    expect(keyMatchesImage('https://index.docker.io/v1/', image('nginx'))).toBe(false);
    expect(keyMatchesImage('docker.io', image('nginx'))).toBe(true);
    expect(keyMatchesImage('not a key', image('nginx'))).toBe(false);
  });
});

describe('matchingKeys over several keys', () => {
  it('returns every matching key, most specific (reverse sorted) first', () => {
    expect(matchingKeys(['ghcr.io', '*.io', 'ghcr.io/org', 'quay.io', 'ghcr.io/org/app'], image('ghcr.io/org/app:1')))
      .toEqual(['ghcr.io/org/app', 'ghcr.io/org', 'ghcr.io', '*.io']);
  });

  it('sorts by the normalized key, not by what was written', () => {
    expect(matchingKeys(['https://ghcr.io/v2/', 'ghcr.io/org'], image('ghcr.io/org/app'))).toEqual(['ghcr.io/org', 'https://ghcr.io/v2/']);
  });

  it('keeps input order among keys that normalize to the same entry', () => {
    expect(matchingKeys(['https://ghcr.io', 'ghcr.io', 'http://ghcr.io/', 'ghcr.io/v1/'], image('ghcr.io/org/app')))
      .toEqual(['https://ghcr.io', 'ghcr.io', 'http://ghcr.io/', 'ghcr.io/v1/']);
  });

  it('uses the fallback only when nothing else matched', () => {
    const keys = ['docker.io/janedoe', 'https://index.docker.io/v1/'];
    expect(matchingKeys(keys, image('janedoe/app'))).toEqual(['docker.io/janedoe']);
    expect(matchingKeys(keys, image('other/app'))).toEqual(['https://index.docker.io/v1/']);
    expect(matchingKeys(keys, image('ghcr.io/other/app'))).toEqual([]);
  });

  it('returns every spelling of the fallback key', () => {
    expect(matchingKeys(['index.docker.io', 'ghcr.io', 'https://index.docker.io/v1/'], image('nginx')))
      .toEqual(['index.docker.io', 'https://index.docker.io/v1/']);
  });

  it('skips unparsable keys', () => {
    expect(matchingKeys(['ghcr.io:abc', 'h[a-z]st.io', 'ghcr.io'], image('ghcr.io/org/app'))).toEqual(['ghcr.io']);
    expect(matchingKeys([], image('nginx'))).toEqual([]);
  });
});

describe('findNearMisses', () => {
  it.each([
    ['ghcr.io', 'quay.io/acme/app:1', 'another registry'],
    ['ghcr.io', 'gcr.io/acme/app:1', 'a registry of its own one letter away, but as short as one typo: gcr.io is Google\'s'],
    ['ghcr.io/acme', 'ghcr.io/other/app:1', 'another repository of the same registry (a path near miss, not a typo)'],
  ])('finds no typo of %s in %s: %s', (key, target) => {
    expect(findNearMisses([key], image(target)).filter((m) => m.kind === NearMissKind.TYPO)).toEqual([]);
  });

  it.each<[string, string, NearMissKind, RegExp]>([
    ['ghcr.io:443', 'ghcr.io/org/app', NearMissKind.PORT, /the key has port '443' and the image has no port.*use the key 'ghcr.io'$/],
    ['localhost', 'localhost:5000/app', NearMissKind.PORT, /the key has no port and the image has port '5000'/],
    ['ghcr.io/other', 'ghcr.io/org/app', NearMissKind.PATH, /the key's path '\/other' is not a prefix of the image's path '\/org\/app'/],
    ['GHCR.io', 'ghcr.io/org/app', NearMissKind.CASE, /differ in case .*use the key 'ghcr.io'$/],
    ['example.com', 'Example.com/app', NearMissKind.CASE, /did you mean 'example.com\/app'$/],
    ['registry-1.docker.io', 'nginx', NearMissKind.DOCKER_HUB, /use 'https:\/\/index.docker.io\/v1\/'$/],
    ['https://index.docker.io/v1', 'nginx', NearMissKind.DOCKER_HUB, /normalizes to 'index.docker.io\/v1'/],
    ['hub.docker.com', 'janedoe/app', NearMissKind.DOCKER_HUB, /for Docker Hub images/],
    ['index.docker.io', 'registry-1.docker.io/library/nginx', NearMissKind.DOCKER_HUB, /use the key 'registry-1.docker.io'$/],
    // a typo points at the image as it was meant, tag and all
    ['ghcr.io', 'gchr.io/acme/app:1', NearMissKind.TYPO, /: did you mean 'ghcr.io\/acme\/app:1'$/],
    ['registry.example.com:5000', 'registry.exmaple.com:5000/team/svc@sha256:' + 'a'.repeat(64), NearMissKind.TYPO,
      /did you mean 'registry.example.com:5000\/team\/svc@sha256:a{64}'$/],
    ['ghcr.io/acme', 'ghcr.io/acne/app:1', NearMissKind.TYPO, /did you mean 'ghcr.io\/acme\/app:1'$/],
  ])('%s for %s is a %s near miss', (key, target, kind, hint) => {
    const misses = findNearMisses([key], image(target));
    expect(misses.map((m) => [m.key, m.kind])).toEqual([[key, kind]]);
    expect(misses[0].hint).toMatch(new RegExp(`^pull secret key '${key.replace(/[.*?[\]\\/]/g, '\\$&')}' does not match image '`));
    expect(misses[0].hint).toMatch(hint);
  });

  it('leaves out keys that match, the fallback key, unrelated keys and unparsable keys', () => {
    expect(findNearMisses(['ghcr.io', 'quay.io', 'ghcr.io:abc'], image('ghcr.io/org/app'))).toEqual([]);
    expect(findNearMisses(['https://index.docker.io/v1/'], image('nginx'))).toEqual([]);
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,6}[a-zA-Z0-9])?$/);
const hostName = fc.oneof(
  fc.array(label, { minLength: 2, maxLength: 4 }).map((labels) => labels.join('.')),
  fc.constantFrom('localhost', '127.0.0.1', '10.1.2.3'),
);
const port = fc.integer({ min: 1, max: 65535 }).map(String);
const pathComponent = fc.stringMatching(/^[a-z0-9]{1,8}$/);
const imageOn = (host: string, p: string | null, path: string[]): string => `${host}${p === null ? '' : `:${p}`}/${path.join('/')}`;

describe('properties', () => {
  it('a key equal to the image\'s registry host[:port] always matches it', () => {
    fc.assert(fc.property(hostName, fc.option(port), fc.array(pathComponent, { minLength: 1, maxLength: 3 }), (host, p, path) => {
      const ref = image(imageOn(host, p, path));
      expect(matchingKeys([ref.domain], ref)).toEqual([ref.domain]);
      expect(matchingKeys([`https://${ref.domain}/v2/`], ref)).toEqual([`https://${ref.domain}/v2/`]);
    }));
  });

  it('the same host with another port (or none) never matches', () => {
    fc.assert(fc.property(hostName, fc.option(port), port, fc.array(pathComponent, { minLength: 1, maxLength: 3 }),
      (host, imagePort, keyPort, path) => {
        fc.pre(imagePort !== keyPort);
        const ref = image(imageOn(host, imagePort, path));
        expect(keyMatchesImage(`${host}:${keyPort}`, ref)).toBe(false);
        if (imagePort !== null) {
          expect(keyMatchesImage(host, ref)).toBe(false);
        }
      }));
  });

  it('a key scoped to a prefix of the image path matches, with or without scheme and /v2/', () => {
    fc.assert(fc.property(hostName, fc.array(pathComponent, { minLength: 1, maxLength: 4 }), fc.nat(), (host, path, cut) => {
      // a scope such as 'v2/x' loses its '/v2' (see 'ghcr.io/v2/org' above), so it is not a plain prefix
      fc.pre(!/^v[12]$/.test(path[0]));
      const ref = image(imageOn(host, null, path));
      const scope = path.slice(0, cut % path.length).join('/');
      const key = scope ? `${host}/${scope}` : host;
      expect(keyMatchesImage(key, ref)).toBe(true);
      expect(keyMatchesImage(`http://${key}`, ref)).toBe(true);
      expect(keyMatchesImage(`https://${host}/v2/${scope}`, ref)).toBe(true);
    }));
  });

  it('normalizing a normalized key changes nothing when its path does not start with /v1/ or /v2/', () => {
    const scheme = fc.constantFrom('', 'http://', 'https://');
    const path = fc.option(fc.array(pathComponent, { minLength: 1, maxLength: 3 }).map((p) => `/${p.join('/')}`));
    fc.assert(fc.property(scheme, hostName, fc.option(port), path, (s, host, p, keyPath) => {
      const first = normalizeRegistryKey(`${s}${host}${p === null ? '' : `:${p}`}${keyPath ?? ''}`)!;
      fc.pre(!/^\/v[12]\//.test(first.path));
      expect(normalizeRegistryKey(first.key)).toEqual({ ...first, original: first.key });
    }));
  });

  it('every returned key matches by itself, in reverse order of the normalized keys, or is the fallback', () => {
    const key = fc.oneof(
      hostName,
      fc.constantFrom('docker.io', 'https://index.docker.io/v1/', 'index.docker.io', '*.io', '*.*', 'localhost:5000', 'ghcr.io/org'),
    );
    const target = fc.oneof(
      fc.tuple(hostName, fc.option(port), fc.array(pathComponent, { minLength: 1, maxLength: 2 })).map(([h, p, path]) => imageOn(h, p, path)),
      fc.constantFrom('nginx', 'janedoe/app', 'ghcr.io/org/app', 'localhost/app'),
    );
    fc.assert(fc.property(fc.array(key, { maxLength: 6 }), target, (keys, t) => {
      const ref = image(t);
      const result = matchingKeys(keys, ref);
      const direct = result.filter((k) => keyMatchesImage(k, ref));
      if (direct.length > 0) {
        expect(direct).toEqual(result);
        const normalized = result.map((k) => normalizeRegistryKey(k)!.key);
        expect(normalized).toEqual([...normalized].sort().reverse());
      } else {
        expect(result.every((k) => normalizeRegistryKey(k)!.key === 'index.docker.io')).toBe(true);
      }
    }));
  });

  it('hasMatchingKey agrees with matchingKeys, its fast path included', () => {
    const target = fc.tuple(hostName, fc.option(port), fc.array(pathComponent, { minLength: 1, maxLength: 2 }))
      .map(([h, p, path]) => imageOn(h, p, path));
    // keys built from the image's own registry (the fast path), its neighbours (another port, a path), and others
    const keyFor = (t: string) => fc.oneof(
      fc.constant(image(t).domain),
      fc.constant(`https://${image(t).domain}/v2/`),
      fc.constant(`${image(t).domain}:1`),
      fc.constant(`${image(t).domain}/${image(t).path.split('/')[0]}`),
      hostName,
      fc.constantFrom('docker.io', 'https://index.docker.io/v1/', '*.io', '*.*.*', 'localhost:5000', 'ghcr.io/org'),
    );
    fc.assert(fc.property(target.chain((t) => fc.tuple(fc.constant(t), fc.array(keyFor(t), { maxLength: 4 }))), ([t, keys]) => {
      const ref = image(t);
      expect(hasMatchingKey(keys, ref)).toBe(matchingKeys(keys, ref).length > 0);
    }), { numRuns: 300 });
  });
});
