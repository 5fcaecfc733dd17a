// One measurement in its own process: `inspect` (the command, as `cdk8s-private-registry inspect FOLDER` runs it, its
// output thrown away) or the validation plugin (with the cdk8s CLI's own ValidationContext, whose parseManifest reads
// each file) over a folder of manifests. argv: MODE FOLDER. Prints one JSON line: milliseconds, peak RSS, the exit
// status or the plugin's status, and how many lines or violations came out.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { PullCheckValidation } from '../lib';
import { runCli } from '../lib/cli/run';

async function main(): Promise<void> {
  const [mode, folder] = process.argv.slice(2);
  const start = process.hrtime.bigint();
  let status: string;
  let count = 0;
  if (mode === 'inspect') {
    const out = { write: (text: string): void => { count += text.split('\n').length - 1; }, color: false, width: 80 };
    const code = await runCli(['inspect', folder], { out, err: () => undefined, env: {}, cwd: path.dirname(folder) });
    status = String(code);
  } else {
    // the cdk8s CLI's context, as `cdk8s synth` hands it to a plugin (parseManifest: eemeli/yaml's parseAllDocuments)
    const { ValidationContext } = createRequire(__filename)('cdk8s-cli/plugins');
    const fs = await import('node:fs');
    const manifests = fs.readdirSync(folder).sort().map((f) => path.join(folder, f));
    const context = new ValidationContext(manifests, 'cdk8s-private-registry', '0.0.0', {}, false);
    context.report.addViolation = (): void => { count++; };
    context.report.submit = (s: string): void => { status = s; };
    status = 'none';
    new PullCheckValidation({ publicImages: ['busybox'] }).validate(context);
  }
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS, status, count }));
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exitCode = 1;
});
