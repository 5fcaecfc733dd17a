// `inspect` and the validation plugin over a large synth output: a folder of 50 files of 1 MB (BENCH_MANIFEST_MB), most
// documents small (ConfigMaps, Services), one in ten a Deployment, each namespace with its pull secret. Each run in a
// process of its own; prints the median time and peak RSS, and peak RSS as a multiple of the input's size (target: < 8).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compileWorker, median, runWorker } from './workers';

const FILE_BYTES = 1 << 20;
const NAMESPACES = 50;

/** The documents of one file, about FILE_BYTES of YAML, as cdk8s writes it (block style, `---` between documents). */
export function manifestFile(file: number): string {
  const auths = Buffer.from(JSON.stringify({ auths: { 'ghcr.io': { auth: Buffer.from('bench:FAKE-bench-pw').toString('base64') } } }))
    .toString('base64');
  const docs: string[] = [];
  let bytes = 0;
  for (let i = 0; bytes < FILE_BYTES; i++) {
    const ns = `team-${(file * 7 + i) % NAMESPACES}`;
    const name = `f${file}-o${i}`;
    let doc: string;
    if (i === 0) {
      doc = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: regcred\n  namespace: team-${file % NAMESPACES}\n` +
        `type: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: ${auths}\n`;
    } else if (i % 10 === 0) {
      doc = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector:\n    matchLabels:\n` +
        `      app: ${name}\n  template:\n    metadata:\n      labels:\n        app: ${name}\n    spec:\n` +
        '      imagePullSecrets:\n        - name: regcred\n' +
        `      containers:\n        - name: main\n          image: ghcr.io/acme/app-${i % 20}:1.${i % 7}\n`;
    } else if (i % 2 === 0) {
      doc = `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  ports:\n    - port: 80\n`;
    } else {
      doc = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${ns}\ndata:\n  key: value-${i}\n`;
    }
    docs.push(doc);
    bytes += doc.length + 4;
  }
  return docs.join('---\n');
}

interface Sample {
  readonly ms: number;
  readonly maxRssKb: number;
  readonly status: string;
  readonly count: number;
  readonly wallMs: number;
}

/** Runs both tools `runs` times each, alternating, over a generated folder of `megabytes` MB. */
export function benchManifests(runs: number, megabytes: number): string[] {
  compileWorker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-manifests-'));
  try {
    const folder = path.join(dir, 'dist');
    fs.mkdirSync(folder);
    let inputBytes = 0;
    for (let f = 0; f < megabytes; f++) {
      const text = manifestFile(f);
      inputBytes += Buffer.byteLength(text);
      fs.writeFileSync(path.join(folder, `chart-${String(f).padStart(3, '0')}.k8s.yaml`), text);
    }
    const samples: { [mode: string]: Sample[] } = { inspect: [], plugin: [] };
    for (let r = 0; r < runs; r++) {
      for (const mode of Object.keys(samples)) samples[mode].push(runWorker<Sample>('manifests-worker.js', [mode, folder], 1_200_000));
    }
    const lines = [`inspect and the pull-check plugin over ${megabytes} files, ${(inputBytes / 1e6).toFixed(1)} MB of manifests, median of ${runs} ` +
      'runs each (target: peak RSS < 8x the input):'];
    for (const [mode, s] of Object.entries(samples)) {
      const rss = median(s.map((x) => x.maxRssKb)) * 1024;
      lines.push(`  ${mode.padEnd(8)} ${median(s.map((x) => x.ms)).toFixed(0).padStart(6)} ms  peak RSS ${(rss / 1e6).toFixed(0).padStart(5)} MB ` +
        `= ${(rss / inputBytes).toFixed(2)}x the input  (status ${s[0].status}, ${s[0].count} ${mode === 'inspect' ? 'lines' : 'violations'})`);
    }
    return lines;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
