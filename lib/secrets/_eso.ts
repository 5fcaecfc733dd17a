/**
 * What the External Secrets Operator forms of a pull secret share: the ESO template of `.dockerconfigjson`, the
 * ExternalSecret's target, and the checks of ESO-specific fields.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { optionalString, requireEnum, requireString } from '../input/values';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE } from '../docker/payload';
import { ExternalSecretsApiVersion } from './external-secrets-options';


/** The API version of External Secrets Operator's generators, ECRAuthorizationToken among them. */
export const ESO_GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';


/**
 * The ESO (template engine v2: Go text/template with Sprig) template of `.dockerconfigjson`, in kubectl's field order.
 * Each value goes through Sprig's `toJson`, Go's `json.Marshal` as kubectl uses, so a `"` or `\` in a password is
 * escaped instead of breaking the JSON, and the bytes equal kubectl's. `auth` is base64, which needs no escaping.
 * An empty email is left out, as kubectl's `omitempty` does.
 *
 * @param serverExpression the `auths` key: a JSON string literal, or a template action that prints one
 */
export function dockerConfigJsonTemplate(serverExpression: string, withEmail: boolean): string {
  const email = withEmail ? '{{ with .email }},"email":{{ toJson . }}{{ end }}' : '';
  // Go's lexer takes the first '{{' as the delimiter, so a literal '{' right before an action would swallow its brace
  const open = serverExpression.startsWith('{{') ? '{{ "{" }}' : '{';
  return `{"auths":${open}${serverExpression}:{"username":{{ .username | toJson }},"password":{{ .password | toJson }}${email},` +
    '"auth":"{{ printf "%s:%s" .username .password | b64enc }}"}}}';
}

export function targetSpec(name: string, metadata: ApiObjectMetadata | undefined, template: string): { [key: string]: unknown } {
  const templateMetadata = metadata?.labels || metadata?.annotations ? { labels: metadata.labels, annotations: metadata.annotations } : undefined;
  return {
    name,
    // the ExternalSecret owns the Secret: deleting it deletes the Secret, and nothing else may write it
    creationPolicy: 'Owner',
    template: { engineVersion: 'v2', type: DOCKER_CONFIG_JSON_SECRET_TYPE, metadata: templateMetadata, data: { [DOCKER_CONFIG_JSON_KEY]: template } },
  };
}


export function remoteRef(field: string, key: unknown, property: unknown, context: string): { key: string; property?: string } {
  const remoteKey = requireString(key, `${field}Key`, context, {
    emptyHint: `name the remote secret that holds the ${field}: the key or path in the secret store`,
  });
  const remoteProperty = optionalString(property, `${field}Property`, context, { emptyHint: 'name the property or leave it out' });
  return remoteProperty !== undefined ? { key: remoteKey, property: remoteProperty } : { key: remoteKey };
}


export function checkApiVersion(value: ExternalSecretsApiVersion | undefined, context: string): ExternalSecretsApiVersion {
  return requireEnum(value ?? ExternalSecretsApiVersion.V1, 'externalSecretsApiVersion', ExternalSecretsApiVersion,
    'an ExternalSecretsApiVersion value', context);
}
