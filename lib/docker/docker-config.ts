import { Duration } from 'cdk8s';
import { DockerConfigEntry } from './credentials';
import { parseDockerCfg, parseDockerConfigJson, readDockerConfigFile } from './config-reader';

/** Options of `DockerConfig.fromFile`. */
export interface DockerConfigFileOptions {
  /**
   * The docker config file.
   *
   * @default - `$DOCKER_CONFIG/config.json` when DOCKER_CONFIG is set (it names a directory), else
   * `$HOME/.docker/config.json`, both read from `env`
   */
  readonly path?: string;

  /**
   * The servers to take, verbatim as keys of `auths` / `credHelpers` or as the credential store knows them.
   * A server that has no credentials is an error that lists the servers the file has.
   *
   * @default - every server: the keys of `auths` and `credHelpers`, plus what `docker-credential-NAME list` returns when
   * `credsStore` is set
   */
  readonly servers?: string[];

  /**
   * How long a credential helper may take per call; it is killed (SIGKILL), with every process it started, when it
   * runs over.
   *
   * @default Duration.seconds(10)
   */
  readonly helperTimeout?: Duration;

  /**
   * The environment: where DOCKER_CONFIG and HOME are read, and the whole environment of credential helpers (its PATH
   * is where `docker-credential-NAME` is looked up). It replaces `process.env`, it is not merged with it: without HOME
   * in it, the home directory comes from the user database (as docker's own lookup), never from the process's HOME.
   *
   * @default process.env
   */
  readonly env?: Record<string, string>;
}

/** Options of `DockerConfig.fromDockerConfigJson` and `DockerConfig.fromDockerCfg`. */
export interface DockerConfigTextOptions {
  /**
   * The servers to take, verbatim as keys of the map.
   *
   * @default - every server in the text
   */
  readonly servers?: string[];

  /**
   * Names the text in error messages, for example a file name.
   *
   * @default '.dockerconfigjson text' or '.dockercfg text'
   */
  readonly source?: string;
}

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
