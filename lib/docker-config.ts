import { DockerConfigEntry } from './docker-config-json';
import { DockerConfigFileOptions, DockerConfigTextOptions, parseDockerCfg, parseDockerConfigJson, readDockerConfigFile } from './docker-config-file';

const DOCKER_CONFIG_SYMBOL = Symbol.for('cdk8s-private-registry.DockerConfig');

/**
 * Registry credentials taken from docker's own configuration, for `PrivateRegistrySecretProps.dockerConfig`: the
 * `config.json` that `docker login` writes (credential helpers included), a `.dockerconfigjson` text, or a legacy
 * `.dockercfg` text. Everything is read and checked when the factory is called, so errors name the file and server.
 */
export class DockerConfig {
  /**
   * Whether `x` is a `DockerConfig`, recognised by a marker rather than `instanceof`, so that it holds across two
   * copies of this library in one app (as cdk8s' `Chart.isChart`).
   *
   * @param x any value
   */
  public static isDockerConfig(x: any): x is DockerConfig {
    return x !== null && typeof x === 'object' && DOCKER_CONFIG_SYMBOL in x;
  }

  /**
   * Reads docker's client config: `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. Entries whose credentials
   * live in a `credsStore` or `credHelpers` helper are resolved by running `docker-credential-NAME get`.
   *
   * @param options the file, the servers to take, the helper time-out
   */
  public static fromFile(options: DockerConfigFileOptions = {}): DockerConfig {
    return new DockerConfig(readDockerConfigFile(options));
  }

  /**
   * Takes the registries of a `.dockerconfigjson` text (`{"auths":{...}}`), for example one copied from an existing Secret.
   *
   * @param text the JSON text
   * @param options the servers to take, and a name for the text in messages
   */
  public static fromDockerConfigJson(text: string, options: DockerConfigTextOptions = {}): DockerConfig {
    return new DockerConfig(parseDockerConfigJson(text, options));
  }

  /**
   * Takes the registries of a legacy `.dockercfg` text (a bare map of server to entry), converting it to the `auths` shape.
   *
   * @param text the JSON text
   * @param options the servers to take, and a name for the text in messages
   */
  public static fromDockerCfg(text: string, options: DockerConfigTextOptions = {}): DockerConfig {
    return new DockerConfig(parseDockerCfg(text, options));
  }

  private constructor(private readonly _entries: DockerConfigEntry[]) {
    Object.defineProperty(this, DOCKER_CONFIG_SYMBOL, { value: true });
  }

  /** The servers read, in `auths` order. */
  public get servers(): string[] {
    return this._entries.map((e) => e.server);
  }

  /**
   * The entries read, each with username and password.
   *
   * @internal
   */
  public get _entriesRead(): DockerConfigEntry[] {
    return [...this._entries];
  }
}
