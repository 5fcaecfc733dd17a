import { Chart, Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
import {
  CommonPrivatePodProps, IPrivatePod, PrivateCronJob, PrivateDaemonSet, PrivateDeployment, PrivateJob, PrivatePod, PrivateRegistrySecret,
  PrivateServiceAccount, PrivateStatefulSet,
} from '../../lib';
import { checkManifests } from '../../lib/check/manifest-check';
import { validateManifest } from '../support/schema';

const FAKE = 'FAKE-pw-never-printed';

/** The props the table passes to every kind. */
type Props = CommonPrivatePodProps & kplus.AbstractPodProps;

interface Kind {
  readonly name: string;
  readonly kind: string;
  readonly build: (chart: Chart, id: string, props: Props) => IPrivatePod & kplus.AbstractPod;
  /** Where the kind keeps its pod spec in the manifest, written out here rather than taken from the code under test. */
  readonly podSpec: (manifest: any) => any;
}

const template = (m: any) => m.spec.template.spec;

const KINDS: Kind[] = [
  { name: 'PrivatePod', kind: 'Pod', build: (c, id, p) => new PrivatePod(c, id, p), podSpec: (m) => m.spec },
  { name: 'PrivateDeployment', kind: 'Deployment', build: (c, id, p) => new PrivateDeployment(c, id, p), podSpec: template },
  {
    name: 'PrivateStatefulSet', kind: 'StatefulSet',
    // kplus builds a headless Service for a StatefulSet and needs a port for it
    build: (c, id, p) => new PrivateStatefulSet(c, id, { ...p, containers: p.containers?.map((ct) => ({ portNumber: 8080, ...ct })) }),
    podSpec: template,
  },
  { name: 'PrivateDaemonSet', kind: 'DaemonSet', build: (c, id, p) => new PrivateDaemonSet(c, id, p), podSpec: template },
  { name: 'PrivateJob', kind: 'Job', build: (c, id, p) => new PrivateJob(c, id, p), podSpec: template },
  {
    name: 'PrivateCronJob', kind: 'CronJob',
    build: (c, id, p) => new PrivateCronJob(c, id, { schedule: Cron.daily(), ...p }),
    podSpec: (m) => m.spec.jobTemplate.spec.template.spec,
  },
];

function ghcrSecret(chart: Chart, namespace?: string): PrivateRegistrySecret {
  return registrySecret(chart, 'regcred', 'ghcr.io', namespace);
}

function registrySecret(chart: Chart, name: string, server: string, namespace?: string): PrivateRegistrySecret {
  return new PrivateRegistrySecret(chart, name, { metadata: { name, namespace }, server, username: 'u', password: FAKE });
}

/** A service account 'builder' that lends a secret for quay.io. */
function quayServiceAccount(chart: Chart, namespace?: string): PrivateServiceAccount {
  return new PrivateServiceAccount(chart, 'builder', {
    metadata: { name: 'builder', namespace },
    registrySecrets: [registrySecret(chart, 'quay', 'quay.io', namespace)],
  });
}

function manifestOf(chart: Chart, kind: Kind): any {
  return Testing.synth(chart).find((o) => o.kind === kind.kind);
}

describe.each(KINDS)('$name', (kind) => {
  it('writes imagePullSecrets into the pod spec, and every object passes the Kubernetes schema', () => {
    const chart = Testing.chart();
    const regcred = ghcrSecret(chart);
    const other = kplus.Secret.fromSecretName(chart, 'other', 'other');
    const w = kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [regcred, other, regcred] });
    const objects = Testing.synth(chart);
    const manifest = objects.find((o) => o.kind === kind.kind);
    expect(kind.podSpec(manifest).imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'other' }]);
    expect(w.registrySecrets.map((s) => s.name)).toEqual(['regcred', 'other']);
    for (const o of objects) validateManifest(o);
    // the manifest check reads the YAML, not the constructs: it must agree that this output pulls
    expect(checkManifests(objects).errors).toEqual([]);
  });

  it('writes a secret added after construction', () => {
    const chart = Testing.chart();
    const w = kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    w.addRegistrySecret(kplus.Secret.fromSecretName(chart, 'late', 'late'));
    expect(kind.podSpec(manifestOf(chart, kind)).imagePullSecrets).toEqual([{ name: 'regcred' }, { name: 'late' }]);
  });

  it('does not require a secret for an image declared public, in props or later', () => {
    const chart = Testing.chart();
    const w = kind.build(chart, 'w', {
      containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }, { name: 'proxy', image: 'nginx:1.25' }],
      registrySecrets: [ghcrSecret(chart)],
      publicImages: ['nginx'],
    });
    w.addContainer({ name: 'tool', image: 'quay.io/org/tool:2' });
    w.addPublicImage('quay.io/org/tool');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  it('fails when an image is not covered by any secret', () => {
    const chart = Testing.chart();
    kind.build(chart, 'w', { containers: [{ name: 'app', image: 'quay.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    expect(() => Testing.synth(chart))
      .toThrow(/container 'app' image 'quay.io\/org\/app:1' .+ is not covered by any pull secret in imagePullSecrets; tried 'ghcr.io' in 'regcred'/);
  });

  it('fails when a container added after construction is not covered', () => {
    const chart = Testing.chart();
    const w = kind.build(chart, 'w', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    expect(() => Testing.synth(chart)).not.toThrow();
    w.addContainer({ name: 'sidecar', image: 'registry.example.com:5000/sidecar:1' });
    expect(() => Testing.synth(chart))
      .toThrow(/container 'sidecar' image 'registry.example.com:5000\/sidecar:1' .* is not covered by any pull secret/);
  });

  it('fails when an init container added after construction is not covered', () => {
    const chart = Testing.chart();
    const w = kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [ghcrSecret(chart)] });
    w.addInitContainer({ name: 'migrate', image: 'quay.io/org/migrate:1' });
    expect(() => Testing.synth(chart)).toThrow(/init container 'migrate' image 'quay.io\/org\/migrate:1' .* is not covered by any pull secret/);
  });

  it('fails when the secret is in another namespace than the workload', () => {
    const chart = Testing.chart();
    kind.build(chart, 'w', {
      metadata: { namespace: 'b' },
      containers: [{ image: 'ghcr.io/org/app:1' }],
      registrySecrets: [ghcrSecret(chart, 'a')],
    });
    expect(() => Testing.synth(chart)).toThrow(/pull secret 'regcred' is in namespace 'a' but the pod is in namespace 'b'/);
  });

  it('fails when no registry secret is given and leaves nothing in the tree', () => {
    const chart = Testing.chart();
    expect(() => kind.build(chart, 'w', { containers: [{ image: 'nginx' }] }))
      .toThrow(new RegExp(`${kind.name} 'w': 'registrySecrets' must list at least one secret, got none`));
    expect(chart.node.children).toHaveLength(0);
  });

  it('fails when cdk8s-plus refuses a duplicate port or volume, naming the construct and leaving nothing in the tree', () => {
    const chart = Testing.chart();
    const regcred = ghcrSecret(chart);
    const volume = kplus.Volume.fromEmptyDir(chart, 'cache', 'cache');
    const bad: Props[] = [
      { containers: [{ image: 'ghcr.io/org/app:1', ports: [{ number: 80 }, { number: 80 }] }], registrySecrets: [regcred] },
      { containers: [{ image: 'ghcr.io/org/app:1' }], volumes: [volume, volume], registrySecrets: [regcred] },
    ];
    const errors = [/Port with number 80 and protocol TCP already exists$/, /Volume with name cache already exists$/];
    bad.forEach((props, i) => {
      let message = '';
      try {
        kind.build(chart, 'w', props);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toMatch(new RegExp(`^${kind.name} 'w': `));
      expect(message).toMatch(errors[i]);
      expect(message).not.toContain('\n');
      expect(chart.node.tryFindChild('w')).toBeUndefined();
    });
    // the id is free again: the same id builds and synthesizes
    kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [regcred] });
    expect(kind.podSpec(manifestOf(chart, kind)).imagePullSecrets).toEqual([{ name: 'regcred' }]);
  });

  it('fails when the id is taken, and leaves the construct that has it in place', () => {
    const chart = Testing.chart();
    const regcred = ghcrSecret(chart);
    const first = kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [regcred] });
    expect(() => kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:2' }], registrySecrets: [regcred] }))
      .toThrow(/There is already a Construct with name 'w'/);
    expect(chart.node.tryFindChild('w')).toBe(first);
    expect(kind.podSpec(manifestOf(chart, kind)).containers[0].image).toBe('ghcr.io/org/app:1');
  });

  it('fails when the service account lends no secrets, and says so', () => {
    const chart = Testing.chart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'plain' } });
    expect(() => kind.build(chart, 'w', { containers: [{ image: 'nginx' }], serviceAccount: sa }))
      .toThrow(/got none \(service account 'plain' is not a PrivateServiceAccount, so it lends none\)/);
  });

  it('fails when a public image is not an image reference', () => {
    const chart = Testing.chart();
    const props = { containers: [{ image: 'nginx' }], registrySecrets: [ghcrSecret(chart)], publicImages: ['Not An Image'] };
    expect(() => kind.build(chart, 'w', props))
      .toThrow(new RegExp(`${kind.name} 'w': 'publicImages\\[0\\]': image 'Not An Image' is not a valid reference`));
  });
});

describe.each(KINDS)('$name with a PrivateServiceAccount', (kind) => {
  it('lists no imagePullSecrets of its own, so the admission plugin can fill them, and passes with the service account\'s', () => {
    const chart = Testing.chart();
    const w = kind.build(chart, 'w', { containers: [{ image: 'quay.io/org/app:1' }], serviceAccount: quayServiceAccount(chart) });
    const objects = Testing.synth(chart);
    const spec = kind.podSpec(objects.find((o) => o.kind === kind.kind));
    expect(spec).not.toHaveProperty('imagePullSecrets');
    expect(spec.serviceAccountName).toBe('builder');
    expect(w.registrySecrets).toEqual([]);
    for (const o of objects) validateManifest(o);
    // the manifest check follows serviceAccountName to the ServiceAccount's imagePullSecrets in the YAML
    const judged = checkManifests(objects);
    expect(judged.errors).toEqual([]);
    expect(judged.podsChecked).toBe(1);
  });

  it('takes an explicitly empty registrySecrets the same way', () => {
    const chart = Testing.chart();
    kind.build(chart, 'w', { containers: [{ image: 'quay.io/org/app:1' }], serviceAccount: quayServiceAccount(chart), registrySecrets: [] });
    expect(kind.podSpec(manifestOf(chart, kind))).not.toHaveProperty('imagePullSecrets');
  });

  it('counts a secret added to the service account after the workload was built', () => {
    const chart = Testing.chart();
    const sa = quayServiceAccount(chart);
    kind.build(chart, 'w', { containers: [{ image: 'ghcr.io/org/app:1' }], serviceAccount: sa });
    expect(() => Testing.synth(chart)).toThrow(/is not covered/);
    sa.addRegistrySecret(ghcrSecret(chart));
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  it('fails when an image is not covered by the service account\'s secrets, naming the service account', () => {
    const chart = Testing.chart();
    kind.build(chart, 'w', { containers: [{ name: 'app', image: 'ghcr.io/org/app:1' }], serviceAccount: quayServiceAccount(chart) });
    expect(() => Testing.synth(chart)).toThrow(new RegExp('container \'app\' image \'ghcr.io/org/app:1\' .* is not covered by any pull secret ' +
      'in the imagePullSecrets of service account \'builder\'; tried \'quay.io\' in \'quay\''));
  });

  it('fails when the pod lists its own secrets and only the service account\'s would cover the image', () => {
    const chart = Testing.chart();
    kind.build(chart, 'w', {
      containers: [{ name: 'app', image: 'quay.io/org/app:1' }],
      serviceAccount: quayServiceAccount(chart),
      registrySecrets: [ghcrSecret(chart)],
    });
    expect(() => Testing.synth(chart)).toThrow(new RegExp('container \'app\' image \'quay.io/org/app:1\' .* is not covered by any pull secret in ' +
      'imagePullSecrets \\(the pod lists its own, so it does not get those of service account \'builder\'\\); tried \'ghcr.io\' in \'regcred\''));
  });

  it('fails when the service account is in another namespace than the workload', () => {
    const chart = Testing.chart();
    const serviceAccount = quayServiceAccount(chart, 'a');
    kind.build(chart, 'w', { metadata: { namespace: 'b' }, containers: [{ image: 'quay.io/org/app:1' }], serviceAccount });
    expect(() => Testing.synth(chart)).toThrow(/service account 'builder' is in namespace 'a' but the pod is in namespace 'b'/);
  });
});

describe('PrivateCronJob', () => {
  it('fails when the schedule is missing or not a Cron, naming the field and leaving nothing in the tree', () => {
    const chart = Testing.chart();
    const regcred = ghcrSecret(chart);
    for (const schedule of [undefined, '0 3 * * *', null]) {
      expect(() => new PrivateCronJob(chart, 'nightly', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [regcred],
        schedule: schedule as unknown as Cron })).toThrow(/^PrivateCronJob 'nightly': 'schedule' must be a Cron such as Cron.daily\(\) .*, got /);
      expect(chart.node.tryFindChild('nightly')).toBeUndefined();
    }
    new PrivateCronJob(chart, 'nightly', { containers: [{ image: 'ghcr.io/org/app:1' }], registrySecrets: [regcred], schedule: Cron.daily() });
    expect(Testing.synth(chart).find((o) => o.kind === 'CronJob').spec.schedule).toBe('0 0 * * *');
  });
});
