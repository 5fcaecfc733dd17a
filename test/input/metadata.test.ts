import { Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateRegistryChart } from '../../app/private-registry-chart';
import {
  EcrRegistrySecret, ExternalRegistrySecret, PrivateCronJob, PrivateDaemonSet, PrivateDeployment, PrivateJob, PrivatePod, PrivateRegistrySecret,
  PrivateServiceAccount, PrivateStatefulSet, SealedRegistrySecret, SealingCertificate,
} from '../../lib';
import { ANNOTATIONS_SIZE_MAX, labelValueProblem, qualifiedNameProblem } from '../../lib/input/values';
import { LabelRules, buildLabelRules } from '../support/go-label-rules';

// keys and values of every shape the rules separate (prefix or not, digits first, dots and dashes at the ends, one slash too
// many, empty parts), template text, case folding that JavaScript and Go do differently, lengths at the limit, characters
// outside ASCII
const KEYS = [
  'simple', 'team-a', '9-lives', '1234', 'simple/simple', 'team-a/x', 'team-a/team-b',
  'a.b.c/x', 'a-b.c-d/x', '1-a.2-b/3-c', '1234/5678', '1.2.3.4/5678', 'Mixed_Case_9',
  'example.com/Mixed_Case_9', 'limits.memory-x', 'a'.repeat(63), `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  'pct%and=eq', 'dash-at-end-', '-dash-at-both-', 'two/slash/es', 'Example.com/abc', 'example_com/abc', 'example.com/',
  '/simple', 'a'.repeat(64), `${'a'.repeat(254)}/abc`,
  '{{ .password }}', '{{.password}}', '', '/', 'a/b/c', 'a\n', '\na', 'a b', 'ünïcode', 'example.com/ünïcode', 'x/'.padEnd(67, 'y'),
  `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}/x`, `${'a'.repeat(64)}.com/x`, 'example.com./x', '.example.com/x',
  'EXAMPLE.COM/App', 'app.kubernetes.io/name', 'K', 'İ', 'example.İo/x', 'Σ', 'a_b', '_a', 'a_', 'a.b', '0', 'A',
];
const VALUES = [
  'simple', 'team-a', '9-lives', 'build-42', '1234', 'a'.repeat(63), '',
  'pct%and=eq', 'café-au-lait.v1', 'C:\\temp', '-lead', 'trail-', '.dotfirst',
  'dotlast.', 'a'.repeat(64),
  'MyValue', 'my_value', 'a/b', 'a b', 'v1\n', 'K', '{{ .password }}', 'true', '0',
];

describe('label and annotation rules, judged by Go (test/support/go-label-rules)', () => {
  let go: LabelRules;
  beforeAll(() => { go = buildLabelRules(); }, 200_000);
  afterAll(() => go?.close());

  it('agrees on every label key, label value and annotation key of the table', () => {
    const verdicts = go.judge({ labelKeys: KEYS, labelValues: VALUES, annotationKeys: KEYS });
    const ours = (problem: string | undefined) => problem === undefined;
    expect(KEYS.map((k) => ours(qualifiedNameProblem(k)))).toEqual(verdicts.labelKeys.map((errors) => errors.length === 0));
    expect(KEYS.map((k) => ours(qualifiedNameProblem(k, true)))).toEqual(verdicts.annotationKeys.map((errors) => errors.length === 0));
    expect(VALUES.map((v) => ours(labelValueProblem(v)))).toEqual(verdicts.labelValues.map((errors) => errors.length === 0));
    // the table has both verdicts for each kind, so it can fail either way
    for (const list of [verdicts.labelKeys, verdicts.annotationKeys, verdicts.labelValues]) {
      expect(new Set(list.map((errors) => errors.length === 0))).toEqual(new Set([true, false]));
    }
  });

  it('agrees on the annotations size limit, counted in utf-8 bytes of keys and values', () => {
    const sets: { [key: string]: string }[] = [
      { a: 'x'.repeat(ANNOTATIONS_SIZE_MAX - 1) },
      { a: 'x'.repeat(ANNOTATIONS_SIZE_MAX) },
      { a: 'x'.repeat(100_000), b: 'y'.repeat(ANNOTATIONS_SIZE_MAX - 100_002) },
      { a: 'é'.repeat(ANNOTATIONS_SIZE_MAX / 2 - 1) },
      { a: 'é'.repeat(ANNOTATIONS_SIZE_MAX / 2) },
    ];
    const verdicts = go.judge({ annotations: sets });
    const ours = sets.map((annotations) => {
      const chart = Testing.chart();
      try {
        new PrivateRegistrySecret(chart, 's', { server: 'ghcr.io', username: 'u', password: 'FAKE-pw', metadata: { annotations } });
        return '';
      } catch (e) {
        return (e as Error).message;
      }
    });
    expect(ours.map((m) => m === '')).toEqual(verdicts.annotations.map((m) => m === ''));
    expect(verdicts.annotations.map((m) => m === '')).toEqual([true, false, true, true, false]);
    expect(ours[1]).toMatch(/'metadata.annotations' must be at most 262144 bytes \(256 KiB, .*\), got 262145; move large data/);
    expect(ours[1]).not.toContain('xxxx');
  });
});

// every construct of ours that takes metadata, given `metadata` (and `podMetadata` where the kind has a pod template)
const CONSTRUCTS: [string, (chart: Chart, metadata: any) => void][] = [
  ['PrivateRegistrySecret', (c, metadata) => new PrivateRegistrySecret(c, 'x', {
    server: 'ghcr.io', username: 'u', password: 'FAKE-pw', metadata,
  })],
  ['SealedRegistrySecret', (c, metadata) => new SealedRegistrySecret(c, 'x', {
    certificate: undefined as unknown as SealingCertificate, server: 'ghcr.io', username: 'u', password: 'FAKE-pw', metadata,
  })],
  ['ExternalRegistrySecret', (c, metadata) => new ExternalRegistrySecret(c, 'x', {
    storeName: 'vault', usernameKey: 'u', passwordKey: 'p', metadata,
  })],
  ['EcrRegistrySecret', (c, metadata) => new EcrRegistrySecret(c, 'x', { region: 'eu-west-1', metadata })],
  ['PrivateServiceAccount', (c, metadata) => new PrivateServiceAccount(c, 'x', { registrySecrets: [secret(c)], metadata })],
  ['PrivatePod', (c, metadata) => new PrivatePod(c, 'x', { containers: [{ image: 'ghcr.io/a/b:1' }], registrySecrets: [secret(c)], metadata })],
];
const WORKLOADS: [string, (chart: Chart, props: any) => void][] = [
  ['PrivateDeployment', (c, props) => new PrivateDeployment(c, 'x', { ...podProps(c), ...props })],
  ['PrivateStatefulSet', (c, props) => new PrivateStatefulSet(c, 'x', { ...podProps(c), service: undefined as any, ...props })],
  ['PrivateDaemonSet', (c, props) => new PrivateDaemonSet(c, 'x', { ...podProps(c), ...props })],
  ['PrivateJob', (c, props) => new PrivateJob(c, 'x', { ...podProps(c), ...props })],
  ['PrivateCronJob', (c, props) => new PrivateCronJob(c, 'x', { ...podProps(c), schedule: undefined as any, ...props })],
];

function secret(chart: Chart): kplus.ISecret {
  return PrivateRegistrySecret.fromRegistrySecretName(chart, `s${chart.node.children.length}`, 'regcred', { servers: ['ghcr.io'] });
}
function podProps(chart: Chart) {
  return { containers: [{ image: 'ghcr.io/a/b:1' }], registrySecrets: [secret(chart)] };
}

describe('every construct that takes metadata', () => {
  const FAKE = 'FAKE-annotation-s3cr3t';
  for (const [kind, make] of CONSTRUCTS) {
    it(`fails when a ${kind} has a label or annotation the API server refuses`, () => {
      expect(() => make(Testing.chart(), { labels: { '{{ .password }}': 'a' } })).toThrow(new RegExp(`^${kind} 'x': 'metadata.labels' key ` +
        '"\\{\\{ \\.password \\}\\}" is not a valid key: its name must be letters, digits, .* such as \'team\' or ' +
        '\'example.com/team\'; rename the key$'));
      expect(() => make(Testing.chart(), { labels: { team: 'a b' } })).toThrow(
        /'metadata.labels' value of key "team" must be empty or at most 63 letters, .*, got "a b"; shorten it, or put free text in an annotation$/);
      const annotation = (() => {
        try {
          make(Testing.chart(), { annotations: { 'Example.com/ok': 'v', 'a/b/c': FAKE } });
          return '';
        } catch (e) {
          return (e as Error).message;
        }
      })();
      expect(annotation).toMatch(/'metadata.annotations' key "a\/b\/c" is not a valid key: it has 2 '\/', at most one is allowed/);
      expect(annotation).not.toContain(FAKE);
    });
  }

  for (const [kind, make] of WORKLOADS) {
    it(`fails when a ${kind} has a bad label in metadata or podMetadata`, () => {
      expect(() => make(Testing.chart(), { metadata: { labels: { 'Team.io/x': 'a' } } }))
        .toThrow(/'metadata.labels' key "Team.io\/x" is not a valid key: its prefix \(before '\/'\) must be a DNS-1123 subdomain \(lower-case/);
      expect(() => make(Testing.chart(), { podMetadata: { labels: { app: '-web' } } }))
        .toThrow(new RegExp(`^${kind} 'x': 'podMetadata.labels' value of key "app" must be empty or at most 63`));
      expect(() => make(Testing.chart(), { podMetadata: { annotations: { '': 'x' } } }))
        .toThrow(/'podMetadata.annotations' key "" is not a valid key: its name is empty/);
    });
  }

  it('keeps what the API server accepts, token values included', () => {
    const chart = Testing.chart();
    new PrivateDeployment(chart, 'web', {
      ...podProps(chart),
      metadata: { labels: { 'app.kubernetes.io/name': 'web', 'empty': '' }, annotations: { 'Example.COM/Note': 'free text: {{ x }}', 'K': '' } },
      podMetadata: { labels: { Tier: 'Back_end.1' } },
    });
    const deployment = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(deployment.metadata.labels).toMatchObject({ 'app.kubernetes.io/name': 'web', 'empty': '' });
    expect(deployment.spec.template.metadata.labels).toMatchObject({ Tier: 'Back_end.1' });
  });

  it('fails when the default app\'s chart has a label the API server refuses', () => {
    expect(() => new PrivateRegistryChart(Testing.app(), 'app', {
      credentials: { server: 'ghcr.io', username: 'u', password: 'FAKE-pw' }, labels: { 'team/': 'a' },
    })).toThrow(/^PrivateRegistryChart 'app': 'labels' key "team\/" is not a valid key: its name \(after '\/'\) is empty;/);
  });
});
