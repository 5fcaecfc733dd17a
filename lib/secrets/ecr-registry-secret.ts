import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { formatGoDuration } from '../go/duration';
import { goJsonString } from '../go/json';
import { checkMetadata } from '../input/metadata';
import { checkDns1123Subdomain, optionalDuration, optionalString, quote, requireObject, requireString } from '../input/values';
import { SERVERS_ANNOTATION } from '../check/annotations';
import { ESO_GENERATORS_API_VERSION, TemplatePart, checkApiVersion, checkDelimiters, dockerConfigJsonTemplate, targetSpec } from './_eso';
import { ExternalRegistrySecretOptions } from './external-secrets-options';
import { RegistrySecretBase } from './registry-secret';


/** An ECR authorization token is valid for 12 hours; the Secret must be refreshed well before. */
const ECR_TOKEN_LIFETIME = Duration.hours(12);


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
export class EcrRegistrySecret extends RegistrySecretBase {
  /** How long an ECR authorization token is valid: 12 hours. `refreshInterval` must be shorter. */
  public static readonly TOKEN_LIFETIME = ECR_TOKEN_LIFETIME;

  /** The name of the ExternalSecret and of the Secret it creates. */
  public readonly name: string;
  /** The namespace of the generator, the ExternalSecret and the Secret. */
  public readonly secretNamespace?: string;
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
        `got ${formatGoDuration(refresh.toMilliseconds())}; use Duration.hours(6) or leave it out`);
    }
    const apiVersion = checkApiVersion(props.externalSecretsApiVersion, context);
    const delimiters = checkDelimiters(props.templateLeftDelimiter, props.templateRightDelimiter, context);
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
    this.secretNamespace = resource.metadata.namespace;
    this.generatorName = generator.name;
    const host = accountId !== undefined ? `${accountId}.dkr.ecr.${region}.${ecrDomain(region)}` : undefined;
    this.servers = host !== undefined ? [host] : undefined;
    if (host !== undefined) resource.metadata.addAnnotation(SERVERS_ANNOTATION, host);
    const server: TemplatePart = host !== undefined ? { text: goJsonString(host) } : { action: 'ecrServer' };
    Object.assign(spec, {
      refreshInterval: formatGoDuration(refresh.toMilliseconds()),
      target: targetSpec(this.name, props.metadata, dockerConfigJsonTemplate(server, false, delimiters), delimiters),
      dataFrom: [{ sourceRef: { generatorRef: { apiVersion: ESO_GENERATORS_API_VERSION, kind: 'ECRAuthorizationToken', name: generator.name } } }],
    });
  }


}


function ecrAuth(props: EcrRegistrySecretProps, context: string): { [key: string]: unknown } | undefined {
  if (props.serviceAccountName !== undefined && props.accessKeySecretName !== undefined) {
    throw new Error(`${context}: 'serviceAccountName' and 'accessKeySecretName' must not both be set, got both; ` +
      'keep the service account (irsa) or the access-key secret');
  }
  if (props.accessKeySecretName === undefined) {
    // the key fields only name keys of that Secret: without it they would be dropped silently
    for (const field of ['accessKeyIdKey', 'secretAccessKeyKey', 'sessionTokenKey'] as const) {
      if (props[field] === undefined) continue;
      throw new Error(props.serviceAccountName !== undefined
        ? `${context}: '${field}' needs 'accessKeySecretName', got none ('serviceAccountName' authenticates instead, which uses no keys); ` +
          `remove '${field}', or replace 'serviceAccountName' with 'accessKeySecretName'`
        : `${context}: '${field}' needs 'accessKeySecretName', got none; name the Secret that holds the keys or remove '${field}'`);
    }
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
  return undefined;
}

function ecrDomain(region: string): string {
  return region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
}


/** A key of a Kubernetes Secret's data: letters, digits, '-', '_' and '.'. */
function secretKey(key: unknown, field: string, context: string): string {
  const text = requireString(key, field, context);
  if (!/^[-._a-zA-Z0-9]+$/.test(text) || text.length > 253) {
    throw new Error(`${context}: '${field}' must be a Secret data key (letters, digits, '-', '_' and '.'), got ${quote(text)}`);
  }
  return text;
}
