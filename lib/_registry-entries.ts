import { compareUtf8 } from './_go-json';
import { DockerConfigEntry, RegistryCredentials, encodeDockerConfigJson, validateRegistryCredentials } from './docker-config-json';
import { RegistrySecretCredentialsProps } from './registry-secret';

/**
 * The registries one pull secret holds, whatever form the secret takes (plain, sealed): validated on the way in,
 * one entry per server, and encoded as kubectl would.
 */
export class RegistryEntries {
  private readonly _entries: DockerConfigEntry[] = [];

  /**
   * @param context names the owner in messages, for example `PrivateRegistrySecret 'app/regcred'`
   */
  constructor(private readonly context: string) {}

  /**
   * The entries a secret's props ask for: those of `dockerConfig`, plus the inline registry when `username` or
   * `password` is given or there is no `dockerConfig` (so that missing credentials get their one clear error).
   */
  public static fromProps(props: RegistrySecretCredentialsProps, context: string): RegistryEntries {
    const entries = new RegistryEntries(context);
    for (const entry of props.dockerConfig?._entriesRead ?? []) entries.addEntry(entry);
    if (!props.dockerConfig || props.username !== undefined || props.password !== undefined) {
      entries.add({ server: props.server, username: props.username!, password: props.password!, email: props.email });
    }
    return entries;
  }

  /** Validates and adds credentials; throws on bad input or a server already present, leaving the list as it was. */
  public add(credentials: RegistryCredentials): DockerConfigEntry {
    const entry = validateRegistryCredentials(credentials, this.context);
    this.addEntry(entry);
    return entry;
  }

  /** Adds an entry validated elsewhere (for example read from a docker config file). */
  public addEntry(entry: DockerConfigEntry): void {
    if (this._entries.some((e) => e.server === entry.server)) {
      throw new Error(`${this.context}: server '${entry.server}' was added twice; ` +
        'a Secret holds one entry per server: remove the second addRegistry call or use another Secret');
    }
    this._entries.push(entry);
  }

  /** The entries in `auths` order: sorted by the UTF-8 bytes of the server. */
  public get sorted(): DockerConfigEntry[] {
    return [...this._entries].sort((a, b) => compareUtf8(a.server, b.server));
  }

  /** The `auths` keys in written order. */
  public get servers(): string[] {
    return this.sorted.map((e) => e.server);
  }

  /** The `.dockerconfigjson` text, as kubectl writes it. */
  public toDockerConfigJson(): string {
    return encodeDockerConfigJson(this._entries);
  }
}
