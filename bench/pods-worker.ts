// One measurement in its own process: build N pods (each with its own pull secret) and synthesize them to YAML.
// argv: VARIANT N IMAGES [check]. 'private' uses this library with every check on; 'bare' makes the same manifests
// with kplus.Secret + kplus.Pod and nothing else. Prints one JSON line: build+synth milliseconds and peak RSS; with
// 'check', also the milliseconds of one extra pass of every construct validation (the pull check's own cost).
import { ApiObject, App, Chart, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { PrivatePod, PrivateRegistrySecret } from '../lib';

const [variant, nArg, imagesArg] = process.argv.slice(2);
const n = Number(nArg);
const images = Number(imagesArg ?? 1);
const measureCheck = process.argv[5] === 'check';

const start = process.hrtime.bigint();
const cpuStart = process.cpuUsage();
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
let checkMs: number | undefined;
if (measureCheck) {
  const t = process.hrtime.bigint();
  const errors = chart.node.findAll().flatMap((c) => c.node.validate());
  checkMs = Number(process.hrtime.bigint() - t) / 1e6;
  if (errors.length > 0) throw new Error(`the bench chart does not validate: ${errors[0]}`);
}
const yaml = app.synthYaml();
const ms = Number(process.hrtime.bigint() - start) / 1e6;
const cpu = process.cpuUsage(cpuStart);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(JSON.stringify({ variant, n, images, ms, cpuMs, checkMs, maxRssKb: process.resourceUsage().maxRSS, bytes: yaml.length }) + '\n');
