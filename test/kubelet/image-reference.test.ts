import { execFile } from 'child_process';
import { existsSync, mkdtempSync, rmSync } from 'fs';
import { AddressInfo } from 'net';
import { createServer, Server } from 'http';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatImageReference, ImageReference, isDefaultRegistryMatch, parseImageReference } from '../../lib/kubelet/image-reference';

const HEX64 = 'a3ed95caeb02ffe68cdd9fd84406680ae93d633cb16422d00e8a7c22955b46d4';
const HEX96 = `${HEX64}${'0123456789abcdef'.repeat(2)}`;
const HEX128 = `${HEX64}${HEX64}`;

/** Only the fields that matter, so a table row reads like the normalized reference. */
function parts(ref: ImageReference): Record<string, string | undefined> {
  return { domain: ref.domain, path: ref.path, tag: ref.tag, digest: ref.digest, name: ref.name };
}

// Expected values worked out from distribution/reference normalize.go (splitDockerDomain) and regexp.go, v0.6.
describe('parseImageReference normalizes as ParseNormalizedNamed', () => {
  it.each<[string, string, string, string?, string?]>([
    // image, domain, path, tag, digest
    ['nginx', 'docker.io', 'library/nginx'],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25'],
    ['janedoe/app:v1', 'docker.io', 'janedoe/app', 'v1'],
    ['docker.io/nginx', 'docker.io', 'library/nginx'],
    ['docker.io/library/nginx:latest', 'docker.io', 'library/nginx', 'latest'],
    ['docker.io/janedoe/app', 'docker.io', 'janedoe/app'],
    ['index.docker.io/nginx', 'docker.io', 'library/nginx'],
    ['index.docker.io/janedoe/app:2', 'docker.io', 'janedoe/app', '2'],
    // only index.docker.io is rewritten; registry-1.docker.io is just another host and gets no library/
    ['registry-1.docker.io/library/nginx', 'registry-1.docker.io', 'library/nginx'],
    ['registry-1.docker.io/nginx', 'registry-1.docker.io', 'nginx'],
    ['localhost/app', 'localhost', 'app'],
    ['localhost:5000/app:1', 'localhost:5000', 'app', '1'],
    // a single component is always a Docker Hub name, so ':5000' is a tag here
    ['localhost:5000', 'docker.io', 'library/localhost', '5000'],
    ['localhost', 'docker.io', 'library/localhost'],
    ['example.com', 'docker.io', 'library/example.com'],
    ['127.0.0.1:5000/team/app:2.0', '127.0.0.1:5000', 'team/app', '2.0'],
    ['10.0.0.1/app', '10.0.0.1', 'app'],
    ['[::1]:5000/app', '[::1]:5000', 'app'],
    ['[2001:db8::1]/app:1', '[2001:db8::1]', 'app', '1'],
    ['ghcr.io/org/app', 'ghcr.io', 'org/app'],
    ['ghcr.io/org/app:1.0', 'ghcr.io', 'org/app', '1.0'],
    [`ghcr.io/org/app@sha256:${HEX64}`, 'ghcr.io', 'org/app', undefined, `sha256:${HEX64}`],
    [`ghcr.io/org/app:1.0@sha256:${HEX64}`, 'ghcr.io', 'org/app', '1.0', `sha256:${HEX64}`],
    [`nginx@sha256:${HEX64}`, 'docker.io', 'library/nginx', undefined, `sha256:${HEX64}`],
    [`nginx@sha384:${HEX96}`, 'docker.io', 'library/nginx', undefined, `sha384:${HEX96}`],
    [`nginx@sha512:${HEX128}`, 'docker.io', 'library/nginx', undefined, `sha512:${HEX128}`],
    ['registry.example.com:443/a/b/c', 'registry.example.com:443', 'a/b/c'],
    ['quay.io/coreos/etcd:v3.5.0', 'quay.io', 'coreos/etcd', 'v3.5.0'],
    ['my-registry.local/app', 'my-registry.local', 'app'],
    // upper case is allowed in the host and kept; an upper-case first component is taken as a host
    ['Example.com/app', 'Example.com', 'app'],
    ['MyRegistry/app', 'MyRegistry', 'app'],
    ['REGISTRY.EXAMPLE.COM:5000/app', 'REGISTRY.EXAMPLE.COM:5000', 'app'],
    ['foo__bar/baz---qux', 'docker.io', 'foo__bar/baz---qux'],
    ['nginx:Latest_1', 'docker.io', 'library/nginx', 'Latest_1'],
    ['nginx:_tag', 'docker.io', 'library/nginx', '_tag'],
    [`nginx:${'t'.repeat(128)}`, 'docker.io', 'library/nginx', 't'.repeat(128)],
    // '_' is not allowed in a host, so the grammar reads 'a_b.c' as a path component and the name has no domain
    ['a_b.c/d', '', 'a_b.c/d'],
  ])('%s → %s / %s', (image, domain, path, tag, digest) => {
    const name = domain ? `${domain}/${path}` : path;
    expect(parts(parseImageReference(image))).toEqual({ domain, path, tag, digest, name });
    expect(parseImageReference(image).original).toBe(image);
  });

  it('only counts the path against the 255 limit, not the registry (distribution/reference v0.6)', () => {
    const path = `a/${'b'.repeat(253)}`;
    expect(parseImageReference(`${'r'.repeat(60)}.example.com/${path}`).path).toHaveLength(255);
  });
});

describe('parseImageReference rejects what the kubelet rejects', () => {
  it.each<[string, string, RegExp]>([
    ['the reference is empty', '', /^image '' is not a valid reference: the image is empty; set it to a reference such as 'nginx:1.25'/],
    ['the repository is upper case', 'Nginx:1',
      /^image 'Nginx:1' is not a valid reference: the repository path must be lower case, got 'Nginx'; use 'nginx:1'$/],
    ['a path component under a registry is upper case', 'ghcr.io/Org/app:1.0',
      /got 'Org\/app'; use 'ghcr.io\/org\/app:1.0'$/],
    ['the path after an upper-case first component is upper case', 'MyOrg/App',
      /got 'App', and the upper-case first component 'MyOrg' is read as a registry host, not a Docker Hub user; use 'myorg\/app'$/],
    ['the path after an upper-case host with a port is upper case', 'MyOrg:5000/App', /got 'App'; use 'MyOrg:5000\/app'$/],
    ['the tag is empty', 'nginx:', /^image 'nginx:' is not a valid reference: the tag after ':' is empty/],
    ['the tag starts with a dash', 'nginx:-1', /the tag must be 1 to 128 letters, digits, '_', '.' or '-' .*got '-1'/],
    ['the tag is longer than 128', `nginx:${'t'.repeat(129)}`, /the tag is 129 characters long, the limit is 128/],
    ['the digest is too short', 'nginx@sha256:abc', /the digest must be an algorithm, ':' and at least 32 hex digits .*got 'sha256:abc'/],
    ['the digest has upper-case hex', `nginx@sha256:${HEX64.toUpperCase()}`, /a sha256 digest must be 64 lower-case hex digits/],
    ['a sha256 digest has 63 digits', `nginx@sha256:${HEX64.slice(1)}`, /a sha256 digest must be 64 .*\(63 characters\)/],
    ['the digest algorithm is unknown', `nginx@md5:${HEX64.slice(0, 32)}`, /digest algorithm 'md5' is not supported; use 'sha256:'/],
    ['the digest has no algorithm', `nginx@${HEX64}`, /the digest must be an algorithm, ':'/],
    ['the reference is a 64-character image id', HEX64, /a 64-character hex string is an image id, not a repository name/],
    ['a path component is empty', 'a//b', /path component '' is invalid/],
    ['the path ends with a slash', 'ghcr.io/app/', /path component '' is invalid/],
    ['a path component has two dots', 'ghcr.io/foo..bar/app', /path component 'foo..bar' is invalid/],
    ['the reference contains a space', 'nginx latest', /it contains whitespace/],
    ['the registry starts with a dash', '-bad.com/app', /the registry '-bad.com' is not a host name/],
    ['the port is not numeric', 'example.com:port/app', /the registry 'example.com:port' is not a host name/],
    ['the reference has a scheme', 'https://ghcr.io/org/app', /an image reference has no scheme; use 'ghcr.io\/org\/app'$/],
    ['there are two tags', 'ghcr.io/org/app:1.0:2.0', /got '1.0:2.0'/],
    ['the path is longer than 255', `ghcr.io/${'a'.repeat(256)}`, /the repository path is 256 characters long, the limit is 255/],
    // without a tag, distribution reads up to the digest's ':' as the repository ('library/nginx@SHA256') and calls it
    // upper case; the fix is in the algorithm
    ['the digest algorithm is upper case', `nginx@SHA256:${HEX64}`,
      new RegExp(`the digest algorithm must be lower case, got 'SHA256'; use 'nginx@sha256:${HEX64}'$`)],
    ['the path and the digest algorithm are upper case', `ghcr.io/Org/app@SHA256:${HEX64}`,
      new RegExp(`got 'Org/app'; use 'ghcr.io/org/app@sha256:${HEX64}'$`)],
  ])('fails when %s', (_what, image, message) => {
    expect(() => parseImageReference(image)).toThrow(message);
  });

  it('fails with one lower-case line without a trailing period', () => {
    for (const image of ['', 'Nginx', 'nginx:', 'a//b', `nginx@md5:${HEX64.slice(0, 32)}`, HEX64]) {
      expect(() => parseImageReference(image)).toThrow(/^image '[^\n]*[^.]$/);
    }
  });
});

describe('isDefaultRegistryMatch (kubelet keyring.go, on the normalized name)', () => {
  it.each<[string, boolean]>([
    ['nginx', true],
    ['janedoe/app', true],
    ['docker.io/janedoe/app', true],
    ['index.docker.io/janedoe/app', true],
    ['registry-1.docker.io/library/nginx', false],
    ['ghcr.io/org/app', false],
    ['localhost:5000/app', false],
    ['myhostdocker.io/foo/bar', false],
    // neither '.' nor ':' in the first component: the kubelet offers Docker Hub credentials here too
    ['localhost/app', true],
    ['MyRegistry/app', true],
    ['a_b.c/d', false],
  ])('%s → %s', (image, expected) => {
    expect(isDefaultRegistryMatch(parseImageReference(image))).toBe(expected);
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

const label = fc.stringMatching(/^[a-z0-9](?:[a-z0-9-]{0,6}[a-z0-9])?$/);
const registry = fc.oneof(
  fc.tuple(fc.array(label, { minLength: 2, maxLength: 4 }), fc.option(fc.integer({ min: 1, max: 65535 })))
    .map(([labels, port]) => labels.join('.') + (port === null ? '' : `:${port}`)),
  fc.constantFrom('localhost', 'localhost:5000', '127.0.0.1:5000', '[::1]:5000', 'Example.com'),
);
const component = fc.stringMatching(/^[a-z0-9]{1,6}(?:(?:[._]|__|-{1,2})[a-z0-9]{1,6}){0,2}$/);
const tag = fc.stringMatching(/^[\w][\w.-]{0,20}$/);
const digest = fc.stringMatching(/^[a-f0-9]{64}$/).map((hex) => `sha256:${hex}`);
const reference = fc.record({
  registry: fc.option(registry),
  path: fc.array(component, { minLength: 1, maxLength: 3 }),
  tag: fc.option(tag),
  digest: fc.option(digest),
}).map((r) => (r.registry === null ? '' : `${r.registry}/`) + r.path.join('/') + (r.tag === null ? '' : `:${r.tag}`) +
  (r.digest === null ? '' : `@${r.digest}`));

describe('properties', () => {
  it('parse(format(ref)) gives back the same reference', () => {
    fc.assert(fc.property(reference, (image) => {
      const ref = parseImageReference(image);
      expect(parts(parseImageReference(formatImageReference(ref)))).toEqual(parts(ref));
    }));
  });

  it('the name is domain/path (or the path alone, as for a_b.c/d) and tag and digest stay as written', () => {
    fc.assert(fc.property(reference, (image) => {
      const ref = parseImageReference(image);
      expect(ref.name).toBe(ref.domain ? `${ref.domain}/${ref.path}` : ref.path);
      expect(ref.domain).not.toBe('index.docker.io');
      expect(image.endsWith(ref.digest ?? '')).toBe(true);
      if (ref.tag !== undefined) {
        expect(image).toContain(`:${ref.tag}`);
      }
    }));
  });
});

// ---- the docker CLI as the judge -------------------------------------------------------------------------------
// docker 28 parses with distribution/reference v0.6, the version the kubelet vendors. `docker pull` parses before it
// talks to the daemon; a fake daemon records the normalized name (`fromImage`) the CLI sends, so the CLI judges both
// what is rejected and what a valid reference normalizes to.

const DOCKER = ['/usr/local/bin/docker', '/usr/bin/docker'].find((p) => existsSync(p));
const run = promisify(execFile);

describe.skipIf(!DOCKER)('agrees with the docker CLI (distribution/reference)', () => {
  let server: Server;
  let host: string;
  let config: string;
  let fromImage: string | undefined;

  beforeAll(async () => {
    config = mkdtempSync(join(tmpdir(), 'docker-config-'));
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://daemon');
      if (url.pathname.endsWith('/images/create')) {
        fromImage = url.searchParams.get('fromImage') ?? undefined;
      }
      res.setHeader('Api-Version', '1.47');
      res.end(url.pathname.endsWith('/_ping') ? 'OK' : '{"status":"done"}\n');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `tcp://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(config, { recursive: true, force: true });
  });

  /** The normalized name docker sends to the daemon, or undefined when docker rejects the reference. */
  async function dockerName(image: string): Promise<string | undefined> {
    fromImage = undefined;
    try {
      await run(DOCKER!, ['-H', host, 'pull', '-q', '--', image], { env: { PATH: process.env.PATH ?? '', DOCKER_CONFIG: config } });
    } catch {
      return undefined;
    }
    return fromImage;
  }

  function ours(image: string): string | undefined {
    try {
      return parseImageReference(image).name;
    } catch {
      return undefined;
    }
  }

  it('on hand-picked references, valid and invalid', async () => {
    const images = [
      'nginx', 'nginx:1.25', 'janedoe/app:v1', 'index.docker.io/nginx', 'registry-1.docker.io/nginx', 'localhost', 'localhost:5000',
      'localhost/app', 'localhost:5000/app', '127.0.0.1:5000/app', '[::1]:5000/app', '[2001:db8::1]/app', 'Example.com/app',
      'MyRegistry/app', 'MyRegistry/App', 'a_b.c/d', 'Nginx', 'ghcr.io/Org/app', 'nginx:', 'nginx:-1', `nginx:${'t'.repeat(128)}`,
      `nginx:${'t'.repeat(129)}`, 'nginx@sha256:abc', `nginx@sha256:${HEX64}`, `nginx@sha256:${HEX64.toUpperCase()}`,
      `nginx@sha512:${HEX128}`, `nginx@sha384:${HEX96}`, `nginx@md5:${HEX64.slice(0, 32)}`, `ghcr.io/o/a:1@sha256:${HEX64}`, HEX64,
      'a//b', 'ghcr.io/app/', '-bad.com/app', 'example.com:port/app', 'https://ghcr.io/org/app', 'ghcr.io/org/app:1.0:2.0',
      `ghcr.io/${'a'.repeat(255)}`, `ghcr.io/${'a'.repeat(256)}`, `${'r'.repeat(60)}.example.com/${'b'.repeat(250)}`, 'foo__bar/baz---qux',
      'foo_/bar', 'UPPER', 'a.b:5000', 'a.b:5000/c', '[::1]/app', '[1.2.3.4]/app', 'ghcr.io:/app',
    ];
    for (const image of images) {
      expect({ image, name: ours(image) }).toEqual({ image, name: await dockerName(image) });
    }
  });

  it('on random strings over the reference alphabet', async () => {
    const alphabet = fc.constantFrom(...'abAB01.-_:/@[]'.split(''));
    await fc.assert(fc.asyncProperty(fc.array(alphabet, { minLength: 1, maxLength: 14 }).map((a) => a.join('')), async (image) => {
      expect({ image, name: ours(image) }).toEqual({ image, name: await dockerName(image) });
    }), { numRuns: 150 });
  });

  it('on generated valid references', async () => {
    await fc.assert(fc.asyncProperty(reference, async (image) => {
      expect({ image, name: ours(image) }).toEqual({ image, name: await dockerName(image) });
    }), { numRuns: 60 });
  });
});
