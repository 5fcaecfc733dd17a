import { ApiObject, ApiObjectMetadata, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { goJsonString } from './_go-json';
import { checkMetadata } from './_metadata';
import { checkDns1123Subdomain, optionalDuration, optionalString, quote, requireEnum, requireObject, requireString } from './_validate';
import { DOCKER_HUB_SERVER, checkRegistryServer } from './docker-config-json';
import { SERVERS_ANNOTATION } from './manifest-pull-check';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE } from './private-registry-secret';
import { RegistrySecretStandIn } from './registry-secret';

/** Which kind of store an ExternalSecret reads from. */
export enum SecretStoreKind {
  /** A `SecretStore` in the ExternalSecret's own namespace. */
  SECRET_STORE = 'SecretStore',
  /** A cluster-wide `ClusterSecretStore`. */
  CLUSTER_SECRET_STORE = 'ClusterSecretStore',
}

/**
 * The `apiVersion` of the ExternalSecret. `v1` is the GA version: External Secrets Operator 0.16 added it and 0.17
 * stopped serving `v1beta1`; the fields used here are the same in both.
 */
export enum ExternalSecretsApiVersion {
  /** `external-secrets.io/v1`, for operator 0.16 and later. */
  V1 = 'external-secrets.io/v1',
  /** `external-secrets.io/v1beta1`, for operators before 0.17. */
  V1BETA1 = 'external-secrets.io/v1beta1',
}

/** The API version of External Secrets Operator's generators, ECRAuthorizationToken among them. */
export const ESO_GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';

/** An ECR authorization token is valid for 12 hours; the Secret must be refreshed well before. */
export const ECR_TOKEN_LIFETIME = Duration.hours(12);

/** Options every External Secrets Operator form of a pull secret shares. */
export interface ExternalRegistrySecretOptions {
  /**
   * The ExternalSecret's metadata. The Secret the operator creates has the same name and namespace, and the labels and
   * annotations given here.
   *
   * @default - a name generated from the construct path, the chart's namespace
   */
  readonly metadata?: ApiObjectMetadata;

  /**
   * The apiVersion of the ExternalSecret.
   *
   * @default ExternalSecretsApiVersion.V1
   */
  readonly externalSecretsApiVersion?: ExternalSecretsApiVersion;
}

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
export class ExternalRegistrySecret extends RegistrySecretStandIn {
  /** The name of the ExternalSecret and of the Secret it creates. */
  public readonly name: string;
  /** The namespace of both: the metadata's, else the chart's. */
  public readonly namespace?: string;
  /** The key under `auths`. */
  public readonly servers: string[];


  constructor(scope: Construct, id: string, props: ExternalRegistrySecretProps) {
    const context = `ExternalRegistrySecret '${id}'`;
    requireObject(props, 'props', context, 'an object with the store and its keys');
    const { namespace } = checkMetadata(scope, props.metadata, context);
    const server = checkServer(props.server ?? DOCKER_HUB_SERVER, context);
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
    super(scope, id);

    // the spec names the Secret, whose name is known once the ApiObject has generated it: filled in below
    const spec: { [key: string]: unknown } = {};
    const resource = new ApiObject(this, 'Resource', { apiVersion, kind: 'ExternalSecret', metadata: { ...props.metadata, namespace }, spec });
    this.name = resource.name;
    this.namespace = resource.metadata.namespace;
    this.servers = [server];
    // the manifest pull check reads the servers of a Secret it cannot see from here
    resource.metadata.addAnnotation(SERVERS_ANNOTATION, server);
    const data = [{ secretKey: 'username', remoteRef: username }, { secretKey: 'password', remoteRef: password }];
    if (email) data.push({ secretKey: 'email', remoteRef: email });
    Object.assign(spec, {
      refreshInterval: goDuration(refresh),
      secretStoreRef: { name: props.storeName, kind: storeKind },
      target: targetSpec(this.name, props.metadata, dockerConfigJsonTemplate(goJsonString(server), email !== undefined)),
      data,
    });
  }


}

/** Props for `EcrRegistrySecret`: where the ECR registry is and how the operator authenticates to AWS. */
export interface EcrRegistrySecretProps extends ExternalRegistrySecretOptions {
  /** The AWS region of the registry, such as 'eu-west-1'. */
  readonly region: string;

  /**
   * The 12-digit AWS account that owns the registry. Given, the `auths` key is
   * `ACCOUNT.dkr.ecr.REGION.amazonaws.com` and the pull check knows it; left out, the key is the token's
   * `proxy_endpoint` (the account of the credentials), which is known only in the cluster.
   *
   * @default - the token's proxy endpoint; `servers` is unknown
   */
  readonly accountId?: string;

  /**
   * An IAM role ARN to assume before asking for the token.
   *
   * @default - no role is assumed
   */
  readonly role?: string;

  /**
   * A ServiceAccount (in the ExternalSecret's namespace) whose token the operator exchanges for AWS credentials
   * (IRSA, EKS Pod Identity web identity).
   *
   * @default - not used
   */
  readonly serviceAccountName?: string;

  /**
   * A Secret (in the ExternalSecret's namespace) holding static AWS access keys. Not together with `serviceAccountName`.
   *
   * @default - not used; with neither, the operator uses its own AWS credentials (the SDK's default chain)
   */
  readonly accessKeySecretName?: string;

  /**
   * The key of the access key id in `accessKeySecretName`.
   *
   * @default 'access-key-id'
   */
  readonly accessKeyIdKey?: string;

  /**
   * The key of the secret access key in `accessKeySecretName`.
   *
   * @default 'secret-access-key'
   */
  readonly secretAccessKeyKey?: string;

  /**
   * The key of a session token in `accessKeySecretName`, for temporary credentials.
   *
   * @default - no session token
   */
  readonly sessionTokenKey?: string;

  /**
   * How often a new token is fetched. It must be shorter than the token's 12 hours, and should leave room for a
   * failed refresh.
   *
   * @default Duration.hours(6) - half the token's lifetime, so one missed refresh still leaves a valid token
   */
  readonly refreshInterval?: Duration;
}

/**
 * A pull secret for Amazon ECR: an External Secrets Operator `ECRAuthorizationToken` generator and an
 * `ExternalSecret` that turns each fresh token into the `kubernetes.io/dockerconfigjson` Secret kubectl would write.
 * No credentials are in the manifests.
 *
 * @see https://external-secrets.io/latest/api/generator/ecr/
 */
export class EcrRegistrySecret extends RegistrySecretStandIn {
  /** The name of the ExternalSecret and of the Secret it creates. */
  public readonly name: string;
  /** The namespace of the generator, the ExternalSecret and the Secret. */
  public readonly namespace?: string;
  /** The registry host, when `accountId` is given. */
  public readonly servers?: string[];
  /** The name of the ECRAuthorizationToken generator. */
  public readonly generatorName: string;


  constructor(scope: Construct, id: string, props: EcrRegistrySecretProps) {
    const context = `EcrRegistrySecret '${id}'`;
    requireObject(props, 'props', context, 'an object with the region and how to authenticate');
    const { namespace } = checkMetadata(scope, props.metadata, context);
    const region = requireString(props.region, 'region', context, { emptyHint: 'use the region of the ecr registry, such as \'eu-west-1\'' });
    if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
      throw new Error(`${context}: 'region' must be an aws region such as 'eu-west-1', got ${quote(region)}; ` +
        'use the region of the ecr registry');
    }
    const accountId = optionalString(props.accountId, 'accountId', context);
    if (accountId !== undefined && !/^\d{12}$/.test(accountId)) {
      throw new Error(`${context}: 'accountId' must be a 12-digit aws account id, got ${quote(accountId)}; ` +
        'use the account that owns the registry, or leave it out to use the token\'s endpoint');
    }
    const role = optionalString(props.role, 'role', context);
    if (role !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/\S+$/.test(role)) {
      throw new Error(`${context}: 'role' must be an iam role arn such as 'arn:aws:iam::123456789012:role/ecr-reader', got ${quote(role)}`);
    }
    const auth = ecrAuth(props, context);
    const refresh = optionalDuration(props.refreshInterval, 'refreshInterval', context) ?? Duration.hours(6);
    const refreshMs = refresh.toMilliseconds();
    if (!(refreshMs > 0) || refreshMs >= ECR_TOKEN_LIFETIME.toMilliseconds()) {
      throw new Error(`${context}: 'refreshInterval' must be more than 0 and less than 12h (an ecr token expires after 12 hours), ` +
        `got ${goDuration(refresh)}; use Duration.hours(6) or leave it out`);
    }
    const apiVersion = checkApiVersion(props.externalSecretsApiVersion, context);
    super(scope, id);

    const generator = new ApiObject(this, 'Generator', {
      apiVersion: ESO_GENERATORS_API_VERSION,
      kind: 'ECRAuthorizationToken',
      metadata: { namespace },
      spec: { region, role, auth },
    });
    const spec: { [key: string]: unknown } = {};
    const resource = new ApiObject(this, 'Resource', { apiVersion, kind: 'ExternalSecret', metadata: { ...props.metadata, namespace }, spec });
    this.name = resource.name;
    this.namespace = resource.metadata.namespace;
    this.generatorName = generator.name;
    const host = accountId !== undefined ? `${accountId}.dkr.ecr.${region}.${ecrDomain(region)}` : undefined;
    this.servers = host !== undefined ? [host] : undefined;
    if (host !== undefined) resource.metadata.addAnnotation(SERVERS_ANNOTATION, host);
    // the token's proxy_endpoint is 'https://HOST'; kubectl-style keys are bare hosts
    const serverExpression = host !== undefined ? goJsonString(host) : '{{ .proxy_endpoint | trimPrefix "https://" | toJson }}';
    Object.assign(spec, {
      refreshInterval: goDuration(refresh),
      target: targetSpec(this.name, props.metadata, dockerConfigJsonTemplate(serverExpression, false)),
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: ESO_GENERATORS_API_VERSION, kind: 'ECRAuthorizationToken', name: generator.name } } }],
    });
  }


}

/**
 * The ESO (template engine v2: Go text/template with Sprig) template of `.dockerconfigjson`, in kubectl's field order.
 * Each value goes through Sprig's `toJson`, Go's `json.Marshal` as kubectl uses, so a `"` or `\` in a password is
 * escaped instead of breaking the JSON, and the bytes equal kubectl's. `auth` is base64, which needs no escaping.
 * An empty email is left out, as kubectl's `omitempty` does.
 *
 * @param serverExpression the `auths` key: a JSON string literal, or a template action that prints one
 */
function dockerConfigJsonTemplate(serverExpression: string, withEmail: boolean): string {
  const email = withEmail ? '{{ with .email }},"email":{{ toJson . }}{{ end }}' : '';
  // Go's lexer takes the first '{{' as the delimiter, so a literal '{' right before an action would swallow its brace
  const open = serverExpression.startsWith('{{') ? '{{ "{" }}' : '{';
  return `{"auths":${open}${serverExpression}:{"username":{{ .username | toJson }},"password":{{ .password | toJson }}${email},` +
    '"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}';
}

function targetSpec(name: string, metadata: ApiObjectMetadata | undefined, template: string): { [key: string]: unknown } {
  const templateMetadata = metadata?.labels || metadata?.annotations ? { labels: metadata.labels, annotations: metadata.annotations } : undefined;
  return {
    name,
    // the ExternalSecret owns the Secret: deleting it deletes the Secret, and nothing else may write it
    creationPolicy: 'Owner',
    template: { engineVersion: 'v2', type: DOCKER_CONFIG_JSON_SECRET_TYPE, metadata: templateMetadata, data: { [DOCKER_CONFIG_JSON_KEY]: template } },
  };
}

function ecrAuth(props: EcrRegistrySecretProps, context: string): { [key: string]: unknown } | undefined {
  if (props.serviceAccountName !== undefined && props.accessKeySecretName !== undefined) {
    throw new Error(`${context}: 'serviceAccountName' and 'accessKeySecretName' must not both be set, got both; ` +
      'keep the service account (irsa) or the access-key secret');
  }
  if (props.serviceAccountName !== undefined) {
    checkDns1123Subdomain(props.serviceAccountName, 'serviceAccountName', context);
    return { jwt: { serviceAccountRef: { name: props.serviceAccountName } } };
  }
  if (props.accessKeySecretName !== undefined) {
    checkDns1123Subdomain(props.accessKeySecretName, 'accessKeySecretName', context);
    const ref = (field: string, key: string | undefined, fallback: string) =>
      ({ name: props.accessKeySecretName, key: secretKey(key ?? fallback, field, context) });
    return {
      secretRef: {
        accessKeyIDSecretRef: ref('accessKeyIdKey', props.accessKeyIdKey, 'access-key-id'),
        secretAccessKeySecretRef: ref('secretAccessKeyKey', props.secretAccessKeyKey, 'secret-access-key'),
        sessionTokenSecretRef: props.sessionTokenKey !== undefined ? ref('sessionTokenKey', props.sessionTokenKey, '') : undefined,
      },
    };
  }
  for (const field of ['accessKeyIdKey', 'secretAccessKeyKey', 'sessionTokenKey'] as const) {
    if (props[field] !== undefined) {
      throw new Error(`${context}: '${field}' needs 'accessKeySecretName', got none; name the Secret that holds the keys or remove '${field}'`);
    }
  }
  return undefined;
}

function ecrDomain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}

function remoteRef(field: string, key: unknown, property: unknown, context: string): { key: string; property?: string } {
  const remoteKey = requireString(key, `${field}Key`, context, {
    emptyHint: `name the remote secret that holds the ${field}: the key or path in the secret store`,
  });
  const remoteProperty = optionalString(property, `${field}Property`, context, { emptyHint: 'name the property or leave it out' });
  return remoteProperty !== undefined ? { key: remoteKey, property: remoteProperty } : { key: remoteKey };
}

/** A key of a Kubernetes Secret's data: letters, digits, '-', '_' and '.'. */
function secretKey(key: unknown, field: string, context: string): string {
  const text = requireString(key, field, context);
  if (!/^[-._a-zA-Z0-9]+$/.test(text) || text.length > 253) {
    throw new Error(`${context}: '${field}' must be a Secret data key (letters, digits, '-', '_' and '.'), got ${quote(text)}`);
  }
  return text;
}

function checkServer(value: unknown, context: string): string {
  const server = checkRegistryServer(value, context);
  // the key is written into a Go template; '{{' would start an action
  if (server.includes('{{') || server.includes('}}')) {
    throw new Error(`${context}: 'server' must not contain '{{' or '}}', got ${quote(server)}; use the registry host`);
  }
  return server;
}

function checkApiVersion(value: ExternalSecretsApiVersion | undefined, context: string): ExternalSecretsApiVersion {
  return requireEnum(value ?? ExternalSecretsApiVersion.V1, 'externalSecretsApiVersion', ExternalSecretsApiVersion,
    'an ExternalSecretsApiVersion value', context);
}

/** A Go `time.Duration` string (`1h`, `1h30m`, `90s`), the form ESO's `refreshInterval` parses. */
function goDuration(duration: Duration): string {
  let ms = duration.toMilliseconds();
  if (ms === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  return parts.join('');
}
