/**
 * The kubelet's credential provider config (`--image-credential-provider-config`): the exec plugins that give a node
 * registry credentials with no pull secret involved (ECR on EKS, GAR/GCR on GKE, ACR on AKS). Read, validated and
 * matched as the kubelet does, so that the pull check can accept an image the node will authenticate for. Pure logic
 * apart from reading the file.
 *
 * What the kubelet does, from kubernetes `pkg/credentialprovider/plugin` (`config.go`, `plugin.go`, `plugins.go`) and
 * `k8s.io/kubelet/config/{v1,v1beta1,v1alpha1}`, and what this module does with it:
 * - The flag names a file, or (recent kubelets) a directory whose `*.json`, `*.yaml` and `*.yml` files are read in
 *   byte order and merged; provider names must be unique across the files.
 * - A file is decoded strictly: an unknown or repeated field (names are case-sensitive) makes the kubelet refuse it.
 *   A file whose first non-space character is `{` is JSON; anything else is YAML as go-yaml v2 reads it (YAML 1.1:
 *   `yes`, `on`, `y` are booleans), of which only the first document counts. We refuse a second document instead of
 *   ignoring it silently.
 * - `kind: CredentialProviderConfig` in `kubelet.config.k8s.io/v1`, `v1beta1` and `v1alpha1` all still decode (the
 *   older two are registered in the current kubelet); `tokenAttributes` exists only in `v1`, so it is an unknown field
 *   in the other two. We accept all three.
 * - `validateCredentialProviderConfig`: at least one provider; a name without '/' or ' ', not '.' or '..', unique;
 *   a provider `apiVersion` of `credentialprovider.kubelet.k8s.io/v1alpha1`, `v1beta1` or `v1`; at least one
 *   `matchImages` entry, each one `url.Parse` accepts after `https://`; `defaultCacheDuration` present and not
 *   negative; `tokenAttributes` with an audience, `requireServiceAccount` set, the provider on the `v1` plugin API,
 *   annotation keys that are qualified names, unique, not both required and optional, `requireServiceAccount: true`
 *   when some are required, and `cacheType` `Token` or `ServiceAccount`. We also refuse an empty name, which the
 *   kubelet only notices when it fails to find the plugin at start-up. The kubelet refuses `tokenAttributes` when the
 *   feature gate KubeletServiceAccountTokenForCredentialProviders is off (alpha in 1.33, beta and on since 1.34); we
 *   assume it is on.
 * - Matching (`plugins.go` `Lookup`, `plugin.go` `isImageAllowed`): for every pull the kubelet asks every provider,
 *   in config order; a provider runs its plugin only when one of its `matchImages` matches the image by
 *   `URLsMatchStr(pattern, image)`, where image is the normalized repository (`docker.io/library/nginx`, no tag or
 *   digest). These are the pull secret key rules (same port string, same number of host parts, a `filepath.Match`
 *   glob per part, the pattern's path a plain prefix), without the Docker Hub fallback. The credentials of all
 *   providers that answer are merged, earlier providers first. So an image is covered when any provider matches it
 *   and is invoked; we trust the plugin to answer for the image it was asked about.
 * - A provider with `tokenAttributes` (KEP-4412) is not invoked for a pod without a service account when
 *   `requireServiceAccount` is true, nor for a pod whose service account lacks one of the
 *   `requiredServiceAccountAnnotationKeys` (`provide`, `getServiceAccountData`).
 *
 * Messages name the file, the provider and the field, never the value of `env` or `args`, which can hold secrets.
 */
import { Stats, readdirSync, statSync } from 'fs';
import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { YamlDocument, yamlModule } from '../input/yaml';
import { extname, join } from 'path';
import { parseGoDuration } from '../go/duration';
import { compareUtf8 } from '../go/json';
import { qualifiedNameProblem } from '../input/values';
import { ImageReference } from './image-reference';
import { displayKey, hasUserinfo, schemelessUrlError, urlsMatch } from './keyring';
import { pushAll } from '../input/arrays';

/** The service-account token settings of a KEP-4412 provider (`tokenAttributes`). */
export interface ProviderTokenAttributes {
  /** The audience of the token the kubelet passes to the plugin. */
  readonly serviceAccountTokenAudience: string;
  /** Whether the kubelet invokes the plugin only for pods that have a service account. */
  readonly requireServiceAccount: boolean;
  /** Annotations the pod's service account must carry, or the plugin is not invoked. */
  readonly requiredServiceAccountAnnotationKeys: readonly string[];
  /** Annotations passed to the plugin when present. */
  readonly optionalServiceAccountAnnotationKeys: readonly string[];
  /** `Token` or `ServiceAccount`. */
  readonly cacheType: string;
}

/** One credential provider of the node's kubelet, as far as the pull check needs it. */
export interface NodeCredentialProvider {
  /** The provider's name (its plugin executable), or `nodeImages` for a plain pattern list. */
  readonly name: string;
  /** Where it was declared, for messages: the config file, or what the caller named the pattern list. */
  readonly source: string;
  /** The image patterns, as written. */
  readonly matchImages: readonly string[];
  /**
   * The plugin API version, `credentialprovider.kubelet.k8s.io/v1` (or `v1beta1`, `v1alpha1`).
   *
   * @default - none for a plain pattern list
   */
  readonly apiVersion?: string;
  /**
   * `defaultCacheDuration` as written (a Go duration).
   *
   * @default - none for a plain pattern list
   */
  readonly defaultCacheDuration?: string;
  /**
   * The service-account token settings.
   *
   * @default - the plugin gets no service-account token and is invoked for every pod
   */
  readonly tokenAttributes?: ProviderTokenAttributes;
}

/** A provider that covers an image, and the first of its patterns that matches it. */
export interface NodeProviderMatch {
  /** The provider. */
  readonly provider: NodeCredentialProvider;
  /** The `matchImages` entry that matches. */
  readonly pattern: string;
}

/** What is known about the service account a pod runs as. */
export interface PodServiceAccount {
  /**
   * Its name. The ServiceAccount admission plugin sets `default` on a pod that names none, so only a static pod has none.
   *
   * @default - the pod has no service account
   */
  readonly name?: string;
  /**
   * Its annotations.
   *
   * @default - unknown at synth time: required annotations cannot be judged
   */
  readonly annotations?: { readonly [key: string]: string };
}

/** The kind of the config file. */
export const CREDENTIAL_PROVIDER_CONFIG_KIND = 'CredentialProviderConfig';

const CONFIG_GROUP = 'kubelet.config.k8s.io';
/** The config versions the kubelet still decodes; `tokenAttributes` exists only in the first. */
const CONFIG_API_VERSIONS = [`${CONFIG_GROUP}/v1`, `${CONFIG_GROUP}/v1beta1`, `${CONFIG_GROUP}/v1alpha1`];
const TOKEN_CONFIG_API_VERSION = `${CONFIG_GROUP}/v1`;
/** The plugin API versions, sorted as the kubelet lists them in its error. */
const PLUGIN_API_VERSIONS = ['credentialprovider.kubelet.k8s.io/v1', 'credentialprovider.kubelet.k8s.io/v1alpha1',
  'credentialprovider.kubelet.k8s.io/v1beta1'];
const TOKEN_PLUGIN_API_VERSION = 'credentialprovider.kubelet.k8s.io/v1';
const CACHE_TYPES = ['ServiceAccount', 'Token'];
const CONFIG_EXTENSIONS = ['.json', '.yaml', '.yml'];

const CONFIG_FIELDS = ['apiVersion', 'kind', 'providers'];
const PROVIDER_FIELDS = ['name', 'matchImages', 'defaultCacheDuration', 'apiVersion', 'args', 'env'];
const ENV_FIELDS = ['name', 'value'];
const TOKEN_FIELDS = ['serviceAccountTokenAudience', 'cacheType', 'requireServiceAccount', 'requiredServiceAccountAnnotationKeys',
  'optionalServiceAccountAnnotationKeys'];

const PATTERN_EXAMPLE = 'write a registry host such as \'*.dkr.ecr.*.amazonaws.com\' or \'*.azurecr.io\', optionally with \':port\' and \'/path\'';

/**
 * Reads the kubelet's credential provider config: the file, or every `*.json`, `*.yaml` and `*.yml` file of the
 * directory in byte order. Throws one line naming the file, the provider and the field for anything the kubelet
 * would refuse (it would then not start).
 */
export function readCredentialProviderConfig(path: string): NodeCredentialProvider[] {
  let files = [path];
  if (stat(path).isDirectory()) {
    files = readdirSync(path, { withFileTypes: true })
      .filter((entry) => !entry.isDirectory() && CONFIG_EXTENSIONS.includes(extname(entry.name)))
      .map((entry) => join(path, entry.name))
      .sort(compareUtf8);
    if (files.length === 0) {
      throw new Error(`credential provider config directory '${path}' has no *.json, *.yaml or *.yml file; ` +
        'the kubelet refuses an empty directory: add the CredentialProviderConfig file');
    }
  }
  const providers: DecodedProvider[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readRegularFile(file);
    } catch (e) {
      throw new Error(`cannot read credential provider config '${file}': ${readErrorReason((e as FileReadError).code)}; ` +
        'pass the file given to the kubelet\'s --image-credential-provider-config');
    }
    pushAll(providers, decodeConfig(text, file));
  }
  validateProviders(providers, files.length === 1 ? files[0] : path);
  return providers.map(finish);
}

/**
 * Parses and validates the text of one credential provider config file, YAML or JSON, as the kubelet does.
 *
 * @param source names the file in messages
 */
export function parseCredentialProviderConfig(text: string, source: string): NodeCredentialProvider[] {
  const providers = decodeConfig(text, source);
  validateProviders(providers, source);
  return providers.map(finish);
}

/**
 * A plain list of image patterns the node has credentials for (the same glob rules as `matchImages`), as one provider
 * named `nodeImages`. Each pattern must parse as the kubelet parses `matchImages`; an empty pattern, which could never
 * match an image, and a pattern with a scheme are refused too.
 *
 * @param context names the owner in messages, for example `PrivatePod 'app/pod'`
 */
export function nodeImagesProvider(patterns: readonly string[], context: string): NodeCredentialProvider {
  if (!Array.isArray(patterns)) {
    throw new Error(`${context}: 'nodeImages' must be a list of image patterns such as '*.dkr.ecr.*.amazonaws.com', got ${typeName(patterns)}`);
  }
  patterns.forEach((pattern, i) => {
    const field = `'nodeImages[${i}]'`;
    if (typeof pattern !== 'string') {
      throw new Error(`${context}: ${field} must be a string, got ${typeName(pattern)}; ${PATTERN_EXAMPLE}`);
    }
    if (pattern === '') {
      throw new Error(`${context}: ${field} is empty and would match no image; ${PATTERN_EXAMPLE}`);
    }
    if (hasUserinfo(pattern)) {
      throw new Error(`${context}: ${field} ${showPattern(pattern)} holds a user name or password before '@' (not shown); a pattern ` +
        `names only registries, and the node's credential provider holds the credentials: ${PATTERN_EXAMPLE}`);
    }
    if (pattern.includes('://')) {
      throw new Error(`${context}: ${field} ${showPattern(pattern)} has a scheme, which the kubelet would read as part of the host; ` +
        `use '${displayKey(pattern.slice(pattern.indexOf('://') + 3))}'`);
    }
    const problem = patternProblem(pattern);
    if (problem) throw new Error(`${context}: ${field} ${problem}`);
  });
  return { name: 'nodeImages', source: context, matchImages: [...patterns] };
}

/**
 * Every provider whose `matchImages` covers the image by the kubelet's `isImageAllowed`, in config order (the order
 * in which the kubelet asks them), each with the first matching pattern.
 */
export function matchNodeProviders(providers: readonly NodeCredentialProvider[], image: ImageReference): NodeProviderMatch[] {
  const matches: NodeProviderMatch[] = [];
  for (const provider of providers) {
    const pattern = provider.matchImages.find((p) => urlsMatch(p, image.name));
    if (pattern !== undefined) matches.push({ provider, pattern });
  }
  return matches;
}

/**
 * Why the kubelet would not invoke a matching service-account-token provider for a pod, or undefined when it would
 * (or when the service account's annotations are unknown and so cannot be judged). A provider without
 * `tokenAttributes` is invoked for every pod.
 */
export function serviceAccountProblem(match: NodeProviderMatch, serviceAccount: PodServiceAccount): string | undefined {
  const token = match.provider.tokenAttributes;
  if (!token) return undefined;
  const provider = `credential provider '${match.provider.name}' (from '${match.provider.source}')`;
  if (!serviceAccount.name) {
    return token.requireServiceAccount
      ? `${provider} requires a service account (tokenAttributes.requireServiceAccount) and the pod has none, so the kubelet ` +
        'does not invoke it: run the pod as a ServiceAccount'
      : undefined;
  }
  if (serviceAccount.annotations === undefined) return undefined;
  const missing = token.requiredServiceAccountAnnotationKeys.filter((k) => !Object.prototype.hasOwnProperty.call(serviceAccount.annotations, k));
  if (missing.length === 0) return undefined;
  return `${provider} requires the annotation${missing.length > 1 ? 's' : ''} ${missing.map((k) => `'${k}'`).join(', ')} on the pod's ` +
    `service account '${serviceAccount.name}' (tokenAttributes.requiredServiceAccountAnnotationKeys), so the kubelet does not ` +
    'invoke it: add them to the ServiceAccount\'s metadata.annotations';
}

// ---- decoding ---------------------------------------------------------------------------------------------------

type Fail = (where: string, text: string) => never;

function failIn(source: string): Fail {
  return (where, text) => {
    throw new Error(`credential provider config '${source}': ${where}${text}`);
  };
}

/** A provider as decoded, before validation. */
interface DecodedProvider extends Omit<NodeCredentialProvider, 'apiVersion' | 'tokenAttributes'> {
  readonly apiVersion: string;
  readonly tokenAttributes?: DecodedTokenAttributes;
  /** Its position under `providers` in its file. */
  readonly index: number;
}

/** `tokenAttributes` as decoded: `requireServiceAccount` stays undefined when it was not set, which the kubelet refuses. */
interface DecodedTokenAttributes extends Omit<ProviderTokenAttributes, 'requireServiceAccount'> {
  readonly requireServiceAccount?: boolean;
}

function finish(decoded: DecodedProvider): NodeCredentialProvider {
  const { tokenAttributes: token, index: _index, ...provider } = decoded;
  return { ...provider, ...(token ? { tokenAttributes: { ...token, requireServiceAccount: token.requireServiceAccount === true } } : {}) };
}

/** Decodes one file as the kubelet's strict decoder does: types, unknown fields, apiVersion and kind. */
function decodeConfig(text: string, source: string): DecodedProvider[] {
  const fail: Fail = failIn(source);
  const doc = loadDocument(text, fail);
  if (!isMapping(doc)) {
    fail('', `the file must hold a mapping with apiVersion, kind and providers, got ${typeName(doc)}`);
  }
  const apiVersion = doc.apiVersion ?? undefined;
  if (apiVersion === undefined || apiVersion === '') {
    fail('', `'apiVersion' is missing; set '${CONFIG_API_VERSIONS[0]}'`);
  }
  if (typeof apiVersion !== 'string' || !CONFIG_API_VERSIONS.includes(apiVersion)) {
    fail('', `'apiVersion' must be one of ${CONFIG_API_VERSIONS.join(', ')}, got ${show(apiVersion)}`);
  }
  if (doc.kind !== CREDENTIAL_PROVIDER_CONFIG_KIND) {
    fail('', `'kind' must be '${CREDENTIAL_PROVIDER_CONFIG_KIND}', got ${show(doc.kind)}`);
  }
  rejectUnknownFields(doc, CONFIG_FIELDS, '', fail);
  const providers = list(doc.providers, 'providers', '', fail);
  return providers.map((raw, i) => decodeProvider(raw, i, apiVersion, source, fail));
}

function decodeProvider(raw: unknown, index: number, configApiVersion: string, source: string, fail: Fail): DecodedProvider {
  const at = `providers[${index}]`;
  if (!isMapping(raw)) fail('', `'${at}' must be a mapping with name, matchImages, defaultCacheDuration and apiVersion, got ${typeName(raw)}`);
  const name = optionalString(raw.name, `${at}.name`, '', fail) ?? '';
  const where = name !== '' ? `provider '${name}' (${at}): ` : `${at}: `;
  if (Object.prototype.hasOwnProperty.call(raw, 'tokenAttributes') && configApiVersion !== TOKEN_CONFIG_API_VERSION) {
    fail(where, `'tokenAttributes' exists only in ${TOKEN_CONFIG_API_VERSION}, and the kubelet refuses it as an unknown field in ` +
      `${configApiVersion}: set the file's apiVersion to ${TOKEN_CONFIG_API_VERSION}`);
  }
  rejectUnknownFields(raw, [...PROVIDER_FIELDS, 'tokenAttributes'], where, fail);
  const matchImages = list(raw.matchImages, 'matchImages', where, fail)
    .map((p, j) => optionalString(p, `matchImages[${j}]`, where, fail) ?? '');
  const defaultCacheDuration = optionalString(raw.defaultCacheDuration, 'defaultCacheDuration', where, fail,
    'a Go duration in quotes such as \'12h\' or \'0\'');
  const apiVersion = optionalString(raw.apiVersion, 'apiVersion', where, fail) ?? '';
  // args and env are checked for shape only: their values reach the plugin and can be secrets
  list(raw.args, 'args', where, fail).forEach((a, j) => {
    if (a !== null && typeof a !== 'string') fail(where, `'args[${j}]' must be a string, got ${typeName(a)}`);
  });
  list(raw.env, 'env', where, fail).forEach((e, j) => {
    if (!isMapping(e)) fail(where, `'env[${j}]' must be a mapping with name and value, got ${typeName(e)}`);
    rejectUnknownFields(e, ENV_FIELDS, where, fail, `env[${j}].`);
    optionalString(e.name, `env[${j}].name`, where, fail);
    if (e.value !== undefined && e.value !== null && typeof e.value !== 'string') {
      fail(where, `'env[${j}].value' must be a string, got ${typeName(e.value)}; quote it`);
    }
  });
  const tokenAttributes = raw.tokenAttributes === undefined || raw.tokenAttributes === null
    ? undefined : decodeTokenAttributes(raw.tokenAttributes, where, fail);
  return {
    name,
    source,
    index,
    matchImages,
    apiVersion,
    ...(defaultCacheDuration !== undefined ? { defaultCacheDuration } : {}),
    ...(tokenAttributes ? { tokenAttributes } : {}),
  };
}

function decodeTokenAttributes(raw: unknown, where: string, fail: Fail): DecodedTokenAttributes {
  if (!isMapping(raw)) fail(where, `'tokenAttributes' must be a mapping, got ${typeName(raw)}`);
  rejectUnknownFields(raw, TOKEN_FIELDS, where, fail, 'tokenAttributes.');
  const keys = (field: string): string[] => list(raw[field], `tokenAttributes.${field}`, where, fail)
    .map((k, j) => optionalString(k, `tokenAttributes.${field}[${j}]`, where, fail) ?? '');
  const require = raw.requireServiceAccount ?? undefined;
  if (require !== undefined && typeof require !== 'boolean') {
    fail(where, `'tokenAttributes.requireServiceAccount' must be true or false, got ${typeName(require)}`);
  }
  return {
    serviceAccountTokenAudience: optionalString(raw.serviceAccountTokenAudience, 'tokenAttributes.serviceAccountTokenAudience', where, fail) ?? '',
    ...(require !== undefined ? { requireServiceAccount: require } : {}),
    requiredServiceAccountAnnotationKeys: keys('requiredServiceAccountAnnotationKeys'),
    optionalServiceAccountAnnotationKeys: keys('optionalServiceAccountAnnotationKeys'),
    cacheType: optionalString(raw.cacheType, 'tokenAttributes.cacheType', where, fail) ?? '',
  };
}

// ---- validation (validateCredentialProviderConfig) --------------------------------------------------------------

function validateProviders(providers: readonly DecodedProvider[], source: string): void {
  if (providers.length === 0) {
    failIn(source)('', '\'providers\' must list at least one provider; the kubelet refuses a config without one');
  }
  const seen = new Map<string, DecodedProvider>();
  providers.forEach((provider) => {
    const fail: Fail = failIn(provider.source);
    const at = `providers[${provider.index}]`;
    const where = provider.name !== '' ? `provider '${provider.name}' (${at}): ` : `${at}: `;
    validateName(provider.name, where, fail);
    const earlier = seen.get(provider.name);
    if (earlier) {
      fail(where, `'name' is also used by providers[${earlier.index}]${earlier.source !== provider.source ? ` in '${earlier.source}'` : ''}; ` +
        'each provider names its own plugin executable, and the kubelet refuses a name used twice: keep one');
    }
    seen.set(provider.name, provider);
    if (!provider.apiVersion) {
      fail(where, `'apiVersion' is required; set '${TOKEN_PLUGIN_API_VERSION}'`);
    }
    if (!PLUGIN_API_VERSIONS.includes(provider.apiVersion)) {
      fail(where, `'apiVersion' must be one of ${PLUGIN_API_VERSIONS.join(', ')}, got '${provider.apiVersion}'`);
    }
    if (provider.matchImages.length === 0) {
      fail(where, `'matchImages' must list at least one image pattern; ${PATTERN_EXAMPLE}`);
    }
    provider.matchImages.forEach((pattern, j) => {
      const problem = patternProblem(pattern);
      if (problem) fail(where, `'matchImages[${j}]' ${problem}`);
    });
    validateCacheDuration(provider.defaultCacheDuration, where, fail);
    if (provider.tokenAttributes) {
      validateTokenAttributes(provider.tokenAttributes, provider.apiVersion, where, fail);
    }
  });
}

function validateName(name: string, where: string, fail: Fail): void {
  if (name === '') {
    fail(where, '\'name\' is required: it names the plugin executable in the kubelet\'s --image-credential-provider-bin-dir');
  }
  const broken = name.includes('/') ? 'contain \'/\'' : name.includes(' ') ? 'contain spaces' : name === '.' || name === '..' ? `be '${name}'` : '';
  if (broken) {
    fail(where, `'name' must not ${broken}, got '${name}'; use the file name of the plugin executable, such as 'ecr-credential-provider'`);
  }
}

function validateCacheDuration(text: string | undefined, where: string, fail: Fail): void {
  if (text === undefined) {
    fail(where, '\'defaultCacheDuration\' is required; set a Go duration such as \'12h\' (\'0\' caches nothing)');
  }
  const duration = parseGoDuration(text);
  if ('error' in duration) {
    fail(where, `'defaultCacheDuration' must be a Go duration such as '12h', '30m' or '1h30m', got '${text}': ${duration.error}`);
  }
  if (duration.nanoseconds < 0n) {
    fail(where, `'defaultCacheDuration' must not be negative, got '${text}'; use '0' to cache nothing`);
  }
}

function validateTokenAttributes(token: DecodedTokenAttributes, pluginApiVersion: string, where: string, fail: Fail): void {
  if (token.serviceAccountTokenAudience === '') {
    fail(where, '\'tokenAttributes.serviceAccountTokenAudience\' is required; set the audience the plugin exchanges the token for');
  }
  if (token.requireServiceAccount === undefined) {
    fail(where, '\'tokenAttributes.requireServiceAccount\' is required; set true, or false to invoke the plugin for pods without one');
  }
  if (pluginApiVersion !== TOKEN_PLUGIN_API_VERSION) {
    fail(where, `'tokenAttributes' needs the plugin 'apiVersion' ${TOKEN_PLUGIN_API_VERSION}, got '${pluginApiVersion}'`);
  }
  if (!token.requireServiceAccount && token.requiredServiceAccountAnnotationKeys.length > 0) {
    fail(where, '\'tokenAttributes.requiredServiceAccountAnnotationKeys\' needs \'requireServiceAccount: true\'; set it, or make the keys optional');
  }
  for (const field of ['requiredServiceAccountAnnotationKeys', 'optionalServiceAccountAnnotationKeys'] as const) {
    const seen = new Set<string>();
    token[field].forEach((key, j) => {
      const problem = qualifiedNameProblem(key, true);
      if (problem) {
        fail(where, `'tokenAttributes.${field}[${j}]' must be an annotation key such as 'example.com/identity', got '${key}': ${problem}`);
      }
      if (seen.has(key)) fail(where, `'tokenAttributes.${field}' lists '${key}' twice; list it once`);
      seen.add(key);
    });
  }
  const both = token.requiredServiceAccountAnnotationKeys.filter((k) => token.optionalServiceAccountAnnotationKeys.includes(k));
  if (both.length > 0) {
    fail(where, `'tokenAttributes' lists ${both.map((k) => `'${k}'`).join(', ')} as both required and optional annotation keys; ` +
      'keep each in one list');
  }
  if (token.cacheType === '') {
    fail(where, `'tokenAttributes.cacheType' is required; set ${CACHE_TYPES.map((c) => `'${c}'`).join(' or ')}`);
  }
  if (!CACHE_TYPES.includes(token.cacheType)) {
    fail(where, `'tokenAttributes.cacheType' must be ${CACHE_TYPES.map((c) => `'${c}'`).join(' or ')}, got '${token.cacheType}'`);
  }
}

/** Why the kubelet refuses a `matchImages` pattern (`ParseSchemelessURL` fails), for the message, or undefined. */
function patternProblem(pattern: string): string | undefined {
  const error = schemelessUrlError(pattern);
  if (error === undefined) return undefined;
  // the parser's reason may quote a part of a user name or password
  const why = hasUserinfo(pattern) ? 'reason not shown: the pattern holds a user name or password' : error;
  return `${showPattern(pattern)} is not a pattern the kubelet can parse (${why}); ${PATTERN_EXAMPLE}`;
}

// ---- YAML and JSON ----------------------------------------------------------------------------------------------

/** The one document of the file, as the kubelet's decoder would see it. */
function loadDocument(text: string, fail: Fail): unknown {
  // the kubelet picks its JSON decoder when the first byte after spaces, tabs and line breaks is '{'
  const json = /^[ \t\r\n]*\{/.test(text);
  if (json) {
    try {
      JSON.parse(text);
    } catch (e) {
      // the parser's message can quote the text, and the text can hold secrets: keep only the position
      const position = /position (\d+)/.exec((e as Error).message);
      fail('', `the file starts with '{' but is not valid JSON${position ? ` (at character ${position[1]})` : ''}; fix the JSON or write YAML`);
    }
  }
  // JSON is read with YAML 1.2's JSON schema, which only adds the check for repeated keys JSON.parse lacks
  const options = json ? { version: '1.2', schema: 'json', uniqueKeys: true } : { version: '1.1', uniqueKeys: true };
  // eemeli/yaml, as cdk8s bundles it; `Yaml.load` would keep going past parse errors and repeated keys, which the kubelet refuses
  const parsed = yamlModule().parseAllDocuments(text, options);
  const docs = (Array.isArray(parsed) ? parsed : []).filter((d: YamlDocument) => d.errors.length > 0 || d.contents !== null);
  for (const doc of docs) {
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      fail('', `the ${json ? 'JSON' : 'YAML'} cannot be read${at ? ` at line ${at.line}, column ${at.col}` : ''}: ` +
        `${error.code === 'DUPLICATE_KEY' ? 'a key appears twice, which the kubelet\'s strict decoder refuses' : error.code.toLowerCase()}; fix it`);
    }
  }
  if (docs.length === 0) fail('', `the file is empty; write a ${CREDENTIAL_PROVIDER_CONFIG_KIND}`);
  if (docs.length > 1) {
    fail('', `the file has ${docs.length} YAML documents and the kubelet reads only the first; put every provider under one ` +
      `${CREDENTIAL_PROVIDER_CONFIG_KIND}, or use a directory of files`);
  }
  try {
    return docs[0].toJS();
  } catch (e) {
    // an alias to nothing, or one expanded too often (a billion laughs); the message names only the alias
    fail('', `the YAML cannot be read: ${(e as Error).message.split('\n')[0]}; fix or remove the alias (*name)`);
  }
}

// ---- helpers ----------------------------------------------------------------------------------------------------

function stat(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new Error(`cannot read credential provider config '${path}': ${(e as NodeJS.ErrnoException).code ?? 'stat error'}; ` +
      'pass the file or directory given to the kubelet\'s --image-credential-provider-config');
  }
}

function isMapping(value: unknown): value is { [key: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** A list field; absent or null is an empty list, as Go decodes it. */
function list(value: unknown, field: string, where: string, fail: Fail): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(where, `'${field}' must be a list, got ${typeName(value)}`);
  return value;
}

/** A string field; absent or null is undefined (Go leaves the zero value). */
function optionalString(value: unknown, field: string, where: string, fail: Fail, example?: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    fail(where, `'${field}' must be a string, got ${typeName(value)}${example ? `; write ${example}` : '; quote it'}`);
  }
  return value;
}

function rejectUnknownFields(value: { [key: string]: unknown }, known: readonly string[], where: string, fail: Fail, prefix = ''): void {
  const unknown = Object.keys(value).find((k) => !known.includes(k));
  if (unknown === undefined) return;
  const near = known.find((k) => k.toLowerCase() === unknown.toLowerCase());
  fail(where, `unknown field '${prefix}${unknown}', which the kubelet's strict decoder refuses; ` +
    (near ? `field names are case-sensitive: write '${prefix}${near}'` : `the fields here are ${known.join(', ')}`));
}

function typeName(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Date) return 'a timestamp';
  if (typeof value === 'object') return 'a mapping';
  return `a ${typeof value}`;
}

function show(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : typeName(value);
}

/** A pattern for a message, with any `user:password@` before the host masked (see `displayKey`). */
function showPattern(pattern: string): string {
  return `'${displayKey(pattern)}'`;
}
