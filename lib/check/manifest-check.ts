/**
 * The pull check over synthesized manifests: any pod-bearing object (constructs of this library, plain cdk8s-plus
 * workloads, raw ApiObjects) against the pull secrets and service accounts in the same output. Pure logic on parsed
 * YAML objects; the cdk8s validation plugin feeds it.
 */
import { CachingUrlParser } from '../go/url';
import { PUBLIC_IMAGES_ANNOTATION } from './annotations';
import { ManifestModel, PullSecretObject, namespacedKey, readManifests, splitList } from './manifest-model';
import { serviceAccountNamespaceMessage } from './messages';
import { describeType, isObject } from '../input/values';
import { parseImageReference } from '../kubelet/image-reference';
import { NO_NODE_FACTS, NodeOptionError, NodeOptions, readNodeFacts } from './node-facts';
import { PullCheckError, PullCheckResult, PullCheckRule, PullSecretFacts, checkPodPulls } from './pull-check';
import { pushAll } from '../input/arrays';

/** A finding on one object of the output. */
export interface ManifestFinding extends PullCheckError {
  /** `Kind namespace/name` of the pod-bearing object. */
  readonly resource: string;
  /** The index of the object in the input list; -1 for a finding on the options. */
  readonly index: number;
}

/** A warning on one object of the output, or on the output as a whole. */
export interface ManifestWarning {
  readonly message: string;
  /** `Kind namespace/name` of the object; undefined for a warning about many objects. */
  readonly resource?: string;
  /** The index of the object in the input list; -1 when the warning is about many. */
  readonly index: number;
  readonly location?: string;
}

/** What the manifest check found. */
export interface ManifestCheckResult {
  /** Findings that make the kubelet fail pulls. */
  readonly errors: ManifestFinding[];
  /** What could not be judged, or may fail later. */
  readonly warnings: ManifestWarning[];
  /** How many pod templates were checked. */
  readonly podsChecked: number;
}

/** Options for the manifest check: the plugin's properties. */
export interface ManifestCheckOptions extends NodeOptions {
  /**
   * Images or repositories pulled without credentials on purpose, for every pod.
   *
   * @default - none
   */
  readonly publicImages?: unknown;
}

/**
 * Checks every pod-bearing object of a synth output against the pull secrets and service accounts in it.
 *
 * @param baseDir where a relative `credentialProviderConfig` is found: the app's folder
 */
export function checkManifests(objects: readonly any[], options: ManifestCheckOptions = {}, baseDir = process.cwd()): ManifestCheckResult {
  if (!Array.isArray(objects)) {
    throw new Error(`the manifest check needs a list of parsed objects, got ${describeType(objects)}`);
  }
  return checkManifestModel(readManifests(objects), options, baseDir);
}

/** `checkManifests` over manifests read already (by a `ManifestReader`, one document at a time). */
export function checkManifestModel(model: ManifestModel, options: ManifestCheckOptions = {}, baseDir = process.cwd()): ManifestCheckResult {
  const errors: ManifestFinding[] = [];
  const warnings: ManifestWarning[] = [];
  const optionPublicImages = publicImagesOption(options, errors);
  let node = NO_NODE_FACTS;
  try {
    node = readNodeFacts(isObject(options) ? options : {}, 'pull-check plugin', baseDir);
  } catch (e) {
    errors.push({ rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1,
      location: e instanceof NodeOptionError ? e.option : 'properties', message: (e as Error).message });
  }
  const urls = new CachingUrlParser();
  for (const p of model.problems) {
    errors.push({ rule: p.duplicateSecret ? PullCheckRule.SECRET_CONTENT : PullCheckRule.MANIFEST_OBJECT, resource: p.resource, index: p.index,
      location: p.location, message: p.message });
  }
  const evidenceKeys = model.secrets.flatMap((s) =>
    (s.servers ?? []).map((key) => ({ key, secret: `${s.namespace ? s.namespace + '/' : ''}${s.name}` })));
  const undeclared: PullCheckResult['undeclared'] = [];
  const saObjects = new Map(model.serviceAccounts.map((sa) => [namespacedKey(sa.namespace, sa.name), sa]));

  const secrets = new Map<string, PullSecretObject[]>();
  for (const s of model.secrets) secrets.set(s.name, [...secrets.get(s.name) ?? [], s]);
  const serviceAccounts = new Map<string, string[]>();
  for (const sa of model.serviceAccounts) serviceAccounts.set(namespacedKey(sa.namespace, sa.name), sa.imagePullSecrets);

  let podsChecked = 0;
  for (const pod of model.pods) {
    const { resource, index, namespace } = pod;
    const finding = (rule: PullCheckRule, message: string, location?: string): void => {
      errors.push({ rule, resource, index, location, message: `${resource}: ${message}` });
    };
    for (const p of pod.problems) {
      finding(/imagePullSecrets/.test(p.location) ? PullCheckRule.SECRET_CONTENT : PullCheckRule.IMAGE_REFERENCE, p.message, p.location);
    }

    let secretNames = pod.imagePullSecrets;
    let source = 'imagePullSecrets';
    if (secretNames.length === 0) {
      const sa = pod.serviceAccountName;
      const fromSa = serviceAccounts.get(namespacedKey(namespace, sa));
      const elsewhere = fromSa ? undefined : [...serviceAccounts.keys()].find((k) => k.endsWith(`/${sa}`) && sa !== 'default');
      if (elsewhere !== undefined) {
        const saNamespace = elsewhere.slice(0, -sa.length - 1) || undefined;
        errors.push({ rule: PullCheckRule.SECRET_NAMESPACE, resource, index, location: `${pod.specPath}.serviceAccountName`,
          message: serviceAccountNamespaceMessage(resource, sa, saNamespace, namespace) });
        continue;
      }
      if (fromSa && fromSa.length > 0) {
        secretNames = fromSa;
        source = `the imagePullSecrets of service account '${sa}'`;
      }
    }
    podsChecked++;

    const facts: PullSecretFacts[] = secretNames.map((name) => {
      const candidates = secrets.get(name) ?? [];
      const here = candidates.find((c) => c.namespace === namespace);
      if (here) {
        if (here.error) finding(PullCheckRule.SECRET_CONTENT, `pull secret '${name}' ${here.error}`, `${pod.specPath}.imagePullSecrets`);
        return { name, servers: here.servers, namespaceKnown: true, namespace };
      }
      // only elsewhere: report the namespace it is in; nowhere: made outside this app, unknown
      if (candidates.length > 0) return { name, servers: candidates[0].servers, namespaceKnown: true, namespace: candidates[0].namespace };
      return { name };
    });

    const result = checkPodPulls({
      path: resource,
      namespace,
      containers: pod.images.map((i) => ({ name: i.name, image: i.image, kind: i.kind, location: i.location, pullPolicy: i.pullPolicy })),
      secrets: facts,
      secretsSource: source,
      secretsLocation: source === 'imagePullSecrets' ? `${pod.specPath}.imagePullSecrets` : `${pod.specPath}.serviceAccountName`,
      publicImages: [...optionPublicImages, ...splitList(pod.annotations[PUBLIC_IMAGES_ANNOTATION])],
      publicImagesSource: `annotation '${PUBLIC_IMAGES_ANNOTATION}'`,
      publicImagesLocation: `metadata.annotations["${PUBLIC_IMAGES_ANNOTATION}"]`,
      urls,
      node,
      serviceAccount: { name: pod.serviceAccountName, annotations: saObjects.get(namespacedKey(namespace, pod.serviceAccountName))?.annotations },
      noPullSecrets: secretNames.length === 0,
      evidenceKeys,
    });
    pushAll(errors, result.errors.map((e) => ({ ...e, resource, index })));
    pushAll(warnings, result.warnings.map((w) => ({ ...w, resource, index })));
    pushAll(undeclared, result.undeclared);
  }
  if (undeclared.length > 0) {
    // one warning for all of them: an image pulled without credentials that nobody declared public may be private
    const shown = undeclared.slice(0, 10).map((u) => `${u.what} '${u.image}'`).join(', ');
    warnings.push({ index: -1,
      message: `${undeclared.length} image${undeclared.length === 1 ? ' is' : 's are'} pulled without credentials and declared ` +
        `neither public nor node-provided: ${shown}${undeclared.length > 10 ? `, and ${undeclared.length - 10} more` : ''}; declare ` +
        'them with publicImages (the plugin property, or the constructs\' publicImages), or nodeImages / credentialProviderConfig' });
  }
  return { errors, warnings, podsChecked };
}

/** The resource name a finding about the plugin's own options carries. */
export const OPTIONS_RESOURCE = 'validation plugin properties (cdk8s.yaml)';

/** The valid entries of `options.publicImages`; each bad one (or a bad list) is a finding on the options. */
function publicImagesOption(options: ManifestCheckOptions, errors: ManifestFinding[]): string[] {
  const fail = (message: string): void => {
    errors.push({ rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1, location: 'publicImages',
      message: `property 'publicImages' ${message}` });
  };
  const list: unknown = isObject(options) ? options.publicImages : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    fail(`must be a list of images such as [nginx, busybox], got ${describeType(list)}`);
    return [];
  }
  const valid: string[] = [];
  list.forEach((image: unknown, i: number) => {
    if (typeof image !== 'string') {
      fail(`[${i}] must be a string, got ${describeType(image)}`);
      return;
    }
    try {
      parseImageReference(image);
      valid.push(image);
    } catch (e) {
      fail(`[${i}]: ${(e as Error).message}`);
    }
  });
  return valid;
}

