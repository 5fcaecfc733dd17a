// Loaded before every test file of the fast tier (TEST_TIER=fast, `npm test`): a test there that opens a listener or
// starts a program from a Debian package fails with the reason, instead of passing on a machine that has them and
// failing on one that does not. Such a test belongs in NOT_FAST (vitest.config.mts).
import * as module from 'node:module';
import * as net from 'node:net';
import * as path from 'node:path';

// what scripts/setup.sh --system installs, by the names the tests start them under (openssl and util-linux are part
// of every Debian system)
const DEBIAN_PROGRAMS = new Set(['kubectl', 'docker-registry', 'registry', 'skopeo', 'htpasswd', 'docker-credential-pass', 'pass', 'gpg',
  'gpg-agent', 'go', 'docker']);

function refuse(what: string): never {
  throw new Error(`the fast tier (npm test) ${what}; list this test file in NOT_FAST in vitest.config.mts`);
}

net.Server.prototype.listen = function listen(): never {
  refuse('opens no network listener');
};

// the CommonJS module object, whose functions can be replaced (an ESM namespace's cannot)
const cp = module.createRequire(__filename)('node:child_process') as Record<string, (...args: unknown[]) => unknown>;
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'exec', 'execSync']) {
  const original = cp[name];
  cp[name] = function guarded(this: unknown, ...args: unknown[]) {
    const command = String(args[0]).trim().split(/\s+/)[0];
    if (DEBIAN_PROGRAMS.has(path.basename(command))) refuse(`starts no program from a Debian package, got '${path.basename(command)}'`);
    return original.apply(this, args);
  };
}
// `import { spawnSync } from 'node:child_process'` reads the patched functions too
module.syncBuiltinESMExports();
