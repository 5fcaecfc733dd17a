// Every test run gets a private TMPDIR, removed when the run ends, so that nothing a test or a library under test
// leaves in os.tmpdir() (cdk8s' Testing.app() outdirs, kubeconfigs, registries' storage) outlives the run. Worker
// processes start after this runs, so they inherit it.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): () => void {
  const previous = process.env.TMPDIR;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-private-registry-test-'));
  process.env.TMPDIR = root;
  return () => {
    fs.rmSync(root, { recursive: true, force: true });
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
  };
}
