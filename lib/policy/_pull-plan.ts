/**
 * What a RegistryPullPolicy does to a set of objects, decided on their JSON: which objects need the policy's pull
 * secret, which of the policy's registries each namespace's secret must hold (only those its pods' images need), and
 * which images nothing covers. Pure logic on the manifest model; the construct reads the objects and writes the result.
 */
import { UrlParser } from '../go/url';
import { PUBLIC_IMAGES_ANNOTATION } from '../check/annotations';
import { ManifestModel, PodObject, PullSecretObject, namespacedKey, splitList } from '../check/manifest-model';
import { describeNamespace } from '../check/messages';
import { ImageReference, parseImageReference } from '../kubelet/image-reference';
import { findNearMisses, hasMatchingKey, matchingKeys, upperCaseHostProblem } from '../kubelet/keyring';
import { pushAll } from '../input/arrays';

/** What the policy decided for one pod-bearing object that needs its secret. */
export interface PodDecision {
  /** The object. */
  readonly pod: PodObject;
  /**
   * The secrets of its service account that the pod must list itself once it lists the policy's: the ServiceAccount
   * admission plugin copies them only into a pod that lists none.
   */
  readonly copied: string[];
}

/** One namespace (or the group of objects without one) whose pods need the policy's secret. */
export interface NamespaceNeeds {
  /** Undefined for the objects that set no namespace. */
  readonly namespace?: string;
  /** The policy's servers this namespace's images need, as the kubelet would match them. */
  readonly servers: Set<string>;
  /** The objects that must list the secret, in input order. */
  readonly pods: PodDecision[];
  /** Objects that list the secret's name already, or whose service account lends it: they need its servers, but no change. */
  readonly listing: PodObject[];
}

/** The outcome for a whole scope. */
export interface PullPlan {
  /** By namespace, `''` for the objects without one, in the order first met. */
  readonly namespaces: Map<string, NamespaceNeeds>;
  /** One line each: an image nothing covers, an image reference the kubelet rejects, a list the policy cannot extend. */
  readonly errors: string[];
  /** What cannot be judged: an image only secrets of unknown content might cover. */
  readonly warnings: string[];
}

/** What the plan is made from. */
export interface PlanInput {
  /** The objects in scope, as the policy found them before it changed anything. */
  readonly model: ManifestModel;
  /** The policy's servers (the `auths` keys of its registries). */
  readonly servers: readonly string[];
  /** Images or repositories that are public on purpose, checked already. */
  readonly publicImages: readonly string[];
  /**
   * The name of the policy's secret when it does not depend on the content (no appendHash): an object that lists it
   * already is served by the policy, not by a secret of its own.
   */
  readonly secretName?: string;
  /** The parser every keyring lookup uses. */
  readonly urls: UrlParser;
  /** Parsed images and the policy's matches, kept across passes (they depend only on the image text). */
  readonly cache: PlanCache;
}

/** What the plan remembers of an image: its reference (or why it is none) and the policy's keys that match it. */
interface ImageFacts {
  readonly ref?: ImageReference;
  readonly error?: string;
  readonly policyKeys: string[];
}

/** Per-image results, valid for one set of policy servers. */
export class PlanCache {
  private readonly images = new Map<string, ImageFacts>();
  private readonly publicNames = new Map<string, string | undefined>();

  /**
   * @param servers the policy's servers: the cache belongs to them
   */
  constructor(private readonly servers: readonly string[]) {}

  /** The reference, or why the kubelet rejects it, and the policy's keys that match it. */
  public image(image: string, urls: UrlParser): ImageFacts {
    let facts = this.images.get(image);
    if (facts === undefined) {
      facts = imageFacts(image, this.servers, urls);
      this.images.set(image, facts);
    }
    return facts;
  }

  /** The repository a public-images entry names, undefined when it is not a valid reference. */
  public publicName(entry: string): string | undefined {
    if (!this.publicNames.has(entry)) {
      let name: string | undefined;
      try {
        name = parseImageReference(entry).name;
      } catch {
        name = undefined;
      }
      this.publicNames.set(entry, name);
    }
    return this.publicNames.get(entry);
  }
}

function imageFacts(image: string, servers: readonly string[], urls: UrlParser): ImageFacts {
  let ref: ImageReference;
  try {
    ref = parseImageReference(image);
  } catch (e) {
    return { error: (e as Error).message, policyKeys: [] };
  }
  const upperCaseHost = upperCaseHostProblem(image, ref, servers, urls);
  if (upperCaseHost !== undefined) return { error: upperCaseHost, policyKeys: [] };
  return { ref, policyKeys: matchingKeys(servers, ref, urls) };
}

/** Decides, for every pod-bearing object of the scope, whether it needs the policy's secret and what that secret must hold. */
export function planPulls(input: PlanInput): PullPlan {
  const { model, urls, cache } = input;
  const namespaces = new Map<string, NamespaceNeeds>();
  const errors: string[] = [];
  const warnings: string[] = [];

  const secrets = new Map<string, PullSecretObject>();
  for (const s of model.secrets) {
    const key = namespacedKey(s.namespace, s.name);
    if (!secrets.has(key)) secrets.set(key, s);
  }
  const serviceAccounts = new Map<string, string[]>();
  for (const sa of model.serviceAccounts) serviceAccounts.set(namespacedKey(sa.namespace, sa.name), sa.imagePullSecrets);
  const policyPublic = new Set(input.publicImages.map((p) => cache.publicName(p)).filter((n): n is string => n !== undefined));

  for (const pod of model.pods) {
    const own = pod.imagePullSecrets;
    // the admission plugin gives a pod its service account's secrets only when its list is empty (an entry without a
    // name still counts)
    const listed = Array.isArray(pod.spec.imagePullSecrets) ? pod.spec.imagePullSecrets.length : 0;
    const lent = listed === 0 ? serviceAccounts.get(namespacedKey(pod.namespace, pod.serviceAccountName)) ?? [] : [];
    const names = own.length > 0 ? own : lent;
    // the pod lists the policy's own secret already, or its service account lends it
    const listsPolicySecret = input.secretName !== undefined && names.includes(input.secretName) &&
      !secrets.has(namespacedKey(pod.namespace, input.secretName));
    // the policy's own secret covers only what the policy decides here
    const read = names.filter((name) => !(listsPolicySecret && name === input.secretName));
    const source = read.length === 0 ? undefined : own.length > 0 ? 'imagePullSecrets'
      : `the imagePullSecrets of service account '${pod.serviceAccountName}'`;
    const knownKeys: string[] = [];
    const unknown: string[] = [];
    for (const name of read) {
      const secret = secrets.get(namespacedKey(pod.namespace, name));
      if (secret?.servers !== undefined) pushAll(knownKeys, secret.servers);
      else unknown.push(name);
    }
    const annotated = pod.annotations[PUBLIC_IMAGES_ANNOTATION];
    const publicNames = annotated === undefined ? policyPublic : new Set(policyPublic);
    for (const entry of splitList(annotated)) {
      const name = cache.publicName(entry);
      if (name !== undefined) publicNames.add(name);
    }

    const needed = new Set<string>();
    for (const use of pod.images) {
      const what = `${use.kind} '${use.name}'`;
      const facts = cache.image(use.image, urls);
      if (facts.ref === undefined) {
        errors.push(`${pod.resource}: ${what}: ${facts.error}`);
        continue;
      }
      const ref = facts.ref;
      if (publicNames.has(ref.name)) continue;
      if (knownKeys.length > 0 && hasMatchingKey(knownKeys, ref, urls)) continue;
      if (facts.policyKeys.length > 0) {
        // the key the kubelet tries first (the most specific) is all the image needs: a broader one that also matches
        // ('ghcr.io' beside 'ghcr.io/acme') would only hand the namespace more credentials than it uses
        needed.add(facts.policyKeys[0]);
        continue;
      }
      if (unknown.length > 0) {
        warnings.push(`${pod.resource}: ${what} image '${use.image}' is not covered by the policy, and the policy cannot tell whether ` +
          `${unknown.map((n) => `'${n}'`).join(', ')} (not in scope, or of unknown content) covers it; the pull check will judge it`);
        continue;
      }
      errors.push(uncoveredMessage(pod, what, use.image, ref, input.servers, read, source, urls));
    }
    if (needed.size === 0) continue;

    const key = pod.namespace ?? '';
    let ns = namespaces.get(key);
    if (ns === undefined) {
      ns = { namespace: pod.namespace, servers: new Set(), pods: [], listing: [] };
      namespaces.set(key, ns);
    }
    for (const server of needed) ns.servers.add(server);
    if (listsPolicySecret) {
      ns.listing.push(pod);
    } else if (pod.spec.imagePullSecrets !== undefined && !Array.isArray(pod.spec.imagePullSecrets)) {
      errors.push(`${pod.resource}: ${pod.specPath}.imagePullSecrets is not a list, so the policy cannot add its pull secret to it; the API ` +
        'server refuses the object as it is: write it as a list such as [{ name: regcred }]');
    } else {
      ns.pods.push({ pod, copied: [...lent] });
    }
  }
  return { namespaces, errors, warnings };
}

function uncoveredMessage(pod: PodObject, what: string, image: string, ref: ImageReference, servers: readonly string[], read: string[],
  source: string | undefined, urls: UrlParser): string {
  const hints = findNearMisses(servers, ref, urls).map((m) => m.hint);
  const own = source === undefined ? ', and the object has no pull secrets of its own'
    : `, nor by ${read.map((n) => `'${n}'`).join(', ')} (${source})`;
  return `${pod.resource}: ${what} image '${image}' (repository '${ref.name}') is not covered by the policy's servers ` +
    `(${servers.map((s) => `'${s}'`).join(', ')})${own}, and it is not declared public` +
    (hints.length > 0 ? `; ${hints.join('; ')}` : '') +
    `; in ${describeNamespace(pod.namespace)} the kubelet would pull it anonymously and fail with ErrImagePull: add a registry whose ` +
    `server matches '${ref.domain}' to the policy (registries or dockerConfig), or add '${ref.name}' to its publicImages`;
}

