/**
 * What the External Secrets Operator forms of a pull secret share: the ESO template of `.dockerconfigjson`, the
 * ExternalSecret's target, and the checks of ESO-specific fields.
 */
import { ApiObjectMetadata } from 'cdk8s';
import { optionalString, requireEnum, requireString } from '../input/values';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE } from '../docker/payload';
import { DEFAULT_DELIMITERS, TemplateDelimiters, templateAction, templateText } from '../go/text-template';
import { ExternalSecretsApiVersion } from './external-secrets-options';


/** The API version of External Secrets Operator's generators, ECRAuthorizationToken among them. */
export const ESO_GENERATORS_API_VERSION = 'generators.external-secrets.io/v1alpha1';


/**
 * Every action our templates use, by name: a template part can name only these, so `checkDelimiters` sees every
 * expression that will stand between the delimiters.
 */
const ACTIONS = {
  username: '.username | toJson',
  password: '.password | toJson',
  withEmail: 'with .email',
  email: 'toJson .',
  end: 'end',
  auth: 'printf "%s:%s" .username .password | b64enc',
  // the token's proxy_endpoint is 'https://HOST'; kubectl-style keys are bare hosts
  ecrServer: '.proxy_endpoint | trimPrefix "https://" | toJson',
} as const;

/** A piece of a template: literal text, or one of our actions (the expression between the delimiters). */
export type TemplatePart = { readonly text: string } | { readonly action: keyof typeof ACTIONS };

/** Template source for the parts: each text renders as written, each action as `{{ action }}`. */
function templateSource(parts: readonly TemplatePart[], d: TemplateDelimiters): string {
  return parts.map((part, i) => ('text' in part
    ? templateText(part.text, d, i + 1 < parts.length && 'action' in parts[i + 1])
    : templateAction(ACTIONS[part.action], d))).join('');
}

/**
 * The ESO (template engine v2: Go text/template with Sprig) template of `.dockerconfigjson`, in kubectl's field order.
 * Each value goes through Sprig's `toJson`, Go's `json.Marshal` as kubectl uses, so a `"` or `\` in a password is
 * escaped instead of breaking the JSON, and the bytes equal kubectl's. `auth` is base64, which needs no escaping.
 * An empty email is left out, as kubectl's `omitempty` does.
 *
 * @param server the `auths` key: a JSON string literal written as text, or an action that prints one
 */
export function dockerConfigJsonTemplate(server: TemplatePart, withEmail: boolean, d: TemplateDelimiters): string {
  const email: TemplatePart[] = withEmail ? [{ action: 'withEmail' }, { text: ',"email":' }, { action: 'email' }, { action: 'end' }] : [];
  return templateSource([
    { text: '{"auths":{' }, server, { text: ':{"username":' }, { action: 'username' }, { text: ',"password":' },
    { action: 'password' }, ...email, { text: ',"auth":"' }, { action: 'auth' }, { text: '"}}}' },
  ], d);
}

/**
 * The ExternalSecret's `spec.target`. ESO renders the values of the template's labels and annotations as templates
 * too, so each is written as template text that renders exactly as given (`a {{ b` stays `a {{ b`).
 */
export function targetSpec(
  name: string, metadata: ApiObjectMetadata | undefined, template: string, d: TemplateDelimiters,
): { [key: string]: unknown } {
  const literal = (map: { [key: string]: string } | undefined): { [key: string]: string } | undefined =>
    map === undefined ? undefined : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, templateText(v, d)]));
  const templateMetadata = metadata?.labels || metadata?.annotations
    ? { labels: literal(metadata.labels), annotations: literal(metadata.annotations) } : undefined;
  return {
    name,
    // the ExternalSecret owns the Secret: deleting it deletes the Secret, and nothing else may write it
    creationPolicy: 'Owner',
    template: { engineVersion: 'v2', type: DOCKER_CONFIG_JSON_SECRET_TYPE, metadata: templateMetadata, data: { [DOCKER_CONFIG_JSON_KEY]: template } },
  };
}

/** The template delimiters the operator runs with: ESO's defaults unless both options say otherwise. */
export function checkDelimiters(left: unknown, right: unknown, context: string): TemplateDelimiters {
  const check = (value: unknown, field: string, fallback: string): string => {
    const text = value === undefined ? fallback : requireString(value, field, context);
    // a quote would end the string constants our actions print; white space is trimmed from flags by most shells
    if (!/^[^\s"`]{1,16}$/.test(text)) {
      throw new Error(`${context}: '${field}' must be 1 to 16 characters without white space or quotes, as given to the operator's ` +
        `--template-${field === 'templateLeftDelimiter' ? 'left' : 'right'}-delimiter flag, got ${JSON.stringify(text)}`);
    }
    return text;
  };
  const d = {
    left: check(left, 'templateLeftDelimiter', DEFAULT_DELIMITERS.left),
    right: check(right, 'templateRightDelimiter', DEFAULT_DELIMITERS.right),
  };
  // Rule, on the expressions of our own actions (not on the characters of the template): Go reads text up to the
  // first left delimiter, and `templateText` writes every left delimiter in text as an action that prints it, so any
  // left delimiter is safe; the right delimiter means nothing in text, but inside an action Go ends the action where
  // it finds it, so it must not occur in any expression we put between the delimiters. Those are ACTIONS, and the
  // string constant `"LEFT"` that prints the left delimiter (a right delimiter inside a string constant would be read
  // correctly, but refusing it keeps the rule one substring test).
  const inside: [string, string][] = [
    ...Object.values(ACTIONS).map((expression): [string, string] => [expression, expression]),
    [JSON.stringify(d.left), '\'templateLeftDelimiter\' printed as text'],
  ];
  const hit = inside.find(([expression]) => expression.includes(d.right));
  if (hit) {
    throw new Error(`${context}: 'templateRightDelimiter' ${JSON.stringify(d.right)} occurs inside an action of the .dockerconfigjson ` +
      `template (${hit[1]}), which it would end early; choose a right delimiter without letters, digits, '.', '|', '%', ':', '/' ` +
      'or \'_\' that is not part of the left delimiter, such as \'}}\', \'>>\' or \']]\'');
  }
  return d;
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
