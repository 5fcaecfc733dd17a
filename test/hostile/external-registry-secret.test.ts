// Hostile input to ExternalRegistrySecret and EcrRegistrySecret: durations that are not Durations, values of the wrong
// type, text that is not Unicode, and names and namespaces the API server would refuse.
import { Duration } from 'cdk8s';
import { describe, it } from 'vitest';
import { EcrRegistrySecret, EcrRegistrySecretProps, ExternalRegistrySecret, ExternalRegistrySecretProps } from '../../lib';
import { expectRefused } from './_expect';
import { BAD_NAMESPACES, NAME_MESSAGE, TYPE_MESSAGE, UNICODE_MESSAGE, newChart, synth, useTempRoot } from './_fixtures';

useTempRoot('external');

function externalProps(extra: Record<string, unknown> = {}): ExternalRegistrySecretProps {
  return { server: 'ghcr.io', storeName: 'vault', usernameKey: 'registry/user', passwordKey: 'registry/password', ...extra } as
    ExternalRegistrySecretProps;
}

function ecrProps(extra: Record<string, unknown> = {}): EcrRegistrySecretProps {
  return { region: 'eu-west-1', accountId: '123456789012', ...extra } as EcrRegistrySecretProps;
}

function refuseExternal(extra: Record<string, unknown>, names: RegExp, says?: RegExp[], chartNamespace?: string): void {
  const chart = newChart(chartNamespace ? { namespace: chartNamespace } : {});
  expectRefused(() => new ExternalRegistrySecret(chart, 'regcred', externalProps(extra)), {
    names, says, scope: chart, synth: () => synth(chart),
  });
}

function refuseEcr(extra: Record<string, unknown>, names: RegExp, says?: RegExp[], chartNamespace?: string): void {
  const chart = newChart(chartNamespace ? { namespace: chartNamespace } : {});
  expectRefused(() => new EcrRegistrySecret(chart, 'ecr', ecrProps(extra)), { names, says, scope: chart, synth: () => synth(chart) });
}

const DURATION = [/Duration/];

describe('ExternalRegistrySecret: refreshInterval must be a Duration that ESO can parse', () => {
  it('fails when \'refreshInterval\' is the string \'1h\'', () => refuseExternal({ refreshInterval: '1h' }, /'refreshInterval'/, DURATION));
  it('fails when \'refreshInterval\' is a number of seconds', () => refuseExternal({ refreshInterval: 3600 }, /'refreshInterval'/, DURATION));
  it('fails when \'refreshInterval\' is half a millisecond (it would be written as an empty string)', () => {
    refuseExternal({ refreshInterval: Duration.millis(0.5) }, /'refreshInterval'/);
  });
  it('fails when \'refreshInterval\' is not a number of milliseconds at all', () => {
    refuseExternal({ refreshInterval: Duration.millis(NaN) }, /'refreshInterval'/);
  });
});

describe('ExternalRegistrySecret tells a wrong JavaScript type what it should be', () => {
  const wrong: [string, unknown][] = [['a number', 42], ['a String object', new String('ghcr.io')], ['a symbol', Symbol('ghcr.io')],
    ['an array', ['ghcr.io']]];
  for (const [title, value] of wrong) {
    it(`fails when 'server' is ${title}`, () => refuseExternal({ server: value }, /'server'/, TYPE_MESSAGE));
  }
  it('fails when \'storeName\' is a number (it passes the name check as \'42\')', () => refuseExternal({ storeName: 42 }, /'storeName'/, TYPE_MESSAGE));
  it('fails when \'usernameKey\' is a number', () => refuseExternal({ usernameKey: 42 }, /'usernameKey'/, TYPE_MESSAGE));
  it('fails when \'passwordKey\' is an array', () => refuseExternal({ passwordKey: ['registry/password'] }, /'passwordKey'/, TYPE_MESSAGE));
  it('fails when \'usernameProperty\' is a number', () => refuseExternal({ usernameProperty: 42 }, /'usernameProperty'/, TYPE_MESSAGE));
  it('fails when \'emailKey\' is a boolean', () => refuseExternal({ emailKey: true }, /'emailKey'/, TYPE_MESSAGE));
  it('fails when the props are undefined', () => {
    const chart = newChart();
    expectRefused(() => new ExternalRegistrySecret(chart, 'regcred', undefined as any), { names: /props|'storeName'|'usernameKey'/, scope: chart });
  });
});

describe('ExternalRegistrySecret refuses text that is not valid Unicode', () => {
  it('fails when \'server\' has a lone surrogate', () => refuseExternal({ server: 'ghcr.io\ud800' }, /'server'/, UNICODE_MESSAGE));
  it('fails when \'usernameKey\' has a lone surrogate', () => refuseExternal({ usernameKey: 'registry/user\udc00' }, /'usernameKey'/, UNICODE_MESSAGE));
  it('fails when \'passwordProperty\' has a lone surrogate', () => {
    refuseExternal({ passwordProperty: 'pw\ud800' }, /'passwordProperty'/, UNICODE_MESSAGE);
  });
});

describe('ExternalRegistrySecret refuses a namespace the API server would refuse', () => {
  for (const ns of BAD_NAMESPACES) {
    it(`fails when 'metadata.namespace' ${ns.title}`, () => refuseExternal({ metadata: { namespace: ns.value } }, /namespace/, NAME_MESSAGE));
  }
  it('fails when the chart\'s namespace is \'team.a\'', () => refuseExternal({}, /namespace/, NAME_MESSAGE, 'team.a'));
});

describe('EcrRegistrySecret checks what it is given', () => {
  it('fails when \'refreshInterval\' is the string \'1h\'', () => refuseEcr({ refreshInterval: '1h' }, /'refreshInterval'/, DURATION));
  it('fails when \'refreshInterval\' is a number of seconds', () => refuseEcr({ refreshInterval: 3600 }, /'refreshInterval'/, DURATION));
  it('fails when \'refreshInterval\' is not a number of milliseconds at all', () => {
    refuseEcr({ refreshInterval: Duration.millis(NaN) }, /'refreshInterval'/);
  });
  it('fails when \'region\' is a symbol', () => refuseEcr({ region: Symbol('eu-west-1') }, /'region'/, TYPE_MESSAGE));
  it('fails when \'accountId\' is a symbol', () => refuseEcr({ accountId: Symbol('123456789012') }, /'accountId'/, TYPE_MESSAGE));
  it('fails when \'accountId\' is a number (it passes the 12-digit check as text)', () => {
    refuseEcr({ accountId: 123456789012 }, /'accountId'/, TYPE_MESSAGE);
  });
  it('fails when \'role\' is not an IAM role ARN', () => refuseEcr({ role: 'my-role' }, /'role'/, [/arn/i]));
  it('fails when \'serviceAccountName\' is a number', () => refuseEcr({ serviceAccountName: 42 }, /'serviceAccountName'/, TYPE_MESSAGE));
  it('fails when \'accessKeyIdKey\' is empty', () => refuseEcr({ accessKeySecretName: 'aws', accessKeyIdKey: '' }, /'accessKeyIdKey'/));
  it('fails when the props are undefined', () => {
    const chart = newChart();
    expectRefused(() => new EcrRegistrySecret(chart, 'ecr', undefined as any), { names: /props|'region'/, scope: chart });
  });
  for (const ns of BAD_NAMESPACES.slice(0, 2)) {
    it(`fails when 'metadata.namespace' ${ns.title}`, () => refuseEcr({ metadata: { namespace: ns.value } }, /namespace/, NAME_MESSAGE));
  }
  it('fails when the chart\'s namespace is \'team.a\'', () => refuseEcr({}, /namespace/, NAME_MESSAGE, 'team.a'));
});
