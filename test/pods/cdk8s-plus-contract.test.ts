// The private workloads override cdk8s-plus' `_toPodSpec()`, which cdk8s-plus marks @internal: not part of its public
// API, so not covered by its semver promise. These tests pin what we rely on, against the cdk8s-plus line the tests run
// on (28, the root package's; another with CDK8S_PLUS_LINE=N, which vitest.config.mts aliases 'cdk8s-plus-28' to, and
// scripts/test.sh runs for every line built), so that an upgrade that changes it fails here rather than silently
// dropping imagePullSecrets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ROOT_LINE, linePackage } = require('../../scripts/lines.js');

const ROOT = path.resolve(__dirname, '..', '..');
const LINE = Number(process.env.CDK8S_PLUS_LINE ?? ROOT_LINE);
const PLUS = `cdk8s-plus-${LINE}`;
const rootPackage = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const installed: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', PLUS, 'package.json'), 'utf8')).version;
// what the package of this line declares: the root package.json for 28, the one scripts/lines.js writes for the others
const manifest = LINE === ROOT_LINE ? rootPackage : linePackage(LINE);
const declared: string = manifest.peerDependencies[PLUS];

// each base class, how to build a bare one, and where its manifest holds the pod spec
const KINDS: [string, (chart: any) => kplus.AbstractPod, string[]][] = [
  ['Pod', (c) => new kplus.Pod(c, 'w', { containers: [{ image: 'nginx' }] }), ['spec']],
  ['Deployment', (c) => new kplus.Deployment(c, 'w', { containers: [{ image: 'nginx' }] }), ['spec', 'template', 'spec']],
  ['StatefulSet', (c) => new kplus.StatefulSet(c, 'w', { containers: [{ image: 'nginx' }],
    service: new kplus.Service(c, 's', { ports: [{ port: 80 }] }) }), ['spec', 'template', 'spec']],
  ['DaemonSet', (c) => new kplus.DaemonSet(c, 'w', { containers: [{ image: 'nginx' }] }), ['spec', 'template', 'spec']],
  ['Job', (c) => new kplus.Job(c, 'w', { containers: [{ image: 'nginx' }] }), ['spec', 'template', 'spec']],
  ['CronJob', (c) => new kplus.CronJob(c, 'w', { containers: [{ image: 'nginx' }], schedule: Cron.daily() }),
    ['spec', 'jobTemplate', 'spec', 'template', 'spec']],
];

describe(`the ${PLUS} that _toPodSpec was checked against`, () => {
  it('is the module the tests import as cdk8s-plus-28', async () => {
    expect(kplus).toBe(await import(PLUS));
  });

  it('is the version the tests pin, and its package declares a peer range that holds it', () => {
    expect(installed).toBe(rootPackage.devDependencies[PLUS]);
    if (LINE === ROOT_LINE) {
      // the final 2.5 line of cdk8s-plus-28
      expect(declared).toBe('~2.5.6');
    } else {
      // from the version tested up, within its major
      expect(declared).toBe(`^${installed}`);
    }
    expect(Object.keys(manifest.peerDependencies).filter((d) => d.startsWith('cdk8s-plus-'))).toEqual([PLUS]);
  });

  it.each(KINDS)('%s has _toPodSpec(), with no parameters, returning the pod spec with its containers', (_kind, build) => {
    const workload = build(Testing.chart());
    expect(typeof (workload as any)._toPodSpec).toBe('function');
    expect((workload as any)._toPodSpec.length).toBe(0);
    const spec = (workload as any)._toPodSpec();
    expect(spec.containers.map((c: any) => c.image)).toEqual(['nginx']);
    expect(spec.imagePullSecrets).toBeUndefined();
  });

  it.each(KINDS)('%s renders its manifest through _toPodSpec(), so an override reaches the YAML', (_kind, build, specPath) => {
    const chart = Testing.chart();
    const workload = build(chart);
    const base = (workload as any)._toPodSpec.bind(workload);
    (workload as any)._toPodSpec = () => ({ ...base(), imagePullSecrets: [{ name: 'contract-marker' }] });
    const manifest = Testing.synth(chart).find((o: any) => o.kind === _kind);
    const spec = specPath.reduce((v: any, k) => v[k], manifest);
    expect(spec.imagePullSecrets).toEqual([{ name: 'contract-marker' }]);
  });
});
