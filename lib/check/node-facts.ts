/**
 * What the nodes do when they pull, besides reading pull secrets, as far as the pull check needs it: the credentials
 * their kubelet's credential providers supply (ECR, GAR, ACR...), how the kubelet re-verifies credentials for images
 * already on the node (KEP-2535), and whether Docker Hub images must be pulled with credentials. Declared by the
 * `NodePullConfig` construct or by the validation plugin's properties; read and checked here, once.
 */
import { isAbsolute, resolve } from 'path';
import { optionalBoolean, quote, requireEnum, requireString, requireStringList } from '../input/values';
import { NodeCredentialProvider, nodeImagesProvider, readCredentialProviderConfig } from '../kubelet/credential-providers';
import { ImageReferenceParts, parseImageReference } from '../kubelet/image-reference';
import { pushAll } from '../input/arrays';

/**
 * How the kubelet verifies the credentials of a pod for an image that is already on the node (the kubelet's
 * `imagePullCredentialsVerificationPolicy`, KEP-2535, beta and on by default from Kubernetes 1.35).
 */
export enum ImagePullCredentialsVerificationPolicy {
  /** Never: any pod may use any image on the node, as before KEP-2535. */
  NEVER_VERIFY = 'NeverVerify',
  /** Images pulled outside the kubelet (preloaded) are not verified; images the kubelet pulled are. The kubelet's default. */
  NEVER_VERIFY_PRELOADED_IMAGES = 'NeverVerifyPreloadedImages',
  /** Only the images of `preloadedImagesVerificationAllowlist` are not verified. */
  NEVER_VERIFY_ALLOWLISTED_IMAGES = 'NeverVerifyAllowlistedImages',
  /** Every image is verified. */
  ALWAYS_VERIFY = 'AlwaysVerify',
}

/** The kubelet's default policy when the feature is on. */
export const DEFAULT_VERIFICATION_POLICY = ImagePullCredentialsVerificationPolicy.NEVER_VERIFY_PRELOADED_IMAGES;

/** What is declared about the nodes. */
export interface NodeFacts {
  /** The credential providers of the kubelet, and a plain `nodeImages` list as one more. */
  readonly providers: NodeCredentialProvider[];
  /** The verification policy, when declared. */
  readonly verificationPolicy?: ImagePullCredentialsVerificationPolicy;
  /** The allowlist of `NeverVerifyAllowlistedImages`: normalized names, and prefixes (a pattern that ended in `/*`). */
  readonly allowlist: { readonly names: string[]; readonly prefixes: string[] };
  /** Docker Hub images must be pulled with credentials. */
  readonly dockerHubCredentialsRequired: boolean;
}

/** No declarations: no providers, the default policy, Docker Hub anonymous pulls warned about. */
export const NO_NODE_FACTS: NodeFacts = { providers: [], allowlist: { names: [], prefixes: [] }, dockerHubCredentialsRequired: false };

/** The declarations, as a construct's props or the plugin's properties give them (anything: they are checked). */
export interface NodeOptions {
  readonly credentialProviderConfig?: unknown;
  readonly nodeImages?: unknown;
  readonly imagePullCredentialsVerificationPolicy?: unknown;
  readonly preloadedImagesVerificationAllowlist?: unknown;
  readonly dockerHubCredentialsRequired?: unknown;
}

/** A declaration that cannot be used: one line, and the option it is about. */
export class NodeOptionError extends Error {
  constructor(public readonly option: string, message: string) {
    super(message);
  }
}

/** Runs one option's reading; what it throws becomes a `NodeOptionError` for that option. */
function readOption<T>(option: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    throw new NodeOptionError(option, (e as Error).message);
  }
}

/**
 * Reads and checks the declarations; throws one line naming the option (a `NodeOptionError`).
 *
 * @param where names the owner (a construct, or the plugin's properties)
 * @param baseDir where a relative `credentialProviderConfig` is resolved (the app's folder)
 */
export function readNodeFacts(options: NodeOptions, where: string, baseDir: string): NodeFacts {
  const providers: NodeCredentialProvider[] = [];
  if (options.credentialProviderConfig !== undefined) {
    pushAll(providers, readOption('credentialProviderConfig', () => {
      const path = requireString(options.credentialProviderConfig, 'credentialProviderConfig', where, {
        emptyHint: 'give the path of the file passed to the kubelet\'s --image-credential-provider-config',
      });
      return readCredentialProviderConfig(isAbsolute(path) ? path : resolve(baseDir, path));
    }));
  }
  if (options.nodeImages !== undefined) providers.push(readOption('nodeImages', () => nodeImagesProvider(options.nodeImages as string[], where)));
  const policy = options.imagePullCredentialsVerificationPolicy === undefined ? undefined
    : readOption('imagePullCredentialsVerificationPolicy', () => requireEnum(options.imagePullCredentialsVerificationPolicy,
      'imagePullCredentialsVerificationPolicy', ImagePullCredentialsVerificationPolicy, 'an ImagePullCredentialsVerificationPolicy value', where));
  const allowlist = readOption('preloadedImagesVerificationAllowlist', () => {
    const patterns = options.preloadedImagesVerificationAllowlist === undefined ? []
      : requireStringList(options.preloadedImagesVerificationAllowlist, 'preloadedImagesVerificationAllowlist', where, '[\'registry.k8s.io/*\']');
    if (patterns.length > 0 && policy !== ImagePullCredentialsVerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES) {
      throw new Error(`${where}: 'preloadedImagesVerificationAllowlist' is used only with imagePullCredentialsVerificationPolicy ` +
        `'NeverVerifyAllowlistedImages', got ${policy === undefined ? 'no policy' : `'${policy}'`}; set that policy or remove the list`);
    }
    const list = { names: [] as string[], prefixes: [] as string[] };
    patterns.forEach((p, i) => {
      const problem = allowlistPatternProblem(p);
      if (problem) throw new Error(`${where}: 'preloadedImagesVerificationAllowlist[${i}]' ${problem}`);
      if (p.endsWith('/*')) list.prefixes.push(p.slice(0, -1));
      else list.names.push(p);
    });
    return list;
  });
  const dockerHub = readOption('dockerHubCredentialsRequired',
    () => optionalBoolean(options.dockerHubCredentialsRequired, 'dockerHubCredentialsRequired', where)) ?? false;
  return { providers, verificationPolicy: policy, allowlist, dockerHubCredentialsRequired: dockerHub };
}

/**
 * Why the kubelet refuses an allowlist pattern (its `getAllowlistImagePattern`), or undefined: a normalized image name
 * without tag or digest (`docker.io/library/nginx`), or a prefix ending in `/*` (`registry.k8s.io/*`).
 */
function allowlistPatternProblem(pattern: string): string | undefined {
  if (pattern !== pattern.trim()) return `must not start or end with white space, got ${quote(pattern)}`;
  const wildcard = pattern.endsWith('/*');
  const trimmed = wildcard ? pattern.slice(0, -1) : pattern;
  if (trimmed === '') return 'must not be empty';
  if (trimmed.includes('*')) return `may hold '*' only as a final '/*', got ${quote(pattern)}; for example 'registry.k8s.io/*'`;
  if (wildcard) return trimmed.length === 1 ? 'needs at least a registry host before \'/*\'' : undefined;
  let name: string;
  try {
    name = parseImageReference(trimmed).name;
  } catch (e) {
    return `is not an image name: ${(e as Error).message}`;
  }
  return name === trimmed ? undefined
    : `must be a normalized image name without tag or digest, got ${quote(pattern)}; use '${name}' (as the kubelet compares it)`;
}

/** Whether the kubelet skips verification for the image under `NeverVerifyAllowlistedImages`. */
export function isAllowlisted(facts: NodeFacts, image: ImageReferenceParts): boolean {
  return facts.allowlist.names.includes(image.name) || facts.allowlist.prefixes.some((p) => image.name.startsWith(p));
}
