/**
 * The synth-time pull check: for each container image of a pod, would the kubelet find credentials in the pod's pull
 * secrets? Pure logic on plain facts, shared by the constructs (`node.addValidation`) and the cdk8s validation plugin
 * (which reads the synthesized manifests).
 */
import { CachingUrlParser, UrlParser } from '../go/url';
import { ImageUseKind } from './manifest-model';
import { describeNamespace } from './messages';
import { DEFAULT_VERIFICATION_POLICY, ImagePullCredentialsVerificationPolicy, NO_NODE_FACTS, NodeFacts, isAllowlisted } from './node-facts';
import { NodeProviderMatch, PodServiceAccount, matchNodeProviders, serviceAccountProblem } from '../kubelet/credential-providers';
import { ImageReference, formatImageReference, parseImageReference } from '../kubelet/image-reference';
import {
  NearMiss, NearMissKind, displayKey, findNearMisses, globHint, hasMatchingKey, keyMatchesImage, normalizeRegistryKey,
  registryHost, registryKeyError, upperCaseHostProblem,
} from '../kubelet/keyring';

/** What is known at synth time about one pull secret a pod lists. */
export interface PullSecretFacts {
  /** The Secret's name. */
  readonly name: string;
  /**
   * The keys under `auths`.
   *
   * @default - unknown: images cannot be judged against this secret
   */
  readonly servers?: string[];
  /**
   * Whether `namespace` is known. A secret referred to by name without a declared namespace is assumed to be in the
   * pod's namespace.
   *
   * @default false
   */
  readonly namespaceKnown?: boolean;
  /**
   * The namespace the Secret is created in; undefined (when known) means no namespace is set, so it lands in
   * kubectl's current namespace.
   *
   * @default - none
   */
  readonly namespace?: string;
}

/** One container of a pod. */
export interface ContainerFacts {
  /** The container's name. */
  readonly name: string;
  /** The image as written. */
  readonly image: string;
  /**
   * Whether it is an init container, for messages.
   *
   * @default false
   */
  readonly init?: boolean;
  /**
   * How the pod uses the image, for messages: a container, an init or ephemeral container, or an image volume.
   *
   * @default - from `init`
   */
  readonly kind?: ImageUseKind;
  /**
   * `imagePullPolicy`, when set.
   *
   * @default - not set
   */
  readonly pullPolicy?: string;
  /**
   * Where the image is in the object, as a JSON path (`spec.template.spec.containers[0].image`), for reports.
   *
   * @default - not known
   */
  readonly location?: string;
}

/** What the check needs to know about one pod (or pod template). */
export interface PodFacts {
  /**
   * Names the pod at the start of each message: `Kind namespace/name` of a manifest. Left out for a construct, whose
   * path cdk8s puts in front of a validation message itself.
   *
   * @default - messages start with what is wrong
   */
  readonly path?: string;
  /**
   * The pod's namespace; undefined means none is set (kubectl's current namespace).
   *
   * @default - none
   */
  readonly namespace?: string;
  /** Every container and init container. */
  readonly containers: ContainerFacts[];
  /** The pull secrets the kubelet will read for this pod, in order. */
  readonly secrets: PullSecretFacts[];
  /**
   * Where the secrets come from, for messages (`imagePullSecrets`, or the service account's).
   *
   * @default 'imagePullSecrets'
   */
  readonly secretsSource?: string;
  /**
   * Where the pull secrets are named in the object, as a JSON path, for reports.
   *
   * @default - not known
   */
  readonly secretsLocation?: string;
  /**
   * Images or repositories declared public: they are pulled without credentials on purpose and not checked.
   *
   * @default - none
   */
  readonly publicImages?: string[];
  /**
   * Where `publicImages` was declared, for the message when an entry is not a valid reference.
   *
   * @default 'publicImages'
   */
  readonly publicImagesSource?: string;
  /**
   * The URL parser for registry keys and image names: one that remembers, shared by every pod of an app or a manifest
   * check, saves parsing the same few keys thousands of times.
   *
   * @default - a parser of its own
   */
  readonly urls?: UrlParser;
  /**
   * What the nodes provide and how they verify cached images.
   *
   * @default - nothing declared
   */
  readonly node?: NodeFacts;
  /**
   * The service account the pod runs as, for credential providers that need its token (KEP-4412).
   *
   * @default - unknown
   */
  readonly serviceAccount?: PodServiceAccount;
  /**
   * The pod has no pull secrets at all, neither its own nor its service account's. An image that no declaration covers
   * is then reported in `undeclared`, and is an error only when some pull secret in `evidenceKeys` holds credentials
   * for its registry (the image is evidently private).
   *
   * @default false
   */
  readonly noPullSecrets?: boolean;
  /**
   * The keys of every pull secret in the output, with the secret that holds each, for `noPullSecrets`.
   *
   * @default - none
   */
  readonly evidenceKeys?: { readonly key: string; readonly secret: string }[];
  /**
   * Where `publicImages` is in the object, as a JSON path, for reports.
   *
   * @default - not known
   */
  readonly publicImagesLocation?: string;
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
  /** The rule. */
  readonly rule: PullCheckRule;
  /** One line: what is wrong, the values, and how to fix it. */
  readonly message: string;
  /**
   * Where in the object the problem is, as a JSON path (`spec.containers[0].image`).
   *
   * @default - the object as a whole
   */
  readonly location?: string;
}

/** Something that may fail later or that the check cannot judge: synthesis goes on. */
export interface PullCheckWarning {
  /** One line. */
  readonly message: string;
  /**
   * Where in the object, as a JSON path.
   *
   * @default - the object as a whole
   */
  readonly location?: string;
}

/** The outcome of checking one pod. */
export interface PullCheckResult {
  /** What would make the kubelet fail the pull; synthesis fails on these. */
  readonly errors: PullCheckError[];
  /** What the check cannot judge, or what may fail later; printed, synthesis goes on. */
  readonly warnings: PullCheckWarning[];
  /** Images of a pod without pull secrets that nothing declares public or node-provided: pulled anonymously. */
  readonly undeclared: { readonly image: string; readonly what: string; readonly location?: string }[];
}

/** Checks one pod as the kubelet would pull its images. */
export function checkPodPulls(pod: PodFacts): PullCheckResult {
  const urls = pod.urls ?? new CachingUrlParser();
  const errors: PullCheckError[] = [];
  const warnings: PullCheckWarning[] = [];
  const at = pod.path === undefined ? '' : `${pod.path}: `;
  const fail = (rule: PullCheckRule, message: string, location?: string): void => {
    errors.push({ rule, message: at + message, location });
  };
  const source = pod.secretsSource ?? 'imagePullSecrets';

  for (const secret of pod.secrets) {
    if (secret.namespaceKnown && secret.namespace !== pod.namespace) {
      fail(PullCheckRule.SECRET_NAMESPACE,
        `pull secret '${secret.name}' is in ${describeNamespace(secret.namespace)} but the pod is in ` +
        `${describeNamespace(pod.namespace)}; the kubelet reads pull secrets only from the pod's own namespace and would pull ` +
        'anonymously: put both in the same namespace (metadata.namespace, or the chart\'s namespace)', pod.secretsLocation);
    }
    for (const server of secret.servers ?? []) {
      const keyError = registryKeyError(server, urls);
      if (keyError) fail(PullCheckRule.SECRET_CONTENT, `secret '${secret.name}': ${keyError}`, pod.secretsLocation);
    }
  }

  // a bad entry is a finding, not an exception: the other images are still judged
  const publicNames = new Set<string>();
  for (const image of pod.publicImages ?? []) {
    try {
      publicNames.add(parseImageReference(image).name);
    } catch (e) {
      fail(PullCheckRule.IMAGE_REFERENCE, `${pod.publicImagesSource ?? 'publicImages'}: ${(e as Error).message}`, pod.publicImagesLocation);
    }
  }

  const known = pod.secrets.filter((s) => s.servers !== undefined);
  const unknown = pod.secrets.filter((s) => s.servers === undefined);
  const keys = known.flatMap((s) => s.servers!);

  const node = pod.node ?? NO_NODE_FACTS;
  const undeclared: PullCheckResult['undeclared'] = [];
  for (const container of pod.containers) {
    let ref: ImageReference;
    try {
      ref = parseImageReference(container.image);
    } catch (e) {
      fail(PullCheckRule.IMAGE_REFERENCE, `${describeUse(container)}: ${(e as Error).message}`, container.location);
      continue;
    }
    // the keyring would match 'JaneDoe/app' with Docker Hub credentials, so the check would pass a pull that fails
    const upperCaseHost = pod.noPullSecrets ? undefined : upperCaseHostProblem(container.image, ref, keys, urls);
    // an image a pull secret covers is pulled with it, declared public or not; the common case needs no message: build none
    if (!pod.noPullSecrets && upperCaseHost === undefined && hasMatchingKey(keys, ref, urls)) {
      if (container.pullPolicy === 'Never') cachedImage(`${describeUse(container)} image '${container.image}'`, container, ref);
      continue;
    }
    const what = describeUse(container);
    if (upperCaseHost !== undefined) {
      fail(PullCheckRule.IMAGE_REFERENCE, `${what}: ${upperCaseHost}`, container.location);
      continue;
    }
    const image = `${what} image '${container.image}'`;
    const anonymous = (): void => {
      if (ref.domain !== 'docker.io') return;
      const text = `${image} is pulled from Docker Hub without credentials, which allows 10 pulls per hour per address ` +
        '(since 2025-04-01): add a pull secret for \'https://index.docker.io/v1/\' with a Docker Hub account or access token';
      if (node.dockerHubCredentialsRequired) fail(PullCheckRule.DOCKER_HUB, `${text} (dockerHubCredentialsRequired is set)`, container.location);
      else warnings.push({ message: `${at}${text}, or set dockerHubCredentialsRequired to make this an error`, location: container.location });
    };
    if (publicNames.has(ref.name)) {
      anonymous();
      continue;
    }
    const providers = matchNodeProviders(node.providers, ref);
    if (providers.length > 0) {
      nodeProvided(image, container, providers);
      cachedImage(image, container, ref);
      continue;
    }
    if (pod.noPullSecrets) {
      // never assume public: an image whose registry some pull secret in the output has credentials for is private. Not
      // by the Docker Hub fallback, nor by a key for all of Docker Hub, which serves public images to everyone: there
      // only a key with a path (docker.io/acme) says that the image is private
      const evidence = (pod.evidenceKeys ?? []).filter((k) => keyMatchesImage(k.key, ref, urls) &&
        (ref.domain !== 'docker.io' || normalizeRegistryKey(k.key, urls)?.path !== ''));
      if (evidence.length > 0) {
        fail(PullCheckRule.IMAGE_COVERAGE, `${image} (repository '${ref.name}') is pulled without credentials: the pod lists no ` +
          `imagePullSecrets and its service account lends none, but pull secret ${evidence.map((e) => `'${e.secret}'`).join(', ')} ` +
          `holds credentials for its registry (key ${evidence.map((e) => `'${displayKey(e.key)}'`).join(', ')}), so the image is private and the ` +
          'kubelet would fail with ErrImagePull: add that secret to the pod\'s imagePullSecrets, or declare the image public ' +
          '(publicImages) or node-provided (nodeImages, credentialProviderConfig)', container.location);
      } else {
        undeclared.push({ image: container.image, what: `${at}${what}`, location: container.location });
        anonymous();
      }
      continue;
    }
    if (unknown.length > 0) {
      warnings.push({ location: container.location,
        message: `${at}${what} image '${container.image}' is not covered by any secret whose servers are known, and ` +
          `the check cannot judge ${unknown.map((s) => `'${s.name}'`).join(', ')} (servers not declared); declare them with ` +
          'PrivateRegistrySecret.fromRegistrySecretName(scope, id, name, { servers: [...] })' });
      continue;
    }
    fail(PullCheckRule.IMAGE_COVERAGE, uncoveredMessage(what, container.image, ref, known, source), container.location);
  }
  return { errors, warnings, undeclared };

  /** A service-account-token provider (KEP-4412) is invoked only for a pod whose service account carries its annotations. */
  function nodeProvided(image: string, container: ContainerFacts, matches: NodeProviderMatch[]): void {
    const sa = pod.serviceAccount ?? { name: 'default' };
    const problems = matches.map((m) => serviceAccountProblem(m, sa));
    if (problems.some((p) => p === undefined)) {
      const unjudged = matches.filter((m) => m.provider.tokenAttributes && sa.annotations === undefined);
      if (unjudged.length === matches.length) {
        const keys = [...new Set(unjudged.flatMap((m) => m.provider.tokenAttributes!.requiredServiceAccountAnnotationKeys))];
        // a provider that requires no annotation is invoked for any service account: nothing to judge
        if (keys.length === 0) return;
        warnings.push({ location: container.location,
          message: `${at}${image} relies on credential provider ${unjudged.map((m) => `'${m.provider.name}'`).join(', ')}, which ` +
            `needs annotations on the pod's service account '${sa.name ?? '(none)'}', and that ServiceAccount is not in the output, ` +
            `so the check cannot judge it: make sure it carries ${keys.map((k) => `'${k}'`).join(', ')}` });
      }
      return;
    }
    fail(PullCheckRule.NODE_CREDENTIALS, `${image}: ${problems.join('; ')}`, container.location);
  }

  /**
   * An image with `imagePullPolicy: Never` is never pulled: it must already be on the node, and under KEP-2535 the kubelet
   * may have to verify the pod's credentials for it, which it cannot do without a pull.
   */
  function cachedImage(image: string, container: ContainerFacts, ref: ImageReference): void {
    if (container.pullPolicy !== 'Never') return;
    const policy = node.verificationPolicy;
    const named = policy ?? `${DEFAULT_VERIFICATION_POLICY} (the kubelet's default; none declared)`;
    let why: string;
    if (policy === ImagePullCredentialsVerificationPolicy.NEVER_VERIFY) {
      why = 'works only where the image is already on every node';
    } else if (policy === ImagePullCredentialsVerificationPolicy.ALWAYS_VERIFY) {
      why = 'the kubelet verifies the pod\'s credentials for every image on the node and cannot without a pull, so it works only where ' +
        'the kubelet pulled the image before with the same credentials';
    } else if (policy === ImagePullCredentialsVerificationPolicy.NEVER_VERIFY_ALLOWLISTED_IMAGES && !isAllowlisted(node, ref)) {
      why = 'the image is not in preloadedImagesVerificationAllowlist, so the kubelet verifies the pod\'s credentials and cannot ' +
        'without a pull: it works only where the kubelet pulled the image before with the same credentials';
    } else {
      why = 'works only where the image was preloaded on every node (not pulled by the kubelet, which would then verify the ' +
        'pod\'s credentials without being able to pull)';
    }
    warnings.push({ location: container.location,
      message: `${at}${image} is private and has imagePullPolicy Never: under imagePullCredentialsVerificationPolicy ${named} ` +
        `it ${why}; use IfNotPresent so that the kubelet can pull and verify` });
  }
}

/** `container 'app'`, `init container 'wait'`, `image volume 'data'`: the subject of a message. */
function describeUse(container: ContainerFacts): string {
  return `${container.kind ?? (container.init ? 'init container' : 'container')} '${container.name}'`;
}

function uncoveredMessage(what: string, image: string, ref: ImageReference, known: PullSecretFacts[], source: string): string {
  const tried = known.flatMap((s) => s.servers!.map((server) => {
    const normalized = normalizeRegistryKey(server);
    const as = normalized && normalized.key !== server ? ` (as '${displayKey(normalized.key)}')` : '';
    return `'${displayKey(server)}'${as} in '${s.name}'`;
  }));
  const keys = known.flatMap((s) => s.servers!);
  const misses = findNearMisses(keys, ref);
  const near = misses.map((m) => m.hint);
  return `${what} image '${image}' (repository '${ref.name}') is not covered by any pull secret in ${source}; ` +
    `tried ${tried.length ? tried.join(', ') : 'no keys'}` +
    (near.length ? `; ${near.join('; ')}` : '') +
    '; the kubelet would pull it anonymously and fail with ErrImagePull: ' +
    (!registryHost(ref).startsWith('[') || keyMatchesImage(ref.domain, ref) ? `add a registry whose server matches '${registryHost(ref)}' ` +
      '(for example addRegistry({ server: \'' + registryHost(ref) + '\', ... })), or declare the image public with publicImages'
      : portFix(ref, misses.find((m) => m.kind === NearMissKind.GLOB)));
}

/**
 * The fix for an image whose registry no key can match as written (a bracketed IPv6 address without a port): the
 * port of the key meant for it, or 443, in both the image and the server. A GLOB near miss has already said why.
 */
function portFix(ref: ImageReference, glob: NearMiss | undefined): string {
  const port = glob ? normalizeRegistryKey(glob.key)!.port : '';
  const server = `${ref.domain}:${port || '443'}`;
  const image = formatImageReference({ ...ref, domain: server, name: `${server}/${ref.path}` });
  return (glob ? '' : `${globHint('', ref)}; `) +
    `for example the image '${image}' with addRegistry({ server: '${server}', ... }), or declare the image public with publicImages`;
}
