// "An app with the policy passes the pull-check plugin with zero findings", as users run it: the cdk8s CLI synthesizes
// an app that Includes the vendored manifests under a RegistryPullPolicy, and runs the plugin named in cdk8s.yaml over
// what it wrote.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cdk8sProject, createCdk8sProject } from '../support/cdk8s-project';

let project: Cdk8sProject;
let dir: string;

beforeAll(() => {
  project = createCdk8sProject('policy-cli-', path.join(__dirname, 'fixture-app.ts'), ['publicImages: [busybox, nginx]']);
  dir = project.dir;
});

afterAll(() => project.remove());

const synth = (scenario: string): { status: number | null; out: string } => project.synth({ POLICY_SCENARIO: scenario });

describe('cdk8s synth of an app with a RegistryPullPolicy, with the pull-check plugin', () => {
  it('passes the plugin with zero findings, every pod-bearing object judged', () => {
    const r = synth('good');
    expect(r.out).toMatch(/podsChecked\s*│\s*14/);
    expect(r.out).toMatch(/errors\s*│\s*0/);
    expect(r.out).not.toMatch(/image-coverage|secret-namespace|secret-content|image-reference/);
    expect(r.status).toBe(0);
    const files = fs.readdirSync(path.join(dir, 'dist')).sort();
    expect(files[1]).toBe('vendored.k8s.yaml');
    const secrets = Yaml.load(path.join(dir, 'dist', files[0]));
    expect(secrets.map((s: any) => s.metadata.namespace)).toEqual([undefined, 'monitoring', 'payments', 'shop']);
    expect(r.out).not.toContain('FAKE-fixture');
  });

  it('fails the synth when the policy leaves an image uncovered, naming the object, the image and the fix', () => {
    const r = synth('uncovered');
    expect(r.status).not.toBe(0);
    // objects whose pull secrets miss the registry fail it (not covered); one without pull secrets, whose registry
    // nothing in the output has credentials for, is undeclared: a warning (docs/pull-policy.md)
    expect(r.out).toMatch(/\[pull-policy\] Job payments\/build: container 'build' image 'registry.example.com:5000\/acme\/payments-build:1' .* is not covered/);
    expect(r.out).toMatch(/\[pull-policy\] Deployment monitoring\/exporter: container 'collector' image 'registry.example.com:5000\/acme\/collector:5' .* is not covered/);
    expect(r.out).toMatch(/add a registry for 'registry.example.com:5000' to one of the pod's pull secrets/);
    expect(r.out).toMatch(/warning: pull-policy: DaemonSet payments\/agent: container 'agent' image 'registry.example.com:5000\/acme\/agent:7' is pulled without credentials/);
    expect(r.out).not.toMatch(/\[pull-policy\] DaemonSet payments\/agent/);
    expect(r.out).not.toContain('FAKE-fixture');
    expect(fs.existsSync(path.join(dir, 'dist', 'vendored.k8s.yaml'))).toBe(false);
  });
});
