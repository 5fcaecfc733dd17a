// Hostile input to RegistryPullPolicy: its scope and props (the credentials classes of the plain Secret, per entry of
// 'registries'), a second policy over the same objects, and objects in scope that the policy cannot serve. The judge
// (./_expect) checks that each message names the field, is one line, quotes no secret in any form, and that a refused
// constructor left nothing in the tree.
import { randomBytes } from 'node:crypto';
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { describe, it } from 'vitest';
import { DockerConfig, PrivateRegistrySecret, RegistryPullPolicy, RegistryPullPolicyProps } from '../../lib';
import { expectAccepted, expectAcceptedOrRefused, expectRefused } from './_expect';
import {
  BAD_NAMESPACES, LONE_SURROGATES, NAME_MESSAGE, TYPE_MESSAGE, UNICODE_MESSAGE, WEAK_STABILITY_KEYS, WRONG_TYPES, fake, useTempRoot,
} from './_fixtures';

useTempRoot('policy');

const USERNAME = fake('policy-user');
const PASSWORD = fake('policy-pw');
const EMAIL = `${fake('policy-mail')}@example.com`;
const SECRETS = [USERNAME, PASSWORD, EMAIL];

function registry(extra: Record<string, unknown> = {}): any {
  return { server: 'ghcr.io', username: USERNAME, password: PASSWORD, email: EMAIL, ...extra };
}

function props(extra: Record<string, unknown> = {}): RegistryPullPolicyProps {
  return { registries: [registry()], ...extra } as RegistryPullPolicyProps;
}

/** An app with one chart holding a Deployment that pulls from ghcr.io. */
function appWithChart(): { app: App; chart: Chart } {
  const app = Testing.app();
  const chart = new Chart(app, 'apps', { namespace: 'apps' });
  new kplus.Deployment(chart, 'api', { containers: [{ image: 'ghcr.io/acme/api:1' }] });
  return { app, chart };
}

/** Refuses the props of an App-scoped policy: nothing may be added to the app, nor reach the synthesized YAML. */
function refuseProps(extra: Record<string, unknown>, names: RegExp, more: { says?: RegExp[]; secrets?: string[] } = {}): void {
  const { app } = appWithChart();
  expectRefused(() => new RegistryPullPolicy(app, 'pull-policy', props(extra)), {
    names, says: more.says, secrets: [...SECRETS, ...(more.secrets ?? [])], scope: app, synth: () => app.synthYaml(),
  });
}

describe('RegistryPullPolicy: scope is a Chart or the App', () => {
  it('fails when the scope is a construct inside a chart, naming the two it can be', () => {
    const { app, chart } = appWithChart();
    const inner = new Construct(chart, 'inner');
    expectRefused(() => new RegistryPullPolicy(inner, 'pull-policy', props()), {
      names: /'scope'/, says: [/Chart/, /App/], secrets: SECRETS, scope: inner, synth: () => app.synthYaml(),
    });
  });
  for (const t of WRONG_TYPES) {
    it(`fails when the scope is ${t.title}`, () => {
      expectRefused(() => new RegistryPullPolicy(t.make('scope') as any, 'pull-policy', props()), { names: /'scope'/, secrets: SECRETS });
    });
  }
});

describe('RegistryPullPolicy: props of the wrong type', () => {
  for (const value of [undefined, null, 42, 'ghcr.io', [registry()]]) {
    it(`fails when props is ${value === undefined ? 'left out' : Array.isArray(value) ? 'an array' : JSON.stringify(value)}`, () => {
      const { app } = appWithChart();
      expectRefused(() => new RegistryPullPolicy(app, 'pull-policy', value as any), { names: /'props'/, secrets: SECRETS, scope: app });
    });
  }
  for (const t of WRONG_TYPES.filter((w) => !w.nullish)) {
    // a list of the wrong thing is refused at its first entry
    it(`fails when 'registries' is ${t.title}`, () => {
      refuseProps({ registries: t.make(PASSWORD) }, /'registries/);
    });
    // an object without credentials is refused at its first missing field
    it(`fails when 'registries[0]' is ${t.title}`, () => {
      refuseProps({ registries: [t.make(PASSWORD)] }, /'registries\[0\]/);
    });
  }
  it('fails when \'registries\' is an empty list and there is no dockerConfig', () => {
    refuseProps({ registries: [] }, /'registries'/, { says: [/at least one registry/] });
  });
  it('fails when there are no registries at all', () => {
    refuseProps({ registries: undefined }, /'registries'/, { says: [/at least one registry/] });
  });
});

describe('RegistryPullPolicy: each registry is checked as PrivateRegistrySecret checks its credentials', () => {
  for (const field of ['server', 'username', 'password', 'email'] as const) {
    const optional = field === 'server' || field === 'email';
    for (const t of WRONG_TYPES) {
      const check = optional && t.nullish ? expectAcceptedOrRefused : expectRefused;
      it(`fails when 'registries[1].${field}' is ${t.title}${check === expectAcceptedOrRefused ? ' (or takes it as not given)' : ''}`, () => {
        const { app } = appWithChart();
        const value = t.make(field === 'server' ? 'quay.io' : fake(`wrong-${field}`));
        const registries = [registry(), registry({ server: 'quay.io', [field]: value })];
        check(() => new RegistryPullPolicy(app, 'pull-policy', props({ registries })), {
          names: new RegExp(`'registries\\[1\\]\\.${field}'`), says: TYPE_MESSAGE, secrets: [...SECRETS, fake(`wrong-${field}`)], scope: app,
          synth: () => app.synthYaml(),
        });
      });
    }
    for (const s of LONE_SURROGATES) {
      it(`fails when 'registries[0].${field}' has ${s.title}`, () => {
        const bad = s.make(field === 'server' ? 'ghcr.io' : fake(`surrogate-${field}`));
        refuseProps({ registries: [registry({ [field]: bad })] }, new RegExp(`'registries\\[0\\]\\.${field}'`),
          { says: UNICODE_MESSAGE, secrets: [fake(`surrogate-${field}`)] });
      });
    }
  }
  const pasted = fake('pasted-pw');
  it('fails when a username holds a pasted user:password, without quoting it', () => {
    refuseProps({ registries: [registry({ username: `jane:${pasted}` })] }, /'registries\[0\]\.username'/,
      { says: [/':'/], secrets: [`jane:${pasted}`, pasted] });
  });
  it('fails when the server holds user:password@, without quoting it', () => {
    refuseProps({ registries: [registry({ server: `jane:${pasted}@ghcr.io` })] }, /'registries\[0\]\.server'/,
      { secrets: [`jane:${pasted}`, pasted] });
  });
  it('fails when the server has white space', () => {
    refuseProps({ registries: [registry({ server: 'ghcr.io ' })] }, /'registries\[0\]\.server'/, { says: [/white space/] });
  });
  it('fails when the server is a key the kubelet would skip', () => {
    refuseProps({ registries: [registry({ server: 'ghcr.io:port' })] }, /'registries\[0\]\.server'/, { says: [/skip/] });
  });
  it('fails when the password is empty', () => {
    refuseProps({ registries: [registry({ password: '' })] }, /'registries\[0\]\.password'/, { says: [/must not be empty/] });
  });
  it('fails when two registries have the same server, naming both', () => {
    refuseProps({ registries: [registry(), registry({ username: 'other' })] }, /registries\[0\] and registries\[1\]/, { says: [/twice/] });
  });
  it('fails when dockerConfig and registries have the same server, naming both', () => {
    const dockerConfig = DockerConfig.fromDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': { username: 'cfg', password: fake('cfg-pw') } } }));
    refuseProps({ dockerConfig }, /dockerConfig and registries\[0\]/, { says: [/twice/], secrets: [fake('cfg-pw')] });
  });
  it('fails when all registries together are over the 1 MiB a Secret may hold', () => {
    const huge = fake('huge') + 'p'.repeat(1024 * 1024);
    refuseProps({ registries: [registry({ password: huge })] }, /\.dockerconfigjson|size|bytes/i, { says: [/1,048,576/], secrets: [huge] });
  });
});

describe('RegistryPullPolicy: the other props', () => {
  for (const [title, value] of [['an empty object', {}], ['a string', '~/.docker/config.json'], ['a number', 42], ['an array', []]] as const) {
    it(`fails when 'dockerConfig' is ${title}`, () => {
      refuseProps({ dockerConfig: value }, /'dockerConfig'/, { says: [/DockerConfig\.fromFile/] });
    });
  }
  for (const t of WRONG_TYPES.filter((w) => !w.nullish)) {
    it(`fails when 'secretName' is ${t.title}`, () => {
      refuseProps({ secretName: t.make('regcred') }, /'secretName'/, { says: TYPE_MESSAGE });
    });
    it(`fails when 'publicImages' is ${t.title}`, () => {
      refuseProps({ publicImages: t.title === 'an array' ? [['nginx']] : t.make('nginx') }, /'publicImages/);
    });
    it(`fails when 'publicImages[0]' is ${t.title}`, () => {
      refuseProps({ publicImages: [t.make('nginx')] }, /'publicImages\[0\]'/, { says: TYPE_MESSAGE });
    });
    it(`fails when 'sealingCertificate' is ${t.title}`, () => {
      refuseProps({ sealingCertificate: t.make('cert.pem') }, /'sealingCertificate'/, { says: [/SealingCertificate\.fromFile/] });
    });
  }
  for (const t of WRONG_TYPES) {
    it(`fails when 'stabilityKey' is ${t.title}`, () => {
      refuseProps({ stabilityKey: t.make(randomBytes(32).toString('hex')) }, /'stabilityKey'/, { says: TYPE_MESSAGE });
    });
  }
  for (const k of WEAK_STABILITY_KEYS) {
    it(`fails when 'stabilityKey' is ${k.title}`, () => refuseProps({ stabilityKey: k.value }, /'stabilityKey'/, { says: [k.says], secrets: [k.value] }));
  }
  it('fails when a good \'stabilityKey\' is given without \'sealingCertificate\'', () => {
    const key = randomBytes(32).toString('hex');
    refuseProps({ stabilityKey: key }, /'stabilityKey'/, { says: [/sealingCertificate/], secrets: [key] });
  });
  for (const value of ['yes', 1, 'true']) {
    it(`fails when 'appendHash' is ${JSON.stringify(value)}`, () => {
      refuseProps({ appendHash: value }, /'appendHash'/, { says: [/true or false/] });
    });
  }
  for (const name of ['RegCred', 'reg_cred', '-regcred', 'r'.repeat(254)]) {
    it(`fails when 'secretName' is not a DNS-1123 subdomain: ${name.length > 20 ? `${name.length} characters` : name}`, () => {
      refuseProps({ secretName: name }, /'secretName'/, { says: NAME_MESSAGE });
    });
  }
  it('fails when \'secretName\' leaves no room for the hash that appendHash adds', () => {
    refuseProps({ secretName: 'r'.repeat(243), appendHash: true }, /'secretName'/, { says: [/at most 242 characters/] });
  });
  it('takes a secretName of 242 characters with appendHash', () => {
    const { app } = appWithChart();
    expectAccepted(() => new RegistryPullPolicy(app, 'pull-policy', props({ secretName: 'r'.repeat(242), appendHash: true })), SECRETS);
    expectAccepted(() => app.synthYaml(), SECRETS);
  });
  for (const image of ['Nginx', 'ghcr.io/Acme/app', 'nginx:', '']) {
    it(`fails when 'publicImages[0]' is not an image reference: ${JSON.stringify(image)}`, () => {
      refuseProps({ publicImages: [image] }, /'publicImages\[0\]'/);
    });
  }
});

describe('RegistryPullPolicy: one policy per set of objects', () => {
  it('fails when a second policy covers the whole app again', () => {
    const { app } = appWithChart();
    new RegistryPullPolicy(app, 'first', props());
    expectRefused(() => new RegistryPullPolicy(app, 'second', props()), { names: /'first'/, says: [/whole app/], secrets: SECRETS, scope: app });
  });
  it('fails when a chart gets a policy next to the App\'s', () => {
    const { app, chart } = appWithChart();
    new RegistryPullPolicy(app, 'first', props());
    expectRefused(() => new RegistryPullPolicy(chart, 'second', props()), { names: /'first'/, secrets: SECRETS, scope: chart });
  });
  it('fails when the App gets a policy next to a chart\'s', () => {
    const { app, chart } = appWithChart();
    new RegistryPullPolicy(chart, 'first', props());
    expectRefused(() => new RegistryPullPolicy(app, 'second', props()), { names: /'apps\/first'/, secrets: SECRETS, scope: app });
  });
  it('fails when one chart gets two policies', () => {
    const { chart } = appWithChart();
    new RegistryPullPolicy(chart, 'first', props());
    expectRefused(() => new RegistryPullPolicy(chart, 'second', props()), {
      names: /'apps\/first'/, says: [/this chart/], secrets: SECRETS, scope: chart,
    });
  });
  it('takes one policy per chart for two charts', () => {
    const { app, chart } = appWithChart();
    const other = new Chart(app, 'other', { namespace: 'other' });
    new kplus.Deployment(other, 'api', { containers: [{ image: 'ghcr.io/acme/api:1' }] });
    expectAccepted(() => new RegistryPullPolicy(chart, 'pull-policy', props()), SECRETS);
    expectAccepted(() => new RegistryPullPolicy(other, 'pull-policy', props()), SECRETS);
    expectAccepted(() => app.synthYaml(), SECRETS);
  });
});

describe('RegistryPullPolicy: objects in scope it cannot serve fail the synth with one line each', () => {
  function rawPod(chart: Chart, spec: Record<string, unknown>, namespace?: string): void {
    new ApiObject(chart, 'raw', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'raw', namespace }, spec });
  }
  function refuseAtSynth(build: (chart: Chart) => void, names: RegExp, says: RegExp[], secrets: string[] = []): void {
    const app = Testing.app();
    const chart = new Chart(app, 'apps');
    build(chart);
    expectRefused(() => new RegistryPullPolicy(chart, 'pull-policy', props()), {
      names, says, secrets: [...SECRETS, ...secrets], synth: () => app.synthYaml(),
    });
  }

  it('fails when an image is covered by nothing, naming the object and the image', () => {
    // a typo of the policy's registry: evidence that the image is private, and the image it was meant to be
    refuseAtSynth((c) => rawPod(c, { containers: [{ name: 'c', image: 'gchr.io/acme/x:1' }] }, 'apps'), /Pod apps\/raw/,
      [/gchr.io\/acme\/x:1/, /did you mean 'ghcr.io\/acme\/x:1'/, /publicImages/]);
  });
  it('fails when an ephemeral container\'s image is covered by nothing', () => {
    refuseAtSynth((c) => rawPod(c, { containers: [{ name: 'c', image: 'ghcr.io/acme/x:1' }],
      ephemeralContainers: [{ name: 'dbg', image: 'quay.io/acme/debug:1' }] }, 'apps'), /Pod apps\/raw/, [/ephemeral container 'dbg'/]);
  });
  it('fails when an image is not a reference the kubelet can parse', () => {
    refuseAtSynth((c) => rawPod(c, { containers: [{ name: 'c', image: 'ghcr.io/Acme/X:1' }] }, 'apps'), /Pod apps\/raw/, [/not a valid reference/]);
  });
  for (const ns of BAD_NAMESPACES) {
    it(`fails when objects that need the secret have a namespace that ${ns.title}`, () => {
      refuseAtSynth((c) => rawPod(c, { containers: [{ name: 'c', image: 'ghcr.io/acme/x:1' }] }, ns.value), /'metadata\.namespace'/, NAME_MESSAGE);
    });
  }
  it('fails when the imagePullSecrets of an object that needs the secret is not a list', () => {
    refuseAtSynth((c) => rawPod(c, { imagePullSecrets: { name: 'x' }, containers: [{ name: 'c', image: 'ghcr.io/acme/x:1' }] }, 'apps'),
      /spec\.imagePullSecrets/, [/not a list/]);
  });
  it('fails when the namespace has a Secret of the same name with other content, quoting neither', () => {
    const other = fake('other-pw');
    refuseAtSynth((c) => {
      new PrivateRegistrySecret(c, 'existing', { metadata: { name: 'regcred', namespace: 'apps' }, server: 'quay.io', username: 'q',
        password: other });
      rawPod(c, { containers: [{ name: 'c', image: 'ghcr.io/acme/x:1' }] }, 'apps');
    }, /secretName/, [/'regcred'/, /other content/], [other]);
  });
});
