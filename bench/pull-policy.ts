// RegistryPullPolicy over Include output: 10,000 pod-bearing objects of every kind across 100 namespaces, synthesized
// without a policy, with one on the Include's chart and with one on the App, each run in its own process, rotating.
// Prints medians and the ratios (target: wall time <= 1.10, issue 20), then the policy's own time per object at
// several sizes, to show it stays linear.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Yaml } from 'cdk8s';
import { compileWorker, median, runWorker } from './workers';

const NAMESPACES = 100;
const KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod', 'PodTemplate'];
// the registries of the policy, and a public image; each namespace pulls from one or two of the registries
const IMAGES = ['ghcr.io/acme/api', 'registry.example.com:5000/acme/worker', 'quay.io/acme/batch', 'busybox'];

/** The n objects of the bench: every pod-bearing kind in turn, with realistic pod specs. */
export function benchObjects(n: number): any[] {
  return Array.from({ length: n }, (_, i) => {
    const namespace = `team-${String(i % NAMESPACES).padStart(3, '0')}`;
    const kind = KINDS[i % KINDS.length];
    const labels = { 'app.kubernetes.io/name': `app-${i}`, 'app.kubernetes.io/part-of': 'bench' };
    const image = `${IMAGES[(i % NAMESPACES) % 3]}:1.${i % 20}`;
    const spec: any = {
      containers: [{
        name: 'main', image, ports: [{ containerPort: 8080, name: 'http' }],
        env: [{ name: 'MODE', value: 'production' }, { name: 'VERBOSE', value: 'n' }, { name: 'INDEX', value: String(i) }],
        resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      }],
      ...(i % 4 === 0 ? { initContainers: [{ name: 'init', image: 'busybox:1.36', command: ['sh', '-c', 'true'] }] } : {}),
      ...(i % 10 === 0 ? { imagePullSecrets: [{ name: 'vendor-pull' }] } : {}),
    };
    if (kind === 'Job' || kind === 'CronJob') spec.restartPolicy = 'Never';
    const metadata = { name: `app-${i}`, namespace, labels };
    const template = { metadata: { labels }, spec };
    switch (kind) {
      case 'Pod': return { apiVersion: 'v1', kind, metadata, spec };
      case 'PodTemplate': return { apiVersion: 'v1', kind, metadata, template };
      case 'ReplicationController': return { apiVersion: 'v1', kind, metadata, spec: { replicas: 1, selector: labels, template } };
      case 'Job': return { apiVersion: 'batch/v1', kind, metadata, spec: { template } };
      case 'CronJob': return { apiVersion: 'batch/v1', kind, metadata, spec: { schedule: '0 3 * * *', jobTemplate: { spec: { template } } } };
      default: return {
        apiVersion: 'apps/v1', kind, metadata,
        spec: { selector: { matchLabels: labels }, template, ...(kind === 'StatefulSet' ? { serviceName: `app-${i}` } : {}) },
      };
    }
  });
}

interface Sample {
  readonly ms: number;
  /** App.synth() alone, without building the app (the Include's YAML parsing). */
  readonly synthMs: number;
  readonly cpuMs: number;
  /** The policy's validation passes during the synth, summed, and how many there were. */
  readonly policyMs: number;
  readonly passes: number;
  readonly maxRssKb: number;
  readonly bytes: number;
  readonly wallMs: number;
}

const VARIANTS: { [variant: string]: string } = {
  'bare': 'without a policy',
  'chart-policy': 'policy on the Include\'s chart',
  'app-policy': 'policy on the App',
};

function run(variant: string, file: string): Sample {
  return runWorker<Sample>('pull-policy-worker.js', [variant, file]);
}

export function benchPullPolicy(rounds: number, n: number): string[] {
  compileWorker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pull-policy-'));
  try {
    const write = (count: number): string => {
      const file = path.join(dir, `objects-${count}.yaml`);
      fs.writeFileSync(file, Yaml.stringify(...benchObjects(count)));
      return file;
    };
    const file = write(n);
    const names = Object.keys(VARIANTS);
    const samples: { [variant: string]: Sample[] } = Object.fromEntries(names.map((v) => [v, []]));
    for (let i = 0; i < rounds; i++) {
      // rotate the order so that no variant always runs first (or on a warmer cache)
      for (let j = 0; j < names.length; j++) {
        const v = names[(i + j) % names.length];
        samples[v].push(run(v, file));
      }
    }
    const m = (v: string, k: keyof Sample): number => median(samples[v].map((s) => s[k] as number));
    const lines = [
      `${n} pod-bearing objects in ${NAMESPACES} namespaces from an Include (${(fs.statSync(file).size / 1e6).toFixed(1)} MB of YAML), ` +
        `App.synth() to disk, median of ${rounds} runs each, rotating (own process per run):`,
      `  ${'variant'.padEnd(32)} ${'Include+synth ms'.padStart(17)} ${'synth() ms'.padStart(11)} ${'CPU ms'.padStart(7)} ` +
        `${'process wall ms'.padStart(16)} ${'peak RSS MiB'.padStart(13)} ${'MB written'.padStart(11)}`,
    ];
    for (const v of names) {
      const cells = [m(v, 'ms').toFixed(0).padStart(17), m(v, 'synthMs').toFixed(0).padStart(11), m(v, 'cpuMs').toFixed(0).padStart(7),
        m(v, 'wallMs').toFixed(0).padStart(16),
        (m(v, 'maxRssKb') / 1024).toFixed(0).padStart(13), (m(v, 'bytes') / 1e6).toFixed(2).padStart(11)];
      lines.push(`  ${VARIANTS[v].padEnd(32)} ${cells.join(' ')}`);
    }
    // this machine is shared: the same run varies from one process to the next, so the least disturbed run of each
    // (the fastest) is printed next to the medians
    const best = (v: string, k: keyof Sample): number => Math.min(...samples[v].map((s) => s[k] as number));
    for (const v of names.filter((x) => x !== 'bare')) {
      const ratio = (k: keyof Sample): string => (m(v, k) / m('bare', k)).toFixed(3);
      const bestRatio = (k: keyof Sample): string => (best(v, k) / best('bare', k)).toFixed(3);
      // each round runs every variant: the median of the rounds' own ratios cancels what drifts between rounds
      const paired = (k: keyof Sample): string =>
        median(samples[v].map((s, i) => (s[k] as number) / (samples.bare[i][k] as number))).toFixed(3);
      lines.push(`  ${VARIANTS[v]} / without, medians: Include+synth ${ratio('ms')}, CPU ${ratio('cpuMs')}, process wall ${ratio('wallMs')}, ` +
        `peak memory ${ratio('maxRssKb')} (target, issue 20: wall <= 1.10); synth() alone ${ratio('synthMs')}`);
      lines.push(`  ${VARIANTS[v]} / without, median of each round's ratio: Include+synth ${paired('ms')}, CPU ${paired('cpuMs')}, ` +
        `process wall ${paired('wallMs')}, peak memory ${paired('maxRssKb')}`);
      lines.push(`  ${VARIANTS[v]} / without, best runs: Include+synth ${bestRatio('ms')}, CPU ${bestRatio('cpuMs')}, ` +
        `process wall ${bestRatio('wallMs')}, peak memory ${bestRatio('maxRssKb')}`);
      lines.push(`  ${VARIANTS[v]}: its ${m(v, 'passes').toFixed(0)} validation passes take ${m(v, 'policyMs').toFixed(0)} ms in all, ` +
        `${(m(v, 'policyMs') / m('bare', 'ms') * 100).toFixed(1)}% of the synth without it`);
    }

    // the difference of two whole runs is mostly noise on a shared machine at these sizes: the policy's own time is
    // measured inside the run instead (its validation passes during App.synth(), the read of every object included)
    const growthRuns = Math.max(3, Math.ceil(rounds / 2));
    lines.push(`growth with the number of objects, App-scoped policy (median of ${growthRuns} runs each; flat per-object figures mean linear):`);
    for (const count of [Math.round(n / 4), Math.round(n / 2), n]) {
      const f = count === n ? file : write(count);
      const policy = Array.from({ length: growthRuns }, () => run('app-policy', f));
      const inSynth = median(policy.map((s) => s.policyMs));
      const synth = median(policy.map((s) => s.synthMs));
      lines.push(`  ${String(count).padStart(6)} objects: the policy's passes ${inSynth.toFixed(0).padStart(4)} ms ` +
        `(${(inSynth / count * 1000).toFixed(1)} µs per object), App.synth() ${synth.toFixed(0).padStart(5)} ms ` +
        `(${(synth / count * 1000).toFixed(0)} µs per object)`);
    }
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  for (const line of benchPullPolicy(Number(process.env.BENCH_RUNS ?? 9), Number(process.env.BENCH_POLICY_OBJECTS ?? 10000))) console.log(line);
}
