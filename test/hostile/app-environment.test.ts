// Hostile input to the default app through every environment variable it reads. main.ts runs in a child process
// (never imported: importing it would synthesize), in its own process group, with CDK8S_OUTDIR and TMPDIR in a folder
// of this file. A refusal must exit 1 with one `error: ...` line on stderr that names the variable to change, print no
// secret in any form, write nothing to the outdir, and leave no process of its group behind.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Yaml } from 'cdk8s';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppEnvironmentVariables } from '../../app/environment';
import { parseImageReference } from '../../lib/kubelet/image-reference';
import { leaksIn, looksRaw, redact, report } from './_expect';
import {
  ChildResult, PemFiles, ROOT, UNICODE_MESSAGE, WEAK_STABILITY_KEYS, fake, killGroup, makePems, pemBodyLines, processGroupMembers, runChild,
  useTempRoot, writeHelper,
} from './_fixtures';

const tmp = useTempRoot('app');

const PASSWORD = fake('app-pw');
const PASTED = fake('app-pasted');
const HELPER_SECRET = fake('app-helper');
const SECRETS = [PASSWORD, PASTED, HELPER_SECRET];
const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
// a pull secret that covers the default image, so that only the variable under test is wrong
const CREDS = { REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: PASSWORD };
const GOOD_KEY = randomBytes(32).toString('hex');

let bin: string;
let pems: PemFiles;
const dockerDirs: Record<string, string> = {};

function dockerDir(name: string, config: unknown): string {
  const dir = tmp.sub(`docker-${name}`);
  writeFileSync(join(dir, 'config.json'), typeof config === 'string' ? config : JSON.stringify(config));
  return dir;
}

beforeAll(() => {
  bin = tmp.sub('bin');
  writeHelper(bin, 'colon', `cat >/dev/null; printf '{"ServerURL":"x","Username":"robot:${PASTED}","Secret":"${HELPER_SECRET}"}'`);
  writeHelper(bin, 'loud', `cat >/dev/null; echo "denied ${HELPER_SECRET}" >&2; echo "${HELPER_SECRET}"; exit 4`);
  writeHelper(bin, 'child', 'sleep 60 &\nwait');
  const auth = b64(`jane:${PASSWORD}`);
  dockerDirs.badJson = dockerDir('bad-json', `{"auths":{"https://index.docker.io/v1/":{"auth":"${auth}",}}}`);
  dockerDirs.empty = dockerDir('empty', { auths: {} });
  dockerDirs.colon = dockerDir('colon', { auths: { 'https://index.docker.io/v1/': { username: `jane:${PASTED}`, password: PASSWORD } } });
  dockerDirs.helperColon = dockerDir('helper-colon', { credHelpers: { 'https://index.docker.io/v1/': 'colon' } });
  dockerDirs.helperLoud = dockerDir('helper-loud', { credHelpers: { 'https://index.docker.io/v1/': 'loud' } });
  dockerDirs.helperChild = dockerDir('helper-child', { credHelpers: { 'https://index.docker.io/v1/': 'child' } });
  dockerDirs.good = dockerDir('good', { auths: { 'https://index.docker.io/v1/': { auth } } });
  const huge = PASSWORD + 'p'.repeat(1024 * 1024);
  dockerDirs.huge = dockerDir('huge', { auths: { 'https://index.docker.io/v1/': { auth: b64(`jane:${huge}`) } } });
  dockerDirs.fifo = tmp.sub('docker-fifo');
  execFileSync('mkfifo', [join(dockerDirs.fifo, 'config.json')]);
  pems = makePems(tmp.sub('pems'));
  writeFileSync(join(tmp.dir(), 'not-a-cert.pem'), 'this is a README, not a certificate\n');
});

/** Runs main.ts with only `env` (plus PATH, HOME, TMPDIR, CDK8S_OUTDIR); `raw` values are bytes given as printf escapes. */
type AppRun = ChildResult & { outdir: string; written: string[]; leftover: number[] };

async function runApp(env: Record<string, string>, options: { raw?: Record<string, string>; timeoutMs?: number } = {}): Promise<AppRun> {
  const outdir = tmp.sub('out');
  const base: Record<string, string> = {
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: tmp.sub('home'), TMPDIR: tmp.dir(), CDK8S_OUTDIR: outdir, ...env,
  };
  let file = process.execPath;
  let args = ['--import', 'tsx', 'main.ts'];
  if (options.raw) {
    // node hands a child only valid UTF-8; the shell turns printf escapes into the bytes a user's environment can hold
    const exports = Object.keys(options.raw).map((name) => `${name}="$(printf '%b' "$RAW_${name}")"; export ${name}; unset RAW_${name};`);
    for (const [name, value] of Object.entries(options.raw)) base[`RAW_${name}`] = value;
    args = ['-c', `${exports.join(' ')} exec "$0" --import tsx main.ts`, process.execPath];
    file = '/bin/sh';
  }
  const r = await runChild(file, args, { env: base, timeoutMs: options.timeoutMs ?? 60_000 });
  const leftover = processGroupMembers(r.pid);
  killGroup(r.pid);
  return { ...r, outdir, written: readdirSync(outdir), leftover };
}

interface AppRefusal {
  /** The variable the message must name. */
  readonly names: RegExp;
  readonly says?: readonly RegExp[];
  readonly mustNotSay?: readonly RegExp[];
  readonly secrets?: readonly string[];
}

/** The problems of an app run that had to refuse its input. */
function judgeApp(r: AppRun, want: AppRefusal): string[] {
  const secrets = [...SECRETS, ...(want.secrets ?? [])];
  const problems: string[] = [];
  const stderr = r.stderr.replace(/\n$/, '');
  const shown = redact(stderr, secrets);
  if (r.timedOut) problems.push('[hang] the app did not finish within its time-out and was killed');
  else if (r.status === 0) problems.push(`[silent wrong acceptance] exit code 0; stderr: ${shown || '(empty)'}`);
  else if (r.status !== 1) problems.push(`[raw crash] exit code ${r.status}: ${shown}`);
  for (const leak of leaksIn(r.stderr + r.stdout, secrets)) problems.push(`[leak] the output contains ${leak}: ${shown}`);
  if (!r.timedOut && r.status !== 0) {
    if (looksRaw(stderr) || / at .*\(.*:\d+:\d+\)/.test(stderr)) problems.push(`[raw crash] ${shown}`);
    if (stderr.includes('\n')) problems.push(`[multi-line] stderr has ${stderr.split('\n').length} lines: ${shown}`);
    if (!stderr.startsWith('error: ')) problems.push(`[unclear message] stderr does not start with 'error: ': ${shown}`);
    if (!want.names.test(stderr)) problems.push(`[unclear message] does not name ${want.names}: ${shown}`);
    for (const say of want.says ?? []) if (!say.test(stderr)) problems.push(`[unclear message] does not say ${say}: ${shown}`);
    for (const not of want.mustNotSay ?? []) {
      if (not.test(stderr)) problems.push(`[unclear message] says ${not}, which the app's user cannot do: ${shown}`);
    }
  }
  if (r.written.length > 0) problems.push(`[half-written] the outdir holds ${r.written.join(', ')} after a refusal`);
  if (r.leftover.length > 0) problems.push(`[leftover process] ${r.leftover.length} process(es) of the app's group still ran after it exited`);
  return problems;
}

interface AppCase extends AppRefusal {
  readonly title: string;
  readonly env: () => Record<string, string>;
  readonly raw?: Record<string, string>;
  readonly timeoutMs?: number;
}

const LIMIT = /1048576|1,048,576|1 ?MiB/;
const NAME = /dns-1123|dns label|dns subdomain/i;
const NOT_A_LIBRARY_FIX = [/addRegistry/, /pass 'path'/, /publicImages/, /metadata\.name/];

const CASES: AppCase[] = [
  // REGISTRY_SERVER
  { title: 'REGISTRY_SERVER starts with a space', env: () => ({ ...CREDS, REGISTRY_SERVER: ' ghcr.io' }), names: /REGISTRY_SERVER/ },
  { title: 'REGISTRY_SERVER ends with a line break', env: () => ({ ...CREDS, REGISTRY_SERVER: 'ghcr.io\n' }), names: /REGISTRY_SERVER/ },
  { title: 'REGISTRY_SERVER is not valid UTF-8', env: () => CREDS, raw: { REGISTRY_SERVER: 'ghcr\\0377.io' }, names: /REGISTRY_SERVER/,
    says: UNICODE_MESSAGE },
  // REGISTRY_USERNAME
  { title: 'REGISTRY_USERNAME holds a pasted user:password', env: () => ({ ...CREDS, REGISTRY_USERNAME: `jane:${PASTED}` }),
    names: /REGISTRY_USERNAME/, secrets: [`jane:${PASTED}`] },
  { title: 'REGISTRY_USERNAME is not valid UTF-8', env: () => ({ REGISTRY_PASSWORD: PASSWORD }), raw: { REGISTRY_USERNAME: 'j\\0351ne' },
    names: /REGISTRY_USERNAME/, says: UNICODE_MESSAGE },
  { title: 'REGISTRY_USERNAME is set without REGISTRY_PASSWORD', env: () => ({ REGISTRY_USERNAME: 'jane' }), names: /REGISTRY_PASSWORD/ },
  // REGISTRY_PASSWORD
  { title: 'REGISTRY_PASSWORD is not valid UTF-8 (a Latin-1 password)', env: () => ({ REGISTRY_USERNAME: 'jane' }),
    raw: { REGISTRY_PASSWORD: `${PASSWORD}\\0374` }, names: /REGISTRY_PASSWORD/, says: UNICODE_MESSAGE },
  { title: 'REGISTRY_PASSWORD is set without REGISTRY_USERNAME', env: () => ({ REGISTRY_PASSWORD: PASSWORD }), names: /REGISTRY_USERNAME/ },
  // REGISTRY_EMAIL
  { title: 'REGISTRY_EMAIL is not valid UTF-8', env: () => CREDS, raw: { REGISTRY_EMAIL: 'j\\0366rg@example.com' }, names: /REGISTRY_EMAIL/,
    says: UNICODE_MESSAGE },
  { title: 'REGISTRY_EMAIL is set alone', env: () => ({ REGISTRY_EMAIL: 'jane@example.com' }), names: /REGISTRY_USERNAME|REGISTRY_PASSWORD/ },
  // IMAGE
  { title: 'IMAGE has an upper-case first component, suggesting the all-lower-case form', env: () => ({ ...CREDS, IMAGE: 'JaneDoe/App:v1' }),
    names: /IMAGE/, says: [/'janedoe\/app:v1'/], mustNotSay: [/'JaneDoe\/app:v1'/] },
  { title: 'IMAGE has an upper-case repository', env: () => ({ ...CREDS, IMAGE: 'Bad/Image' }), names: /IMAGE/ },
  { title: 'IMAGE is not covered by REGISTRY_SERVER', env: () => ({ ...CREDS, REGISTRY_SERVER: 'quay.io', IMAGE: 'ghcr.io/org/app:1' }),
    names: /IMAGE|REGISTRY_SERVER/, mustNotSay: NOT_A_LIBRARY_FIX },
  { title: 'the default image is not covered by REGISTRY_SERVER', env: () => ({ ...CREDS, REGISTRY_SERVER: 'ghcr.io' }),
    names: /IMAGE|REGISTRY_SERVER/, mustNotSay: NOT_A_LIBRARY_FIX },
  { title: 'IMAGE has an empty tag', env: () => ({ ...CREDS, IMAGE: 'nginx:' }), names: /IMAGE/ },
  { title: 'IMAGE has a 300-character repository path', env: () => ({ ...CREDS, IMAGE: 'a'.repeat(300) }), names: /IMAGE/ },
  { title: 'IMAGE has a scheme', env: () => ({ ...CREDS, IMAGE: 'https://ghcr.io/org/app:1' }), names: /IMAGE/ },
  // SECRET_NAME
  { title: 'SECRET_NAME has upper case and an underscore', env: () => ({ ...CREDS, SECRET_NAME: 'My_RegCred' }), names: /SECRET_NAME/,
    says: [NAME], mustNotSay: NOT_A_LIBRARY_FIX },
  { title: 'SECRET_NAME is 254 characters long', env: () => ({ ...CREDS, SECRET_NAME: 's'.repeat(254) }), names: /SECRET_NAME/ },
  { title: 'SECRET_NAME has a space', env: () => ({ ...CREDS, SECRET_NAME: 'reg cred' }), names: /SECRET_NAME/ },
  // POD_NAME
  { title: 'POD_NAME has upper case and an underscore', env: () => ({ ...CREDS, POD_NAME: 'Private_Reg' }), names: /POD_NAME/, says: [NAME] },
  { title: 'POD_NAME is 254 characters long', env: () => ({ ...CREDS, POD_NAME: 'p'.repeat(254) }), names: /POD_NAME/ },
  { title: 'POD_NAME starts with a dash', env: () => ({ ...CREDS, POD_NAME: '-pod' }), names: /POD_NAME/ },
  // NAMESPACE
  { title: 'NAMESPACE has a dot', env: () => ({ ...CREDS, NAMESPACE: 'team.a' }), names: /NAMESPACE/, says: [NAME] },
  { title: 'NAMESPACE has upper case and an underscore', env: () => ({ ...CREDS, NAMESPACE: 'Bad_NS' }), names: /NAMESPACE/ },
  { title: 'NAMESPACE is 64 characters long', env: () => ({ ...CREDS, NAMESPACE: 'n'.repeat(64) }), names: /NAMESPACE/ },
  { title: 'NAMESPACE has a dot and the secret is sealed', env: () => ({ ...CREDS, NAMESPACE: 'team.a', SEALED_SECRETS_CERT: pems.good }),
    names: /NAMESPACE/ },
  // DOCKER_CONFIG
  { title: 'DOCKER_CONFIG names a folder that does not exist', env: () => ({ DOCKER_CONFIG: join(tmp.dir(), 'no-such-folder') }),
    names: /DOCKER_CONFIG/, mustNotSay: NOT_A_LIBRARY_FIX },
  { title: 'DOCKER_CONFIG names the config.json file instead of its folder', env: () => ({ DOCKER_CONFIG: join(dockerDirs.good, 'config.json') }),
    names: /DOCKER_CONFIG/, mustNotSay: NOT_A_LIBRARY_FIX },
  { title: 'DOCKER_CONFIG holds a config.json that is not JSON', env: () => ({ DOCKER_CONFIG: dockerDirs.badJson }), names: /DOCKER_CONFIG/,
    secrets: [b64(`jane:${PASSWORD}`)] },
  { title: 'DOCKER_CONFIG holds no credentials', env: () => ({ DOCKER_CONFIG: dockerDirs.empty }), names: /DOCKER_CONFIG/ },
  { title: 'DOCKER_CONFIG holds an entry whose username has \':\'', env: () => ({ DOCKER_CONFIG: dockerDirs.colon }), names: /DOCKER_CONFIG/,
    secrets: [`jane:${PASTED}`] },
  { title: 'DOCKER_CONFIG\'s credential helper answers with a username that has \':\'', env: () => ({ DOCKER_CONFIG: dockerDirs.helperColon }),
    names: /DOCKER_CONFIG/, secrets: [`robot:${PASTED}`] },
  { title: 'DOCKER_CONFIG\'s credential helper fails and prints the secret', env: () => ({ DOCKER_CONFIG: dockerDirs.helperLoud }),
    names: /DOCKER_CONFIG/ },
  { title: 'DOCKER_CONFIG holds a 1 MiB password', env: () => ({ DOCKER_CONFIG: dockerDirs.huge }), names: /DOCKER_CONFIG/, says: [LIMIT] },
  { title: 'DOCKER_CONFIG holds a config.json that is a named pipe', env: () => ({ DOCKER_CONFIG: dockerDirs.fifo }), names: /DOCKER_CONFIG/,
    timeoutMs: 20_000 },
  { title: 'DOCKER_CONFIG\'s credential helper starts a child and hangs', env: () => ({ DOCKER_CONFIG: dockerDirs.helperChild }),
    names: /DOCKER_CONFIG/, timeoutMs: 40_000 },
  // REGISTRY_SERVERS
  { title: 'REGISTRY_SERVERS lists no server', env: () => ({ DOCKER_CONFIG: dockerDirs.good, REGISTRY_SERVERS: ',,' }), names: /REGISTRY_SERVERS/,
    mustNotSay: [/'servers'/] },
  { title: 'REGISTRY_SERVERS names a server the config does not have', env: () => ({ DOCKER_CONFIG: dockerDirs.good, REGISTRY_SERVERS: 'nope.io' }),
    names: /REGISTRY_SERVERS/ },
  { title: 'REGISTRY_SERVERS is set without DOCKER_CONFIG', env: () => ({ ...CREDS, REGISTRY_SERVERS: 'ghcr.io' }), names: /REGISTRY_SERVERS/ },
  // SEALED_SECRETS_CERT
  { title: 'SEALED_SECRETS_CERT names a file that does not exist', env: () => ({ ...CREDS, NAMESPACE: 'apps',
    SEALED_SECRETS_CERT: join(tmp.dir(), 'no-such-cert.pem') }), names: /SEALED_SECRETS_CERT/ },
  { title: 'SEALED_SECRETS_CERT names a file that is not a certificate', env: () => ({ ...CREDS, NAMESPACE: 'apps',
    SEALED_SECRETS_CERT: join(tmp.dir(), 'not-a-cert.pem') }), names: /SEALED_SECRETS_CERT/ },
  { title: 'SEALED_SECRETS_CERT names a certificate with a 512-bit RSA key', env: () => ({ ...CREDS, NAMESPACE: 'apps',
    SEALED_SECRETS_CERT: pems.rsa512Cert }), names: /SEALED_SECRETS_CERT/ },
  { title: 'SEALED_SECRETS_CERT names a private key', env: () => ({ ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.privateKey }),
    names: /SEALED_SECRETS_CERT/, secrets: [] },
  { title: 'SEALED_SECRETS_CERT names an expired certificate', env: () => ({ ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.expiredCert }),
    names: /SEALED_SECRETS_CERT/ },
  { title: 'SEALED_SECRETS_CERT names an EC certificate', env: () => ({ ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.ecCert }),
    names: /SEALED_SECRETS_CERT/ },
  { title: 'SEALED_SECRETS_CERT is set without NAMESPACE', env: () => ({ ...CREDS, SEALED_SECRETS_CERT: pems.good }), names: /NAMESPACE/ },
  // SEALED_SECRETS_STABILITY_KEY
  ...WEAK_STABILITY_KEYS.filter((k) => !/non-ASCII|pattern|base64/.test(k.title)).map((k) => ({
    title: `SEALED_SECRETS_STABILITY_KEY is ${k.title}`, env: () => ({ ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.good,
      SEALED_SECRETS_STABILITY_KEY: k.value }), names: /SEALED_SECRETS_STABILITY_KEY/, says: [k.says], secrets: [k.value] })),
  { title: 'SEALED_SECRETS_STABILITY_KEY is set without SEALED_SECRETS_CERT', env: () => ({ ...CREDS, SEALED_SECRETS_STABILITY_KEY: GOOD_KEY }),
    names: /SEALED_SECRETS_STABILITY_KEY/, says: [/SEALED_SECRETS_CERT/], secrets: [GOOD_KEY] },
  { title: 'SEALED_SECRETS_STABILITY_KEY is not valid UTF-8', env: () => ({ ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.good }),
    raw: { SEALED_SECRETS_STABILITY_KEY: `${GOOD_KEY}\\0377` }, names: /SEALED_SECRETS_STABILITY_KEY/, says: UNICODE_MESSAGE, secrets: [GOOD_KEY] },
];

describe('the default app refuses bad environment variables, naming the variable', () => {
  it('covers every variable the app reads', () => {
    const covered = new Set(CASES.flatMap((c) => [...Object.keys(c.env()), ...Object.keys(c.raw ?? {})]));
    expect(AppEnvironmentVariables.NAMES.filter((n) => !covered.has(n))).toEqual([]);
  });

  for (const c of CASES) {
    it(`fails when ${c.title}`, async () => {
      const keyLines = c.env().SEALED_SECRETS_CERT === pems?.privateKey ? pemBodyLines(pems.privateKey) : [];
      const r = await runApp(c.env(), { raw: c.raw, timeoutMs: c.timeoutMs });
      report(judgeApp(r, { ...c, secrets: [...(c.secrets ?? []), ...keyLines] }));
    }, (c.timeoutMs ?? 60_000) + 10_000);
  }
});

describe('the default app: a fix it suggests works', () => {
  it('fails when IMAGE has an upper-case user name, and the suggested image is accepted and pulls from Docker Hub', async () => {
    const first = await runApp({ ...CREDS, IMAGE: 'JaneDoe/App:v1' });
    const suggestion = /use '([^']+)'/.exec(first.stderr)?.[1];
    if (suggestion === undefined) return report([`[unclear message] no suggestion: ${redact(first.stderr, SECRETS)}`]);
    const second = await runApp({ ...CREDS, IMAGE: suggestion });
    const problems: string[] = [];
    if (second.status !== 0) problems.push(`[unclear message] the suggested IMAGE '${suggestion}' is refused: ${redact(second.stderr, SECRETS)}`);
    const domain = parseImageReference(suggestion).domain;
    if (domain !== 'docker.io') {
      problems.push(`[unclear message] the suggested IMAGE '${suggestion}' pulls from registry '${domain}', not Docker Hub`);
    }
    report(problems);
  }, 130_000);
});

describe('the docs do not mislead about image references', () => {
  it('fails when the pull check page\'s rule for a registry in the first component leaves out upper case', () => {
    const page = readFileSync(join(ROOT, 'docs', 'pull-check.md'), 'utf8').replace(/\s+/g, ' ');
    const rule = /a first component is a registry.*?(?=\. [A-Z]|$)/.exec(page)?.[0] ?? '';
    // distribution/reference: a first component with '.', ':', upper case, or 'localhost' is a domain
    if (!/upper/i.test(rule)) report([`[unclear message] the rule in docs/pull-check.md leaves out upper case: '${rule}'`]);
  });
});

describe('the default app accepts valid input at the limits', () => {
  const accepted = async (env: Record<string, string>, check: (objects: any[]) => void): Promise<void> => {
    const r = await runApp(env);
    if (r.status !== 0) report([`[valid input refused] ${redact(r.stderr, SECRETS)}`]);
    check(Yaml.load(join(r.outdir, 'private-registry.k8s.yaml')));
  };
  it('takes a 63-character NAMESPACE', async () => {
    const ns = 'n'.repeat(63);
    await accepted({ ...CREDS, NAMESPACE: ns }, (o) => expect(o.map((x) => x.metadata.namespace)).toEqual([ns, ns]));
  });
  it('takes a 253-character SECRET_NAME', async () => {
    await accepted({ ...CREDS, SECRET_NAME: `${'s'.repeat(63)}.${'s'.repeat(63)}.${'s'.repeat(63)}.${'s'.repeat(61)}` },
      (o) => expect(o[0].metadata.name).toHaveLength(253));
  });
  it('takes REGISTRY_SERVERS with spaces around the commas', async () => {
    await accepted({ DOCKER_CONFIG: dockerDirs.good, REGISTRY_SERVERS: ' https://index.docker.io/v1/ , ' }, (o) => expect(o[0].kind).toBe('Secret'));
  });
  it('takes SEALED_SECRETS_STABILITY_KEY as base64 with the newline a secret file ends with, and seals the same twice', async () => {
    const env = { ...CREDS, NAMESPACE: 'apps', SEALED_SECRETS_CERT: pems.good,
      SEALED_SECRETS_STABILITY_KEY: `${randomBytes(48).toString('base64')}\n` };
    const values: string[] = [];
    for (let i = 0; i < 2; i++) await accepted(env, (o) => values.push(o[0].spec.encryptedData['.dockerconfigjson']));
    expect(values[1]).toBe(values[0]);
  }, 130_000);
  it('takes a password with every character JSON, YAML and the shell treat specially', async () => {
    const password = `${PASSWORD}"\\'$\`<>&:\t#{}[]|*!%@ äöü 🔑`;
    await accepted({ REGISTRY_USERNAME: 'jane', REGISTRY_PASSWORD: password }, (o) => {
      const payload = JSON.parse(Buffer.from(o[0].data['.dockerconfigjson'], 'base64').toString('utf8'));
      expect(payload.auths['https://index.docker.io/v1/'].password === password).toBe(true);
    });
  });
});
