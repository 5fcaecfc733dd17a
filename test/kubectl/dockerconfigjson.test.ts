// kubectl is the oracle: for each credential set, the payload our Secret carries must equal, byte for byte, the one
// `kubectl create secret docker-registry` writes. The credentials are fake; titles name the case, never a password.
import { Chart, Testing } from 'cdk8s';
import { describe, expect, it } from 'vitest';
import { PrivateRegistrySecret } from '../../lib';
import { KUBECTL, kubectlDockerRegistrySecret } from '../support/kubectl';
import * as fs from 'node:fs';

interface Case {
  readonly title: string;
  readonly server?: string;
  readonly username: string;
  readonly password: string;
  readonly email?: string;
}

const long200 = Array.from({ length: 200 }, (_, i) => String.fromCharCode(33 + ((i * 7) % 94))).join('');

const CASES: Case[] = [
  { title: 'the seed example on the Docker Hub default', username: 'janedoe', password: 'xxxxxxxxxxx', email: 'jdoe@example.com' },
  { title: 'no email', username: 'janedoe', password: 'fake-pass' },
  { title: 'html characters < > & in password', username: 'jane', password: 'a<b>c&d', email: 'x<y>&z@example.com' },
  { title: 'U+2028 and U+2029 in password', username: 'jane', password: 'line\u2028para\u2029end' },
  { title: 'double and single quotes', username: 'jane', password: 'say "hi" it\'s' },
  { title: 'backslashes', username: 'dom\\user', password: 'back\\slash\\\\' },
  { title: 'control characters', username: 'jane', password: 'tab\tnl\ncr\rbs\bff\fesc\u001bnul-free\u0001\u001f' },
  { title: 'DEL character', username: 'jane', password: 'del\u007fchar' },
  { title: 'colons in the password', username: 'jane', password: ':pass:word:' },
  { title: 'a 200-character password', username: 'jane', password: long200 },
  { title: 'unicode letters and emoji', username: 'jürgen', password: 'pässwörd-日本語-🔑', email: 'jürgen@example.com' },
  { title: 'a server with a port', server: 'registry.example.com:5000', username: 'jane', password: 'fake' },
  { title: 'localhost with a port', server: 'localhost:5000', username: 'jane', password: 'fake' },
  { title: 'an IPv4 host with a port', server: '127.0.0.1:5443', username: 'jane', password: 'fake' },
  { title: 'a server with a path', server: 'registry.example.com/team/project', username: 'jane', password: 'fake' },
  { title: 'an http:// server', server: 'http://registry.example.com:8080', username: 'jane', password: 'fake' },
  { title: 'an https:// server with /v2/', server: 'https://registry.example.com/v2/', username: 'jane', password: 'fake' },
  { title: 'ghcr.io with a token-like password', server: 'ghcr.io', username: 'jane', password: 'ghp_FAKEFAKEFAKEFAKEFAKEFAKEFAKEFAKE0000' },
  { title: 'docker.io spelled short', server: 'docker.io', username: 'jane', password: 'fake' },
  { title: 'a server with html characters', server: 'https://reg.example.com/a&b<c>', username: 'jane', password: 'fake' },
  { title: 'an ECR-style server and AWS username', server: '123456789012.dkr.ecr.eu-west-1.amazonaws.com', username: 'AWS',
    password: 'eyJwYXlsb2FkIjoiZmFrZSJ9' },
  { title: 'an email with plus and html characters', username: 'jane', password: 'fake', email: 'jane+ci&<ops>@example.com' },
  { title: 'a password of base64 characters with padding', username: 'jane', password: 'YWJj+/==' },
  { title: 'a password with spaces around', username: 'jane', password: '  padded  ' },
  { title: 'a username with dots, dashes and @', username: 'svc.ci-bot@example.com', password: 'fake' },
];

function decodedPayload(secret: PrivateRegistrySecret): string {
  const [obj] = Testing.synth(Chart.of(secret)).filter((o) => o.kind === 'Secret');
  return Buffer.from(obj.data['.dockerconfigjson'], 'base64').toString('utf8');
}

describe('the payload equals kubectl create secret docker-registry, byte for byte', () => {
  it('has kubectl at hand', () => {
    expect(fs.existsSync(KUBECTL), `kubectl not found at ${KUBECTL}: install it (Debian package kubernetes-client)`).toBe(true);
  });

  it.each(CASES.map((c) => [c.title, c] as const))('%s', (_title, c) => {
    const chart = Testing.chart();
    const secret = new PrivateRegistrySecret(chart, 'regcred', {
      metadata: { name: 'regcred' },
      server: c.server, username: c.username, password: c.password, email: c.email,
    });
    const expected = kubectlDockerRegistrySecret({ name: 'regcred', ...c });
    const expectedBytes = Buffer.from(expected.data['.dockerconfigjson'], 'base64');
    const ours = Buffer.from(decodedPayload(secret), 'utf8');
    // compare bytes, and report a diff without the payload (it holds the password)
    expect(ours.equals(expectedBytes), `payload differs from kubectl's for case '${c.title}' ` +
      `(${ours.length} vs ${expectedBytes.length} bytes, first difference at byte ${firstDifference(ours, expectedBytes)})`).toBe(true);
  });

  it('writes the same Secret object as kubectl apart from cdk8s-only fields', () => {
    const chart = Testing.chart();
    new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'myregcred', namespace: 'team-a' }, username: 'janedoe',
      password: 'xxxxxxxxxxx' });
    const [ours] = Testing.synth(chart);
    const theirs = kubectlDockerRegistrySecret({ name: 'myregcred', namespace: 'team-a', username: 'janedoe', password: 'xxxxxxxxxxx' });
    delete theirs.metadata.creationTimestamp;
    expect(ours).toEqual(theirs);
  });
});

function firstDifference(a: Buffer, b: Buffer): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return n;
}
