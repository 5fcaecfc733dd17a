import { PLAIN_URL_PARSER, UrlParser } from '../go/url';
import { requireObject } from '../input/values';
import { DockerConfig } from '../docker/docker-config';
import { MAX_SECRET_DATA_BYTES, encodeDockerConfigJson, payloadSizeProblem, sortByServer } from '../docker/payload';
import { DockerConfigEntry, validateRegistryCredentials } from '../docker/credentials';
import { RegistrySecretCredentialsProps } from './registry-secret';

/** Where an entry came from: the `dockerConfig` prop, the inline `server`/`username`/`password` props, `addRegistry`. */
export type EntrySource = 'dockerConfig' | 'props' | 'addRegistry';

const SOURCE_NAMES: Record<EntrySource, string> = {
  dockerConfig: '\'dockerConfig\'',
  props: '\'server\'/\'username\'/\'password\'',
  addRegistry: 'addRegistry',
};

const EMPTY_PAYLOAD = encodeDockerConfigJson([]);

/**
 * The registries one pull secret holds, whatever form the secret takes (plain, sealed): validated on the way in,
 * one entry per server, within the size the API server accepts, and encoded as kubectl would.
 */
export class RegistryEntries {
  private readonly _entries: DockerConfigEntry[] = [];
  // where each server came from, so that a duplicate's message names both places and the fix that fits them
  private readonly _sources = new Map<string, EntrySource>();
  // the payload is needed for the size check anyway, and the secret encodes it next: computed once per change
  private _json = EMPTY_PAYLOAD;

  /**
   * @param context names the owner in messages, for example `PrivateRegistrySecret 'app/regcred'`
   * @param urls parses registry keys (the app's, which remembers them)
   */
  constructor(private readonly context: string, private readonly urls: UrlParser = PLAIN_URL_PARSER) {}

  /**
   * The entries a secret's props ask for: those of `dockerConfig`, plus the inline registry when `username` or
   * `password` is given or there is no `dockerConfig` (so that missing credentials get their one clear error).
   */
  public static fromProps(props: RegistrySecretCredentialsProps, context: string, urls: UrlParser = PLAIN_URL_PARSER): RegistryEntries {
    const p = requireObject(props, 'props', context, 'an object with the credentials ({ server, username, password } or { dockerConfig })');
    if (p.dockerConfig !== undefined && !DockerConfig.isDockerConfig(p.dockerConfig)) {
      throw new Error(`${context}: 'dockerConfig' must be a DockerConfig, got ${describeConfig(p.dockerConfig)}; use DockerConfig.fromFile(), ` +
        'DockerConfig.fromDockerConfigJson(text) or DockerConfig.fromDockerCfg(text), or leave it out and give server, username and password');
    }
    const dockerConfig = props.dockerConfig;
    if (dockerConfig && props.username === undefined && props.password === undefined) {
      // server and email describe the one more registry that username and password add: alone they would be dropped
      const extra = (['server', 'email'] as const).filter((f) => props[f] !== undefined).map((f) => `'${f}'`);
      if (extra.length > 0) {
        throw new Error(`${context}: ${extra.join(' and ')} ${extra.length === 1 ? 'is' : 'are'} given with 'dockerConfig' but 'username' and ` +
          `'password' are not; give 'username' and 'password' too (one more registry besides the docker config's), or remove ${extra.join(' and ')}`);
      }
    }
    const entries = new RegistryEntries(context, urls);
    for (const entry of dockerConfig?._entriesRead ?? []) entries.addEntry(entry, 'dockerConfig');
    if (!dockerConfig || props.username !== undefined || props.password !== undefined) {
      entries.add({ server: props.server, username: props.username!, password: props.password!, email: props.email }, 'props');
    }
    if (entries._entries.length === 0) {
      throw new Error(`${context}: a pull secret must hold at least one registry, got none; give server, username and password, ` +
        'or a dockerConfig that has credentials');
    }
    return entries;
  }

  /**
   * Validates and adds credentials; throws on bad input, a server already present or a payload over the size limit.
   *
   * @param source where the credentials come from, for the message on a duplicate server
   */
  public add(credentials: unknown, source: EntrySource = 'addRegistry'): DockerConfigEntry {
    const entry = validateRegistryCredentials(credentials, this.context, {}, this.urls);
    this.addEntry(entry, source);
    return entry;
  }

  /** Adds an entry validated elsewhere (for example read from a docker config file); the list is unchanged on error. */
  public addEntry(entry: DockerConfigEntry, source: EntrySource = 'addRegistry'): void {
    const first = this._sources.get(entry.server);
    if (first !== undefined) {
      const fix = source === 'addRegistry' ? 'remove that addRegistry call or put the registry into another Secret'
        : source === 'props' && first === 'dockerConfig'
          ? `remove 'server', 'username' and 'password', or leave '${entry.server}' out of the docker config with its 'servers' option`
          : 'remove one of them';
      throw new Error(`${this.context}: server '${entry.server}' was added twice (first by ${SOURCE_NAMES[first]}, then by ` +
        `${SOURCE_NAMES[source]}); a Secret holds one entry per server: ${fix}`);
    }
    const entries = [...this._entries, entry];
    const json = encodeDockerConfigJson(entries);
    if (Buffer.byteLength(json, 'utf8') > MAX_SECRET_DATA_BYTES) {
      throw new Error(`${this.context}, server '${entry.server}': ${payloadSizeProblem(entries)}`);
    }
    this._entries.push(entry);
    this._sources.set(entry.server, source);
    this._json = json;
  }

  /** The entries in `auths` order: sorted by the UTF-8 bytes of the server. */
  public get sorted(): DockerConfigEntry[] {
    return sortByServer(this._entries);
  }

  /** The `auths` keys in written order. */
  public get servers(): string[] {
    return this.sorted.map((e) => e.server);
  }

  /** The `.dockerconfigjson` text, as kubectl writes it. */
  public toDockerConfigJson(): string {
    return this._json;
  }
}

function describeConfig(value: unknown): string {
  if (typeof value === 'string') return 'a string (a file path or json text?)';
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) return 'a plain object';
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
}
