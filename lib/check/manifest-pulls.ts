/**
 * The engine's facts read from manifests: for each pod-bearing object, the pull secrets the kubelet reads (its own, or
 * its service account's), where they are, what they hold, and what is declared public or node-provided (the plugin's
 * properties or the command line's options, and the annotations the constructs and the policy write). Every tool that
 * reads manifests goes through here: the validation plugin, `inspect`, `login-check`, and the policy.
 */
import { NODE_IMAGES_ANNOTATION, POLICY_PUBLIC_IMAGES_ANNOTATION, PUBLIC_IMAGES_ANNOTATION } from './annotations';
import { ManifestModel, PodObject, PullSecretObject, ServiceAccountObject, namespacedKey, splitList } from './manifest-model';
import { serviceAccountNamespaceMessage } from './messages';
import { NO_NODE_FACTS, NodeFacts } from './node-facts';
import {
  ImageVerdict, PolicyFacts, PullCheckError, PullCheckRule, PullCheckWarning, PullEngine, PullSecretFacts, PullSecretForm,
} from './pull-engine';
import { CachingUrlParser } from '../go/url';
import { NodeCredentialProvider, nodeImagesProvider } from '../kubelet/credential-providers';
import { registryKeyError } from '../kubelet/keyring';

/** A pull secret of the output, or one that pods name and the output does not hold. */
export interface PullSecretSummary {
  readonly name: string;
  /** Undefined when none is set (kubectl's current namespace). */
  readonly namespace?: string;
  readonly form: PullSecretForm;
  /** The object, unless the secret is only referenced. */
  readonly object?: PullSecretObject;
}

/** A pod-bearing object and the verdicts on its images. */
export interface WorkloadPulls {
  readonly pod: PodObject;
  /** The names of the pull secrets the kubelet reads for it, and where they come from. */
  readonly secretNames: readonly string[];
  readonly secretsSource: string;
  /** The secrets its service account lends (copied into the pod by the admission plugin): the pod lists none of its own. */
  readonly lent: readonly string[];
  /** Pull secrets it names that cannot be read here: referenced only, or without declared servers. */
  readonly unknownSecrets: readonly string[];
  readonly images: readonly ImageVerdict[];
  /** The policy's keys it needs, when a policy was given. */
  readonly policyKeys: ReadonlySet<string>;
  /** It lists the policy's secret by name already, or its service account lends it. */
  readonly listsPolicySecret: boolean;
}

/** A finding on one object of the output. */
export interface ManifestFinding extends PullCheckError {
  /** `Kind namespace/name` of the object. */
  readonly resource: string;
  /** The index of the object in the input list; -1 for a finding on the options. */
  readonly index: number;
}

/** A warning on one object of the output. */
export interface ManifestWarning extends PullCheckWarning {
  /** `Kind namespace/name` of the object; undefined for a warning about the output as a whole. */
  readonly resource?: string;
  /** The index of the object in the input list; -1 when it is about no one object. */
  readonly index: number;
}

/** Everything the tools show about pulls. */
export interface ManifestPulls {
  readonly secrets: readonly PullSecretSummary[];
  readonly workloads: readonly WorkloadPulls[];
  /**
   * Every error: what kubectl refuses in the documents and Secrets that collide (the model's problems, first), each image
   * `not covered`, and what the API server or the kubelet refuses in the objects.
   */
  readonly errors: ManifestFinding[];
  readonly warnings: ManifestWarning[];
}

/** What the output itself cannot say. */
export interface ManifestPullsOptions {
  /** Images or repositories public on purpose, for every pod (checked already). */
  readonly publicImages?: readonly string[];
  /** What the nodes provide and how they verify. */
  readonly node?: NodeFacts;
  /** A policy that covers every object: its secret is added where needed. */
  readonly policy?: PolicyFacts;
  /** The policy's secret name when objects that list it refer to the policy's (no content hash). */
  readonly policySecretName?: string;
  /** Extra evidence keys: pull secrets that will be in the output but are not in the model (the policy's). */
  readonly evidenceKeys?: readonly { readonly key: string; readonly secret: string }[];
  /** An engine whose caches to share (the policy's passes); its evidence is replaced by the output's. */
  readonly engine?: PullEngine;
  /** The URL parser to share, without an engine. */
  readonly urls?: CachingUrlParser;
}

/** Describes a secret for messages: `Secret apps/regcred`. */
export function describeSecret(summary: { readonly name: string; readonly namespace?: string; readonly form?: PullSecretForm }): string {
  const form = summary.form === undefined || summary.form === 'referenced only' || summary.form === 'construct' ? 'pull secret' : summary.form;
  return `${form} ${summary.namespace ? `${summary.namespace}/` : ''}${summary.name}`;
}

/** Judges every image of every pod-bearing object of the manifests. */
export function resolveManifests(model: ManifestModel, options: ManifestPullsOptions = {}): ManifestPulls {
  const errors: ManifestFinding[] = [];
  const warnings: ManifestWarning[] = [];
  const evidence = [
    ...model.secrets.flatMap((s) => (s.servers ?? []).map((key) => ({ key, secret: `${s.namespace ? s.namespace + '/' : ''}${s.name}` }))),
    ...options.evidenceKeys ?? [],
  ];
  const engine = options.engine?.withEvidence(evidence) ?? new PullEngine(evidence, options.urls);
  const node = options.node ?? NO_NODE_FACTS;

  // what the model found about the documents themselves (a namespace that is not a string, two Secrets that collide) first
  for (const p of model.problems) {
    errors.push({ rule: p.duplicateSecret ? PullCheckRule.SECRET_CONTENT : PullCheckRule.MANIFEST_OBJECT, resource: p.resource, index: p.index,
      location: p.location, message: p.message });
  }

  const summaries: PullSecretSummary[] = [];
  const byKey = new Map<string, PullSecretSummary>();
  const byName = new Map<string, PullSecretObject>();
  for (const object of model.secrets) {
    const key = namespacedKey(object.namespace, object.name);
    const summary: PullSecretSummary = { name: object.name, namespace: object.namespace, form: object.kind, object };
    summaries.push(summary);
    if (!byName.has(object.name)) byName.set(object.name, object);
    const earlier = byKey.get(key);
    const finding = (message: string): void => {
      const resource = describeSecret(summary);
      errors.push({ rule: PullCheckRule.SECRET_CONTENT, resource, index: object.index, message: `${resource}${message}` });
    };
    // two objects that make it are the manifest model's problem (duplicateSecretProblems): the first is the one described
    if (earlier) continue;
    byKey.set(key, summary);
    if (object.error) finding(` ${object.error}`);
    for (const server of object.servers ?? []) {
      const keyError = registryKeyError(server, engine.urls);
      if (keyError) finding(`: ${keyError}`);
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
  const serviceAccountsByName = new Map<string, ServiceAccountObject>();
  for (const sa of model.serviceAccounts) {
    serviceAccounts.set(namespacedKey(sa.namespace, sa.name), sa);
    if (!serviceAccountsByName.has(sa.name)) serviceAccountsByName.set(sa.name, sa);
    if (options.policy === undefined) for (const name of sa.imagePullSecrets) referenced(name, sa.namespace);
  }
  // the facts of a pod's secrets depend only on the names and the namespace: pods share them
  const factsCache = new Map<string, { facts: PullSecretFacts[]; names: string[]; unknown: string[]; listsPolicy: boolean }>();
  const nodeProviders = new Map<string, NodeCredentialProvider[]>();

  const workloads: WorkloadPulls[] = [];
  for (const pod of model.pods) {
    const { resource, index, namespace } = pod;
    for (const p of pod.problems) {
      errors.push({ rule: /imagePullSecrets/.test(p.location) ? PullCheckRule.SECRET_CONTENT : PullCheckRule.IMAGE_REFERENCE, resource, index,
        location: p.location, message: `${resource}: ${p.message}` });
    }
    // the admission plugin gives a pod its service account's secrets only when its list is empty (an entry without a
    // name still counts)
    const listed = Array.isArray(pod.spec.imagePullSecrets) ? pod.spec.imagePullSecrets.length : pod.imagePullSecrets.length;
    const sa = serviceAccounts.get(namespacedKey(namespace, pod.serviceAccountName));
    let secretNames: readonly string[] = pod.imagePullSecrets;
    let secretsSource = 'imagePullSecrets';
    let lent: readonly string[] = [];
    if (listed === 0) {
      if (sa) {
        lent = sa.imagePullSecrets;
        secretNames = lent;
        if (lent.length > 0) secretsSource = `the imagePullSecrets of service account '${sa.name}'`;
      } else if (pod.serviceAccountName !== 'default') {
        const elsewhere = serviceAccountsByName.get(pod.serviceAccountName);
        if (elsewhere) {
          errors.push({ rule: PullCheckRule.SECRET_NAMESPACE, resource, index, location: `${pod.specPath}.serviceAccountName`,
            message: serviceAccountNamespaceMessage(resource, elsewhere.name, elsewhere.namespace, namespace) });
        }
      }
    }
    const cacheKey = `${namespace ?? ''}\n${secretNames.join('\n')}`;
    let resolved = factsCache.get(cacheKey);
    if (resolved === undefined) {
      resolved = secretFacts([...new Set(secretNames)], namespace);
      factsCache.set(cacheKey, resolved);
    }

    const annotated = pod.annotations[PUBLIC_IMAGES_ANNOTATION];
    const policyAnnotated = options.policy === undefined ? pod.annotations[POLICY_PUBLIC_IMAGES_ANNOTATION] : undefined;
    const publicImages = annotated === undefined && policyAnnotated === undefined ? options.publicImages
      : [...options.publicImages ?? [], ...splitList(annotated), ...splitList(policyAnnotated)];
    const nodeAnnotated = pod.annotations[NODE_IMAGES_ANNOTATION];
    const verdicts = engine.resolvePod({
      path: resource,
      namespace,
      containers: pod.images,
      secrets: resolved.facts,
      secretsSource,
      secretsLocation: secretsSource === 'imagePullSecrets' ? `${pod.specPath}.imagePullSecrets` : `${pod.specPath}.serviceAccountName`,
      publicImages,
      publicImagesSource: `annotation '${PUBLIC_IMAGES_ANNOTATION}'`,
      publicImagesLocation: `metadata.annotations["${PUBLIC_IMAGES_ANNOTATION}"]`,
      node,
      nodeProviders: nodeAnnotated === undefined ? undefined : annotationProviders(nodeAnnotated),
      serviceAccount: { name: pod.serviceAccountName, annotations: sa?.annotations },
      noPullSecrets: listed === 0 && secretNames.length === 0,
      policy: options.policy,
      secretProblemsReported: true,
      secretsShared: true,
    });
    for (const e of verdicts.errors) errors.push({ rule: e.rule, message: e.message, location: e.location, resource, index });
    for (const w of verdicts.warnings) warnings.push({ message: w.message, location: w.location, resource, index });
    workloads.push({ pod, secretNames: resolved.names, secretsSource, lent, unknownSecrets: resolved.unknown,
      images: verdicts.images, policyKeys: verdicts.policyKeys, listsPolicySecret: resolved.listsPolicy });
  }
  return { secrets: summaries, workloads, errors, warnings };

  function secretFacts(names: string[], namespace: string | undefined): { facts: PullSecretFacts[]; names: string[]; unknown: string[];
    listsPolicy: boolean; } {
    const facts: PullSecretFacts[] = [];
    const unknown: string[] = [];
    let listsPolicy = false;
    for (const name of names) {
      const here = byKey.get(namespacedKey(namespace, name))?.object;
      if (here) {
        if (here.servers === undefined && here.error === undefined) unknown.push(name);
        if (options.policy === undefined) referenced(name, namespace);
        facts.push({ name, namespace, namespaceKnown: true, servers: here.servers, form: here.kind, entries: here.entries, error: here.error });
        continue;
      }
      if (options.policySecretName !== undefined && name === options.policySecretName && options.policy !== undefined) {
        // the policy's own secret, which it writes: it covers what the policy decides
        listsPolicy = true;
        facts.push({ name, namespace, namespaceKnown: true, servers: options.policy.servers, form: 'construct', policy: true });
        continue;
      }
      if (options.policy === undefined) referenced(name, namespace);
      // only elsewhere: report the namespace it is in; nowhere: made outside the output, unknown
      const elsewhere = byName.get(name);
      if (elsewhere) {
        facts.push({ name, namespace: elsewhere.namespace, namespaceKnown: true, servers: elsewhere.servers, form: elsewhere.kind });
      } else {
        unknown.push(name);
        facts.push({ name, form: 'referenced only' });
      }
    }
    return { facts, names, unknown, listsPolicy };
  }

  function annotationProviders(value: string): NodeCredentialProvider[] {
    let providers = nodeProviders.get(value);
    if (providers === undefined) {
      try {
        providers = [nodeImagesProvider(splitList(value), `annotation '${NODE_IMAGES_ANNOTATION}'`)];
      } catch {
        providers = []; // the construct that wrote it checked every pattern
      }
      nodeProviders.set(value, providers);
    }
    return providers;
  }
}
