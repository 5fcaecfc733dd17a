// Which package.json `--version` reads: the nearest one above the running code that is this package's, whichever
// cdk8s-plus line it was built for. (test/cli/cli.test.ts runs the compiled command; the consumer test the installed one.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { packageVersion } from '../../lib/cli/version';

let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A folder tree: package.json files by folder, and the folder `build/lib/cli` of the compiled command. */
function tree(manifests: Record<string, object>): string {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'version-'));
  for (const [folder, manifest] of Object.entries(manifests)) {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, 'package.json'), JSON.stringify(manifest));
  }
  const cli = path.join(dir, 'app', 'node_modules', 'pkg', 'build', 'lib', 'cli');
  fs.mkdirSync(cli, { recursive: true });
  return cli;
}

describe('packageVersion', () => {
  it('is this repository\'s version when run from the source', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
    expect(packageVersion()).toBe(pkg.version);
  });

  it('reads the installed package\'s package.json, not the app\'s above it', () => {
    const cli = tree({
      'app': { name: 'cdk8s-private-registry-demo', version: '1.0.0' },
      'app/node_modules/pkg': { name: 'cdk8s-private-registry', version: '0.3.1' },
    });
    expect(packageVersion(cli)).toBe('0.3.1');
  });

  it('reads the package of another cdk8s-plus line (cdk8s-private-registry-33)', () => {
    const cli = tree({ 'app/node_modules/pkg': { name: 'cdk8s-private-registry-33', version: '0.3.1' } });
    expect(packageVersion(cli)).toBe('0.3.1');
  });

  it('fails when no package.json above is this package\'s, saying to reinstall', () => {
    const cli = tree({ 'app': { name: 'my-app', version: '1.0.0' }, 'app/node_modules/pkg': { name: 'something-else', version: '2.0.0' } });
    expect(() => packageVersion(cli)).toThrow(/^cannot find the package\.json of cdk8s-private-registry above .*: reinstall the package$/);
  });
});
