/**
 * The one answer to "which credential will the kubelet use for this image, and what if none": for each image of a pod,
 * one verdict (a pull secret and its key, node-provided, public, undeclared, or not covered), its severity, and one
 * line with the evidence and the fix. Pure logic on plain facts. Every tool is a view of it: the constructs' own checks
 * (`node.addValidation`), the cdk8s validation plugin and the command line (through `resolveManifests`, which reads the
 * facts from manifests), and the RegistryPullPolicy (which asks it what its own secret would add).
 *
 * The kubelet's rules, in the order it applies them:
 * - It reads only the pull secrets the pod lists (`imagePullSecrets`), or, when the pod lists none, those its service
 *   account lends (the ServiceAccount admission plugin copies them), and only from the pod's own namespace.
 * - It builds one keyring from every entry of those secrets and tries the matching keys, most specific first; one entry
 *   it cannot decode fails every pull of the pod. A node's credential providers come after the pull secrets, and with
 *   nothing at all the image is pulled anonymously.
 * - So an image is `secret` when a key matches (the first is the one used), else `node` when a credential provider of
 *   the node covers it, else `public` when it is declared public or is a Docker Hub official image (`docker.io/library/*`,
 *   public by Docker Hub's rules, under its anonymous rate limit). What is left is pulled anonymously: `not covered`
 *   (an error) when the pod has pull secrets that should have covered it, or when some pull secret holds credentials for
 *   its registry (the image is evidently private), and `undeclared` (a warning) when nothing tells: a pod without pull
 *   secrets pulling from a registry nothing has credentials for, or a pull secret whose content cannot be read here.
 */
import { CachingUrlParser } from '../go/url';
import {
  NodeCredentialProvider, NodeProviderMatch, PodServiceAccount, matchNodeProviders, serviceAccountProblem,
} from '../kubelet/credential-providers';
import { ImageReference, formatImageReference, isUpperCaseOnlyHost, parseImageReference } from '../kubelet/image-reference';
import {
  NearMiss, NearMissKind, displayKey, findNearMisses, globHint, keyMatchesImage, matchingKeys, normalizeRegistryKey, registryHost,
  registryKeyError, upperCaseHostProblem,
} from '../kubelet/keyring';
import { ImageUseKind, SecretEntry } from './manifest-model';
import { describeNamespace } from './messages';
import { DEFAULT_VERIFICATION_POLICY, ImagePullCredentialsVerificationPolicy, NO_NODE_FACTS, NodeFacts, isAllowlisted } from './node-facts';

/** How the kubelet gets credentials for an image: the verdict. */
export type Verdict = 'secret' | 'node' | 'public' | 'undeclared' | 'not covered';

/** How bad a verdict is: `not covered` is exactly the errors. */
export type Severity = 'ok' | 'warning' | 'error';

/** What makes a pull secret: its object's kind, `construct` for one of the app's, `referenced only` when nothing in the output makes it. */
export type PullSecretForm = 'Secret' | 'SealedSecret' | 'ExternalSecret' | 'referenced only' | 'construct';

/** What is known about one pull secret a pod lists. */
export interface PullSecretFacts {
  /** The Secret's name. */
  readonly name: string;
  /** The keys under `auths`; undefined when unknown: images cannot be judged against this secret. */
  readonly servers?: readonly string[];
  /** Whether `namespace` is known; a secret referred to by name without a namespace is taken to be in the pod's. */
  readonly namespaceKnown?: boolean;
  /** The namespace it is in; undefined (when known) means none is set: kubectl's current one. */
  readonly namespace?: string;
  /** What makes it, for reports. Default: `Secret` when its servers are known, else `referenced only`. */
  readonly form?: PullSecretForm;
  /** The decoded entries of a Secret, in the order of `servers` (for the login check). */
  readonly entries?: readonly SecretEntry[];
  /** Why the kubelet cannot decode it: every pull of the pod fails. */
  readonly error?: string;
  /** The secret a RegistryPullPolicy writes (or would write) for the pod. */
  readonly policy?: boolean;
}

/** One image a pod pulls. */
export interface ContainerFacts {
  /** The container's (or volume's) name. */
  readonly name: string;
  /** The image as written. */
  readonly image: string;
  /** Whether it is an init container (when `kind` is not given). */
  readonly init?: boolean;
  /** How the pod uses the image. Default: from `init`. */
  readonly kind?: ImageUseKind;
  /** `imagePullPolicy`, when set. */
  readonly pullPolicy?: string;
  /** Where the image is in the object, as a JSON path, for reports. */
  readonly location?: string;
}

/** What a RegistryPullPolicy in scope adds to a pod: its secret, when the pod needs it, and its public images. */
export interface PolicyFacts {
  /** The secret's name (before a content hash), for messages. */
  readonly secretName: string;
  /** The policy's servers. */
  readonly servers: readonly string[];
  /** Its public images, checked already. */
  readonly publicImages: readonly string[];
}

/** Everything the engine needs to know about one pod (or pod template). */
export interface PodFacts {
  /** Names the pod at the start of each message (`Kind namespace/name`); left out for a construct, whose path cdk8s adds. */
  readonly path?: string;
  /** The pod's namespace; undefined means none is set (kubectl's current namespace). */
  readonly namespace?: string;
  /** Every image: init containers, containers, ephemeral containers, image volumes. */
  readonly containers: readonly ContainerFacts[];
  /** The pull secrets the kubelet will read for this pod, in order (remembered per list, as `publicImages`). */
  readonly secrets: readonly PullSecretFacts[];
  /** Where the secrets come from, for messages. Default: `imagePullSecrets`. */
  readonly secretsSource?: string;
  /** Where the pull secrets are named in the object, for reports. */
  readonly secretsLocation?: string;
  /** Images or repositories declared public. The engine remembers what it made of a list: do not change one after passing it. */
  readonly publicImages?: readonly string[];
  /** Where `publicImages` was declared, for the message when an entry is not a valid reference. Default: `publicImages`. */
  readonly publicImagesSource?: string;
  /** Where `publicImages` is in the object, for reports. */
  readonly publicImagesLocation?: string;
  /** What the nodes provide and how they verify cached images. */
  readonly node?: NodeFacts;
  /** Node-provided image patterns declared on the object itself (the node-images annotation), as one more provider. */
  readonly nodeProviders?: readonly NodeCredentialProvider[];
  /** The service account the pod runs as, for credential providers that need its token (KEP-4412). */
  readonly serviceAccount?: PodServiceAccount;
  /** The pod has no pull secrets at all, neither its own nor its service account's. */
  readonly noPullSecrets?: boolean;
  /** A RegistryPullPolicy that covers the pod. */
  readonly policy?: PolicyFacts;
  /** The `secrets` list is shared by many pods (of one namespace): the engine may remember what it made of it. Default: false. */
  readonly secretsShared?: boolean;
  /**
   * The problems of the secrets themselves (a key the kubelet skips, content it cannot decode) are reported once per
   * secret by the caller, not once per pod. Default: false, they are reported with the pod.
   */
  readonly secretProblemsReported?: boolean;
}

/** The rule a finding breaks, for reports (the cdk8s validation plugin names it). */
export enum PullCheckRule {
  /** An image reference the kubelet cannot parse. */
  IMAGE_REFERENCE = 'image-reference',
  /** An image no pull secret key covers. */
  IMAGE_COVERAGE = 'image-coverage',
  /** A pull secret outside the pod's namespace. */
  SECRET_NAMESPACE = 'secret-namespace',
  /** An `auths` key the kubelet skips, or a pull secret it cannot read. */
  SECRET_CONTENT = 'secret-content',
  /** A node credential provider that the kubelet would not invoke for the pod (KEP-4412 service account tokens). */
  NODE_CREDENTIALS = 'node-credentials',
  /** A Docker Hub image pulled without credentials while `dockerHubCredentialsRequired` is set. */
  DOCKER_HUB = 'docker-hub',
  /** A property of the validation plugin (in cdk8s.yaml) that it does not know or cannot use. */
  PLUGIN_PROPERTIES = 'plugin-properties',
  /** A document kubectl or the API server refuses (a namespace that is not a string, a List item that is not an object). */
  MANIFEST_OBJECT = 'manifest-object',
}

/** One finding: what would make the kubelet fail a pull. */
export interface PullCheckError {
  readonly rule: PullCheckRule;
  /** One line: what is wrong, the values, and how to fix it. */
  readonly message: string;
  /** Where in the object, as a JSON path; undefined for the object as a whole. */
  readonly location?: string;
}

/** Something that may fail later or that cannot be judged: synthesis goes on. */
export interface PullCheckWarning {
  readonly message: string;
  readonly location?: string;
}

/** One entry of a pull secret that matches an image: the secret, and the `auths` key as written. */
export interface PullCredential {
  readonly secret: PullSecretFacts;
  readonly server: string;
  /** The decoded entry, when the secret is a readable Secret. */
  readonly entry?: SecretEntry;
}

/** The verdict on one image. */
export interface ImageVerdict {
  readonly use: ContainerFacts;
  /** Undefined when the reference is not valid. */
  readonly ref?: ImageReference;
  readonly verdict: Verdict;
  readonly severity: Severity;
  /** The rule, for an error. */
  readonly rule?: PullCheckRule;
  /** Every matching pull secret entry in the kubelet's order; the first is the one it uses. */
  readonly credentials: readonly PullCredential[];
  /** The node's credential provider that covers the image, when one does. */
  readonly node?: NodeProviderMatch;
  /** Whether a declaration (publicImages) names the image: the policy adds no secret for it. */
  readonly declaredPublic: boolean;
  /** The one line for a warning or an error: what, the evidence, the fix (with the pod's path in front). */
  readonly message?: string;
  /** The kubelet fails the pull before it asks a registry: an invalid reference, or a pull secret it cannot decode. */
  readonly failsBeforePull?: boolean;
}

/** The outcome for one pod. */
export interface PodVerdicts {
  readonly images: ImageVerdict[];
  /** Every error: the images' and the pod's own (a secret in another namespace, a key the kubelet skips). */
  readonly errors: PullCheckError[];
  /** Every warning. */
  readonly warnings: PullCheckWarning[];
  /** The policy's keys the pod needs (the first matching one per image); empty when it needs none. */
  readonly policyKeys: ReadonlySet<string>;
}

const FIX_PUBLIC = 'or declare the image public (publicImages)';
const NO_IMAGES: readonly string[] = [];

/** A pod's list of pull secrets as the kubelet reads it. */
interface SecretsView {
  readonly readable: PullSecretFacts[];
  readonly unknown: PullSecretFacts[];
  readonly elsewhere: PullSecretFacts[];
  readonly broken?: PullSecretFacts;
  readonly keys: readonly string[];
  readonly signature: string;
  /** What is wrong with the secrets themselves, one line each. */
  readonly problems: string[];
  /** The one key, when there is one and it is a plain `host[:port]`, as normalized. */
  readonly onlyHost?: string;
}

/** What a pod declares public. */
interface PublicView {
  readonly names: ReadonlySet<string>;
  readonly bad: readonly string[];
}

/**
 * The engine, with what it remembers across pods: parsed images, keyring lookups, and the pull secret keys of the
 * whole output (the evidence that an image is private). One per app, manifest check or policy pass.
 */
export class PullEngine {
  /** The parser every keyring lookup uses. */
  public readonly urls: CachingUrlParser;
  private readonly refs: Map<string, ImageReference | string>;
  private readonly lookups: Map<string, Map<string, string[]>>;
  private readonly publicNames: Map<string, string | undefined>;

  /**
   * @param evidenceKeys the keys of every pull secret of the output, with the secret that holds each
   * @param rememberImages keep every parsed image (a policy's passes read the same images again; the constructs' one
   * check of each pod would only fill a map)
   */
  constructor(private readonly evidenceKeys: readonly { readonly key: string; readonly secret: string }[] = [], urls?: CachingUrlParser,
    shared?: PullEngine, private readonly rememberImages = true) {
    this.urls = shared?.urls ?? urls ?? new CachingUrlParser();
    this.rememberImages = shared?.rememberImages ?? rememberImages;
    this.refs = shared?.refs ?? new Map();
    this.lookups = shared?.lookups ?? new Map();
    this.publicNames = shared?.publicNames ?? new Map();
  }

  /** An engine with other evidence and the same caches (what it remembers depends only on the images and keys). */
  public withEvidence(evidenceKeys: readonly { readonly key: string; readonly secret: string }[]): PullEngine {
    return new PullEngine(evidenceKeys, undefined, this);
  }

  /** The parsed image, or why the kubelet rejects it. */
  public ref(image: string): ImageReference | string {
    let ref = this.refs.get(image);
    if (ref === undefined) {
      try {
        ref = parseImageReference(image);
      } catch (e) {
        ref = (e as Error).message;
      }
      if (this.rememberImages) this.refs.set(image, ref);
    }
    return ref;
  }

  /** The repository a public-images entry names; undefined when it is no valid reference. */
  public publicName(entry: string): string | undefined {
    if (!this.publicNames.has(entry)) {
      const ref = this.ref(entry);
      this.publicNames.set(entry, typeof ref === 'string' ? undefined : ref.name);
    }
    return this.publicNames.get(entry);
  }

  private readonly views = new WeakMap<readonly PullSecretFacts[], Map<string, SecretsView>>();
  private readonly appended = new WeakMap<readonly PullSecretFacts[], WeakMap<PullSecretFacts, PullSecretFacts[]>>();
  private readonly declared = new WeakMap<readonly string[], WeakMap<object, PublicView>>();

  /** What the kubelet makes of a pod's list of secrets, remembered per list (pods of a manifest share them). */
  private secretsView(secrets: readonly PullSecretFacts[], namespace: string | undefined, shared: boolean): SecretsView {
    // a list made for one pod is not remembered: thousands of keys in a WeakMap cost the garbage collector more than they save
    let byNamespace = shared ? this.views.get(secrets) : undefined;
    if (shared && byNamespace === undefined) {
      byNamespace = new Map();
      this.views.set(secrets, byNamespace);
    }
    let view = byNamespace?.get(namespace ?? '');
    if (view !== undefined) return view;
    const readable: PullSecretFacts[] = [];
    const unknown: PullSecretFacts[] = [];
    const elsewhere: PullSecretFacts[] = [];
    const problems: string[] = [];
    let broken: PullSecretFacts | undefined;
    for (const secret of secrets) {
      if (secret.namespaceKnown && secret.namespace !== namespace) {
        elsewhere.push(secret);
      } else if (secret.error !== undefined) {
        broken ??= secret;
        problems.push(`pull secret '${secret.name}' ${secret.error}`);
      } else if (secret.servers === undefined) {
        unknown.push(secret);
      } else {
        readable.push(secret);
        if (secret.policy) continue;
        for (const server of secret.servers) {
          const keyError = this.keyError(server);
          if (keyError) problems.push(`secret '${secret.name}': ${keyError}`);
        }
      }
    }
    // one secret (the common case): its own list of keys, not a copy
    const keys = readable.length === 1 ? readable[0].servers! : readable.flatMap((s) => s.servers!);
    view = { readable, unknown, elsewhere, broken, keys, signature: keys.length === 1 ? keys[0] : keys.join('\n'), problems,
      onlyHost: keys.length === 1 ? this.plainHost(keys[0]) : undefined };
    byNamespace?.set(namespace ?? '', view);
    return view;
  }

  private readonly plainHosts = new Map<string, string | undefined>();
  private readonly keyErrors = new Map<string, string | undefined>();

  /** Why the kubelet skips the key (`registryKeyError`), remembered per key. */
  private keyError(key: string): string | undefined {
    if (this.keyErrors.has(key)) return this.keyErrors.get(key);
    const error = registryKeyError(key, this.urls);
    this.keyErrors.set(key, error);
    return error;
  }

  /** The key as normalized when it is a plain `host[:port]` (no path, no pattern), remembered per key. */
  private plainHost(key: string): string | undefined {
    if (this.plainHosts.has(key)) return this.plainHosts.get(key);
    const normalized = normalizeRegistryKey(key, this.urls);
    const host = normalized !== undefined && normalized.path === '' && !/[*?[\]\\]/.test(normalized.key) ? normalized.key : undefined;
    this.plainHosts.set(key, host);
    return host;
  }

  private readonly policySecrets = new WeakMap<PolicyFacts, Map<string, PullSecretFacts>>();

  /** The secret the policy writes into a namespace, one object per namespace (the caches key on it). */
  private policySecret(policy: PolicyFacts, namespace: string | undefined): PullSecretFacts {
    let byNamespace = this.policySecrets.get(policy);
    if (byNamespace === undefined) {
      byNamespace = new Map();
      this.policySecrets.set(policy, byNamespace);
    }
    let secret = byNamespace.get(namespace ?? '');
    if (secret === undefined) {
      secret = { name: policy.secretName, servers: policy.servers, namespaceKnown: true, namespace, form: 'construct', policy: true };
      byNamespace.set(namespace ?? '', secret);
    }
    return secret;
  }

  /** The list with the policy's secret at the end, remembered per list. */
  private withPolicySecret(secrets: readonly PullSecretFacts[], policySecret: PullSecretFacts): PullSecretFacts[] {
    let bySecret = this.appended.get(secrets);
    if (bySecret === undefined) {
      bySecret = new WeakMap();
      this.appended.set(secrets, bySecret);
    }
    let list = bySecret.get(policySecret);
    if (list === undefined) {
      list = [...secrets, policySecret];
      bySecret.set(policySecret, list);
    }
    return list;
  }

  /** The repositories declared public (the pod's and the policy's), and the pod's entries that are no reference. */
  private publicView(list: readonly string[] | undefined, policy: PolicyFacts | undefined): PublicView {
    const own = list ?? NO_IMAGES;
    let byPolicy = this.declared.get(own);
    if (byPolicy === undefined) {
      byPolicy = new WeakMap();
      this.declared.set(own, byPolicy);
    }
    const policyKey = policy ?? NO_IMAGES;
    let view = byPolicy.get(policyKey);
    if (view === undefined) {
      const names = new Set<string>();
      const bad: string[] = [];
      for (const entry of own) {
        const name = this.publicName(entry);
        if (name !== undefined) names.add(name);
        else bad.push(entry);
      }
      for (const entry of policy?.publicImages ?? []) {
        const name = this.publicName(entry);
        if (name !== undefined) names.add(name);
      }
      view = { names, bad };
      byPolicy.set(policyKey, view);
    }
    return view;
  }

  /** The keys that match, in the kubelet's order, remembered per set of keys. */
  private matching(keys: readonly string[], signature: string, ref: ImageReference): string[] {
    let byImage = this.lookups.get(signature);
    if (byImage === undefined) {
      byImage = new Map();
      this.lookups.set(signature, byImage);
    }
    let found = byImage.get(ref.name);
    if (found === undefined) {
      found = matchingKeys(keys, ref, this.urls);
      byImage.set(ref.name, found);
    }
    return found;
  }

  /**
   * Judges every image of a pod. With a policy, the policy's secret counts for the pod only when some image needs it
   * (nothing else covers it and it is not declared public), as the policy adds it only then.
   */
  public resolvePod(pod: PodFacts): PodVerdicts {
    if (pod.policy === undefined) return this.judge(pod, undefined);
    const policy = pod.policy;
    const listed = pod.secrets.some((s) => s.policy);
    const withPolicy = this.judge(pod, policy, listed ? undefined : this.policySecret(policy, pod.namespace));
    if (withPolicy.policyKeys.size > 0 || listed) return withPolicy;
    // the policy leaves the pod as it is: judge it so
    return this.judge(pod, policy);
  }

  private judge(pod: PodFacts, policy: PolicyFacts | undefined, policySecret?: PullSecretFacts): PodVerdicts {
    const errors: PullCheckError[] = [];
    const warnings: PullCheckWarning[] = [];
    const at = pod.path === undefined ? '' : `${pod.path}: `;
    const fail = (rule: PullCheckRule, message: string, location?: string): void => {
      errors.push({ rule, message: at + message, location });
    };
    const warn = (message: string, location?: string): void => {
      warnings.push({ message: at + message, location });
    };
    const source = pod.secretsSource ?? 'imagePullSecrets';
    const secrets = policySecret === undefined ? pod.secrets : this.withPolicySecret(pod.secrets, policySecret);
    const noPullSecrets = (pod.noPullSecrets ?? false) && policySecret === undefined;
    const view = this.secretsView(secrets, pod.namespace, pod.secretsShared === true || policySecret !== undefined);
    const { readable, unknown, elsewhere, broken, keys, signature, problems } = view;
    if (!pod.secretProblemsReported) for (const problem of problems) fail(PullCheckRule.SECRET_CONTENT, problem, pod.secretsLocation);

    // a bad entry is a finding, not an exception: the other images are still judged
    const declared = this.publicView(pod.publicImages, policy);
    for (const entry of declared.bad) {
      fail(PullCheckRule.IMAGE_REFERENCE, `${pod.publicImagesSource ?? 'publicImages'}: ${this.ref(entry) as string}`, pod.publicImagesLocation);
    }
    const publicNames = declared.names;

    const node = pod.node ?? NO_NODE_FACTS;
    const providers = pod.nodeProviders === undefined || pod.nodeProviders.length === 0 ? node.providers : [...node.providers, ...pod.nodeProviders];
    const policyKeys = new Set<string>();
    const images: ImageVerdict[] = [];
    const explained = new Set<PullSecretFacts>();

    for (const use of pod.containers) {
      const parsed = this.ref(use.image);
      // the common case: a key matches; it needs no message
      if (typeof parsed !== 'string' && keys.length > 0 && broken === undefined && use.pullPolicy !== 'Never' &&
        !isUpperCaseOnlyHost(parsed.domain)) {
        // one key that is exactly the image's registry (the common case) matches it and nothing else can: no lookup
        const matched = view.onlyHost === parsed.domain ? keys : this.matching(keys, signature, parsed);
        if (matched.length > 0) {
          const credentials = credentialsOf(readable, matched);
          const declaredPublic = publicNames.has(parsed.name);
          if (!declaredPublic && credentials.every((c) => c.secret.policy)) policyKeys.add(credentials[0].server);
          images.push({ use, ref: parsed, verdict: 'secret', severity: 'ok', credentials, declaredPublic });
          continue;
        }
      }
      const what = describeUse(use);
      const image = `${what} image '${use.image}'`;
      const verdict = (v: Omit<ImageVerdict, 'use' | 'credentials' | 'declaredPublic'> & Partial<ImageVerdict>): void => {
        images.push({ use, credentials: [], declaredPublic: false, ...v });
        if (v.message === undefined) return;
        if (v.severity === 'error') errors.push({ rule: v.rule!, message: v.message, location: use.location });
        else if (v.severity === 'warning') warnings.push({ message: v.message, location: use.location });
      };
      if (typeof parsed === 'string') {
        verdict({ verdict: 'not covered', severity: 'error', rule: PullCheckRule.IMAGE_REFERENCE, failsBeforePull: true,
          message: `${at}${what}: ${parsed}; the kubelet fails it with InvalidImageName` });
        continue;
      }
      const ref = parsed;
      // the keyring would match 'JaneDoe/app' with Docker Hub credentials, unless a key names that host
      const upperCaseHost = noPullSecrets ? undefined : upperCaseHostProblem(use.image, ref, keys, this.urls);
      if (upperCaseHost !== undefined) {
        verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.IMAGE_REFERENCE, failsBeforePull: true,
          message: `${at}${what}: ${upperCaseHost}` });
        continue;
      }
      const declaredPublic = publicNames.has(ref.name);
      if (broken !== undefined) {
        verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.SECRET_CONTENT, failsBeforePull: true, declaredPublic,
          message: `${at}${image} is not pulled: pull secret '${broken.name}' cannot be decoded, so the kubelet fails every pull of the ` +
            'pod: regenerate the Secret' });
        continue;
      }
      const matched = keys.length === 0 ? [] : this.matching(keys, signature, ref);
      if (matched.length > 0) {
        const credentials = credentialsOf(readable, matched);
        if (credentials.every((c) => c.secret.policy) && !declaredPublic) policyKeys.add(credentials[0].server);
        verdict({ ref, verdict: 'secret', severity: 'ok', credentials, declaredPublic });
        cachedImage(image, use, ref);
        continue;
      }
      const matches = providers.length === 0 ? [] : matchNodeProviders(providers, ref);
      if (matches.length > 0) {
        const problem = nodeProblem(image, use, matches);
        if (problem !== undefined) {
          verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.NODE_CREDENTIALS, declaredPublic, message: problem });
        } else {
          verdict({ ref, verdict: 'node', severity: 'ok', node: matches.find((m) =>
            serviceAccountProblem(m, pod.serviceAccount ?? { name: 'default' }) === undefined) ?? matches[0], declaredPublic });
          cachedImage(image, use, ref);
        }
        continue;
      }
      const official = ref.domain === 'docker.io' && ref.path.startsWith('library/');
      if (declaredPublic || official) {
        if (ref.domain === 'docker.io' && node.dockerHubCredentialsRequired) {
          verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.DOCKER_HUB, declaredPublic,
            message: `${at}${dockerHubAnonymous(image, official && !declaredPublic)} (dockerHubCredentialsRequired is set)` });
        } else if (ref.domain === 'docker.io') {
          verdict({ ref, verdict: 'public', severity: 'warning', declaredPublic,
            message: `${at}${dockerHubAnonymous(image, official && !declaredPublic)}, or set dockerHubCredentialsRequired to make this an error` });
        } else {
          verdict({ ref, verdict: 'public', severity: 'ok', declaredPublic });
        }
        continue;
      }
      if (unknown.length > 0) {
        verdict({ ref, verdict: 'undeclared', severity: 'warning',
          message: `${at}${image} is not covered by any pull secret whose servers are known, and the check cannot judge ` +
            `${unknown.map((s) => `'${s.name}'`).join(', ')} (not in the output, or its servers not declared): put the Secret in the output, ` +
            'declare its servers (PrivateRegistrySecret.fromRegistrySecretName(scope, id, name, { servers: [...] }), or the ' +
            `'private-registry.cdk8s.io/servers' annotation), ${FIX_PUBLIC}` });
        continue;
      }
      if (noPullSecrets) {
        // never assume public: an image whose registry some pull secret in the output has credentials for is private. Not
        // by the Docker Hub fallback, nor by a key for all of Docker Hub, which serves public images to everyone: there
        // only a key with a path (docker.io/acme) says that the image is private
        const evidence = this.evidenceKeys.filter((k) => keyMatchesImage(k.key, ref, this.urls) &&
          (ref.domain !== 'docker.io' || normalizeRegistryKey(k.key, this.urls)?.path !== ''));
        if (evidence.length > 0) {
          verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.IMAGE_COVERAGE,
            message: `${at}${image} (repository '${ref.name}') is pulled without credentials: the pod lists no imagePullSecrets and its ` +
              `service account lends none, but pull secret ${evidence.map((e) => `'${e.secret}'`).join(', ')} holds credentials for its ` +
              `registry (key ${evidence.map((e) => `'${displayKey(e.key)}'`).join(', ')}), so the image is private and the kubelet would ` +
              'fail with ErrImagePull: add that secret to the pod\'s imagePullSecrets, or declare the image public (publicImages) or ' +
              'node-provided (nodeImages, credentialProviderConfig)' });
          continue;
        }
        // a key of the output that is a near miss of the image's registry (a typo, another port or case) says it is private
        // too; another repository of the same registry, or another Docker Hub spelling, does not
        const misses = this.evidenceKeys.length === 0 ? [] : findNearMisses([...new Set(this.evidenceKeys.map((k) => k.key))], ref, this.urls)
          .filter((m) => m.kind !== NearMissKind.PATH && m.kind !== NearMissKind.DOCKER_HUB);
        if (misses.length > 0) {
          const corrected = misses.find((m) => m.correctedImage !== undefined)?.correctedImage;
          const add = `add a pull secret with a registry for '${registryServer(ref)}' to the pod, ${FIX_PUBLIC}`;
          verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.IMAGE_COVERAGE,
            message: `${at}${image} (repository '${ref.name}') is pulled without credentials: the pod lists no imagePullSecrets and its ` +
              `service account lends none; ${[...new Set(misses.map((m) => m.hint))].join('; ')}; the kubelet would pull it anonymously and ` +
              `fail with ErrImagePull: ${corrected === undefined ? add : `did you mean '${corrected}': fix the image, or ${add}`}` });
        } else {
          verdict({ ref, verdict: 'undeclared', severity: 'warning',
            message: `${at}${image} is pulled without credentials: the pod lists no imagePullSecrets, its service account lends none, and ` +
              'nothing declares the image public or node-provided, so it pulls only if it is public: declare it public (publicImages) or ' +
              'node-provided (nodeImages, credentialProviderConfig), or add a pull secret' });
        }
        continue;
      }
      verdict({ ref, verdict: 'not covered', severity: 'error', rule: PullCheckRule.IMAGE_COVERAGE,
        message: at + this.uncoveredMessage(image, ref, readable, elsewhere, pod.namespace, source, explained) });
    }
    // a secret in another namespace that no image's message has named already
    for (const secret of elsewhere) {
      if (!explained.has(secret)) fail(PullCheckRule.SECRET_NAMESPACE, wrongNamespace(secret, pod.namespace), pod.secretsLocation);
    }
    return { images, errors, warnings, policyKeys };

    /** Why a matching node provider would not be invoked for the pod (an error), or undefined; warns when it cannot be judged. */
    function nodeProblem(image: string, use: ContainerFacts, matches: NodeProviderMatch[]): string | undefined {
      const sa = pod.serviceAccount ?? { name: 'default' };
      const problems = matches.map((m) => serviceAccountProblem(m, sa));
      if (problems.some((p) => p === undefined)) {
        const unjudged = matches.filter((m) => m.provider.tokenAttributes && sa.annotations === undefined);
        if (unjudged.length === matches.length) {
          const needed = [...new Set(unjudged.flatMap((m) => m.provider.tokenAttributes!.requiredServiceAccountAnnotationKeys))];
          // a provider that requires no annotation is invoked for any service account: nothing to judge
          if (needed.length > 0) {
            warn(`${image} relies on credential provider ${unjudged.map((m) => `'${m.provider.name}'`).join(', ')}, which needs annotations ` +
              `on the pod's service account '${sa.name ?? '(none)'}', and that ServiceAccount is not in the output, so the check cannot judge ` +
              `it: make sure it carries ${needed.map((k) => `'${k}'`).join(', ')}`, use.location);
          }
        }
        return undefined;
      }
      return `${at}${image}: ${problems.join('; ')}`;
    }

    /**
     * An image with `imagePullPolicy: Never` is never pulled: it must already be on the node, and under KEP-2535 the
     * kubelet may have to verify the pod's credentials for it, which it cannot do without a pull.
     */
    function cachedImage(image: string, use: ContainerFacts, ref: ImageReference): void {
      if (use.pullPolicy !== 'Never') return;
      const verification = node.verificationPolicy;
      const named = verification ?? `${DEFAULT_VERIFICATION_POLICY} (the kubelet's default; none declared)`;
      let why: string;
      if (verification === ImagePullCredentialsVerificationPolicy.NEVER_VERIFY) {
        why = 'works only where the image is already on every node';
      } else if (verification === ImagePullCredentialsVerificationPolicy.ALWAYS_VERIFY) {
        why = 'the kubelet verifies the pod\'s credentials for every image on the node and cannot without a pull, so it works only where ' +
          'the kubelet pulled the image before with the same credentials';
      } else if (verification === ImagePullCredentialsVerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES && !isAllowlisted(node, ref)) {
        why = 'the image is not in preloadedImagesVerificationAllowlist, so the kubelet verifies the pod\'s credentials and cannot ' +
          'without a pull: it works only where the kubelet pulled the image before with the same credentials';
      } else {
        why = 'works only where the image was preloaded on every node (not pulled by the kubelet, which would then verify the ' +
          'pod\'s credentials without being able to pull)';
      }
      warn(`${image} is private and has imagePullPolicy Never: under imagePullCredentialsVerificationPolicy ${named} ` +
        `it ${why}; use IfNotPresent so that the kubelet can pull and verify`, use.location);
    }
  }

  /** The one wording of `not covered` for a pod whose pull secrets do not match the image. */
  private uncoveredMessage(image: string, ref: ImageReference, readable: PullSecretFacts[], elsewhere: PullSecretFacts[],
    namespace: string | undefined, source: string, explained: Set<PullSecretFacts>): string {
    const tried = readable.flatMap((s) => s.servers!.map((server) => {
      const normalized = normalizeRegistryKey(server, this.urls);
      const as = normalized && normalized.key !== server ? ` (as '${displayKey(normalized.key)}')` : '';
      return `'${displayKey(server)}'${as} in '${s.name}'`;
    }));
    const keys = [...new Set(readable.flatMap((s) => s.servers!))];
    const misses = findNearMisses(keys, ref, this.urls);
    const notes = misses.map((m) => m.hint);
    for (const s of elsewhere) {
      if (s.servers === undefined || matchingKeys(s.servers, ref, this.urls).length > 0) {
        explained.add(s);
        notes.push(wrongNamespace(s, namespace));
      }
    }
    const corrected = misses.find((m) => m.correctedImage !== undefined)?.correctedImage;
    const server = registryServer(ref);
    let fix: string;
    if (registryHost(ref).startsWith('[') && !keyMatchesImage(ref.domain, ref, this.urls)) {
      fix = portFix(ref, misses.find((m) => m.kind === NearMissKind.GLOB));
    } else if (corrected !== undefined) {
      fix = `did you mean '${corrected}': fix the image, or add a registry for '${server}' to one of the pod's pull secrets, ${FIX_PUBLIC}`;
    } else {
      fix = `add a registry for '${server}' to one of the pod's pull secrets, ${FIX_PUBLIC}`;
    }
    return `${image} (repository '${ref.name}') is not covered by any pull secret in ${source}; ` +
      `tried ${tried.length ? tried.join(', ') : 'no keys'}${notes.length ? `; ${notes.join('; ')}` : ''}; ` +
      `the kubelet would pull it anonymously and fail with ErrImagePull: ${fix}`;
  }
}

/** The server to add for an image; for Docker Hub the key `docker login` writes, which the kubelet finds for every Docker Hub image. */
export function registryServer(ref: ImageReference): string {
  return ref.domain === 'docker.io' ? 'https://index.docker.io/v1/' : registryHost(ref);
}

/** The one wording for a pull secret the kubelet does not read because it is in another namespace. */
function wrongNamespace(secret: PullSecretFacts, namespace: string | undefined): string {
  return `pull secret '${secret.name}' is in ${describeNamespace(secret.namespace)} but the pod is in ${describeNamespace(namespace)}; the ` +
    'kubelet reads pull secrets only from the pod\'s own namespace and would pull anonymously: put both in the same namespace ' +
    '(metadata.namespace, or the chart\'s namespace)';
}

function dockerHubAnonymous(image: string, official: boolean): string {
  return `${image} is ${official ? 'a Docker Hub official image (public), ' : ''}pulled from Docker Hub without credentials, which allows 10 ` +
    'pulls per hour per address (since 2025-04-01): add a pull secret for \'https://index.docker.io/v1/\' with a Docker Hub account or ' +
    'access token';
}

/** The credentials for the matched keys: each key string maps back to its entries in input order. */
function credentialsOf(secrets: readonly PullSecretFacts[], matched: readonly string[]): PullCredential[] {
  if (secrets.length === 1 && matched.length === 1) {
    const secret = secrets[0];
    const i = secret.servers!.indexOf(matched[0]);
    return [{ secret, server: matched[0], entry: secret.entries?.[i] }];
  }
  const queues = new Map<string, PullCredential[]>();
  for (const secret of secrets) {
    secret.servers!.forEach((server, i) => {
      const credential = { secret, server, entry: secret.entries?.[i] };
      const queue = queues.get(server);
      if (queue) queue.push(credential);
      else queues.set(server, [credential]);
    });
  }
  return matched.map((key) => queues.get(key)!.shift()!);
}

/** `container 'app'`, `init container 'wait'`, `image volume 'data'`: the subject of a message. */
export function describeUse(use: ContainerFacts): string {
  return `${use.kind ?? (use.init ? 'init container' : 'container')} '${use.name}'`;
}

/**
 * The fix for an image whose registry no key can match as written (a bracketed IPv6 address without a port): the
 * port of the key meant for it, or 443, in both the image and the server. A GLOB near miss has already said why.
 */
function portFix(ref: ImageReference, glob: NearMiss | undefined): string {
  const port = glob ? normalizeRegistryKey(glob.key)!.port : '';
  const server = `${ref.domain}:${port || '443'}`;
  const image = formatImageReference({ ...ref, domain: server, name: `${server}/${ref.path}` });
  return (glob ? '' : `${globHint('', ref)}; `) + `for example the image '${image}' with a registry for '${server}', ${FIX_PUBLIC}`;
}
