// Issue 15: registry keys and image registries with filepath.Match pattern characters. The kubelet splits a key's host
// with net.SplitHostPort, which fails without a port, so '[2001:db8::1]' keeps its brackets and filepath.Match reads
// it as a one-character class that never matches the thirteen characters '[2001:db8::1]'. Expected values are worked
// out by hand from kubernetes pkg/credentialprovider/keyring.go (URLsMatch, SplitURL), Go's net.SplitHostPort and
// path/filepath.Match; test/credential-providers.test.ts lets Go's own functions judge the same matcher.
import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { CachingUrlParser } from '../../lib/go/url';
import { describe, expect, it } from 'vitest';
import { ImageReference, parseImageReference } from '../../lib/kubelet/image-reference';
import { NearMissKind, findNearMisses, hasMatchingKey, keyMatchesImage, matchingKeys, normalizeRegistryKey } from '../../lib/kubelet/keyring';
import { PodFacts, PullEngine } from '../../lib/check/pull-engine';
import { PrivatePod } from '../../lib/pods/private-pod';
import { PrivateRegistrySecret } from '../../lib/secrets/private-registry-secret';

const image = parseImageReference;
const FAKE_PASSWORD = 'FAKE-never-printed';

/** The two everyday cases of the issue: an IPv6 registry without a port, as key and as image. */
const IPV6_CASES: Array<[string, string]> = [
  ['[2001:db8::1]', '[2001:db8::1]/repo'],
  ['[2001:db8:1:2:3:4:5:6]', '[2001:db8:1:2:3:4:5:6]/repo:tag'],
];

describe('a key equal to a bracketed IPv6 registry without a port', () => {
  it.each(IPV6_CASES)('%s does not cover %s, in the fast path and the full matcher alike', (key, target) => {
    const ref = image(target);
    expect(ref.domain).toBe(key);
    expect(matchingKeys([key], ref)).toEqual([]);
    expect(hasMatchingKey([key], ref)).toBe(false);
    expect(keyMatchesImage(key, ref)).toBe(false);
  });

  it.each<[string, string]>([
    ['[2001:db8::1]:5000', '[2001:db8::1]:5000/repo'],
    ['[2001:db8::1]:443', '[2001:db8::1]:443/repo'],
    ['[::1]:5000', '[::1]:5000/app'],
  ])('%s covers %s: with a port SplitHostPort removes the brackets', (key, target) => {
    const ref = image(target);
    expect(hasMatchingKey([key], ref)).toBe(true);
    expect(matchingKeys([key], ref)).toEqual([key]);
  });

  it('is covered by a catch-all glob, which filepath.Match lets match the bracketed text', () => {
    expect(hasMatchingKey(['*'], image('[2001:db8::1]/repo'))).toBe(true);
  });
});

describe('findNearMisses for pattern characters', () => {
  it.each<[string, string, NearMissKind, RegExp]>([
    ['[2001:db8::1]', '[2001:db8::1]/repo', NearMissKind.GLOB,
      /filepath.Match, so a bracketed IPv6 host only matches with a port: use '\[2001:db8::1\]:443' in both the key and the image/],
    ['[2001:db8:1:2:3:4:5:6]', '[2001:db8:1:2:3:4:5:6]/repo:tag', NearMissKind.GLOB, /use '\[2001:db8:1:2:3:4:5:6\]:443' in both/],
    // the key's port is the better guess for the registry's port
    ['[2001:db8::1]:5000', '[2001:db8::1]/repo', NearMissKind.GLOB, /use '\[2001:db8::1\]:5000' in both the key and the image$/],
    // the hex digits in another case are the same address: one fix for both
    ['[2001:DB8::1]', '[2001:db8::1]/repo', NearMissKind.GLOB, /use '\[2001:db8::1\]:443' in both/],
    ['http://[2001:db8::1]/v2/', '[2001:db8::1]/repo', NearMissKind.GLOB, /bracketed IPv6 host only matches with a port/],
    // the image has the port: an ordinary port near miss, and the image's registry is a key that works
    ['[::1]', '[::1]:5000/app', NearMissKind.PORT, /the key has no port and the image has port '5000'.*use the key '\[::1\]:5000'$/],
    ['[::1]:6000', '[::1]:5000/app', NearMissKind.PORT, /use the key '\[::1\]:5000'$/],
  ])('%s for %s is a %s near miss', (key, target, kind, hint) => {
    const misses = findNearMisses([key], image(target));
    expect(misses.map((m) => [m.key, m.kind])).toEqual([[key, kind]]);
    expect(misses[0].hint).toMatch(/^pull secret key '.*' does not match image '/);
    expect(misses[0].hint).toMatch(hint);
  });

  it('leaves out keys for other registries', () => {
    expect(findNearMisses(['ghcr.io', '[2001:db8::2]'], image('[2001:db8::1]/repo'))).toEqual([]);
  });
});

describe('the pull check', () => {
  const pod = (server: string, target: string): PodFacts => ({
    path: 'test/pod',
    containers: [{ name: 'app', image: target }],
    secrets: [{ name: 'regcred', servers: [server] }],
  });

  it.each(IPV6_CASES)('fails when the only key is %s for %s, and says why and how to fix it', (key, target) => {
    const { errors } = new PullEngine().resolvePod(pod(key, target));
    expect(errors.map((e) => e.rule)).toEqual(['image-coverage']);
    const [message] = errors.map((e) => e.message);
    expect(message).toContain(`image '${target}'`);
    expect(message).toContain('the kubelet matches registry keys with filepath.Match, so a bracketed IPv6 host only matches with a port');
    expect(message).toContain(`use '${key}:443' in both the key and the image`);
    expect(message).toMatch(/ErrImagePull/);
    // no advice to add the key that cannot work
    expect(message).not.toContain(`server: '${key}',`);
    expect(message).toContain(`with a registry for '${key}:443'`);
  });

  it('explains the port rule when no key resembles the IPv6 registry', () => {
    const { errors } = new PullEngine().resolvePod(pod('ghcr.io', '[2001:db8::1]/repo:1'));
    expect(errors[0].message).toMatch(/bracketed IPv6 host only matches with a port.*the image '\[2001:db8::1\]:443\/repo:1'/);
  });

  it('passes once both carry the port', () => {
    expect(new PullEngine().resolvePod(pod('[2001:db8::1]:443', '[2001:db8::1]:443/repo')).errors).toEqual([]);
  });
});

describe('PrivatePod with a PrivateRegistrySecret for a bracketed IPv6 registry', () => {
  it.each(IPV6_CASES)('fails at synth when the secret is for %s and the image is %s', (server, target) => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { server, username: 'jane', password: FAKE_PASSWORD });
    new PrivatePod(chart, 'pod', { containers: [{ image: target }], registrySecrets: [secret] });
    let message = '';
    expect(() => {
      try {
        Testing.synth(chart);
      } catch (e) {
        message = (e as Error).message;
        throw e;
      }
    }).toThrow(/the kubelet matches registry keys with filepath.Match, so a bracketed IPv6 host only matches with a port/);
    expect(message).toContain(`use '${server}:443' in both the key and the image`);
    expect(message).not.toContain(FAKE_PASSWORD);
  });

  it('synthesizes when the server and the image carry the port', () => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', { server: '[2001:db8::1]:443', username: 'jane', password: FAKE_PASSWORD });
    new PrivatePod(chart, 'pod', { containers: [{ image: '[2001:db8::1]:443/repo' }], registrySecrets: [secret] });
    expect(Testing.synth(chart).find((o) => o.kind === 'Pod').spec.containers[0].image).toBe('[2001:db8::1]:443/repo');
  });
});

// ---- the fast path against the full matcher ---------------------------------------------------------------------

const label = fc.stringMatching(/^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,5}[a-zA-Z0-9])?$/);
const hex = fc.stringMatching(/^[0-9a-fA-F]{1,4}$/);
/** IPv6 literals as the reference grammar takes them: valid ones, upper case, '::' forms, and colon soup it also allows. */
const ipv6 = fc.oneof(
  fc.array(hex, { minLength: 8, maxLength: 8 }).map((g) => g.join(':')),
  fc.tuple(fc.array(hex, { maxLength: 3 }), fc.array(hex, { maxLength: 3 })).map(([a, b]) => `${a.join(':')}::${b.join(':')}`),
  fc.stringMatching(/^[0-9a-fA-F]{0,4}:[0-9a-fA-F:]{0,10}$/),
).map((address) => `[${address}]`);
const host = fc.oneof(
  fc.array(label, { minLength: 2, maxLength: 3 }).map((labels) => labels.join('.')),
  fc.constantFrom('localhost', 'LocalHost', 'Registry.Example.COM', '127.0.0.1'),
  ipv6,
);
const port = fc.option(fc.integer({ min: 1, max: 65535 }).map(String));
const repository = fc.array(fc.stringMatching(/^[a-z0-9]{1,6}$/), { minLength: 1, maxLength: 2 }).map((p) => p.join('/'));
const target = fc.tuple(host, port, repository).map(([h, p, path]) => image(`${h}${p === null ? '' : `:${p}`}/${path}`));

/** Keys near the image's registry, with every filepath.Match pattern character put into them somewhere. */
function keysFor(ref: ImageReference): fc.Arbitrary<string> {
  const glob = fc.constantFrom('*', '?', '[', ']', '\\', '[a-z]', '[^x]', '[0-9a-f]');
  const spliced = fc.tuple(fc.nat(), glob).map(([at, g]) => {
    const i = at % (ref.domain.length + 1);
    return ref.domain.slice(0, i) + g + ref.domain.slice(i);
  });
  const replaced = fc.tuple(fc.nat(), glob).map(([at, g]) => {
    const i = at % ref.domain.length;
    return ref.domain.slice(0, i) + g + ref.domain.slice(i + 1);
  });
  const unbracketed = ref.domain.replace(/^\[([^\]]*)\]/, '$1');
  return fc.oneof(
    fc.constant(ref.domain),
    fc.constant(ref.domain.toLowerCase()),
    fc.constant(ref.domain.toUpperCase()),
    fc.constant(`https://${ref.domain}/v2/`),
    fc.constant(unbracketed),
    fc.constant(`${ref.domain}:443`),
    fc.constant(`${ref.domain}/${ref.path.split('/')[0]}`),
    spliced,
    replaced,
    fc.constantFrom('*', '*.*', '*.*.*', '[*]', '\\*', 'docker.io', 'https://index.docker.io/v1/'),
    fc.stringMatching(/^[a-zA-Z0-9.:*?[\]\\-]{1,12}$/),
  );
}

describe('properties', () => {
  it('hasMatchingKey agrees with matchingKeys for keys and registries with pattern characters, IPv6 and upper case', () => {
    const sample = target.chain((ref) => fc.tuple(fc.constant(ref), fc.array(keysFor(ref), { minLength: 1, maxLength: 4 })));
    fc.assert(fc.property(sample, ([ref, keys]) => {
      expect(hasMatchingKey(keys, ref)).toBe(matchingKeys(keys, ref).length > 0);
    }), { numRuns: 800 });
  });

  it('a key that is exactly the registry covers it unless the registry is a bracketed IPv6 address without a port', () => {
    fc.assert(fc.property(target, (ref) => {
      const ipv6WithoutPort = /^\[[^\]]*\]$/.test(ref.domain);
      const parsable = normalizeRegistryKey(ref.domain) !== undefined;
      expect(hasMatchingKey([ref.domain], ref)).toBe(parsable && !ipv6WithoutPort);
    }), { numRuns: 1000 });
  });

  it('hasMatchingKey agrees with matchingKeys for references that distribution reads without a domain', () => {
    // 'my_registry.local/app' is a valid path, so distribution gives it no domain; the kubelet's URL parser still
    // takes 'my_registry.local' for the host, and a key that normalizes to nothing ('', 'https://', '/v1/') matches nothing
    const first = fc.tuple(label, fc.constantFrom('_', '__', '.'), label, fc.constantFrom('.local', '.example.com'))
      .map(([a, sep, b, tld]) => `${a.toLowerCase()}${sep}${b.toLowerCase()}${tld}`)
      .filter((f) => f.includes('_'));
    const sample = fc.tuple(first, repository).chain(([f, path]) => {
      const ref = image(`${f}/${path}`);
      const keys = fc.array(fc.oneof(fc.constantFrom('', 'https://', '/v1/', 'https:///v2/', f, `${f}:5000`, '*.local', ref.name)),
        { minLength: 1, maxLength: 3 });
      return fc.tuple(fc.constant(ref), keys);
    });
    fc.assert(fc.property(sample, ([ref, keys]) => {
      expect(ref.domain).toBe('');
      expect(hasMatchingKey(keys, ref)).toBe(matchingKeys(keys, ref).length > 0);
    }), { numRuns: 400 });
    const ref = image('my_registry.local/app:1');
    expect(hasMatchingKey(['https://'], ref)).toBe(false);
    expect(hasMatchingKey(['my_registry.local'], ref)).toBe(true);
    // a port mismatch is a port near miss with the host the kubelet reads, not the IPv6 advice
    expect(findNearMisses(['my_registry.local:5000'], ref).map((m) => [m.kind, m.hint])).toEqual([[NearMissKind.PORT,
      expect.stringMatching(/use the key 'my_registry.local'$/)]]);
  });

  it('a caching url parser gives the same answers as a plain one, cold, warm, or after it emptied itself', () => {
    const sample = target.chain((ref) => fc.tuple(fc.constant(ref), fc.array(keysFor(ref), { minLength: 1, maxLength: 4 })));
    const cases = fc.sample(sample, { numRuns: 200, seed: 15 });
    const answers = (urls?: CachingUrlParser): unknown[] =>
      cases.map(([ref, keys]) => [matchingKeys(keys, ref, urls), hasMatchingKey(keys, ref, urls), findNearMisses(keys, ref, urls)]);
    const plain = answers();
    const cache = new CachingUrlParser();
    expect(answers(cache)).toEqual(plain);
    expect(answers(cache)).toEqual(plain);
    // the cache empties itself past 4096 entries; fill it with keys no case uses
    for (let i = 0; i < 5000; i++) normalizeRegistryKey(`cache-filler-${i}.example.com`, cache);
    expect(answers(cache)).toEqual(plain);
  });
});
