import { execFileSync } from 'child_process';
import { Duration } from 'cdk8s';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir, userInfo } from 'os';
import { join } from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDockerConfigJson } from '../../lib/docker/payload';
import { DockerConfigEntry } from '../../lib/docker/credentials';
import { defaultDockerConfigPath, parseDockerCfg, parseDockerConfigJson, readDockerConfigFile } from '../../lib/docker/config-reader';
import { DockerConfig, DockerConfigFileOptions } from '../../lib/docker/docker-config';

// fake credentials only; every thrown message is collected and checked for them at the end
const PASSWORD = 'Fake-Pa55word:with:colons';
const HELPER_SECRET = 'fake-helper-secret-9f8e7d';
const TOKEN = 'fake-identity-token-0a1b2c';
const SECRETS = [PASSWORD, HELPER_SECRET, TOKEN];
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
const AUTH = b64(`alice:${PASSWORD}`);

const messages: string[] = [];
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    const message = (e as Error).message;
    messages.push(message);
    return message;
  }
  throw new Error('expected an error, got none');
}

let dir: string;
let bin: string;
let count = 0;

function writeConfig(config: unknown): string {
  const file = join(dir, `config-${++count}.json`);
  writeFileSync(file, typeof config === 'string' ? config : JSON.stringify(config));
  return file;
}

function writeHelper(name: string, script: string): void {
  const file = join(bin, `docker-credential-${name}`);
  writeFileSync(file, `#!/bin/sh\n${script}\n`);
  chmodSync(file, 0o755);
}

function read(config: unknown, options: DockerConfigFileOptions = {}): DockerConfigEntry[] {
  return readDockerConfigFile({ path: writeConfig(config), env: { PATH: `${bin}:/usr/bin:/bin`, HOME: dir }, ...options });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'docker-config-file-'));
  bin = join(dir, 'bin');
  mkdirSync(bin);
  // answers every server with the same user; logs each request so tests can see what was asked
  writeHelper('good', [
    'case "$1" in',
    `  get) server=$(cat); echo "$server" >> "${dir}/good.log";`,
    `       printf '{"ServerURL":"%s","Username":"helper-user","Secret":"${HELPER_SECRET}"}' "$server" ;;`,
    '  list) printf \'{"store.example.com":"helper-user","ghcr.io":"helper-user"}\' ;;',
    '  *) exit 2 ;;',
    'esac',
  ].join('\n'));
  writeHelper('token', `cat >/dev/null; printf '{"ServerURL":"x","Username":"<token>","Secret":"${TOKEN}"}'`);
  writeHelper('notfound', 'cat >/dev/null; echo "credentials not found in native keychain"; exit 1');
  // a failing helper that echoes the secret, to prove its output never reaches a message
  writeHelper('broken', `cat >/dev/null; echo "boom ${HELPER_SECRET}"; echo "boom ${HELPER_SECRET}" >&2; exit 3`);
  writeHelper('garbage', `cat >/dev/null; echo "not json ${HELPER_SECRET}"`);
  // exec, so the PID we record is the helper process itself
  writeHelper('hang', `echo $$ > "${dir}/hang.pid"; exec sleep 30`);
  // Debian's docker-credential-pass 0.6.4 answers a missing server this way, with exit code 0
  writeHelper('empty', [
    'case "$1" in',
    '  get) server=$(cat); printf \'{"ServerURL":"%s","Username":"","Secret":""}\' "$server" ;;',
    '  list) printf \'{"other.example.com":"u"}\' ;;',
    'esac',
  ].join('\n'));
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('defaultDockerConfigPath', () => {
  it('uses DOCKER_CONFIG as a directory', () => {
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: '/etc/docker-cfg', HOME: '/home/u' })).toBe('/etc/docker-cfg/config.json');
  });

  it('falls back to ~/.docker/config.json', () => {
    expect(defaultDockerConfigPath({ HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
    expect(defaultDockerConfigPath({ DOCKER_CONFIG: '', HOME: '/home/u' })).toBe('/home/u/.docker/config.json');
  });

  it('reads HOME from the given env only: a fake HOME there is used, the process\'s HOME never', () => {
    const fakeHome = join(dir, 'fake-home');
    const processHome = join(dir, 'process-home');
    for (const [home, server] of [[fakeHome, 'fake-home.example'], [processHome, 'process-home.example']]) {
      mkdirSync(join(home, '.docker'), { recursive: true });
      writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ auths: { [server]: { auth: AUTH } } }));
    }
    const saved = process.env.HOME;
    process.env.HOME = processHome;
    try {
      expect(readDockerConfigFile({ env: { HOME: fakeHome, PATH: '/usr/bin:/bin' } }).map((e) => e.server)).toEqual(['fake-home.example']);
      // no HOME in the env: the user database's home, as docker's homedir.Get does, not process.env.HOME
      expect(defaultDockerConfigPath({ PATH: '/usr/bin:/bin' })).toBe(join(userInfo().homedir, '.docker', 'config.json'));
      expect(defaultDockerConfigPath({ PATH: '/usr/bin:/bin', HOME: '' })).toBe(join(userInfo().homedir, '.docker', 'config.json'));
      // no env at all: the process's environment, HOME included
      expect(defaultDockerConfigPath()).toBe(join(processHome, '.docker', 'config.json'));
    } finally {
      if (saved === undefined) delete process.env.HOME;
      else process.env.HOME = saved;
    }
  });

  it('is where readDockerConfigFile looks when no path is given', () => {
    const docker = join(dir, 'docker-config-dir');
    mkdirSync(docker);
    writeFileSync(join(docker, 'config.json'), JSON.stringify({ auths: { 'ghcr.io': { auth: AUTH } } }));
    expect(readDockerConfigFile({ env: { DOCKER_CONFIG: docker, PATH: '/usr/bin:/bin' } })).toEqual([
      { server: 'ghcr.io', username: 'alice', password: PASSWORD, email: undefined },
    ]);
  });
});

describe('entries in the file', () => {
  it('decodes padded and unpadded auth, splitting at the first colon', () => {
    const unpadded = b64('bob:pw:x').replace(/=+$/, '');
    expect(unpadded.length % 4).not.toBe(0);
    const entries = read({ auths: { 'ghcr.io': { auth: AUTH, email: 'alice@example.org' }, 'quay.io': { auth: unpadded } } });
    expect(entries).toEqual([
      { server: 'ghcr.io', username: 'alice', password: PASSWORD, email: 'alice@example.org' },
      { server: 'quay.io', username: 'bob', password: 'pw:x', email: undefined },
    ]);
  });

  it('takes username and password fields, and auth wins over them as in the kubelet', () => {
    const entries = read({
      auths: {
        'r1.example.com': { username: 'carol', password: PASSWORD },
        'r2.example.com': { username: 'ignored', password: 'ignored', auth: AUTH },
      },
    });
    expect(entries.map((e) => [e.server, e.username, e.password])).toEqual([
      ['r1.example.com', 'carol', PASSWORD],
      ['r2.example.com', 'alice', PASSWORD],
    ]);
  });

  it('re-encodes with a padded auth', () => {
    const entries = read({ auths: { 'quay.io': { auth: b64('bob:pw').replace(/=+$/, '') } } });
    expect(encodeDockerConfigJson(entries)).toBe(`{"auths":{"quay.io":{"username":"bob","password":"pw","auth":"${b64('bob:pw')}"}}}`);
  });

  it('selects a subset of servers', () => {
    const config = { auths: { 'ghcr.io': { auth: AUTH }, 'quay.io': { auth: AUTH }, 'docker.io': { auth: AUTH } } };
    expect(read(config, { servers: ['quay.io', 'ghcr.io', 'quay.io'] }).map((e) => e.server)).toEqual(['ghcr.io', 'quay.io']);
  });

  it('fails when a server asked for is absent, listing the servers the file has', () => {
    const message = thrown(() => read({ auths: { 'ghcr.io': { auth: AUTH }, 'quay.io': { auth: AUTH } } }, { servers: ['gcr.io'] }));
    expect(message).toMatch(/^docker config '.*config-\d+\.json' has no entry for server 'gcr\.io' /);
    expect(message).toMatch(/\(it has 'ghcr\.io', 'quay\.io'\); run 'docker login gcr\.io'/);
  });

  it('fails when servers is empty', () => {
    expect(thrown(() => read({ auths: { 'ghcr.io': { auth: AUTH } } }, { servers: [] }))).toMatch(/'servers' must list at least one server/);
  });

  it('fails when an entry has only an identity token', () => {
    const message = thrown(() => read({ auths: { 'myreg.azurecr.io': { identitytoken: TOKEN } } }));
    expect(message).toMatch(/server 'myreg\.azurecr\.io': the entry has only an identity token \('identitytoken'\), which the kubelet ignores/);
    expect(message).toMatch(/docker logout myreg\.azurecr\.io && docker login myreg\.azurecr\.io -u USER/);
  });

  it('fails when an auth has a user but an empty password next to an identity token (as az acr login writes it)', () => {
    const entry = { auth: b64('00000000-0000-0000-0000-000000000000:'), identitytoken: TOKEN };
    const message = thrown(() => read({ auths: { 'myreg.azurecr.io': entry } }));
    expect(message).toMatch(/identity token .* which the kubelet ignores/);
  });

  it('fails when an entry has no credentials', () => {
    expect(thrown(() => read({ auths: { 'ghcr.io': {} } }))).toMatch(/server 'ghcr\.io': the entry has no credentials .*run 'docker login ghcr\.io'/);
  });

  it('fails when auth is not base64', () => {
    const message = thrown(() => read({ auths: { 'ghcr.io': { auth: `${AUTH}!` } } }));
    expect(message).toMatch(/server 'ghcr\.io': 'auth' is not valid base64; expected base64 of 'username:password'/);
  });

  it('fails when auth has no colon', () => {
    expect(thrown(() => read({ auths: { 'ghcr.io': { auth: b64(PASSWORD.replace(/:/g, '')) } } })))
      .toMatch(/server 'ghcr\.io': 'auth' decodes to text without ':'/);
  });

  it('fails when auth is not utf-8', () => {
    expect(thrown(() => read({ auths: { 'ghcr.io': { auth: Buffer.from([0x75, 0x3a, 0xff]).toString('base64') } } })))
      .toMatch(/'auth' does not decode to utf-8 text/);
  });

  it('fails when the json is malformed, without quoting it', () => {
    const message = thrown(() => read(`{"auths":{"ghcr.io":{"auth":"${AUTH}"}},}`));
    expect(message).toMatch(/^docker config '.*' is not valid json( at line 1, column \d+)?; fix or regenerate it/);
    expect(message).not.toContain(AUTH);
  });

  it('fails when a field has the wrong type', () => {
    expect(thrown(() => read({ auths: { 'ghcr.io': { auth: 42 } } }))).toMatch(/server 'ghcr\.io': 'auth' must be a string, got a number/);
  });

  it('fails when the file has no credentials at all', () => {
    expect(thrown(() => read({}))).toMatch(/has no registry credentials; run 'docker login SERVER' first/);
  });

  it('fails when the file does not exist', () => {
    expect(thrown(() => readDockerConfigFile({ path: join(dir, 'missing.json') })))
      .toMatch(/^cannot read docker config '.*missing\.json': no such file; run 'docker login SERVER'/);
  });

  it('fails when the path is a directory (as a DOCKER_CONFIG directory passed as path)', () => {
    expect(thrown(() => readDockerConfigFile({ path: bin })))
      .toMatch(/^cannot read docker config '.*bin': it is a directory; pass the config\.json inside it/);
  });

  it('fails when DOCKER_CONFIG names the file instead of its directory', () => {
    const file = writeConfig({ auths: {} });
    expect(thrown(() => readDockerConfigFile({ env: { DOCKER_CONFIG: file } }))).toMatch(/DOCKER_CONFIG must name the directory/);
  });

  // chmod 000 does not stop root, and CI runs as root: there the read runs in a child process that is still root (so it
  // can reach a checkout and TMPDIR in any folder) but without the capabilities that let root ignore file permissions
  it('fails when the file is unreadable', () => {
    const file = writeConfig({ auths: { 'ghcr.io': { auth: AUTH } } });
    chmodSync(file, 0o000);
    const lib = join(__dirname, '..', '..', 'lib', 'docker', 'config-reader.ts');
    const script = `const { readDockerConfigFile } = require(${JSON.stringify(lib)});
      try { readDockerConfigFile({ path: ${JSON.stringify(file)} }); console.log('no error'); } catch (e) { console.log(e.message); }`;
    const node = [process.execPath, '--import', 'tsx', '-e', script];
    const dropCaps = ['--bounding-set=-dac_override,-dac_read_search', '--inh-caps=-dac_override,-dac_read_search'];
    const command = process.getuid?.() === 0 ? ['/usr/bin/setpriv', ...dropCaps, ...node] : node;
    const out = execFileSync(command[0], command.slice(1), { cwd: join(__dirname, '..', '..'), encoding: 'utf8', timeout: 60_000 });
    expect(out).toMatch(/^cannot read docker config '[^']*\.json': permission denied; run as the user who ran 'docker login'/);
  });
});

describe('credential helpers', () => {
  it('asks credHelpers for their servers and keeps the email from auths', () => {
    const entries = read({
      auths: { 'ghcr.io': { email: 'h@example.org' }, 'quay.io': { auth: AUTH } },
      credHelpers: { 'ghcr.io': 'good' },
    });
    expect(entries).toEqual([
      { server: 'ghcr.io', username: 'helper-user', password: HELPER_SECRET, email: 'h@example.org' },
      { server: 'quay.io', username: 'alice', password: PASSWORD, email: undefined },
    ]);
  });

  it('takes the union of auths and the store\'s list for credsStore', () => {
    const entries = read({ auths: { 'extra.example.com': {} }, credsStore: 'good' });
    expect(entries.map((e) => e.server)).toEqual(['extra.example.com', 'ghcr.io', 'store.example.com']);
    expect(entries.every((e) => e.password === HELPER_SECRET)).toBe(true);
  });

  it('reads the file for a server whose credHelpers entry is empty, as docker does', () => {
    const entries = read({ auths: { 'ghcr.io': { auth: AUTH } }, credsStore: 'notfound', credHelpers: { 'ghcr.io': '' } }, { servers: ['ghcr.io'] });
    expect(entries).toEqual([{ server: 'ghcr.io', username: 'alice', password: PASSWORD, email: undefined }]);
  });

  it('sends the server verbatim on stdin', () => {
    read({ credsStore: 'good' }, { servers: ['https://index.docker.io/v1/'] });
    expect(readFileSync(join(dir, 'good.log'), 'utf8').split('\n')).toContain('https://index.docker.io/v1/');
  });

  it('fails when a helper returns an identity token', () => {
    const message = thrown(() => read({ credHelpers: { 'myreg.azurecr.io': 'token' } }));
    expect(message).toMatch(/server 'myreg\.azurecr\.io': 'docker-credential-token' holds an identity token \(username '<token>'\), /);
    expect(message).toMatch(/which the kubelet ignores/);
  });

  it('fails when the helper has no credentials, and says the file\'s auth is ignored', () => {
    const message = thrown(() => read({ auths: { 'ghcr.io': { auth: AUTH } }, credHelpers: { 'ghcr.io': 'notfound' } }));
    expect(message).toMatch(/has no credentials for server 'ghcr\.io': 'docker-credential-notfound' \(credHelpers\["ghcr\.io"\]\) has none /);
    expect(message).toMatch(/\(docker ignores the 'auth' in the file while a helper is configured for the server\)/);
  });

  it('fails when the helper answers a missing server with empty fields', () => {
    const message = thrown(() => read({ credsStore: 'empty' }, { servers: ['ghcr.io'] }));
    expect(message).toMatch(/has no credentials for server 'ghcr\.io': 'docker-credential-empty' \("credsStore": "empty"\) has none; /);
    expect(message).toMatch(/ask for a server it has \(it has 'other\.example\.com'\)$/);
  });

  it('fails when the helper exits with another error, leaving its output out', () => {
    const message = thrown(() => read({ credHelpers: { 'ghcr.io': 'broken' } }));
    expect(message).toMatch(/server 'ghcr\.io': 'docker-credential-broken get' exited with code 3 \(its output is left out, it may hold a secret\)/);
  });

  it('fails when the helper prints something that is not json', () => {
    expect(thrown(() => read({ credHelpers: { 'ghcr.io': 'garbage' } })))
      .toMatch(/'docker-credential-garbage get' printed something other than the json/);
  });

  it('fails when the helper program is missing', () => {
    const message = thrown(() => read({ credsStore: 'nosuchhelper' }, { servers: ['ghcr.io'] }));
    expect(message).toMatch(/the credential helper program 'docker-credential-nosuchhelper' \(named by "credsStore": "nosuchhelper"\) /);
    expect(message).toMatch(/was not found on PATH; install 'docker-credential-nosuchhelper', /);
    expect(message).toMatch(/or remove "credsStore": "nosuchhelper" from the docker config/);
  });

  it('skips a non-executable file and a directory of the helper\'s name earlier on PATH, as Go\'s exec.LookPath does', () => {
    const early = join(dir, 'early-bin');
    mkdirSync(join(early, 'docker-credential-good'), { recursive: true });
    const plain = join(dir, 'plain-bin');
    mkdirSync(plain);
    writeFileSync(join(plain, 'docker-credential-good'), '#!/bin/sh\nexit 7\n');
    chmodSync(join(plain, 'docker-credential-good'), 0o644);
    const entries = readDockerConfigFile({ path: writeConfig({ credsStore: 'good' }), servers: ['ghcr.io'],
      env: { PATH: `${early}:${plain}:${bin}:/usr/bin:/bin`, HOME: dir } });
    expect(entries.map((e) => [e.server, e.username])).toEqual([['ghcr.io', 'helper-user']]);
  });

  it('fails when the helper on PATH is only a file without execute permission, naming it', () => {
    const plain = join(dir, 'plain-only-bin');
    mkdirSync(plain);
    writeFileSync(join(plain, 'docker-credential-plain'), '#!/bin/sh\nexit 7\n');
    chmodSync(join(plain, 'docker-credential-plain'), 0o644);
    const message = thrown(() => readDockerConfigFile({ path: writeConfig({ credsStore: 'plain' }), servers: ['ghcr.io'],
      env: { PATH: `${plain}:/usr/bin:/bin`, HOME: dir } }));
    expect(message).toMatch(/the credential helper program 'docker-credential-plain' .* was not found on PATH as an executable file; /);
    expect(message).toMatch(new RegExp(`'${join(plain, 'docker-credential-plain').replace(/[.]/g, '\\.')}' is not executable: fix its permissions \\(chmod \\+x\\)`));
  });

  it('fails when listing a missing credsStore helper', () => {
    expect(thrown(() => read({ credsStore: 'nosuchhelper' }))).toMatch(/'docker-credential-nosuchhelper' .* was not found on PATH/);
  });

  it('fails when the helper hangs, and kills it', () => {
    const started = Date.now();
    const message = thrown(() => read({ credHelpers: { 'ghcr.io': 'hang' } }, { helperTimeout: Duration.millis(500) }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(message).toMatch(/server 'ghcr\.io': 'docker-credential-hang get' did not answer within 500 ms and was killed/);
    const pid = Number(readFileSync(join(dir, 'hang.pid'), 'utf8').trim());
    expect(pid).toBeGreaterThan(0);
    // signal 0 only checks that the process exists
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('fails when the helper name would leave PATH', () => {
    expect(thrown(() => read({ credsStore: '../evil' }))).toMatch(/'credsStore' must be a helper NAME such as 'pass'/);
  });

  it('fails when the timeout is zero or not a Duration', () => {
    expect(thrown(() => read({ auths: {} }, { helperTimeout: Duration.millis(0) }))).toMatch(/'helperTimeout' must be at least 1 ms, got 0 ms/);
    expect(thrown(() => read({ auths: {} }, { helperTimeout: 500 as any }))).toMatch(/'helperTimeout' must be a Duration such as Duration.hours\(1\)/);
  });
});

describe('payload text', () => {
  it('parses a .dockerconfigjson', () => {
    const text = JSON.stringify({ auths: { 'ghcr.io': { username: 'alice', password: PASSWORD, email: 'a@example.org', auth: AUTH } } });
    const entries = parseDockerConfigJson(text);
    expect(entries).toEqual([{ server: 'ghcr.io', username: 'alice', password: PASSWORD, email: 'a@example.org' }]);
    expect(encodeDockerConfigJson(entries)).toBe(text);
  });

  it('parses a legacy .dockercfg into the same entries', () => {
    const text = JSON.stringify({ 'https://index.docker.io/v1/': { auth: AUTH, email: 'a@example.org' }, 'quay.io': { auth: AUTH } });
    expect(parseDockerCfg(text, { servers: ['https://index.docker.io/v1/'] })).toEqual([
      { server: 'https://index.docker.io/v1/', username: 'alice', password: PASSWORD, email: 'a@example.org' },
    ]);
    expect(parseDockerCfg(text).map((e) => e.server)).toEqual(['https://index.docker.io/v1/', 'quay.io']);
  });

  it('fails when a .dockerconfigjson has no auths', () => {
    expect(thrown(() => parseDockerConfigJson(JSON.stringify({ 'ghcr.io': { auth: AUTH } }))))
      .toMatch(/^\.dockerconfigjson text has no 'auths' map; .*read it with DockerConfig\.fromDockerCfg\(text\)/);
  });

  it('fails when a .dockercfg has auths', () => {
    expect(thrown(() => parseDockerCfg(JSON.stringify({ auths: { 'ghcr.io': { auth: AUTH } } }), { source: 'old.dockercfg' })))
      .toMatch(/^old\.dockercfg has an 'auths' map, so it is a \.dockerconfigjson, not a legacy \.dockercfg; read it with DockerConfig\.fromDockerConfigJson\(text\)$/);
  });

  it('fails when a .dockerconfigjson needs a credential helper', () => {
    expect(thrown(() => parseDockerConfigJson(JSON.stringify({ auths: { 'ghcr.io': {} }, credsStore: 'good' }))))
      .toMatch(/server 'ghcr\.io': its credentials live in the credential helper 'docker-credential-good' .* which only DockerConfig\.fromFile\(\) runs; .*read the docker config file with DockerConfig\.fromFile\(\)/);
  });

  it('fails with the public name of the other reader, never an internal function', () => {
    // the repro of the review: a .dockerconfigjson given to DockerConfig.fromDockerCfg
    const message = thrown(() => DockerConfig.fromDockerCfg('{"auths":{}}'));
    expect(message).toMatch(/use DockerConfig\.fromDockerConfigJson\(text\)|read it with DockerConfig\.fromDockerConfigJson\(text\)/);
    for (const m of [message, thrown(() => DockerConfig.fromDockerConfigJson('{"ghcr.io":{}}')),
      thrown(() => DockerConfig.fromDockerConfigJson('{"auths":{"ghcr.io":{}},"credsStore":"good"}'))]) {
      expect(m).not.toMatch(/parseDockerCfg|parseDockerConfigJson|readDockerConfigFile/);
    }
  });

  it('fails when the text is not a json object', () => {
    expect(thrown(() => parseDockerConfigJson('[]'))).toMatch(/must hold a json object, got an array/);
    expect(thrown(() => parseDockerCfg(`${AUTH}`))).toMatch(/^\.dockercfg text is not valid json/);
  });
});

describe('error messages', () => {
  it('never contain a password, auth, token or helper output', () => {
    expect(messages.length).toBeGreaterThan(25);
    for (const message of messages) {
      for (const secret of [...SECRETS, AUTH]) expect(message).not.toContain(secret);
      expect(message).not.toMatch(/\n/);
      expect(message).not.toMatch(/\.$/);
    }
  });
});
