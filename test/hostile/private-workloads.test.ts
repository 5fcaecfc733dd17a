// Hostile input to every pod-bearing construct (PrivatePod and each Private* workload), PrivateServiceAccount and
// PrivateRegistryChart: names and namespaces the API server refuses, a string where a list belongs, missing props.
import { App, Chart, Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, it } from 'vitest';
import {
  CommonPrivatePodProps, IPrivatePod, PrivateCronJob, PrivateDaemonSet, PrivateDeployment, PrivateJob, PrivatePod, IRegistrySecret,
  PrivateRegistrySecret, PrivateServiceAccount, PrivateStatefulSet,
} from '../../lib';
import { PrivateRegistryChart, PrivateRegistryChartProps } from '../../app/private-registry-chart';
import { expectRefused } from './_expect';
import { NAME_MESSAGE, TYPE_MESSAGE, fake, newChart, synth, useTempRoot } from './_fixtures';

const tmp = useTempRoot('workloads');

const PASSWORD = fake('workload-pw');
const SECRETS = [PASSWORD];

type Props = CommonPrivatePodProps & kplus.AbstractPodProps;

interface Kind {
  readonly name: string;
  readonly build: (chart: Chart, id: string, props: Props) => IPrivatePod;
}

const KINDS: Kind[] = [
  { name: 'PrivatePod', build: (c, id, p) => new PrivatePod(c, id, p) },
  { name: 'PrivateDeployment', build: (c, id, p) => new PrivateDeployment(c, id, p) },
  // kplus builds a headless Service for a StatefulSet and needs a port for it
  {
    name: 'PrivateStatefulSet',
    build: (c, id, p) => new PrivateStatefulSet(c, id, p && { ...p, containers: p.containers?.map((ct) => ({ portNumber: 8080, ...ct })) }),
  },
  { name: 'PrivateDaemonSet', build: (c, id, p) => new PrivateDaemonSet(c, id, p) },
  { name: 'PrivateJob', build: (c, id, p) => new PrivateJob(c, id, p) },
  { name: 'PrivateCronJob', build: (c, id, p) => new PrivateCronJob(c, id, p && { schedule: Cron.daily(), ...p }) },
];

function ghcrSecret(chart: Chart): PrivateRegistrySecret {
  return new PrivateRegistrySecret(chart, 'regcred', { metadata: { name: 'regcred' }, server: 'ghcr.io', username: 'robot', password: PASSWORD });
}

// a secret that exists already, assumed to be in the pod's namespace: a bad namespace on the pod is then the only fault
function ghcrReference(chart: Chart): IRegistrySecret {
  return PrivateRegistrySecret.fromRegistrySecretName(chart, 'regcred', 'regcred', { servers: ['ghcr.io'] });
}

/** Builds `kind` in a fresh chart with a covered image and the extra props, and expects the refusal. */
function refuseKind(kind: Kind, extra: (chart: Chart) => Record<string, unknown>, names: RegExp, says?: RegExp[], chartNamespace?: string): void {
  const chart = newChart(chartNamespace ? { namespace: chartNamespace } : {});
  const secret = ghcrReference(chart);
  const props = { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [secret], ...extra(chart) } as Props;
  expectRefused(() => kind.build(chart, 'w', props), { names, says, secrets: SECRETS, scope: chart, synth: () => synth(chart) });
}

describe.each(KINDS)('$name refuses bad input', (kind) => {
  it('fails when \'metadata.name\' has upper case and an underscore', () => {
    refuseKind(kind, () => ({ metadata: { name: 'Bad_Pod' } }), /metadata\.name/, NAME_MESSAGE);
  });
  it('fails when \'metadata.name\' is 254 characters long', () => {
    refuseKind(kind, () => ({ metadata: { name: 'p'.repeat(254) } }), /metadata\.name/, NAME_MESSAGE);
  });
  it('fails when \'metadata.namespace\' has upper case and an underscore', () => {
    refuseKind(kind, () => ({ metadata: { namespace: 'Bad_NS' } }), /namespace/, NAME_MESSAGE);
  });
  it('fails when \'metadata.namespace\' is 64 characters long', () => {
    refuseKind(kind, () => ({ metadata: { namespace: 'n'.repeat(64) } }), /namespace/, NAME_MESSAGE);
  });
  it('fails when the chart\'s namespace has a dot', () => {
    const chart = newChart({ namespace: 'team.a' });
    const secret = ghcrReference(chart);
    expectRefused(() => kind.build(chart, 'w', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [secret] }), {
      names: /namespace/, says: NAME_MESSAGE, secrets: SECRETS, scope: chart, synth: () => synth(chart),
    });
  });
  it('fails when a container name has upper case and an underscore', () => {
    refuseKind(kind, () => ({ containers: [{ name: 'Bad_Container', image: 'ghcr.io/org/app:1' }] }), /container|'name'/, NAME_MESSAGE);
  });
  it('fails when an init container name is 64 characters long', () => {
    refuseKind(kind, () => ({ initContainers: [{ name: 'c'.repeat(64), image: 'ghcr.io/org/init:1' }] }), /'initContainers\[0\]\.name'/, NAME_MESSAGE);
  });
  it('fails when \'registrySecrets\' is one secret rather than a list', () => {
    refuseKind(kind, (chart) => ({ registrySecrets: kplus.Secret.fromSecretName(chart, 'one', 'regcred') }), /'registrySecrets'/, [/array|list/]);
  });
  it('fails when \'registrySecrets\' is a secret name rather than a list of secrets', () => {
    refuseKind(kind, () => ({ registrySecrets: 'regcred' }), /'registrySecrets'/, [/array|list/]);
  });
  it('fails when \'publicImages\' is a string, which would be read as its characters', () => {
    refuseKind(kind, () => ({ publicImages: 'nginx' }), /'publicImages'/, [/array|list/]);
  });
  it('fails when \'publicImages\' holds a number', () => {
    refuseKind(kind, () => ({ publicImages: [42] }), /'publicImages\[0\]'/, TYPE_MESSAGE);
  });
  it('fails when the props are undefined', () => {
    const chart = newChart();
    expectRefused(() => kind.build(chart, 'w', undefined as any), { names: /props|'registrySecrets'|'containers'/, scope: chart });
  });
});

describe('private workloads: names the API server refuses for one kind only', () => {
  it('fails when a PrivateCronJob name is 53 characters (the controller appends 11 to make Job names)', () => {
    refuseKind(KINDS[5], () => ({ metadata: { name: 'c'.repeat(53) } }), /metadata\.name/, [/52/]);
  });
  it('fails when a PrivateJob name is 64 characters (it becomes the job-name label, at most 63)', () => {
    refuseKind(KINDS[4], () => ({ metadata: { name: 'j'.repeat(64) } }), /metadata\.name/, [/63/]);
  });
  it('fails when a container added after construction has a bad name', () => {
    const chart = newChart();
    const pod = new PrivatePod(chart, 'w', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    expectRefused(() => (pod as unknown as kplus.Pod).addContainer({ name: 'Bad_Sidecar', image: 'ghcr.io/org/sidecar:1' }), {
      names: /container|'name'/, says: NAME_MESSAGE, secrets: SECRETS, synth: () => synth(chart),
    });
  });
  it('fails when addPublicImage gets undefined', () => {
    const chart = newChart();
    const pod = new PrivatePod(chart, 'w', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    expectRefused(() => pod.addPublicImage(undefined as any), { names: /'?publicImages'?|image/, says: TYPE_MESSAGE });
  });
  it('fails when an image is not a valid reference, naming the container once and the construct path once', () => {
    const chart = newChart();
    new PrivatePod(chart, 'w', { containers: [{ name: 'app', image: 'Bad/Image' }], registrySecrets: [ghcrSecret(chart)] });
    expectRefused(() => undefined, { names: /container 'app'/, secrets: SECRETS, synth: () => synth(chart) });
  });
  it('fails when an image is not covered, naming the construct path once', () => {
    const chart = newChart();
    new PrivatePod(chart, 'w', { containers: [{ name: 'app', image: 'quay.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    expectRefused(() => undefined, { names: /container 'app'/, secrets: SECRETS, synth: () => synth(chart) });
  });
});

describe('PrivateServiceAccount refuses bad input', () => {
  const refuseSa = (props: unknown, names: RegExp, says?: RegExp[], chartNamespace?: string): void => {
    const chart = newChart(chartNamespace ? { namespace: chartNamespace } : {});
    const built = typeof props === 'function' ? props(chart) : props;
    expectRefused(() => new PrivateServiceAccount(chart, 'sa', built as any), {
      names, says, secrets: SECRETS, scope: chart, synth: () => synth(chart),
    });
  };
  it('fails when \'registrySecrets\' is one secret rather than a list', () => {
    refuseSa((chart: Chart) => ({ registrySecrets: ghcrReference(chart) }), /'registrySecrets'/, [/array|list/]);
  });
  it('fails when \'registrySecrets\' is a secret name', () => refuseSa({ registrySecrets: 'regcred' }, /'registrySecrets'/, [/array|list/]));
  it('fails when \'metadata.name\' has upper case and an underscore', () => {
    refuseSa((chart: Chart) => ({ metadata: { name: 'Bad_SA' }, registrySecrets: [ghcrReference(chart)] }), /metadata\.name/, NAME_MESSAGE);
  });
  it('fails when \'metadata.namespace\' has upper case and an underscore', () => {
    refuseSa((chart: Chart) => ({ metadata: { namespace: 'Bad_NS' }, registrySecrets: [ghcrReference(chart)] }), /namespace/, NAME_MESSAGE);
  });
  it('fails when the chart\'s namespace has a dot', () => {
    refuseSa((chart: Chart) => ({ registrySecrets: [ghcrReference(chart)] }), /namespace/, NAME_MESSAGE, 'team.a');
  });
  it('fails when the props are undefined', () => refuseSa(undefined, /props|'registrySecrets'/));
});

describe('PrivateRegistryChart refuses bad input, naming its own props and leaving nothing behind', () => {
  const refuseChart = (props: unknown, names: RegExp, says?: RegExp[], mustNotSay?: RegExp[]): void => {
    const app = new App({ outdir: `${tmp.dir()}/never-written` });
    expectRefused(() => new PrivateRegistryChart(app, 'private-registry', props as PrivateRegistryChartProps), {
      names, says, mustNotSay, secrets: SECRETS, scope: app, synth: () => app.synthYaml(),
    });
  };
  const credentials = { server: 'ghcr.io', username: 'robot', password: PASSWORD };
  const base = { credentials, image: 'ghcr.io/org/app:1' };
  it('fails when the props are undefined', () => refuseChart(undefined, /props|'credentials'/));
  it('fails when \'credentials\' is undefined', () => refuseChart({ image: 'ghcr.io/org/app:1' }, /'credentials'/));
  it('fails when \'secretName\' is not a DNS-1123 subdomain, naming secretName', () => {
    refuseChart({ ...base, secretName: 'My_RegCred' }, /'secretName'/, NAME_MESSAGE);
  });
  it('fails when \'podName\' is not a DNS-1123 subdomain', () => refuseChart({ ...base, podName: 'Private_Reg' }, /'podName'/, NAME_MESSAGE));
  it('fails when \'podName\' is 254 characters long', () => refuseChart({ ...base, podName: 'p'.repeat(254) }, /'podName'/, NAME_MESSAGE));
  it('fails when \'containerName\' is not a DNS-1123 label', () => {
    refuseChart({ ...base, containerName: 'Bad_Container' }, /'containerName'/, NAME_MESSAGE);
  });
  it('fails when \'namespace\' is not a DNS-1123 label', () => refuseChart({ ...base, namespace: 'Bad_NS' }, /namespace/, NAME_MESSAGE));
  for (const field of ['secretName', 'podName', 'containerName', 'image']) {
    it(`fails when '${field}' is a number`, () => refuseChart({ ...base, [field]: 42 }, new RegExp(`'${field}'`), TYPE_MESSAGE));
  }
  it('fails when \'image\' is not a valid reference, naming image', () => refuseChart({ ...base, image: 'Bad/Image' }, /'?image'?/));
  it('fails when \'image\' is not covered, naming the image once and the construct path once', () => {
    refuseChart({ ...base, image: 'quay.io/org/app:1' }, /'?image'?/);
  });
});
