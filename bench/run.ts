// `npm run bench`: every benchmark, side by side in one run, printing figures and ratios (never asserting on time).
// BENCH_RUNS sets the number of alternating runs (default 9), BENCH_PODS the number of pods (default 10000).
// BENCH_LOGIN=0 leaves out the live login check against skopeo (about 45 s: two registries, 200 images).
// BENCH_POLICY=0 leaves out RegistryPullPolicy over 10,000 Included objects (about 10 s per run; BENCH_POLICY_OBJECTS).
// BENCH_MANIFESTS=0 leaves out inspect and the plugin over 50 MB of manifests (BENCH_MANIFEST_MB; BENCH_MANIFEST_RUNS, default 3).
import { benchLoginCheck } from './login-check';
import { benchManifests } from './manifests';
import { benchPods } from './pods';
import { benchPullPolicy } from './pull-policy';
import { benchSynthTime } from './synth-time';

const runs = Number(process.env.BENCH_RUNS ?? 9);

const synth = benchSynthTime(runs);
const [ours, template] = Object.values(synth);
console.log(`synth time of the default app, median of ${runs} alternating runs each:`);
for (const [name, ms] of Object.entries(synth)) console.log(`  ${name.padEnd(55)} ${ms.toFixed(0)} ms`);
console.log(`  ratio npm run synth / template: ${(ours / template).toFixed(2)}`);

for (const line of benchPods(runs, Number(process.env.BENCH_PODS ?? 10000))) console.log(line);

if (process.env.BENCH_POLICY !== '0') {
  for (const line of benchPullPolicy(runs, Number(process.env.BENCH_POLICY_OBJECTS ?? 10000))) console.log(line);
}

if (process.env.BENCH_MANIFESTS !== '0') {
  for (const line of benchManifests(Number(process.env.BENCH_MANIFEST_RUNS ?? 3), Number(process.env.BENCH_MANIFEST_MB ?? 50))) console.log(line);
}

if (process.env.BENCH_LOGIN !== '0') {
  benchLoginCheck(Number(process.env.BENCH_LOGIN_RUNS ?? 5)).then(
    (lines) => lines.forEach((line) => console.log(line)),
    (e: Error) => {
      console.error(`login check bench: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
