import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { compareUtf8 } from './_go-json';
import { checkDns1123Subdomain } from './_names';
import { DockerConfigEntry, RegistryCredentials, encodeDockerConfigJson, validateRegistryCredentials } from './docker-config-json';

/** The Secret type the kubelet reads pull credentials from. */
export const DOCKER_CONFIG_JSON_SECRET_TYPE = 'kubernetes.io/dockerconfigjson';

/** The data key of a `kubernetes.io/dockerconfigjson` Secret. */
export const DOCKER_CONFIG_JSON_KEY = '.dockerconfigjson';

/** Props for `PrivateRegistrySecret`: the Secret's metadata plus the credentials of its first registry. */
export interface PrivateRegistrySecretProps extends kplus.CommonSecretProps, RegistryCredentials {}

/**
 * A `kubernetes.io/dockerconfigjson` Secret that holds pull credentials for one or more registries, byte for byte
 * the Secret `kubectl create secret docker-registry` writes.
 *
 * The payload goes under `data[".dockerconfigjson"]` as base64. With several registries, `auths` lists them sorted
 * by server (by UTF-8 bytes, as Go writes a map), so the output does not depend on the order of `addRegistry` calls.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
export class PrivateRegistrySecret extends kplus.Secret {
  private readonly _entries: DockerConfigEntry[] = [];
  private readonly _data: { [key: string]: string } = {};

  constructor(scope: Construct, id: string, props: PrivateRegistrySecretProps) {
    const context = `PrivateRegistrySecret '${id}'`;
    if (props.metadata?.name !== undefined) {
      checkDns1123Subdomain('metadata.name', props.metadata.name, context);
    }
    // validate before super() so that a bad input leaves no half-built construct in the tree
    const first = validateRegistryCredentials(props, context);
    super(scope, id, { metadata: props.metadata, immutable: props.immutable, type: DOCKER_CONFIG_JSON_SECRET_TYPE });

    // kplus.Secret only knows `stringData`; kubectl writes base64 under `data` and no `stringData`, and no
    // `immutable: false`. We own these fields, so one patch replaces them.
    const ops = [JsonPatch.remove('/stringData'), JsonPatch.add('/data', this._data)];
    if (!this.immutable) ops.push(JsonPatch.remove('/immutable'));
    ApiObject.of(this).addJsonPatch(...ops);

    this._add(first);
  }

  /** The keys under `auths`, in the order they are written. */
  public get servers(): string[] {
    return this._sortedEntries().map((e) => e.server);
  }

  /**
   * Adds credentials for another registry to this Secret.
   *
   * @param credentials the registry and its credentials; the server must differ from every server already added
   */
  public addRegistry(credentials: RegistryCredentials): void {
    this._add(validateRegistryCredentials(credentials, `PrivateRegistrySecret '${this.node.path}'`));
  }

  /**
   * The validated entries, in `auths` order.
   *
   * @internal
   */
  public _sortedEntries(): DockerConfigEntry[] {
    return [...this._entries].sort((a, b) => compareUtf8(a.server, b.server));
  }

  private _add(entry: DockerConfigEntry): void {
    if (this._entries.some((e) => e.server === entry.server)) {
      throw new Error(`PrivateRegistrySecret '${this.node.path}': server '${entry.server}' was added twice; ` +
        'a Secret holds one entry per server: remove the second addRegistry call or use another Secret');
    }
    this._entries.push(entry);
    this._data[DOCKER_CONFIG_JSON_KEY] = Buffer.from(encodeDockerConfigJson(this._entries), 'utf8').toString('base64');
  }
}
