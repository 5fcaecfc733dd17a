// The private workloads override cdk8s-plus' `_toPodSpec()`, which cdk8s-plus marks @internal: not part of its public
// API, so not covered by its semver promise. These tests pin what we rely on, against the cdk8s-plus-28 installed, so
// that an upgrade that changes it fails here rather than silently dropping imagePullSecrets.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Cron, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..', '..');
const installed: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'cdk8s-plus-28', 'package.json'), 'utf8')).version;
const declared: string = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies['cdk8s-plus-28'];

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

describe('the cdk8s-plus-28 that _toPodSpec was checked against', () => {
  it('is the version package.json declares (~2.5.6, the final 2.5 line)', () => {
    expect(declared).toBe('~2.5.6');
    const [major, minor, patch] = installed.split('.').map(Number);
    expect([major, minor]).toEqual([2, 5]);
    expect(patch).toBeGreaterThanOrEqual(6);
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
