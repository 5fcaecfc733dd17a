import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** kubectl, offline: client-side dry runs against an empty kubeconfig, so no cluster is ever contacted. */
export const KUBECTL = process.env.KUBECTL ?? '/usr/bin/kubectl';

let emptyKubeconfig: string | undefined;

function kubeconfig(): string {
  if (!emptyKubeconfig) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kubeconfig-'));
    emptyKubeconfig = path.join(dir, 'config');
    fs.writeFileSync(emptyKubeconfig, '');
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return emptyKubeconfig;
}

/** Runs kubectl with an argument array (never a shell, so no quoting can change a password) and parses its JSON. */
export function kubectlJson(args: string[]): any {
  const out = execFileSync(KUBECTL, [...args, '--dry-run=client', '-o', 'json'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: path.dirname(kubeconfig()), KUBECONFIG: kubeconfig() },
    encoding: 'utf8',
    timeout: 30_000,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return JSON.parse(out);
}

/** What `kubectl create secret docker-registry` writes for these flags. */
export interface KubectlDockerRegistryInput {
  readonly name: string;
  readonly server?: string;
  readonly username: string;
  readonly password: string;
  readonly email?: string;
  readonly namespace?: string;
  readonly appendHash?: boolean;
}

/** The Secret `kubectl create secret docker-registry` would create, as JSON. */
export function kubectlDockerRegistrySecret(input: KubectlDockerRegistryInput): any {
  const args = ['create', 'secret', 'docker-registry', input.name, `--docker-username=${input.username}`, `--docker-password=${input.password}`];
  if (input.server !== undefined) args.push(`--docker-server=${input.server}`);
  if (input.email !== undefined) args.push(`--docker-email=${input.email}`);
  if (input.namespace !== undefined) args.push(`--namespace=${input.namespace}`);
  if (input.appendHash) args.push('--append-hash');
  return kubectlJson(args);
}
