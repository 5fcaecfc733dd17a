// Hostile input to DockerConfig: the docker config file, `.dockerconfigjson` and `.dockercfg` texts, and fake credential
// helpers (small shell scripts on a PATH of our own). Helpers that outlive their time-out are looked for in /proc.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Duration } from 'cdk8s';
import { DockerConfig, DockerConfigFileOptions, PrivateRegistrySecret } from '../../lib';
import { expectRefused, redact, report } from './_expect';
import { TYPE_MESSAGE, UNICODE_MESSAGE, alive, fake, killPid, newChart, runNodeScript, synth, useTempRoot, writeHelper } from './_fixtures';

const tmp = useTempRoot('docker-config');

const USERNAME = fake('cfg-user');
const PASSWORD = fake('cfg-pw');
const HELPER_SECRET = fake('helper-secret');
const SECRETS = [USERNAME, PASSWORD, HELPER_SECRET];
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

let bin: string;
let configDir: string;
let count = 0;

beforeAll(() => {
  bin = tmp.sub('bin');
  configDir = tmp.sub('config');
  const pasted = fake('helper-pasted');
  // answers with a username that holds a pasted 'user:password'
  writeHelper(bin, 'colon', `cat >/dev/null; printf '{"ServerURL":"x","Username":"robot:${pasted}","Secret":"${HELPER_SECRET}"}'`);
  // answers with JSON escapes that decode to a lone surrogate
  writeHelper(bin, 'surrogate', `cat >/dev/null; printf '{"ServerURL":"x","Username":"robot","Secret":"${HELPER_SECRET}\\\\ud800"}'`);
  writeHelper(bin, 'surrogate-user', `cat >/dev/null; printf '{"ServerURL":"x","Username":"robot\\\\udc00","Secret":"${HELPER_SECRET}"}'`);
  // prints the secret on stderr and fails: its output must not reach a message
  writeHelper(bin, 'loud', `cat >/dev/null; echo "denied for robot ${HELPER_SECRET}" >&2; echo "${HELPER_SECRET}"; exit 4`);
  // starts a child and waits for it, as a helper that asks a keychain daemon does; writes both PIDs first
  writeHelper(bin, 'child', 'sleep 60 &\necho "$$ $!" > "$PIDFILE"\nwait');
  writeHelper(bin, 'grandchild', '(sleep 60; :) &\necho "$$ $!" > "$PIDFILE"\nwait');
  // an identity token, which the kubelet cannot use
  writeHelper(bin, 'token', `cat >/dev/null; printf '{"ServerURL":"x","Username":"<token>","Secret":"${HELPER_SECRET}"}'`);
  // a helper whose answer has the wrong types
  writeHelper(bin, 'numbers', 'cat >/dev/null; printf \'{"ServerURL":"x","Username":42,"Secret":true}\'');
});

function configFile(config: unknown): string {
  const file = join(configDir, `config-${++count}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

function fromFile(config: unknown, options: Partial<DockerConfigFileOptions> = {}): DockerConfig {
  return DockerConfig.fromFile({ path: configFile(config), env: { PATH: `${bin}:/usr/bin:/bin`, HOME: configDir }, ...options });
}

describe('DockerConfig never echoes a secret', () => {
  const pasted = fake('pasted');
  it('fails when a config file entry has a username with \':\', without quoting it', () => {
    expectRefused(() => fromFile({ auths: { 'ghcr.io': { username: `robot:${pasted}`, password: PASSWORD } } }), {
      names: /'username'/, secrets: [...SECRETS, `robot:${pasted}`, pasted],
    });
  });

  it('fails when a .dockerconfigjson entry has a username with \':\', without quoting it', () => {
    const text = JSON.stringify({ auths: { 'ghcr.io': { username: `robot:${pasted}`, password: PASSWORD } } });
    expectRefused(() => DockerConfig.fromDockerConfigJson(text), { names: /'username'/, secrets: [...SECRETS, `robot:${pasted}`, pasted] });
  });

  it('fails when a .dockercfg entry has a username with \':\', without quoting it', () => {
    const text = JSON.stringify({ 'ghcr.io': { username: `robot:${pasted}`, password: PASSWORD } });
    expectRefused(() => DockerConfig.fromDockerCfg(text), { names: /'username'/, secrets: [...SECRETS, `robot:${pasted}`, pasted] });
  });

  it('fails when a credential helper answers with a username that holds \':\', without quoting it', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'colon' } }), {
      names: /'username'|Username/, secrets: [...SECRETS, `robot:${fake('helper-pasted')}`, fake('helper-pasted')],
    });
  });

  it('fails when an entry has a username but no password, without quoting the username', () => {
    expectRefused(() => fromFile({ auths: { 'ghcr.io': { username: USERNAME, password: '' } } }), {
      names: /'password'|password/, secrets: SECRETS,
    });
  });

  it('fails when a .dockerconfigjson entry has a username but no password, without quoting the username', () => {
    const text = JSON.stringify({ auths: { 'ghcr.io': { username: USERNAME } } });
    expectRefused(() => DockerConfig.fromDockerConfigJson(text), { names: /password/, secrets: SECRETS });
  });

  it('fails when the json is broken right after a password, quoting nothing around it', () => {
    const text = `{"auths":{"ghcr.io":{"auth":"${b64(`robot:${PASSWORD}`)}",}}}`;
    expectRefused(() => DockerConfig.fromDockerConfigJson(text), { names: /json/, secrets: SECRETS, auth: ['robot', PASSWORD] });
  });

  it('fails when \'auth\' is not base64, quoting nothing of it', () => {
    expectRefused(() => fromFile({ auths: { 'ghcr.io': { auth: `robot:${PASSWORD}` } } }), {
      names: /'auth'/, secrets: SECRETS, auth: ['robot', PASSWORD],
    });
  });

  it('fails when a helper fails and prints the secret, quoting none of its output', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'loud' } }), { names: /docker-credential-loud/, secrets: SECRETS });
  });

  it('fails when a helper answers with an identity token, quoting no token', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'token' } }), { names: /token/, secrets: SECRETS });
  });

  it('fails when \'registrytoken\' is all an entry has, quoting no token', () => {
    const token = fake('registry-token');
    expectRefused(() => fromFile({ auths: { 'ghcr.io': { registrytoken: token } } }), { names: /registrytoken|token/, secrets: [...SECRETS, token] });
  });

  it('fails when \'identitytoken\' is all an entry has, quoting no token', () => {
    const token = fake('identity-token');
    expectRefused(() => fromFile({ auths: { 'ghcr.io': { identitytoken: token } } }), { names: /identitytoken|token/, secrets: [...SECRETS, token] });
  });
});

describe('DockerConfig refuses text that is not valid Unicode', () => {
  it('fails when a config file password holds an escaped lone surrogate', () => {
    const text = `{"auths":{"ghcr.io":{"username":"robot","password":"${PASSWORD}\\ud800"}}}`;
    expectRefused(() => fromFile(text), { names: /'password'/, says: UNICODE_MESSAGE, secrets: SECRETS });
  });

  it('fails when a .dockerconfigjson username holds an escaped lone surrogate', () => {
    const text = `{"auths":{"ghcr.io":{"username":"${USERNAME}\\udc00","password":"${PASSWORD}"}}}`;
    expectRefused(() => DockerConfig.fromDockerConfigJson(text), { names: /'username'/, says: UNICODE_MESSAGE, secrets: SECRETS });
  });

  it('fails when a .dockercfg email holds an escaped lone surrogate', () => {
    const text = `{"ghcr.io":{"auth":"${b64(`robot:${PASSWORD}`)}","email":"${fake('mail')}\\ud800@example.com"}}`;
    expectRefused(() => DockerConfig.fromDockerCfg(text), { names: /'email'/, says: UNICODE_MESSAGE, secrets: [...SECRETS, fake('mail')] });
  });

  it('fails when a credential helper answers with a lone surrogate in the secret', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'surrogate' } }), {
      names: /docker-credential-surrogate|'password'|Secret/, says: UNICODE_MESSAGE, secrets: SECRETS,
    });
  });

  it('fails when a credential helper answers with a lone surrogate in the username', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'surrogate-user' } }), {
      names: /docker-credential-surrogate-user|'username'|Username/, says: UNICODE_MESSAGE, secrets: SECRETS,
    });
  });

  it('fails when the server key holds an escaped lone surrogate', () => {
    const text = `{"auths":{"ghcr.io\\ud800":{"auth":"${b64(`robot:${PASSWORD}`)}"}}}`;
    expectRefused(() => DockerConfig.fromDockerConfigJson(text), { names: /server/, says: UNICODE_MESSAGE, secrets: SECRETS });
  });
});

describe('DockerConfig tells a wrong JavaScript type what it should be', () => {
  const entry = JSON.stringify({ auths: { 'ghcr.io': { auth: b64(`robot:${PASSWORD}`) } } });
  it('fails when the .dockerconfigjson text is an already parsed object', () => {
    expectRefused(() => DockerConfig.fromDockerConfigJson(JSON.parse(entry)), { names: /text|\.dockerconfigjson/, says: TYPE_MESSAGE, secrets: SECRETS });
  });
  it('fails when the .dockerconfigjson text is undefined', () => {
    expectRefused(() => DockerConfig.fromDockerConfigJson(undefined as any), { names: /text|\.dockerconfigjson/, says: TYPE_MESSAGE });
  });
  it('fails when the .dockercfg text is a number', () => {
    expectRefused(() => DockerConfig.fromDockerCfg(42 as any), { names: /text|\.dockercfg/, says: TYPE_MESSAGE });
  });
  it('fails when \'servers\' is a string, which would be read as its characters', () => {
    expectRefused(() => DockerConfig.fromDockerConfigJson(entry, { servers: 'ghcr.io' as any }), { names: /'servers'/, secrets: SECRETS });
  });
  it('fails when \'servers\' holds a number', () => {
    expectRefused(() => DockerConfig.fromDockerConfigJson(entry, { servers: [42 as any] }), {
      names: /'servers\[0\]'/, says: TYPE_MESSAGE, secrets: SECRETS,
    });
  });
  it('fails when \'path\' is a number (a file descriptor to node)', () => {
    expectRefused(() => DockerConfig.fromFile({ path: 987 as any }), { names: /'path'/, says: TYPE_MESSAGE });
  });
  it('fails when \'helperTimeout\' is a number instead of a Duration', () => {
    expectRefused(() => fromFile({ auths: {} }, { helperTimeout: 1000 as any }), { names: /'helperTimeout'/, says: [/Duration/] });
  });
  it('fails when \'env\' is a string', () => {
    expectRefused(() => fromFile({ credsStore: 'colon' }, { env: 'PATH=/usr/bin' as any }), { names: /'env'/, says: [/object|map/] });
  });
  it('fails when a credential helper answers with numbers for its username and secret', () => {
    expectRefused(() => fromFile({ credHelpers: { 'ghcr.io': 'numbers' } }), { names: /docker-credential-numbers/, secrets: SECRETS });
  });
});

describe('a secret from a DockerConfig stays under the API server\'s 1 MiB limit', () => {
  it('fails when a config file holds a 1 MiB password', () => {
    const huge = fake('huge-cfg') + 'p'.repeat(1024 * 1024);
    const chart = newChart();
    expectRefused(() => new PrivateRegistrySecret(chart, 'regcred', {
      dockerConfig: fromFile({ auths: { 'ghcr.io': { auth: b64(`robot:${huge}`) } } }),
    }), { names: /\.dockerconfigjson|size|bytes/i, says: [/1048576|1,048,576|1 ?MiB/], secrets: [huge], scope: chart, synth: () => synth(chart) });
  });
});

describe('a credential helper that times out leaves no process behind', () => {
  for (const helper of ['child', 'grandchild']) {
    it(`fails when a helper that waits for its ${helper} times out, and kills the whole group`, () => {
      const pidFile = join(tmp.dir(), `${helper}.pids`);
      let pids: number[] = [];
      try {
        expectRefused(() => DockerConfig.fromFile({
          path: configFile({ credHelpers: { 'ghcr.io': helper } }),
          env: { PATH: `${bin}:/usr/bin:/bin`, HOME: configDir, PIDFILE: pidFile },
          helperTimeout: Duration.seconds(1),
        }), { names: /helperTimeout|did not answer/, secrets: SECRETS });
        pids = readFileSync(pidFile, 'utf8').trim().split(/\s+/).map(Number);
        // the helper's children die with it, at once: the only wait is for the kernel to deliver SIGKILL
        const left = waitForExit(pids);
        report(left.map((p) => `[leftover process] pid ${p} of the helper (${helper}) still runs after the time-out`));
      } finally {
        // the subshell's sleep is not in the file: find it through its parent before the parent goes
        for (const pid of [...childrenOf(pids), ...pids]) killPid(pid);
      }
    }, 30_000);
  }
});

/** The PIDs still alive after a short, bounded wait. */
function waitForExit(pids: number[]): number[] {
  for (let i = 0; i < 50; i++) {
    if (pids.every((p) => !alive(p))) return [];
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
  }
  return pids.filter(alive);
}

function childrenOf(parents: number[]): number[] {
  const found: number[] = [];
  for (const pid of parents) {
    try {
      found.push(...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
    } catch {
      // gone
    }
  }
  return found;
}

describe('DockerConfig.fromFile does not hang on a file that never ends', () => {
  // a synchronous read of a FIFO blocks the whole event loop, so the case runs in a child process with a time-out
  it('fails when config.json is a named pipe nobody writes to, instead of waiting forever', async () => {
    const dir = tmp.sub('fifo');
    execFileSync('mkfifo', [join(dir, 'config.json')]);
    const script = 'const { DockerConfig } = require("./lib"); try { DockerConfig.fromFile({ path: process.argv[1] }); console.log("accepted"); } ' +
      'catch (e) { console.log(JSON.stringify(e.message)); }';
    const r = await runNodeScript(script, [join(dir, 'config.json')], 15_000);
    if (r.timedOut) report(['[hang] DockerConfig.fromFile still waited on the named pipe after 15 s']);
    if (r.stdout.startsWith('accepted')) report(['[silent wrong acceptance] a named pipe was read as a docker config']);
    expect(redact(r.stdout, SECRETS)).toMatch(/config\.json/);
  }, 30_000);
});
