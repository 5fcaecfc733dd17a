/**
 * For every image of every pod-bearing object of a synth output: which credentials the kubelet will use, in the order
 * it tries them, or why it has none. The one place where the command line decides `secret`, `public`, `node` or
 * `not covered`, kept small so that the pull check can share it. Pure logic on the manifest model.
 *
 * What the kubelet does, and so what this does:
 * - A pod's pull secrets are its `imagePullSecrets`, or, when it lists none, those of its service account (the
 *   ServiceAccount admission plugin copies them into the pod). Only Secrets of the pod's own namespace are read; a
 *   missing one is skipped.
 * - One keyring is built from every entry of every pull secret, in order; for an image it returns the entries of every
 *   matching key, most specific key first (`matchingKeys`), with the Docker Hub fallback. A Secret it cannot decode
 *   fails every pull of the pod. The node's credential providers come after the pull secrets (a union keyring), and
 *   with nothing at all the image is pulled anonymously.
 * - So an image is `secret` when an entry matches (the first is the one used), else `node` when a credential provider
 *   of the node covers it (and would be invoked for this pod), else `public` when it is declared public, else
 *   `not covered`. A declared-public image that a secret also matches is pulled with the secret, as the kubelet does.
 * - A SealedSecret or ExternalSecret counts with the servers its annotation declares (the Secret it makes is not in the
 *   output); a secret that is only referenced, or whose servers are not declared, cannot be judged, and an image that
 *   needs it is `not covered`, saying so: nothing is assumed.
 */
import { PUBLIC_IMAGES_ANNOTATION } from './annotations';
import { ManifestModel, PodObject, PullSecretObject, ImageUse, SecretEntry, ServiceAccountObject, namespacedKey, splitList } from './manifest-model';
import { describeNamespace, serviceAccountNamespaceMessage } from './messages';
import { CachingUrlParser } from '../go/url';
import { NodeCredentialProvider, NodeProviderMatch, matchNodeProviders, serviceAccountProblem } from '../kubelet/credential-providers';
import { ImageReference, parseImageReference } from '../kubelet/image-reference';
import { displayKey, findNearMisses, matchingKeys, registryKeyError, upperCaseHostProblem } from '../kubelet/keyring';

/** How the kubelet gets credentials for an image. */
export type ImageCoverage = 'secret' | 'public' | 'node' | 'not covered';

/** What makes a pull secret: its object's kind, or `referenced only` when no object in the output makes it. */
export type PullSecretForm = 'Secret' | 'SealedSecret' | 'ExternalSecret' | 'referenced only';

/** A pull secret of the output, or one that pods name and the output does not hold. */
export interface PullSecretSummary {
  readonly name: string;
  /** Undefined when none is set (kubectl's current namespace). */
  readonly namespace?: string;
  readonly form: PullSecretForm;
  /** The object, unless the secret is only referenced. */
  readonly object?: PullSecretObject;
}

/** One entry of a pull secret that matches an image: the secret, and the `auths` key as written. */
export interface PullCredential {
  readonly secret: PullSecretSummary;
  readonly server: string;
  /** The decoded entry of a Secret; undefined for a SealedSecret or ExternalSecret, whose content is not readable. */
  readonly entry?: SecretEntry;
}

/** One image of a pod and how it is pulled. */
export interface ImagePull {
  readonly use: ImageUse;
  /** Undefined when the reference is not valid. */
  readonly ref?: ImageReference;
  readonly coverage: ImageCoverage;
  /** Every matching pull secret entry in the kubelet's order; the first is the one it uses. */
  readonly credentials: readonly PullCredential[];
  /** The node's credential provider that covers the image, when one does (tried after the pull secrets). */
  readonly node?: NodeProviderMatch;
  /** Why the image is not covered, in one line; undefined when it is. */
  readonly reason?: string;
  /** The kubelet fails the pull before it asks a registry: an invalid reference, or a pull secret it cannot decode. */
  readonly failsBeforePull?: boolean;
}

/** A pod-bearing object and its images. */
export interface WorkloadPulls {
  readonly pod: PodObject;
  /** The names of the pull secrets the kubelet reads for it, and where they come from. */
  readonly secretNames: readonly string[];
  readonly secretsSource: string;
  /** Pull secrets it names that are not readable: referenced only, or without declared servers. */
  readonly unknownSecrets: readonly string[];
  /** A pull secret the kubelet cannot decode: every pull of the pod fails. */
  readonly brokenSecret?: string;
  readonly images: readonly ImagePull[];
}

/** Everything the command line prints about pulls. */
export interface PullCredentialsReport {
  readonly secrets: readonly PullSecretSummary[];
  readonly workloads: readonly WorkloadPulls[];
  /** One line each, never a secret: everything the kubelet or the API server would refuse or fail. */
  readonly problems: readonly string[];
}

/** What the output itself cannot say. */
export interface PullCredentialsOptions {
  /**
   * Images or repositories pulled without credentials on purpose, for every pod (besides each object's
   * `private-registry.cdk8s.io/public-images` annotation).
   *
   * @default - none
   */
  readonly publicImages?: readonly string[];
  /**
   * The node's credential providers (from the kubelet's credential provider config, or plain patterns).
   *
   * @default - none
   */
  readonly nodeProviders?: readonly NodeCredentialProvider[];
}

/** Decides, for every image of every pod-bearing object, what the kubelet will pull it with. */
export function resolvePullCredentials(model: ManifestModel, options: PullCredentialsOptions = {}): PullCredentialsReport {
  const problems: string[] = [];
  const urls = new CachingUrlParser();
  const globalPublic = new Set((options.publicImages ?? []).map((image) => parseImageReference(image).name));
  const providers = options.nodeProviders ?? [];

  const summaries: PullSecretSummary[] = [];
  const byKey = new Map<string, PullSecretSummary>();
  for (const object of model.secrets) {
    const key = namespacedKey(object.namespace, object.name);
    const summary: PullSecretSummary = { name: object.name, namespace: object.namespace, form: object.kind, object };
    summaries.push(summary);
    const earlier = byKey.get(key);
    // two objects that make it are the manifest model's problem (duplicateSecretProblems): the first is the one described
    if (earlier) continue;
    byKey.set(key, summary);
    if (object.error) problems.push(`${describeSecret(summary)} ${object.error}`);
    for (const server of object.servers ?? []) {
      const keyError = registryKeyError(server);
      if (keyError) problems.push(`${describeSecret(summary)}: ${keyError}`);
    }
  }
  const referenced = (name: string, namespace: string | undefined): PullSecretSummary => {
    const key = namespacedKey(namespace, name);
    let summary = byKey.get(key);
    if (!summary) {
      summary = { name, namespace, form: 'referenced only' };
      byKey.set(key, summary);
      summaries.push(summary);
    }
    return summary;
  };
  const serviceAccounts = new Map<string, ServiceAccountObject>();
  for (const sa of model.serviceAccounts) {
    serviceAccounts.set(namespacedKey(sa.namespace, sa.name), sa);
    for (const name of sa.imagePullSecrets) referenced(name, sa.namespace);
  }

  const workloads: WorkloadPulls[] = [];
  for (const pod of model.pods) {
    const { resource, namespace } = pod;
    for (const p of pod.problems) problems.push(`${resource}: ${p.message}`);
    const sa = serviceAccounts.get(namespacedKey(namespace, pod.serviceAccountName));
    let secretNames = pod.imagePullSecrets;
    let secretsSource = 'imagePullSecrets';
    if (secretNames.length === 0) {
      if (sa) {
        secretNames = sa.imagePullSecrets;
        secretsSource = `the imagePullSecrets of service account '${sa.name}'`;
      } else if (pod.serviceAccountName !== 'default') {
        const elsewhere = model.serviceAccounts.find((s) => s.name === pod.serviceAccountName);
        if (elsewhere) problems.push(serviceAccountNamespaceMessage(resource, elsewhere.name, elsewhere.namespace, namespace));
      }
    }
    secretNames = [...new Set(secretNames)];

    const credentials: PullCredential[] = [];
    const unknownSecrets: string[] = [];
    let brokenSecret: string | undefined;
    for (const name of secretNames) {
      const summary = referenced(name, namespace);
      const object = summary.object;
      if (!object) {
        const elsewhere = model.secrets.find((s) => s.name === name);
        if (elsewhere) {
          problems.push(`${resource}: pull secret '${name}' is in ${describeNamespace(elsewhere.namespace)} but the pod is in ` +
            `${describeNamespace(namespace)}; the kubelet reads pull secrets only from the pod's own namespace: put both in the same namespace`);
        }
        unknownSecrets.push(name);
      } else if (object.error) {
        brokenSecret ??= name;
      } else if (object.servers === undefined) {
        unknownSecrets.push(name);
      } else {
        object.servers.forEach((server, i) => credentials.push({ secret: summary, server, entry: object.entries?.[i] }));
      }
    }

    const publicNames = new Set(globalPublic);
    for (const image of splitList(pod.annotations[PUBLIC_IMAGES_ANNOTATION])) {
      try {
        publicNames.add(parseImageReference(image).name);
      } catch (e) {
        problems.push(`${resource}: annotation '${PUBLIC_IMAGES_ANNOTATION}': ${(e as Error).message}`);
      }
    }

    const images = pod.images.map((use) => {
      const pull = imagePull(use, { credentials, unknownSecrets, brokenSecret, publicNames, providers, pod, sa, secretsSource, urls });
      if (pull.reason) problems.push(`${resource}: ${use.kind} '${use.name}' image '${use.image}' is not covered: ${pull.reason}`);
      return pull;
    });
    workloads.push({ pod, secretNames, secretsSource, unknownSecrets, brokenSecret, images });
  }
  return { secrets: summaries, workloads, problems };
}

interface PodContext {
  readonly credentials: readonly PullCredential[];
  readonly unknownSecrets: readonly string[];
  readonly brokenSecret?: string;
  readonly publicNames: ReadonlySet<string>;
  readonly providers: readonly NodeCredentialProvider[];
  readonly pod: PodObject;
  readonly sa?: ServiceAccountObject;
  readonly secretsSource: string;
  readonly urls: CachingUrlParser;
}

function imagePull(use: ImageUse, c: PodContext): ImagePull {
  let ref: ImageReference;
  try {
    ref = parseImageReference(use.image);
  } catch (e) {
    return { use, coverage: 'not covered', credentials: [], failsBeforePull: true,
      reason: `${(e as Error).message}; the kubelet fails it with InvalidImageName` };
  }
  const upperCaseHost = upperCaseHostProblem(use.image, ref, c.credentials.map((credential) => credential.server), c.urls);
  if (upperCaseHost !== undefined) return { use, ref, coverage: 'not covered', credentials: [], failsBeforePull: true, reason: upperCaseHost };
  if (c.brokenSecret !== undefined) {
    return { use, ref, coverage: 'not covered', credentials: [], failsBeforePull: true,
      reason: `pull secret '${c.brokenSecret}' cannot be decoded, so the kubelet fails every pull of the pod: regenerate the Secret` };
  }
  const credentials = inKubeletOrder(c.credentials, ref, c.urls);
  const node = matchNodeProviders(c.providers, ref).find((match) =>
    serviceAccountProblem(match, { name: c.pod.serviceAccountName, annotations: c.sa?.annotations }) === undefined);
  if (credentials.length > 0) return { use, ref, coverage: 'secret', credentials, node };
  if (node) return { use, ref, coverage: 'node', credentials, node };
  if (c.publicNames.has(ref.name)) return { use, ref, coverage: 'public', credentials };
  return { use, ref, coverage: 'not covered', credentials, reason: uncoveredReason(ref, c) };
}

/** The matching entries, most specific key first: `matchingKeys` orders the keys, each key string maps back to its entries in input order. */
function inKubeletOrder(all: readonly PullCredential[], ref: ImageReference, urls: CachingUrlParser): PullCredential[] {
  const queues = new Map<string, PullCredential[]>();
  for (const credential of all) queues.set(credential.server, [...queues.get(credential.server) ?? [], credential]);
  return matchingKeys(all.map((credential) => credential.server), ref, urls).map((key) => queues.get(key)!.shift()!);
}

function uncoveredReason(ref: ImageReference, c: PodContext): string {
  const anonymous = 'the kubelet would pull it anonymously';
  if (c.unknownSecrets.length > 0) {
    return `no pull secret in the output covers '${ref.domain}', and ${c.unknownSecrets.map((n) => `'${n}'`).join(', ')} cannot be judged ` +
      '(not in the output, or its servers are not declared): put the Secret in the output, declare its servers, or declare the image public';
  }
  if (c.credentials.length === 0) {
    return `the pod has no pull secrets (${c.secretsSource} is empty), so ${anonymous}: add a pull secret for '${ref.domain}', ` +
      'or declare the image public';
  }
  const keys = c.credentials.map((credential) => credential.server);
  const near = findNearMisses(keys, ref, c.urls)[0];
  const tried = [...new Set(keys)].map((k) => `'${displayKey(k)}'`).join(', ');
  return `no key of ${c.secretsSource} matches '${ref.name}' (tried ${tried})${near ? `; ${near.hint}` : ''}; ` +
    `${anonymous}: add a registry for '${ref.domain}' to a pull secret, or declare the image public`;
}

/** A secret for messages: `Secret apps/regcred`. */
export function describeSecret(summary: PullSecretSummary): string {
  const form = summary.form === 'referenced only' ? 'pull secret' : summary.form;
  return `${form} ${summary.namespace ? `${summary.namespace}/` : ''}${summary.name}`;
}

