// One measurement in its own process: build N pods (each with its own pull secret) and synthesize them to YAML.
// argv: VARIANT N IMAGES. 'private' uses this library with every check on; 'bare' makes the same manifests with
// kplus.Secret + kplus.Pod and nothing else. Prints one JSON line: build+synth milliseconds and peak RSS.
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivatePod, PrivateRegistrySecret } from '../lib';

const [variant, nArg, imagesArg] = process.argv.slice(2);
const n = Number(nArg);
const images = Number(imagesArg ?? 1);

const start = process.hrtime.bigint();
const app = new App({ outdir: '/nonexistent' }); // synthYaml writes nothing
const chart = new Chart(app, 'bench');
for (let i = 0; i < n; i++) {
  const server = `registry${i % 10}.example.com:5000`;
  const containers = Array.from({ length: images }, (_, c) => ({ name: `c${c}`, image: `${server}/team/app${i}-${c}:v${c}` }));
  if (variant === 'private') {
    const secret = new PrivateRegistrySecret(chart, `s${i}`, { server, username: `user${i}`, password: `FAKE-${i}` });
    new PrivatePod(chart, `p${i}`, { containers, registrySecrets: [secret] });
  } else {
    const payload = JSON.stringify({ auths: { [server]: { username: `user${i}`, password: `FAKE-${i}`,
      auth: Buffer.from(`user${i}:FAKE-${i}`).toString('base64') } } });
    const secret = new kplus.Secret(chart, `s${i}`, { type: 'kubernetes.io/dockerconfigjson' });
    const data = { '.dockerconfigjson': Buffer.from(payload).toString('base64') };
    ApiObject.of(secret).addJsonPatch(JsonPatch.remove('/stringData'), JsonPatch.add('/data', data), JsonPatch.remove('/immutable'));
    new kplus.Pod(chart, `p${i}`, { containers, dockerRegistryAuth: secret });
  }
}
const yaml = app.synthYaml();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ variant, n, images, ms, maxRssKb: process.resourceUsage().maxRSS, bytes: yaml.length }) + '\n');
