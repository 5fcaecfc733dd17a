import { ApiObject, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { RegistryEntries } from './_registry-entries';
import { checkDns1123Subdomain } from './_names';
import { referRegistrySecret } from './_registry-secret-reference';
import { IRegistrySecret, RegistrySecretReferenceOptions } from './registry-secret';
import { DockerConfigEntry, RegistryCredentials } from './docker-config-json';

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
export class PrivateRegistrySecret extends kplus.Secret implements IRegistrySecret {
  /**
   * Refers to a pull secret that exists already (created by `kubectl create secret docker-registry`, a controller, or
   * another app). Declare its servers so that the pull check can judge the images of the pods that use it.
   *
   * @param scope the scope
   * @param id the id
   * @param name the Secret's name
   * @param options what is known of it
   */
  public static fromSecretName(scope: Construct, id: string, name: string, options: RegistrySecretReferenceOptions = {}): IRegistrySecret {
    checkDns1123Subdomain('name', name, `PrivateRegistrySecret.fromSecretName '${id}'`);
    return referRegistrySecret(scope, id, name, options);
  }

  private readonly _entries: RegistryEntries;
  private readonly _data: { [key: string]: string } = {};

  constructor(scope: Construct, id: string, props: PrivateRegistrySecretProps) {
    const context = `PrivateRegistrySecret '${id}'`;
    if (props.metadata?.name !== undefined) {
      checkDns1123Subdomain('metadata.name', props.metadata.name, context);
    }
    // validate before super() so that a bad input leaves no half-built construct in the tree
    const entries = new RegistryEntries(context);
    entries.add(props);
    super(scope, id, { metadata: props.metadata, immutable: props.immutable, type: DOCKER_CONFIG_JSON_SECRET_TYPE });
    this._entries = entries;

    // kplus.Secret only knows `stringData`; kubectl writes base64 under `data` and no `stringData`, and no
    // `immutable: false`. We own these fields, so one patch replaces them.
    const ops = [JsonPatch.remove('/stringData'), JsonPatch.add('/data', this._data)];
    if (!this.immutable) ops.push(JsonPatch.remove('/immutable'));
    ApiObject.of(this).addJsonPatch(...ops);
    this._encode();
  }

  /** The keys under `auths`, in the order they are written. */
  public get servers(): string[] {
    return this._entries.servers;
  }

  /** The namespace the Secret is created in: its own metadata's, else the chart's. */
  public get namespace(): string | undefined {
    return this.metadata.namespace;
  }

  /**
   * Adds credentials for another registry to this Secret.
   *
   * @param credentials the registry and its credentials; the server must differ from every server already added
   */
  public addRegistry(credentials: RegistryCredentials): void {
    this._entries.add(credentials);
    this._encode();
  }

  /**
   * The validated entries, in `auths` order.
   *
   * @internal
   */
  public _sortedEntries(): DockerConfigEntry[] {
    return this._entries.sorted;
  }

  private _encode(): void {
    this._data[DOCKER_CONFIG_JSON_KEY] = Buffer.from(this._entries.toDockerConfigJson(), 'utf8').toString('base64');
  }
}
