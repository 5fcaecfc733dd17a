// The validation plugin as users run it: the cdk8s CLI synthesizes an app and loads the plugin named in cdk8s.yaml.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cdk8sProject, createCdk8sProject } from '../support/cdk8s-project';

let project: Cdk8sProject;
let dir: string;

beforeAll(() => {
  project = createCdk8sProject('plugin-', path.join(__dirname, 'fixture-app.ts'));
  dir = project.dir;
});

afterAll(() => project.remove());

const synth = (scenario: string, ...args: string[]): { status: number | null; out: string } =>
  project.synth({ PULL_CHECK_SCENARIO: scenario }, ...args);

describe('the pull-check validation plugin under cdk8s synth', () => {
  it('passes an app whose pods are covered, checking raw ApiObjects and skipping public workloads', () => {
    const r = synth('good');
    expect(r.out).toMatch(/podsChecked\s*│\s*3/);
    expect(r.out).toMatch(/Status\s*│\s*success/);
    // the plain kplus Deployment lists no pull secrets: its nginx is a Docker Hub official image, pulled anonymously under the rate limit
    expect(r.out).toMatch(/warning: Deployment team-a\/fixture-public-web-\S+: container 'main' image 'nginx:1.25' is a Docker Hub official image \(public\)/);
    expect(r.status).toBe(0);
    const objects = Yaml.load(path.join(dir, 'dist', 'fixture.k8s.yaml'));
    const web = objects.find((o: any) => o.kind === 'Deployment' && o.metadata.name.startsWith('fixture-web-'));
    expect(web.metadata.annotations).toEqual({ 'private-registry.cdk8s.io/public-images': 'nginx,busybox' });
    expect(fs.readdirSync(path.join(dir, 'dist'))).toEqual(['fixture.k8s.yaml']);
  });

  it('fails synthesis on plain kplus workloads, service-account pods and raw objects the kubelet could not pull', () => {
    const reportFile = path.join(dir, 'report.json');
    const r = synth('bad', '--validation-reports-output-file', reportFile);
    expect(r.status).not.toBe(0);
    // the CLI's JSON report: one violation per finding, each with the JSON path of the value, so the counts are right
    const report = JSON.parse(fs.readFileSync(reportFile, 'utf8')).reports[0];
    expect(report.summary).toMatchObject({ status: 'failure', metadata: { errors: '3' } });
    const violations = report.violations.map((v: any) => [v.ruleName, v.violatingConstructs.map((c: any) => c.locations).flat()]);
    expect(violations).toEqual(expect.arrayContaining([
      ['image-coverage', ['spec.template.spec.containers[0].image']],
      ['image-coverage', ['spec.jobTemplate.spec.template.spec.containers[0].image']],
    ]));
    expect(violations.filter(([rule]: [string]) => rule === 'warning').length).toBe(Number(report.summary.metadata.warnings));
    expect(r.out).not.toMatch(/\(0 occurrences\)/);
    expect(fs.readFileSync(reportFile, 'utf8')).not.toContain('FAKE-fixture');
    expect(r.out).toMatch(/Deployment team-a\/fixture-plain-\S+: container 'main' image 'quay.io\/org\/api:2'/);
    expect(r.out).toMatch(/Job team-a\/build: container 'b' image 'registry.example.com:5000\/builder' .* service account 'builder'/);
    expect(r.out).toMatch(/CronJob team-b\/nightly: container 'n' image 'ghcr.io\/org\/nightly:1' .*pull secret 'regcred' is in namespace 'team-a' but the pod is in namespace 'team-b'/);
    expect(r.out).not.toContain('FAKE-fixture');
  });
});
