// RegistryPullPolicy against two real registries (Debian's docker-registry with htpasswd on 127.0.0.1): two namespaces,
// each pulling from its own registry. skopeo, given only a namespace's synthesized secret, pulls that namespace's image
// and cannot log in to the registry that only the other namespace uses.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Include, Yaml } from 'cdk8s';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RegistryPullPolicy } from '../../lib';
import { RunningRegistry, pushTinyImage, skopeoInspect, startRegistry } from '../support/registry';

describe('a policy over two namespaces and two real registries', () => {
  let a: RunningRegistry;
  let b: RunningRegistry;
  let digestA: string;
  let digestB: string;
  let dir: string;
  let objects: any[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'policy-registry-'));
    a = await startRegistry();
    b = await startRegistry();
    digestA = pushTinyImage(a, 'team/a', 'v1');
    digestB = pushTinyImage(b, 'team/b', 'v1');

    // what a vendored chart would hold: one workload per namespace, no pull secrets
    const manifests = path.join(dir, 'manifests.yaml');
    fs.writeFileSync(manifests, Yaml.stringify(
      deployment('team-a', 'app-a', `${a.host}/team/a:v1`),
      deployment('team-b', 'app-b', `${b.host}/team/b:v1`),
    ));
    const outdir = path.join(dir, 'dist');
    const app = new App({ outdir });
    new Include(new Chart(app, 'vendored'), 'manifests', { url: manifests });
    new RegistryPullPolicy(app, 'pull-policy', {
      registries: [
        { server: a.host, username: a.username, password: a.password },
        { server: b.host, username: b.username, password: b.password },
      ],
    });
    app.synth();
    objects = fs.readdirSync(outdir).flatMap((f) => Yaml.load(path.join(outdir, f)));
  });

  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The namespace's pull secret, found through the reference its workload carries, written as skopeo's authfile. */
  function authfileOf(namespace: string): string {
    const workload = objects.find((o) => o.kind === 'Deployment' && o.metadata.namespace === namespace);
    const refs = workload.spec.template.spec.imagePullSecrets;
    expect(refs).toHaveLength(1);
    const secrets = objects.filter((o) => o.kind === 'Secret' && o.metadata.namespace === namespace && o.metadata.name === refs[0].name);
    expect(secrets).toHaveLength(1);
    const file = path.join(dir, `${namespace}.json`);
    fs.writeFileSync(file, Buffer.from(secrets[0].data['.dockerconfigjson'], 'base64'), { mode: 0o600 });
    return file;
  }

  it('the registries really require a login', () => {
    expect(skopeoInspect(`${a.host}/team/a:v1`).ok).toBe(false);
    expect(skopeoInspect(`${b.host}/team/b:v1`).ok).toBe(false);
  });

  it('each namespace\'s secret pulls that namespace\'s image', () => {
    const inA = skopeoInspect(`${a.host}/team/a:v1`, authfileOf('team-a'));
    expect(inA.stderr).not.toMatch(/unauthorized/i);
    expect([inA.ok, inA.digest]).toEqual([true, digestA]);
    const inB = skopeoInspect(`${b.host}/team/b:v1`, authfileOf('team-b'));
    expect(inB.stderr).not.toMatch(/unauthorized/i);
    expect([inB.ok, inB.digest]).toEqual([true, digestB]);
  });

  it('neither namespace\'s secret can log in to the registry only the other namespace uses', () => {
    const aWithB = skopeoInspect(`${a.host}/team/a:v1`, authfileOf('team-b'));
    expect(aWithB.ok).toBe(false);
    expect(aWithB.stderr).toMatch(/401|unauthorized|authentication required/i);
    const bWithA = skopeoInspect(`${b.host}/team/b:v1`, authfileOf('team-a'));
    expect(bWithA.ok).toBe(false);
    expect(bWithA.stderr).toMatch(/401|unauthorized|authentication required/i);
    // and not because the credentials were wrong: the policy holds both, and each one logs in to its own registry
    const keys = (namespace: string): string[] => Object.keys(JSON.parse(fs.readFileSync(authfileOf(namespace), 'utf8')).auths);
    expect([keys('team-a'), keys('team-b')]).toEqual([[a.host], [b.host]]);
  });
});

function deployment(namespace: string, name: string, image: string): unknown {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } } },
  };
}
