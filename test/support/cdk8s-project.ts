// A throw-away cdk8s project that runs a fixture app through the real cdk8s CLI, with the pull-check plugin named by
// path in its cdk8s.yaml, as users run it.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');
const CDK8S = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const TSX_LOADER = path.join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');

export interface Cdk8sProject {
  readonly dir: string;
  /** `cdk8s synth` in the project (dist/ removed first), with extra environment variables and arguments. */
  synth(env: Record<string, string>, ...args: string[]): { status: number | null; out: string };
  remove(): void;
}

/**
 * Writes cdk8s.yaml into a fresh folder under the test's TMPDIR: `app` runs `fixtureApp` with tsx, and the plugin gets
 * `pluginProperties` (YAML lines below `properties:`, none when empty).
 */
export function createCdk8sProject(prefix: string, fixtureApp: string, pluginProperties: string[] = []): Cdk8sProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.writeFileSync(path.join(dir, 'cdk8s.yaml'), [
    'language: typescript',
    `app: node --import file://${TSX_LOADER} ${fixtureApp}`,
    'validations:',
    `  - package: ${path.join(ROOT, 'plugins', 'pull-check.js')}`,
    '    version: 0.1.0',
    '    class: PullCheckValidation',
    ...(pluginProperties.length > 0 ? ['    properties:', ...pluginProperties.map((line) => `      ${line}`)] : []),
    '',
  ].join('\n'));
  return {
    dir,
    synth(env, ...args) {
      fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
      const r = spawnSync(process.execPath, [CDK8S, 'synth', '--no-check-upgrade', ...args], {
        cwd: dir, encoding: 'utf8', timeout: 120_000,
        env: { ...process.env, ...env, CDK8S_RECORD_CONSTRUCT_METADATA: 'false' },
      });
      return { status: r.status, out: r.stdout + r.stderr };
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
