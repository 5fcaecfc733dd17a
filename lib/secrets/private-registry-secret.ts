import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { synthState } from '../check/_synth-state';
import { RegistryEntries } from './_registry-entries';
import { checkMetadata } from '../input/metadata';
import { DNS1123_SUBDOMAIN_MAX, checkDns1123Label, checkDns1123Subdomain, optionalBoolean, optionalStringList, requireObject } from '../input/values';
import { RegistrySecretReference } from './_secret-reference';
import { IRegistrySecret, RegistrySecretCredentialsProps, RegistrySecretReferenceOptions } from './registry-secret';
import { HASH_SUFFIX_LENGTH, hashedSecretName } from '../docker/append-hash';
import { DOCKER_HUB_SERVER, RegistryCredentials } from '../docker/credentials';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE, MAX_SECRET_DATA_BYTES } from '../docker/payload';

/** Props for `PrivateRegistrySecret`: the Secret's metadata, and the credentials of its registries. */
export interface PrivateRegistrySecretProps extends kplus.CommonSecretProps, RegistrySecretCredentialsProps {
  /**
   * Appends a hash of the content to the name, as `kubectl create secret docker-registry NAME --append-hash` does
   * (`myregcred-548cm7fgdh`): a new Secret when the credentials change, so pods roll. Needs `metadata.name` (at most 242
   * characters, so that the hashed name fits in 253); every reference (pods, workloads, service accounts, the pull
   * check) follows the hashed name.
   *
   * @default false
   */
  readonly appendHash?: boolean;
}

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
  /** The Secret type the kubelet reads pull credentials from: `kubernetes.io/dockerconfigjson`. */
  public static readonly SECRET_TYPE = DOCKER_CONFIG_JSON_SECRET_TYPE;

  /** The key of the payload under the Secret's `data`: `.dockerconfigjson`. */
  public static readonly DATA_KEY = DOCKER_CONFIG_JSON_KEY;

  /** The server kubectl uses when `--docker-server` is left out, and the default here: `https://index.docker.io/v1/`. */
  public static readonly DEFAULT_SERVER = DOCKER_HUB_SERVER;

  /** The most bytes the payload may have: the API server refuses a Secret whose data is larger (1 MiB). */
  public static readonly MAX_DATA_BYTES = MAX_SECRET_DATA_BYTES;

  /**
   * Refers to a pull secret that exists already (created by `kubectl create secret docker-registry`, a controller, or
   * another app). Declare its servers so that the pull check can judge the images of the pods that use it.
   *
   * @param scope the scope
   * @param id the id
   * @param name the Secret's name
   * @param options what is known of it
   */
  public static fromRegistrySecretName(scope: Construct, id: string, name: string, options: RegistrySecretReferenceOptions = {}): IRegistrySecret {
    const where = `PrivateRegistrySecret.fromRegistrySecretName '${id}'`;
    checkDns1123Subdomain(name, 'name', where);
    const o = requireObject(options, 'options', where, 'an object such as { servers: [\'ghcr.io\'], secretNamespace: \'apps\' }');
    const servers = optionalStringList(o.servers, 'servers', where, '[\'ghcr.io\']');
    const secretNamespace = o.secretNamespace === undefined ? undefined : checkDns1123Label(o.secretNamespace, 'secretNamespace', where);
    return new RegistrySecretReference(scope, id, name, { servers, secretNamespace });
  }

  private readonly _entries: RegistryEntries;
  private readonly _data: { [key: string]: string } = {};
  private readonly _hashBase?: string;
  private _hashedName?: string;

  constructor(scope: Construct, id: string, props: PrivateRegistrySecretProps) {
    const context = `PrivateRegistrySecret '${id}'`;
    requireObject(props, 'props', context, 'an object with the credentials ({ server, username, password } or { dockerConfig })');
    const { name } = checkMetadata(scope, props.metadata, context);
    optionalBoolean(props.immutable, 'immutable', context);
    if (optionalBoolean(props.appendHash, 'appendHash', context)) {
      if (name === undefined) {
        throw new Error(`${context}: 'appendHash' needs 'metadata.name', got none; set metadata: { name: 'myregcred' } ` +
          '(kubectl --append-hash also hashes onto a given name)');
      }
      const max = DNS1123_SUBDOMAIN_MAX - HASH_SUFFIX_LENGTH;
      if (name.length > max) {
        throw new Error(`${context}: 'metadata.name' must be at most ${max} characters with 'appendHash' (it appends '-' and a ` +
          `${HASH_SUFFIX_LENGTH - 1}-character hash, and a Secret name has at most ${DNS1123_SUBDOMAIN_MAX}), got ${name.length} characters; ` +
          'shorten the name');
      }
    }
    // validate before super() so that a bad input leaves no half-built construct in the tree
    const entries = RegistryEntries.fromProps(props, context, synthState(scope).urls);
    // with appendHash the name depends on the content, which addRegistry can still change: resolve it at synth
    const metadata = props.appendHash ? { ...props.metadata, name: Lazy.any({ produce: () => this.name }) as unknown as string } : props.metadata;
    super(scope, id, { metadata, immutable: props.immutable, type: DOCKER_CONFIG_JSON_SECRET_TYPE });
    this._entries = entries;
    this._hashBase = props.appendHash ? props.metadata!.name : undefined;

    // kplus.Secret only knows `stringData`; kubectl writes base64 under `data` and no `stringData`, and no
    // `immutable: false`. We own these fields, so one patch replaces them.
    const ops = [JsonPatch.remove('/stringData'), JsonPatch.add('/data', this._data)];
    if (!this.immutable) ops.push(JsonPatch.remove('/immutable'));
    ApiObject.of(this).addJsonPatch(...ops);
    this._encode();
  }

  /** The Secret's name: with `appendHash`, the given name plus the hash of the current content. */
  public override get name(): string {
    return this._hashedName ?? super.name;
  }

  /**
   * Refused: the Secret holds only `.dockerconfigjson`, under `data` (kplus' `stringData` is not written at all, so
   * a value added here would be dropped silently).
   */
  public override addStringData(key: string, value: string): void {
    // unused, but named as in cdk8s-plus: jsii publishes parameter names, and other languages pass them as named
    // arguments; `void` marks it used for noUnusedParameters and the linter
    void value;
    throw new Error(`PrivateRegistrySecret '${this.node.path}': cannot add '${key}': a kubernetes.io/dockerconfigjson Secret written ` +
      'by this library holds only .dockerconfigjson; put other values into a separate kplus.Secret');
  }

  /** The keys under `auths`, in the order they are written. */
  public get servers(): string[] | undefined {
    return this._entries.servers;
  }

  /** The namespace the Secret is created in: its own metadata's, else the chart's. */
  public get secretNamespace(): string | undefined {
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

  // the content changes only here, so the payload and the hashed name are derived here, once per change
  private _encode(): void {
    const json = this._entries.toDockerConfigJson();
    this._data[DOCKER_CONFIG_JSON_KEY] = Buffer.from(json, 'utf8').toString('base64');
    if (this._hashBase !== undefined) {
      this._hashedName = hashedSecretName(this._hashBase, DOCKER_CONFIG_JSON_SECRET_TYPE, { [DOCKER_CONFIG_JSON_KEY]: json },
        this.immutable ? true : undefined);
    }
  }
}
