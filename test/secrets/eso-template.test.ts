// Issue 14: External Secrets Operator renders the values of an ExternalSecret's target labels and annotations as Go
// templates, with its own delimiters when it runs with --template-left-delimiter / --template-right-delimiter. Every
// user-supplied text in a template field must come out on the Secret exactly as written. Go's own text/template
// (test/support/go-template) renders them, with ESO's delimiters and functions.
import { Testing } from 'cdk8s';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EcrRegistrySecret, ExternalRegistrySecret, ExternalRegistrySecretProps } from '../../lib';
import { DEFAULT_DELIMITERS, TemplateDelimiters, templateAction, templateText } from '../../lib/go/text-template';
import { GoTemplateRenderer, buildGoTemplateRenderer } from '../support/go-template';
import { dockerConfigJsonTemplate } from '../../lib/secrets/_eso';
import { kubectlDockerRegistrySecret } from '../support/kubectl';

let go: GoTemplateRenderer;
beforeAll(() => {
  go = buildGoTemplateRenderer();
}, 200_000);
afterAll(() => go?.close());

// the operator's default and a few pairs people use to keep Helm or Jinja away from ESO's templates
const DELIMITERS: TemplateDelimiters[] = [DEFAULT_DELIMITERS, { left: '<<', right: '>>' }, { left: '[[', right: ']]' },
  { left: '<%', right: '%>' }, { left: '{%', right: '%}' }, { left: '{', right: '}' }];

// what annotations carry in real life, and what a template lexer chokes on
const VALUES = ['a {{ b', '{"x":{{1}}}', '{{', '}}', '{{-', '-}}', '{{- .x -}}', '`', '%', '%s:%d', '{{"{{"}}', '{{ .username }}',
  '{{/* comment */}}', '{', '{{{', '}}}', '{{{{}}}}', '<<', '>>', '[[x]]', '<%= x %>', '{% if %}', '\\', '"quoted"', 'multi\nline',
  'ünïcødé ✓', '', ' ', 'helm.sh/chart: app-{{ .Chart.Version }}', '{"a":[1,{"b":"{{c}}"}]}'];

function renderAll(requests: { template: string; data?: { [k: string]: string }; d: TemplateDelimiters }[]): (string | Error)[] {
  return go.renderAll(requests.map((r) => ({ template: r.template, data: r.data ?? {}, left: r.d.left, right: r.d.right })));
}

describe('template text', () => {
  it.each(DELIMITERS.map((d) => [`${d.left} ${d.right}`, d] as const))('renders every value as written with delimiters %s', (_name, d) => {
    const rendered = renderAll(VALUES.map((v) => ({ template: templateText(v, d), d })));
    expect(rendered).toEqual(VALUES);
  });

  it.each(DELIMITERS.map((d) => [`${d.left} ${d.right}`, d] as const))('renders as written right before an action, with %s', (_name, d) => {
    const rendered = renderAll(VALUES.map((v) => ({ template: templateText(v, d, true) + templateAction('.x', d), data: { x: '|X|' }, d })));
    expect(rendered).toEqual(VALUES.map((v) => `${v}|X|`));
  });

  it('renders any text as written, for text made of delimiter characters (property, judged by Go)', () => {
    const alphabet = fc.constantFrom('{', '}', '-', ' ', '"', '`', '%', '<', '>', '[', ']', '.', 'x', '/', '*', '\\', '\n');
    const cases = fc.sample(fc.tuple(fc.array(alphabet, { maxLength: 24 }).map((a) => a.join('')), fc.constantFrom(...DELIMITERS)),
      { numRuns: 600, seed: 14 });
    const rendered = renderAll(cases.flatMap(([text, d]) => [
      { template: templateText(text, d), d },
      { template: templateText(text, d, true) + templateAction('.x', d), data: { x: '!' }, d },
    ]));
    expect(rendered).toEqual(cases.flatMap(([text]) => [text, `${text}!`]));
  });
});

const BASE: ExternalRegistrySecretProps = {
  metadata: { name: 'regcred', namespace: 'apps' },
  server: 'ghcr.io',
  storeName: 'vault',
  usernameKey: 'registry/ghcr', usernameProperty: 'username',
  passwordKey: 'registry/ghcr', passwordProperty: 'token',
};

function externalSecretOf(props: Partial<ExternalRegistrySecretProps>): any {
  const chart = Testing.chart();
  new ExternalRegistrySecret(chart, 'regcred', { ...BASE, ...props });
  return Testing.synth(chart).find((o) => o.kind === 'ExternalSecret');
}

function kubectlPayload(server: string, username: string, password: string): string {
  const secret = kubectlDockerRegistrySecret({ name: 'regcred', server, username, password });
  return Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8');
}

function kubectlPayloadWithEmail(server: string, username: string, password: string, email: string): string {
  const secret = kubectlDockerRegistrySecret({ name: 'regcred', server, username, password, email });
  return Buffer.from(secret.data['.dockerconfigjson'], 'base64').toString('utf8');
}

describe('an ExternalSecret\'s labels and annotations', () => {
  it.each(DELIMITERS.map((d) => [`${d.left} ${d.right}`, d] as const))('reach the Secret byte for byte through ESO\'s templates, %s', (_n, d) => {
    const annotations = Object.fromEntries(VALUES.map((v, i) => [`example.com/a${i}`, v]));
    const labels = { 'app.kubernetes.io/name': 'shop', 'example.com/l': 'x' };
    const custom = d === DEFAULT_DELIMITERS ? {} : { templateLeftDelimiter: d.left, templateRightDelimiter: d.right };
    const es = externalSecretOf({ metadata: { ...BASE.metadata, labels, annotations }, ...custom });
    const meta = es.spec.target.template.metadata;
    // what ESO writes on the Secret: each value rendered as its own template
    const render = (map: { [k: string]: string }): { [k: string]: string | Error } => {
      const keys = Object.keys(map);
      const out = renderAll(keys.map((k) => ({ template: map[k], d })));
      return Object.fromEntries(keys.map((k, i) => [k, out[i]]));
    };
    expect(render(meta.annotations)).toEqual(annotations);
    expect(render(meta.labels)).toEqual(labels);
    // the ExternalSecret's own metadata is not a template: it carries the values as given
    expect(es.metadata.annotations['example.com/a0']).toBe('a {{ b');
  });

  it('an annotation containing {{ reaches the Secret unchanged, where it used to fail or change every sync', () => {
    const es = externalSecretOf({ metadata: { ...BASE.metadata, annotations: { broken: 'a {{ b', changed: '{"x":{{1}}}' } } });
    const meta = es.spec.target.template.metadata.annotations;
    expect(go.render({ template: meta.broken, data: {} })).toBe('a {{ b');
    expect(go.render({ template: meta.changed, data: {} })).toBe('{"x":{{1}}}');
    // the unescaped values do what the issue reported: an error, and a silent change
    expect(() => go.render({ template: 'a {{ b', data: {} })).toThrow(/function "b" not defined/);
    expect(go.render({ template: '{"x":{{1}}}', data: {} })).toBe('{"x":1}');
  });
});

describe('the .dockerconfigjson template with the operator\'s delimiters', () => {
  const USER = 'robot{{x}}';
  const PASSWORD = 'FAKE-<<pw>>-{{.}}-[[ ]]-%>';

  it.each(DELIMITERS.map((d) => [`${d.left} ${d.right}`, d] as const))('renders kubectl\'s bytes with %s, for a server with delimiters', (_n, d) => {
    const custom = d === DEFAULT_DELIMITERS ? {} : { templateLeftDelimiter: d.left, templateRightDelimiter: d.right };
    for (const server of ['ghcr.io', 'registry.example.com:5000/team/{{x}}/<<y>>', 'https://index.docker.io/v1/']) {
      const es = externalSecretOf({ server, ...custom });
      const template = es.spec.target.template.data['.dockerconfigjson'];
      const rendered = go.render({ template, data: { username: USER, password: PASSWORD }, left: d.left, right: d.right });
      expect(rendered).toBe(kubectlPayload(server, USER, PASSWORD));
    }
  });

  it('renders an ECR token\'s endpoint with other delimiters too', () => {
    const chart = Testing.chart();
    new EcrRegistrySecret(chart, 'ecr', { metadata: { namespace: 'apps' }, region: 'eu-west-1', templateLeftDelimiter: '<<',
      templateRightDelimiter: '>>' });
    const es = Testing.synth(chart).find((o) => o.kind === 'ExternalSecret');
    const template = es.spec.target.template.data['.dockerconfigjson'];
    expect(template).not.toContain('{{');
    const rendered = go.render({ template, left: '<<', right: '>>',
      data: { proxy_endpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS', password: 'FAKE-ecr-token' } });
    expect(rendered).toBe(kubectlPayload('123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'AWS', 'FAKE-ecr-token'));
  });

  // Unusual but sound: a left delimiter is escaped wherever it occurs in text (here inside "auths", "username" or the
  // braces of the JSON), and a right delimiter means nothing to Go outside an action
  const UNUSUAL: TemplateDelimiters[] = [{ left: 'a', right: '}}' }, { left: '}}', right: '{{' }, { left: 'u', right: '#' },
    { left: ',', right: '}' }, { left: ':', right: '@' }];

  it.each(UNUSUAL.map((d) => [`${d.left} ${d.right}`, d] as const))('renders kubectl\'s bytes with the unusual pair %s, email included', (_n, d) => {
    const custom = { templateLeftDelimiter: d.left, templateRightDelimiter: d.right };
    const es = externalSecretOf({ ...custom, server: 'auths.example.com', emailKey: 'registry/ghcr', emailProperty: 'email' });
    const template = es.spec.target.template.data['.dockerconfigjson'];
    const data = { username: USER, password: PASSWORD, email: 'a@example.com' };
    const expected = kubectlPayloadWithEmail('auths.example.com', USER, PASSWORD, 'a@example.com');
    expect(go.render({ template, data, left: d.left, right: d.right })).toBe(expected);

    const chart = Testing.chart();
    new EcrRegistrySecret(chart, 'ecr', { metadata: { namespace: 'apps' }, region: 'eu-west-1', ...custom });
    const ecr = Testing.synth(chart).find((o) => o.kind === 'ExternalSecret').spec.target.template.data['.dockerconfigjson'];
    const rendered = go.render({ template: ecr, left: d.left, right: d.right,
      data: { proxy_endpoint: 'https://123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS', password: 'FAKE-ecr-token' } });
    expect(rendered).toBe(kubectlPayload('123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'AWS', 'FAKE-ecr-token'));
  });

  // a right delimiter that occurs inside one of our actions ends it early: Go then fails, or prints something else
  const BROKEN: TemplateDelimiters[] = [{ left: 'a', right: 'b' }, { left: '{{', right: '|' }, { left: '<<', right: '.' },
    { left: '<<', right: 'en' }, { left: '{{', right: 'toJson' }];

  it.each(BROKEN.map((d) => [`${d.left} ${d.right}`, d] as const))('fails when the right delimiter occurs in our actions: %s', (_n, d) => {
    const custom = { templateLeftDelimiter: d.left, templateRightDelimiter: d.right };
    const error = new RegExp(`^ExternalRegistrySecret 'regcred': 'templateRightDelimiter' ${JSON.stringify(d.right).replace(/[.|]/g, '\\$&')} ` +
      'occurs inside an action of the .dockerconfigjson template \\(.+\\), which it would end early; choose a right delimiter ');
    expect(() => externalSecretOf(custom)).toThrow(error);
    expect(() => new EcrRegistrySecret(Testing.chart(), 'ecr', { region: 'eu-west-1', ...custom })).toThrow(/'templateRightDelimiter'/);
    // why: the template built with this pair does not render kubectl's bytes (Go fails, or prints something else)
    const template = dockerConfigJsonTemplate({ text: '"ghcr.io"' }, true, d);
    const out = renderAll([{ template, data: { username: USER, password: PASSWORD, email: 'a@example.com' }, d }])[0];
    expect(out).not.toBe(kubectlPayloadWithEmail('ghcr.io', USER, PASSWORD, 'a@example.com'));
  });

  it('fails, to keep the rule simple, when the right delimiter occurs only in a string constant of an action', () => {
    // Go would read these correctly (a string constant is one token): the rule is one substring test, and stricter
    expect(() => externalSecretOf({ templateLeftDelimiter: '[[', templateRightDelimiter: '%s' }))
      .toThrow(/'templateRightDelimiter' "%s" occurs inside an action .*\(printf "%s:%s" \.username \.password \| b64enc\)/);
    expect(() => externalSecretOf({ templateLeftDelimiter: '<<', templateRightDelimiter: '<' }))
      .toThrow(/'templateRightDelimiter' "<" occurs inside an action .*\('templateLeftDelimiter' printed as text\)/);
  });

  it('fails when a delimiter is empty, has white space or a quote, naming the option', () => {
    expect(() => externalSecretOf({ templateLeftDelimiter: '' })).toThrow(/'templateLeftDelimiter' must not be empty/);
    expect(() => externalSecretOf({ templateRightDelimiter: '} }' })).toThrow(/'templateRightDelimiter' must be 1 to 16 characters/);
    expect(() => externalSecretOf({ templateLeftDelimiter: '"{' })).toThrow(/--template-left-delimiter flag, got "\\"\{"/);
  });
});
