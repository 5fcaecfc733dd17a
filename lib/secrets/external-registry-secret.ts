import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { formatGoDuration } from '../go/duration';
import { goJsonString } from '../go/json';
import { checkMetadata } from '../input/metadata';
import { checkDns1123Subdomain, optionalDuration, requireEnum, requireObject } from '../input/values';
import { DOCKER_HUB_SERVER, checkRegistryServer } from '../docker/credentials';
import { SERVERS_ANNOTATION } from '../check/annotations';
import { checkApiVersion, checkDelimiters, dockerConfigJsonTemplate, remoteRef, targetSpec } from './_eso';
import { ExternalRegistrySecretOptions, SecretStoreKind } from './external-secrets-options';
import { RegistrySecretBase } from './registry-secret';


/** Props for `ExternalRegistrySecret`: one registry whose user name and password live in a secret store. */
export interface ExternalRegistrySecretProps extends ExternalRegistrySecretOptions {
  /**
   * The registry, written verbatim as the key under `auths`, as `kubectl --docker-server`.
   *
   * @default 'https://index.docker.io/v1/' (Docker Hub, kubectl's default)
   */
  readonly server?: string;

  /** The name of the SecretStore or ClusterSecretStore to read from. */
  readonly storeName: string;

  /**
   * The kind of the store.
   *
   * @default SecretStoreKind.SECRET_STORE
   */
  readonly storeKind?: SecretStoreKind;

  /** The remote key (secret name or path in the provider) of the user name. */
  readonly usernameKey: string;

  /**
   * The property within `usernameKey`, for a remote secret that holds several values (a JSON document).
   *
   * @default - the whole remote value
   */
  readonly usernameProperty?: string;

  /** The remote key of the password or access token. */
  readonly passwordKey: string;

  /**
   * The property within `passwordKey`.
   *
   * @default - the whole remote value
   */
  readonly passwordProperty?: string;

  /**
   * The remote key of the email stored with the entry; an empty remote value is left out, as kubectl does.
   *
   * @default - no `email` field
   */
  readonly emailKey?: string;

  /**
   * The property within `emailKey`.
   *
   * @default - the whole remote value
   */
  readonly emailProperty?: string;

  /**
   * How often the operator reads the store again; zero reads it once.
   *
   * @default Duration.hours(1)
   */
  readonly refreshInterval?: Duration;
}


/**
 * An External Secrets Operator `ExternalSecret` that reads a user name and password from a secret store and writes
 * the `kubernetes.io/dockerconfigjson` Secret kubectl would: `{"auths":{SERVER:{"username","password","auth"}}}`.
 * Nothing secret is in the manifest, so it is safe to commit.
 *
 * One server per ExternalSecret: each one reads its own store entries, and a pod takes several pull secrets.
 * As an `IRegistrySecret` it stands for the Secret the operator creates (`v1` `Secret`); the raw ExternalSecret is
 * `ApiObject.of(this)`.
 *
 * @see https://external-secrets.io/latest/guides/common-k8s-secret-types/
 */
export class ExternalRegistrySecret extends RegistrySecretBase {
  /** The name of the ExternalSecret and of the Secret it creates. */
  public readonly name: string;
  /** The namespace of both: the metadata's, else the chart's. */
  public readonly secretNamespace?: string;
  /** The key under `auths`. */
  public readonly servers?: string[];


  constructor(scope: Construct, id: string, props: ExternalRegistrySecretProps) {
    const context = `ExternalRegistrySecret '${id}'`;
    requireObject(props, 'props', context, 'an object with the store and its keys');
    const { namespace } = checkMetadata(scope, props.metadata, context);
    // the server is written into the template as text that renders as written, so any key the kubelet reads is fine
    const server = checkRegistryServer(props.server ?? DOCKER_HUB_SERVER, context);
    checkDns1123Subdomain(props.storeName, 'storeName', context);
    const storeKind = requireEnum(props.storeKind ?? SecretStoreKind.SECRET_STORE, 'storeKind', SecretStoreKind, 'a SecretStoreKind value', context);
    const username = remoteRef('username', props.usernameKey, props.usernameProperty, context);
    const password = remoteRef('password', props.passwordKey, props.passwordProperty, context);
    const email = props.emailKey !== undefined || props.emailProperty !== undefined
      ? remoteRef('email', props.emailKey, props.emailProperty, context) : undefined;
    const refresh = optionalDuration(props.refreshInterval, 'refreshInterval', context) ?? Duration.hours(1);
    if (!(refresh.toMilliseconds() >= 0)) {
      throw new Error(`${context}: 'refreshInterval' must be zero (read once) or more, got ${refresh.toMilliseconds()} ms; ` +
        'use Duration.hours(1) or leave it out');
    }
    const apiVersion = checkApiVersion(props.externalSecretsApiVersion, context);
    const delimiters = checkDelimiters(props.templateLeftDelimiter, props.templateRightDelimiter, context);
    super(scope, id);

    // the spec names the Secret, whose name is known once the ApiObject has generated it: filled in below
    const spec: { [key: string]: unknown } = {};
    const resource = new ApiObject(this, 'Resource', { apiVersion, kind: 'ExternalSecret', metadata: { ...props.metadata, namespace }, spec });
    this.name = resource.name;
    this.secretNamespace = resource.metadata.namespace;
    this.servers = [server];
    // the manifest pull check reads the servers of a Secret it cannot see from here
    resource.metadata.addAnnotation(SERVERS_ANNOTATION, server);
    const data = [{ secretKey: 'username', remoteRef: username }, { secretKey: 'password', remoteRef: password }];
    if (email) data.push({ secretKey: 'email', remoteRef: email });
    Object.assign(spec, {
      refreshInterval: formatGoDuration(refresh.toMilliseconds()),
      secretStoreRef: { name: props.storeName, kind: storeKind },
      target: targetSpec(this.name, props.metadata,
        dockerConfigJsonTemplate({ text: goJsonString(server) }, email !== undefined, delimiters), delimiters),
      data,
    });
  }


}
