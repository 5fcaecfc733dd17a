// One measurement in its own process: Include a multi-document YAML of pod-bearing objects and synthesize the app
// with App.synth() into a temporary folder. argv: VARIANT FILE. 'app-policy' adds an App-scoped RegistryPullPolicy
// whose registries cover every image (its secrets go into a chart of its own), 'chart-policy' the same policy scoped to
// the Include's chart, 'bare' is the same app without a policy. Prints one JSON line: Include + synth milliseconds
// (wall and CPU), App.synth() alone, the policy's validation passes (their number and time), peak RSS and bytes written.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Chart, Include } from 'cdk8s';
import { RegistryPullPolicy } from '../lib';

const [variant, file] = process.argv.slice(2);
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-pull-policy-'));
try {
  const start = process.hrtime.bigint();
  const cpuStart = process.cpuUsage();
  const app = new App({ outdir });
  const chart = new Chart(app, 'vendored');
  new Include(chart, 'manifests', { url: file });
  let policyMs = 0;
  let passes = 0;
  if (variant !== 'bare') {
    const policy = new RegistryPullPolicy(variant === 'app-policy' ? app : chart, 'pull-policy', {
      registries: [
        { server: 'ghcr.io', username: 'bench', password: 'FAKE-bench-ghcr' },
        { server: 'registry.example.com:5000', username: 'bench', password: 'FAKE-bench-registry' },
        { server: 'quay.io', username: 'bench', password: 'FAKE-bench-quay' },
      ],
      publicImages: ['busybox'],
    });
    // the policy's own time inside the synth: every pass of its validation, summed (a wrapper around the private
    // method the validation calls; bench code only)
    const internals = policy as unknown as { _apply(): string[] };
    const apply = internals._apply.bind(policy);
    internals._apply = () => {
      const t = process.hrtime.bigint();
      try {
        return apply();
      } finally {
        policyMs += Number(process.hrtime.bigint() - t) / 1e6;
        passes++;
      }
    };
  }
  const synthStart = process.hrtime.bigint();
  app.synth();
  const synthMs = Number(process.hrtime.bigint() - synthStart) / 1e6;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu = process.cpuUsage(cpuStart);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const bytes = fs.readdirSync(outdir).reduce((sum, f) => sum + fs.statSync(path.join(outdir, f)).size, 0);
  const maxRssKb = process.resourceUsage().maxRSS;
  process.stdout.write(JSON.stringify({ variant, ms, synthMs, cpuMs, policyMs, passes, maxRssKb, bytes }) + '\n');
} finally {
  fs.rmSync(outdir, { recursive: true, force: true });
}
