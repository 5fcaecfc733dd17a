import { describe, expect, it } from 'vitest';
import { PodFacts, PodVerdicts, PullEngine } from '../../lib/check/pull-engine';

/** The check's error messages. */
function check(facts: PodFacts): { errors: string[]; warnings: string[]; rules: string[] } {
  const r: PodVerdicts = new PullEngine().resolvePod(facts);
  return { errors: r.errors.map((e) => e.message), warnings: r.warnings.map((w) => w.message), rules: r.errors.map((e) => e.rule) };
}

function pod(overrides: Partial<PodFacts>): PodFacts {
  return {
    path: 'test/pod',
    namespace: 'team-a',
    containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }],
    secrets: [{ name: 'regcred', servers: ['ghcr.io'], namespaceKnown: true, namespace: 'team-a' }],
    ...overrides,
  };
}

describe('PullEngine.resolvePod', () => {
  it('passes when a key covers every image', () => {
    expect(check(pod({}))).toEqual({ errors: [], warnings: [], rules: [] });
  });

  it.each([
    ['a Docker Hub image with the kubectl default key', 'janedoe/jdoe-private:v1', 'https://index.docker.io/v1/'],
    ['an official image with the docker.io key', 'nginx:1.25', 'docker.io'],
    ['a digest', 'ghcr.io/org/app@sha256:' + 'a'.repeat(64), 'ghcr.io'],
    ['a path-scoped key', 'registry.example.com/team/app:1', 'registry.example.com/team'],
    ['a glob key', 'eu.registry.example.com/app', '*.registry.example.com'],
    ['an http:// key with a port', 'localhost:5000/app', 'http://localhost:5000'],
  ])('covers %s', (_t, image, server) => {
    const r = check(pod({ containers: [{ name: 'c', image }], secrets: [{ name: 's', servers: [server] }] }));
    expect(r.errors).toEqual([]);
  });

  it('fails when no key covers an image, naming the pod, container, image, repository, the keys tried and the fix', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'quay.io/org/app:1' }] }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^test\/pod: container 'app' image 'quay.io\/org\/app:1' \(repository 'quay.io\/org\/app'\) is not covered/);
    expect(r.errors[0]).toMatch(/tried 'ghcr.io' in 'regcred'/);
    expect(r.errors[0]).toMatch(/ErrImagePull/);
    expect(r.errors[0]).toMatch(/add a registry for 'quay.io' to one of the pod's pull secrets, or declare the image public \(publicImages\)$/);
  });

  it('fails when the key is for the same host with another port, and names that key', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'registry.example.com:5000/app:1' }], secrets: [{ name: 's',
      servers: ['registry.example.com'] }] }));
    expect(r.errors[0]).toMatch(/pull secret key 'registry.example.com' does not match .* port/);
  });

  it('fails when the key is registry-1.docker.io for a Docker Hub image, and names it', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'janedoe/app:1' }], secrets: [{ name: 's', servers: ['registry-1.docker.io'] }] }));
    expect(r.errors[0]).toMatch(/'registry-1.docker.io' does not match/);
    expect(r.errors[0]).toMatch(/repository 'docker.io\/janedoe\/app'/);
  });

  it('shows the normalized form of a key that the kubelet rewrites', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'quay.io/a/b' }], secrets: [{ name: 's', servers: ['https://index.docker.io/v1/'] }] }));
    expect(r.errors[0]).toMatch(/tried 'https:\/\/index.docker.io\/v1\/' \(as 'index.docker.io'\) in 's'/);
  });

  it('checks init containers too', () => {
    const r = check(pod({ containers: [{ name: 'setup', image: 'quay.io/x/y', init: true }] }));
    expect(r.errors[0]).toMatch(/init container 'setup'/);
  });

  it('skips images declared public, by repository', () => {
    const r = check(pod({ containers: [{ name: 'proxy', image: 'nginx:1.25' }, { name: 'app', image: 'ghcr.io/org/app:1' }],
      publicImages: ['docker.io/library/nginx'] }));
    expect(r.errors).toEqual([]);
  });

  it('fails when an image reference is invalid', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'ghcr.io/Org/App:1' }] }));
    expect(r.errors[0]).toMatch(/^test\/pod: container 'app': .*ghcr.io\/Org\/App:1/);
  });

  it.each([
    ['another namespace', 'team-b', /pull secret 'regcred' is in namespace 'team-b' but the pod is in namespace 'team-a'/],
    ['no namespace', undefined, /pull secret 'regcred' is in no namespace \(kubectl's current one\) but the pod is in namespace 'team-a'/],
  ])('fails when the secret is in %s', (_t, ns, expected) => {
    const r = check(pod({ secrets: [{ name: 'regcred', servers: ['ghcr.io'], namespaceKnown: true, namespace: ns }] }));
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(expected);
  });

  it('does not judge the namespace of a secret referred to by name without a declared namespace', () => {
    expect(check(pod({ secrets: [{ name: 'regcred', servers: ['ghcr.io'] }] })).errors).toEqual([]);
  });

  it('warns instead of guessing when an image is uncovered and a secret\'s servers are unknown', () => {
    const r = check(pod({ containers: [{ name: 'app', image: 'quay.io/a/b' }], secrets: [{ name: 'known', servers: ['ghcr.io'] },
      { name: 'opaque' }] }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/cannot judge 'opaque' \(not in the output, or its servers not declared\)/);
  });

  it('fails when a key is one the kubelet cannot parse', () => {
    const r = check(pod({ secrets: [{ name: 's', servers: ['ghcr.io', 'https://[broken'] }] }));
    expect(r.errors.some((e) => /key 'https:\/\/\[broken' is ignored by the kubelet/.test(e))).toBe(true);
  });
});
