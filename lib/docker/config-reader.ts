/**
 * Reads docker's client config (`~/.docker/config.json`), a `.dockerconfigjson` payload or a legacy `.dockercfg` and
 * turns it into validated entries, the way the kubelet will read them: only a username and a password count.
 * Pure logic apart from reading the file and running credential helpers: no constructs.
 *
 * Re-encode the result with `encodeDockerConfigJson`, so `auth` is always written padded, as kubectl does.
 *
 * @see https://docs.docker.com/reference/cli/docker/login/#credential-stores
 */
import { userInfo } from 'os';
import { join } from 'path';
import { compareUtf8 } from '../go/json';
import { HelperRef, HelperRunOptions, IDENTITY_TOKEN_USERNAME, helperGet, helperList, helperProgram } from './credential-helper';
import { DockerConfigEntry, validateRegistryCredentials } from './credentials';
import { decodeAuth } from './auth-field';
import { DockerConfigFileOptions, DockerConfigTextOptions } from './docker-config';
import { sortByServer } from './payload';
import { hasUserinfo } from '../kubelet/keyring';
import { FileReadError, readRegularFile } from '../input/files';
import { describeType, isObject, optionalDuration, optionalString, optionalStringList, requireObject, requireString } from '../input/values';

/** How long a credential helper may take per call before it is killed, in milliseconds. */
const DEFAULT_HELPER_TIMEOUT_MS = 10_000;

/**
 * Where docker itself reads its config: `$DOCKER_CONFIG/config.json`, else `$HOME/.docker/config.json`, both read
 * from `env` (which replaces `process.env` when given).
 */
export function defaultDockerConfigPath(env?: Record<string, string>): string {
  const vars: Record<string, string | undefined> = env ?? process.env;
  if (vars.DOCKER_CONFIG) return join(vars.DOCKER_CONFIG, 'config.json');
  // docker's homedir.Get: $HOME, and the user database only when HOME is empty. Not os.homedir(), which reads
  // process.env.HOME: a given env without HOME would then read the process's config after all.
  return join(vars.HOME || userHome(), '.docker', 'config.json');
}

function userHome(): string {
  try {
    return userInfo().homedir;
  } catch {
    throw new Error('cannot find the docker config: HOME is not set and the user database has no home directory for this user; ' +
      'set HOME or DOCKER_CONFIG, or pass \'path\'');
  }
}

/**
 * Reads docker's config file and returns the credentials of all its servers, or of `servers`, asking `credsStore` and
 * `credHelpers` helpers as docker does. Throws one clear error that never contains a password, `auth` or token.
 */
export function readDockerConfigFile(options: DockerConfigFileOptions = {}): DockerConfigEntry[] {
  const where = 'DockerConfig.fromFile';
  const o = requireObject(options, 'options', where, 'an object such as { servers: [\'ghcr.io\'] }');
  const envOption = o.env === undefined ? undefined : requireStringMap(o.env, 'env', where);
  const env: Record<string, string | undefined> = envOption ?? process.env;
  const path = optionalString(o.path, 'path', where, { emptyHint: 'give the path of config.json, or leave it out for docker\'s own' });
  const file = path ?? defaultDockerConfigPath(envOption);
  const label = `docker config '${file}'`;
  const timeout = optionalDuration(options.helperTimeout, 'helperTimeout', where);
  const timeoutMs = timeout === undefined ? DEFAULT_HELPER_TIMEOUT_MS : timeout.toMilliseconds();
  if (!(timeoutMs >= 1)) {
    throw new Error(`${where}: 'helperTimeout' must be at least 1 ms, got ${timeoutMs} ms; use Duration.seconds(10) or leave it out`);
  }
  const servers = optionalStringList(o.servers, 'servers', where, '[\'ghcr.io\']');
  const config = parseConfig(readConfigText(file, label), label, 'file');
  // whole already: optionalDuration refuses a fraction of a millisecond
  return resolveEntries(config, label, servers, { env, timeoutMs });
}

/**
 * Parses a `.dockerconfigjson` payload, `{"auths": {SERVER: {...}}}`. It runs no credential helper: an entry that
 * needs one is an error (`DockerConfig.fromFile` runs helpers).
 */
export function parseDockerConfigJson(text: string, options: DockerConfigTextOptions = {}): DockerConfigEntry[] {
  const { label, servers } = textOptions(text, options, 'DockerConfig.fromDockerConfigJson', '.dockerconfigjson text');
  return resolveEntries(parseConfig(text, label, 'payload'), label, servers, undefined);
}

/** Parses a legacy `.dockercfg` payload: a bare map `{SERVER: {"auth", "email"}}` without `auths`. */
export function parseDockerCfg(text: string, options: DockerConfigTextOptions = {}): DockerConfigEntry[] {
  const { label, servers } = textOptions(text, options, 'DockerConfig.fromDockerCfg', '.dockercfg text');
  return resolveEntries(parseConfig(text, label, 'cfg'), label, servers, undefined);
}

function textOptions(text: unknown, options: unknown, where: string, defaultLabel: string): { label: string; servers?: string[] } {
  // the text is not quoted in any message: it holds credentials
  requireString(text, 'text', where, { secret: true, emptyHint: 'pass the json text, for example the decoded .dockerconfigjson of a Secret' });
  const o = requireObject(options, 'options', where, 'an object such as { servers: [\'ghcr.io\'] }');
  const source = optionalString(o.source, 'source', where);
  return { label: source ?? defaultLabel, servers: optionalStringList(o.servers, 'servers', where, '[\'ghcr.io\']') };
}

function requireStringMap(value: unknown, field: string, where: string): Record<string, string> {
  const map = requireObject(value, field, where, 'a map of environment variables such as { HOME: \'/home/me\' }');
  for (const [k, v] of Object.entries(map)) {
    if (typeof v !== 'string') throw new Error(`${where}: '${field}' values must be strings, got ${describeType(v)} for ${JSON.stringify(k)}`);
  }
  return map as Record<string, string>;
}

/** The fields of one entry that we look at, checked to be strings. */
interface RawEntry {
  readonly auth?: string;
  readonly username?: string;
  readonly password?: string;
  readonly email?: string;
  readonly identitytoken?: string;
  readonly registrytoken?: string;
}

interface ParsedConfig {
  readonly auths: Map<string, RawEntry>;
  readonly credsStore?: string;
  readonly credHelpers: Map<string, string>;
}

const ENTRY_FIELDS: ReadonlyArray<keyof RawEntry> = ['auth', 'username', 'password', 'email', 'identitytoken', 'registrytoken'];

function readConfigText(file: string, label: string): string {
  try {
    return readRegularFile(file);
  } catch (e) {
    const code = (e as FileReadError).code;
    const why = READ_ERRORS[code ?? ''] ?? `${code ?? 'unknown error'}; check the path and its permissions`;
    throw new Error(`cannot read ${label}: ${why}`);
  }
}

const READ_ERRORS: Record<string, string> = {
  ENOENT: 'no such file; run \'docker login SERVER\' to create it, or pass \'path\' (DOCKER_CONFIG names the directory that holds config.json)',
  EACCES: 'permission denied; run as the user who ran \'docker login\', or make the file readable by this user',
  EPERM: 'permission denied; run as the user who ran \'docker login\', or make the file readable by this user',
  EISDIR: 'it is a directory; pass the config.json inside it',
  ENOTREGULAR: 'it is not a regular file (a named pipe or a device would block or never end); pass the config.json file',
  ENOTDIR: 'a part of the path is not a directory; DOCKER_CONFIG must name the directory that holds config.json, not the file',
};

function parseConfig(text: string, label: string, shape: 'file' | 'payload' | 'cfg'): ParsedConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8's message quotes the text around the error, which may be an 'auth': keep only the position
    throw new Error(`${label} is not valid json${jsonErrorPosition(text, e)}; fix or regenerate it (docker login rewrites it)`);
  }
  if (!isObject(value)) {
    const expected = shape === 'cfg' ? '{SERVER: {"auth"}}' : '{"auths": {...}}';
    throw new Error(`${label} must hold a json object, got ${jsonKind(value)}; expected ${expected}`);
  }
  if (shape === 'cfg') {
    if (isObject(value.auths)) {
      throw new Error(`${label} has an 'auths' map, so it is a .dockerconfigjson, not a legacy .dockercfg; ` +
        'read it with DockerConfig.fromDockerConfigJson(text)');
    }
    return { auths: parseAuths(value, label), credHelpers: new Map() };
  }
  // docker's own file may have no 'auths' at all (only helpers, or nothing yet); a payload must have one
  if (shape === 'payload' && value.auths === undefined) {
    throw new Error(`${label} has no 'auths' map; expected {"auths": {SERVER: {"auth": ...}}} ` +
      '(a bare map of servers is the legacy .dockercfg format: read it with DockerConfig.fromDockerCfg(text))');
  }
  if (value.auths !== undefined && !isObject(value.auths)) {
    throw new Error(`${label}: 'auths' must be a json object {SERVER: {...}}, got ${jsonKind(value.auths)}`);
  }
  if (value.credsStore !== undefined && typeof value.credsStore !== 'string') {
    throw new Error(`${label}: 'credsStore' must be a string (the NAME of docker-credential-NAME), got ${jsonKind(value.credsStore)}`);
  }
  const credHelpers = new Map<string, string>();
  if (value.credHelpers !== undefined) {
    if (!isObject(value.credHelpers)) {
      throw new Error(`${label}: 'credHelpers' must be a json object {SERVER: NAME}, got ${jsonKind(value.credHelpers)}`);
    }
    for (const [server, name] of Object.entries(value.credHelpers)) {
      refuseUserinfo(server, label);
      if (typeof name !== 'string') {
        throw new Error(`${label}: 'credHelpers' of server '${server}' must be a string (the NAME of docker-credential-NAME), got ${jsonKind(name)}`);
      }
      // kept when empty: as in docker, an empty helper sends that server to the file even when credsStore is set
      credHelpers.set(server, name === '' ? name : checkHelperName(name, `${label}: credHelpers["${server}"]`));
    }
  }
  // docker treats an empty credsStore as none
  const credsStore = value.credsStore ? checkHelperName(value.credsStore as string, `${label}: 'credsStore'`) : undefined;
  return { auths: value.auths === undefined ? new Map() : parseAuths(value.auths, label), credsStore, credHelpers };
}

function checkHelperName(name: string, where: string): string {
  // a '/' would turn 'docker-credential-NAME' into a path outside PATH
  if (/[\s/\\]/.test(name)) {
    throw new Error(`${where} must be a helper NAME such as 'pass' or 'desktop' (the program is docker-credential-NAME), ` +
      `got ${JSON.stringify(name)}`);
  }
  return name;
}

function parseAuths(map: Record<string, unknown>, label: string): Map<string, RawEntry> {
  const auths = new Map<string, RawEntry>();
  for (const [server, entry] of Object.entries(map)) {
    refuseUserinfo(server, label);
    if (!isObject(entry)) {
      throw new Error(`${label}, server '${server}': the entry must be a json object such as {"auth": "..."}, got ${jsonKind(entry)}`);
    }
    const raw: Record<string, string> = {};
    for (const field of ENTRY_FIELDS) {
      const v = entry[field];
      if (v === undefined || v === null) continue;
      // the kubelet's decoder fails the whole keyring on a field of the wrong type
      if (typeof v !== 'string') {
        throw new Error(`${label}, server '${server}': '${field}' must be a string, got ${jsonKind(v)}`);
      }
      raw[field] = v;
    }
    auths.set(server, raw);
  }
  return auths;
}

function resolveEntries(config: ParsedConfig, label: string, servers: string[] | undefined, run: HelperRunOptions | undefined): DockerConfigEntry[] {
  const helperFor = (server: string): HelperRef | undefined => {
    const name = config.credHelpers.get(server);
    if (name === '') return undefined;
    if (name !== undefined) return { name, configKey: `credHelpers[${JSON.stringify(server)}]` };
    return config.credsStore === undefined ? undefined : { name: config.credsStore, configKey: `"credsStore": ${JSON.stringify(config.credsStore)}` };
  };
  // Decision: the union of 'auths', 'credHelpers' and the store's 'list'. docker's GetAllCredentials takes only the
  // store's list when credsStore is set, but 'docker login' also records each server under 'auths', and a server that
  // is in 'auths' yet missing from the store is better reported than silently dropped.
  const knownServers = (strict: boolean): string[] => {
    const known = new Set<string>(config.auths.keys());
    for (const [server, name] of config.credHelpers) if (name !== '') known.add(server);
    if (config.credsStore !== undefined && run !== undefined) {
      const store = { name: config.credsStore, configKey: `"credsStore": ${JSON.stringify(config.credsStore)}` };
      try {
        for (const s of helperList(store, run, label)) known.add(s);
      } catch (e) {
        if (strict) throw e;
      }
    }
    return [...known].sort(compareUtf8);
  };
  const describeKnown = (): string => {
    const known = knownServers(false);
    return known.length === 0 ? 'it has none' : `it has ${known.map((s) => `'${s}'`).join(', ')}`;
  };

  const targets = servers === undefined ? knownServers(true) : checkServers(servers, label);
  if (targets.length === 0) {
    throw new Error(`${label} has no registry credentials; run 'docker login SERVER' first, or pass the credentials directly`);
  }
  const entries = targets.map((server) => {
    const where = `${label}, server '${server}'`;
    const entry = config.auths.get(server);
    const helper = helperFor(server);
    if (helper === undefined) {
      if (entry === undefined) {
        throw new Error(`${label} has no entry for server '${server}' (${describeKnown()}); run 'docker login ${server}' or ask for one of those`);
      }
      return entryFromFields(server, entry, where, label);
    }
    const program = helperProgram(helper.name);
    if (run === undefined) {
      throw new Error(`${where}: its credentials live in the credential helper '${program}' (${helper.configKey}), ` +
        'which only DockerConfig.fromFile() runs; read the docker config file with DockerConfig.fromFile(), or pass the credentials directly');
    }
    const creds = helperGet(helper, server, run, where);
    if (creds === undefined) {
      // like docker, a configured helper is authoritative: the file's own 'auth' is not used for this server
      const ignored = entry?.auth ? ' (docker ignores the \'auth\' in the file while a helper is configured for the server)' : '';
      throw new Error(`${label} has no credentials for server '${server}': '${program}' (${helper.configKey}) has none${ignored}; ` +
        `run 'docker login ${server}', or ask for a server it has (${describeKnown()})`);
    }
    if (creds.username === IDENTITY_TOKEN_USERNAME) {
      throw identityTokenError(where, server, `'${program}' holds an identity token (username '<token>')`);
    }
    return checkEntry(server, creds.username, creds.secret, entry?.email, where, label);
  });
  return sortByServer(entries);
}

/** A server key is quoted in messages, so one that holds a user name or password is refused before any message quotes it. */
function refuseUserinfo(server: string, label: string): void {
  if (hasUserinfo(server)) {
    throw new Error(`${label} has a server key with a user name or password before '@' (not shown); docker writes bare hosts: ` +
      'remove that entry or run \'docker login\' again');
  }
}

/** The servers asked for (already checked to be a list of non-empty strings), each once. */
function checkServers(servers: string[], label: string): string[] {
  servers.forEach((s) => refuseUserinfo(s, `${label}: 'servers'`));
  if (servers.length === 0) {
    throw new Error(`${label}: 'servers' must list at least one server such as 'ghcr.io'; leave it out to take every server`);
  }
  return [...new Set(servers)];
}

function entryFromFields(server: string, entry: RawEntry, where: string, label: string): DockerConfigEntry {
  let username = entry.username ?? '';
  let password = entry.password ?? '';
  // like the kubelet (and docker), a non-empty 'auth' wins over username/password
  if (entry.auth) {
    const decoded = decodeAuth(entry.auth);
    if (typeof decoded === 'string') {
      throw new Error(`${where}: 'auth' ${decoded}; expected base64 of 'username:password': run 'docker login ${server}' again ` +
        'or write the entry with \'username\' and \'password\'');
    }
    [username, password] = decoded;
  }
  if (password === '') {
    if (entry.identitytoken || entry.registrytoken) {
      const token = entry.identitytoken ? 'an identity token (\'identitytoken\')' : 'a registry token (\'registrytoken\')';
      throw identityTokenError(where, server, `the entry has only ${token}`);
    }
    if (username === '') {
      throw new Error(`${where}: the entry has no credentials (no 'auth', no 'username'/'password') and no credential helper is configured for it; ` +
        `run 'docker login ${server}', or pass the credentials directly`);
    }
    throw new Error(`${where}: the entry has a user name (not shown) but an empty password; run 'docker login ${server}' again, ` +
      'or pass the credentials directly');
  }
  return checkEntry(server, username, password, entry.email, where, label);
}

function checkEntry(server: string, username: string, password: string, email: string | undefined, where: string, label: string): DockerConfigEntry {
  if (username === '') {
    throw new Error(`${where}: the credentials have an empty user name; run 'docker login ${server} -u USER' again, ` +
      'or pass the credentials directly');
  }
  return validateRegistryCredentials({ server, username, password, email: email || undefined }, label);
}

function identityTokenError(where: string, server: string, what: string): Error {
  return new Error(`${where}: ${what}, which the kubelet ignores (it sends only a username and password), so pods would pull anonymously; ` +
    `log in with a username and a password or access token instead (docker logout ${server} && docker login ${server} -u USER), ` +
    'or pass the credentials directly');
}

function jsonErrorPosition(text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : '';
  const lineColumn = /line (\d+) column (\d+)/.exec(message);
  if (lineColumn) return ` at line ${lineColumn[1]}, column ${lineColumn[2]}`;
  const position = /at position (\d+)/.exec(message);
  if (position) {
    const before = text.slice(0, Number(position[1])).split('\n');
    return ` at line ${before.length}, column ${before[before.length - 1].length + 1}`;
  }
  if (/unexpected end/i.test(message)) return ' (it ends too early)';
  return '';
}

function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
