// Hostile input to PrivateRegistrySecret: its props, addRegistry and fromRegistrySecretName. Every case gives its secrets
// explicitly; the judge (./_expect) checks the message names the field, is one line, holds none of them in any form,
// and that nothing was left half-built.
import { Chart } from 'cdk8s';
import { describe, it } from 'vitest';
import { PrivateRegistrySecret, PrivateRegistrySecretProps } from '../../lib';
import { expectAcceptedOrRefused, expectRefused } from './_expect';
import {
  BAD_NAMESPACES, LONE_SURROGATES, NAME_MESSAGE, TYPE_MESSAGE, UNICODE_MESSAGE, WRONG_TYPES, fake, newChart, synth, useTempRoot,
} from './_fixtures';

useTempRoot('secret');

const USERNAME = fake('user');
const PASSWORD = fake('pw');
const EMAIL = `${fake('mail')}@example.com`;
// no error may quote a username, password or email (a pasted 'user:password' makes the username a password)
const SECRETS = [USERNAME, PASSWORD, EMAIL];

function props(extra: Record<string, unknown> = {}): PrivateRegistrySecretProps {
  return { server: 'ghcr.io', username: USERNAME, password: PASSWORD, email: EMAIL, ...extra } as PrivateRegistrySecretProps;
}

/** A chart with one good secret, for addRegistry cases. */
function withSecret(): { chart: Chart; secret: PrivateRegistrySecret } {
  const chart = newChart();
  return { chart, secret: new PrivateRegistrySecret(chart, 'regcred', props({ metadata: { name: 'regcred' } })) };
}

function refuseProps(extra: Record<string, unknown>, names: RegExp, more: { says?: RegExp[]; secrets?: string[] } = {}): void {
  const chart = newChart();
  expectRefused(() => new PrivateRegistrySecret(chart, 'regcred', props(extra)), {
    names, says: more.says, secrets: [...SECRETS, ...(more.secrets ?? [])], scope: chart, synth: () => synth(chart),
  });
}

function refuseAddRegistry(credentials: unknown, names: RegExp, more: { says?: RegExp[]; secrets?: string[] } = {}): void {
  const { chart, secret } = withSecret();
  expectRefused(() => secret.addRegistry(credentials as any), {
    names, says: more.says, secrets: [...SECRETS, ...(more.secrets ?? [])], state: () => synth(chart), synth: () => synth(chart),
  });
}

describe('PrivateRegistrySecret never echoes a secret', () => {
  const pasted = fake('pasted-pw');
  it('fails when the username holds a pasted user:password, without quoting it', () => {
    refuseProps({ username: `jane:${pasted}` }, /'username'/, { says: [/':'/], secrets: [`jane:${pasted}`, pasted] });
  });

  it('fails when a username with \':\' comes through addRegistry, without quoting it', () => {
    refuseAddRegistry({ server: 'quay.io', username: `robot:${pasted}`, password: PASSWORD }, /'username'/,
      { says: [/':'/], secrets: [`robot:${pasted}`, pasted] });
  });

  it('fails when the username is \':\' followed by the password, without quoting it', () => {
    refuseProps({ username: `:${pasted}` }, /'username'/, { secrets: [`:${pasted}`, pasted] });
  });

  it('fails when the username has a \':\' and the password is empty, without quoting the username', () => {
    refuseProps({ username: `jane:${pasted}`, password: '' }, /'username'|'password'/, { secrets: [`jane:${pasted}`, pasted] });
  });
});

describe('PrivateRegistrySecret: a value of the wrong JavaScript type is told "must be a string"', () => {
  for (const field of ['server', 'username', 'password', 'email'] as const) {
    const optional = field === 'server' || field === 'email';
    for (const t of WRONG_TYPES) {
      // null for an optional field may mean "not given": accepting it is fine, crashing is not
      const check = optional && t.nullish ? expectAcceptedOrRefused : expectRefused;
      it(`fails when '${field}' is ${t.title}${check === expectAcceptedOrRefused ? ' (or takes it as not given)' : ''}`, () => {
        const chart = newChart();
        const value = t.make(field === 'server' ? 'ghcr.io' : fake(`wrong-${field}`));
        check(() => new PrivateRegistrySecret(chart, 'regcred', props({ [field]: value })), {
          names: new RegExp(`'${field}'`), says: TYPE_MESSAGE, secrets: [...SECRETS, fake(`wrong-${field}`)], scope: chart,
          synth: () => synth(chart),
        });
      });
      it(`fails when addRegistry gets '${field}' as ${t.title}`, () => {
        const { chart, secret } = withSecret();
        const value = t.make(field === 'server' ? 'quay.io' : fake(`wrong-${field}`));
        const credentials = { server: 'quay.io', username: USERNAME, password: PASSWORD, email: EMAIL, [field]: value };
        check(() => secret.addRegistry(credentials as any), {
          names: new RegExp(`'${field}'`), says: TYPE_MESSAGE, secrets: [...SECRETS, fake(`wrong-${field}`)],
          state: () => synth(chart), synth: () => synth(chart),
        });
      });
    }
  }

  for (const field of ['name', 'namespace'] as const) {
    for (const t of WRONG_TYPES.filter((w) => !w.nullish)) {
      it(`fails when 'metadata.${field}' is ${t.title}`, () => {
        refuseProps({ metadata: { [field]: t.make('regcred') } }, new RegExp(`'?metadata\\.${field}'?`), { says: TYPE_MESSAGE });
      });
    }
  }
});

describe('PrivateRegistrySecret refuses text that is not valid Unicode', () => {
  for (const field of ['server', 'username', 'password', 'email'] as const) {
    for (const s of LONE_SURROGATES) {
      it(`fails when '${field}' has ${s.title}`, () => {
        const bad = s.make(field === 'server' ? 'ghcr.io' : fake(`surrogate-${field}`));
        refuseProps({ [field]: bad }, new RegExp(`'${field}'`), { says: UNICODE_MESSAGE, secrets: [fake(`surrogate-${field}`)] });
      });
    }
  }
  it('fails when addRegistry gets a password with a lone surrogate', () => {
    refuseAddRegistry({ server: 'quay.io', username: 'robot', password: `${fake('surrogate-add')}\ud800` }, /'password'/,
      { says: UNICODE_MESSAGE, secrets: [fake('surrogate-add')] });
  });
});

describe('PrivateRegistrySecret never writes a Secret without a registry', () => {
  const notDockerConfigs: [string, unknown][] = [
    ['an empty object', {}],
    ['a string', 'ghcr.io'],
    ['a number', 42],
    ['an array', []],
    ['an object that only looks like one', { servers: ['ghcr.io'] }],
  ];
  for (const [title, value] of notDockerConfigs) {
    it(`fails when 'dockerConfig' is ${title}`, () => {
      const chart = newChart();
      expectRefused(() => new PrivateRegistrySecret(chart, 'regcred', { dockerConfig: value as any }), {
        names: /'dockerConfig'/, secrets: SECRETS, scope: chart, synth: () => synth(chart),
      });
    });
  }
  it('fails when \'dockerConfig\' is an empty object next to inline credentials (it would be dropped silently)', () => {
    refuseProps({ dockerConfig: {} }, /'dockerConfig'/);
  });
});

describe('PrivateRegistrySecret stays under the API server\'s 1 MiB limit on Secret data', () => {
  const LIMIT = /1048576|1,048,576|1 ?MiB/;
  it('fails when a 1 MiB password makes the payload too large, naming the size and the limit', () => {
    const huge = fake('huge') + 'p'.repeat(1024 * 1024);
    refuseProps({ password: huge }, /\.dockerconfigjson|size|bytes/i, { says: [LIMIT], secrets: [huge] });
  });

  it('fails when addRegistry pushes the payload over the limit', () => {
    const big = fake('big') + 'p'.repeat(300 * 1024);
    const chart = newChart();
    // about 700 KB each: one fits, two do not
    const secret = new PrivateRegistrySecret(chart, 'regcred', props({ password: big }));
    expectRefused(() => secret.addRegistry({ server: 'quay.io', username: 'robot', password: big }), {
      names: /\.dockerconfigjson|size|bytes/i, says: [LIMIT], secrets: [...SECRETS, big], synth: () => synth(chart),
    });
  });

  it('fails when many small registries add up to more than the limit', () => {
    const chart = newChart();
    const password = fake('many') + 'p'.repeat(60 * 1024);
    const secret = new PrivateRegistrySecret(chart, 'regcred', props({ password }));
    expectRefused(() => {
      for (let i = 0; i < 10; i++) secret.addRegistry({ server: `r${i}.example.com`, username: 'robot', password });
    }, { names: /\.dockerconfigjson|size|bytes/i, says: [LIMIT], secrets: [...SECRETS, password], synth: () => synth(chart) });
  });
});

describe('PrivateRegistrySecret refuses a namespace the API server would refuse', () => {
  for (const ns of BAD_NAMESPACES) {
    it(`fails when 'metadata.namespace' ${ns.title}`, () => {
      refuseProps({ metadata: { name: 'regcred', namespace: ns.value } }, /namespace/, { says: NAME_MESSAGE });
    });
  }
  for (const ns of ['team.a', 'Bad_NS']) {
    it(`fails when the chart's namespace is '${ns}'`, () => {
      const chart = newChart({ namespace: ns });
      expectRefused(() => new PrivateRegistrySecret(chart, 'regcred', props()), {
        names: /namespace/, says: NAME_MESSAGE, secrets: SECRETS, scope: chart, synth: () => synth(chart),
      });
    });
  }
});

describe('PrivateRegistrySecret answers a missing argument with its own error, not a TypeError', () => {
  for (const [title, value] of [['undefined', undefined], ['null', null], ['a string', 'ghcr.io'], ['a number', 42]] as const) {
    it(`fails when addRegistry gets ${title}`, () => {
      refuseAddRegistry(value, /credentials|addRegistry/);
    });
  }
  for (const [title, value] of [['undefined', undefined], ['null', null], ['a string', 'ghcr.io']] as const) {
    it(`fails when the props are ${title}`, () => {
      const chart = newChart();
      expectRefused(() => new PrivateRegistrySecret(chart, 'regcred', value as any), {
        names: /props|'username'/, scope: chart, synth: () => synth(chart),
      });
    });
  }
});

describe('PrivateRegistrySecret does not read a string as a boolean', () => {
  it('fails when \'appendHash\' is the string \'false\' (it would hash the name)', () => {
    refuseProps({ metadata: { name: 'regcred' }, appendHash: 'false' }, /'appendHash'/, { says: [/boolean|true or false/] });
  });
  it('fails when \'immutable\' is the string \'false\'', () => {
    refuseProps({ immutable: 'false' }, /'immutable'/, { says: [/boolean|true or false/] });
  });
});

describe('PrivateRegistrySecret.fromRegistrySecretName checks what it is told', () => {
  const refuse = (name: unknown, options: unknown, names: RegExp, says?: RegExp[]): void => {
    const chart = newChart();
    expectRefused(() => PrivateRegistrySecret.fromRegistrySecretName(chart, 'existing', name as any, options as any), {
      names, says, scope: chart,
    });
  };
  it('fails when \'servers\' is a string, which would be read as its characters', () => {
    refuse('regcred', { servers: 'ghcr.io' }, /'servers'/, [/array|list/]);
  });
  it('fails when \'servers\' is an object', () => refuse('regcred', { servers: { 0: 'ghcr.io' } }, /'servers'/, [/array|list/]));
  it('fails when \'servers\' holds a number', () => refuse('regcred', { servers: [42] }, /'servers\[0\]'/, TYPE_MESSAGE));
  it('fails when \'servers\' holds an empty string', () => refuse('regcred', { servers: [''] }, /'servers\[0\]'/));
  it('fails when \'servers\' holds null', () => refuse('regcred', { servers: [null] }, /'servers\[0\]'/));
  it('fails when \'servers\' holds a lone surrogate', () => refuse('regcred', { servers: ['ghcr.io\ud800'] }, /'servers\[0\]'/, UNICODE_MESSAGE));
  it('fails when the options are a string', () => refuse('regcred', 'ghcr.io', /options|'servers'/));
  it('fails when \'secretNamespace\' is not a DNS-1123 label', () => refuse('regcred', { secretNamespace: 'Bad_NS' }, /secretNamespace/, NAME_MESSAGE));
  it('fails when \'secretNamespace\' is a number', () => refuse('regcred', { secretNamespace: 42 }, /secretNamespace/, TYPE_MESSAGE));
  it('fails when the name is a number', () => refuse(42, {}, /'name'/, TYPE_MESSAGE));
  it('fails when the name is a symbol', () => refuse(Symbol('regcred'), {}, /'name'/, TYPE_MESSAGE));
  it('fails when the name is undefined', () => refuse(undefined, {}, /'name'/));
});
