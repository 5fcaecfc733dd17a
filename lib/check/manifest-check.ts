/**
 * The pull check over synthesized manifests: any pod-bearing object (constructs of this library, plain cdk8s-plus
 * workloads, raw ApiObjects) against the pull secrets and service accounts in the same output. Pure logic on parsed
 * YAML objects; the cdk8s validation plugin feeds it.
 */
import { CachingUrlParser } from '../go/url';
import { decodeAuth } from '../docker/auth-field';
import { PUBLIC_IMAGES_ANNOTATION, SERVERS_ANNOTATION } from './annotations';
import { serviceAccountNamespaceMessage } from './messages';
import { describeType } from '../input/values';
import { parseImageReference } from '../kubelet/image-reference';
import { ContainerFacts, PodFacts, PullCheckError, PullCheckRule, PullSecretFacts, checkPodPulls } from './pull-check';

/** A finding on one object of the output. */
export interface ManifestFinding extends PullCheckError {
  /** `Kind namespace/name` of the pod-bearing object. */
  readonly resource: string;
  /** The index of the object in the input list; -1 for a finding on the options. */
  readonly index: number;
}

/** What the manifest check found. */
export interface ManifestCheckResult {
  /** Findings that make the kubelet fail pulls. */
  readonly errors: ManifestFinding[];
  /** What could not be judged. */
  readonly warnings: string[];
  /** How many pod templates were checked. */
  readonly podsChecked: number;
}

/** Options for the manifest check. */
export interface ManifestCheckOptions {
  /**
   * Images or repositories pulled without credentials on purpose, for every pod.
   *
   * @default - none
   */
  readonly publicImages?: string[];
}

/** Where each pod-bearing kind keeps its pod spec. */
const POD_SPEC_PATHS: { [kind: string]: string[] } = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

const DOCKER_SECRET_KEYS: { [type: string]: string } = {
  'kubernetes.io/dockerconfigjson': '.dockerconfigjson',
  'kubernetes.io/dockercfg': '.dockercfg',
};

interface SecretInfo {
  readonly namespace?: string;
  readonly servers?: string[];
  readonly error?: string;
}

/** Checks every pod-bearing object of a synth output against the pull secrets and service accounts in it. */
export function checkManifests(objects: readonly any[], options: ManifestCheckOptions = {}): ManifestCheckResult {
  if (!Array.isArray(objects)) {
    throw new Error(`the manifest check needs a list of parsed objects, got ${describeType(objects)}`);
  }
  const errors: ManifestFinding[] = [];
  const warnings: string[] = [];
  const optionPublicImages = publicImagesOption(options, errors);
  const urls = new CachingUrlParser();

  const secrets = new Map<string, SecretInfo[]>();
  const serviceAccounts = new Map<string, string[]>();
  for (const o of objects) {
    if (!isObject(o)) continue;
    const info = secretInfo(o);
    if (info) {
      const list = secrets.get(info.name) ?? [];
      list.push(info.info);
      secrets.set(info.name, list);
    }
    if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1') {
      serviceAccounts.set(nsKey(o.metadata?.namespace, o.metadata?.name), names(o.imagePullSecrets));
    }
  }

  let podsChecked = 0;
  objects.forEach((o, index) => {
    const specPath = isObject(o) && typeof o.kind === 'string' && Object.hasOwn(POD_SPEC_PATHS, o.kind) ? POD_SPEC_PATHS[o.kind] : undefined;
    if (!specPath) return;
    const spec = specPath.reduce((v: any, k: string) => (isObject(v) ? v[k] : undefined), o);
    if (!isObject(spec)) return;
    const at = specPath.join('.');
    const namespace: string | undefined = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
    const resource = `${o.kind} ${namespace ? namespace + '/' : ''}${o.metadata?.name}`;
    const finding = (rule: PullCheckRule, message: string, location?: string): void => {
      errors.push({ rule, resource, index, location, message: `${resource}: ${message}` });
    };

    if (spec.imagePullSecrets !== undefined && !Array.isArray(spec.imagePullSecrets)) {
      finding(PullCheckRule.SECRET_CONTENT, 'imagePullSecrets must be a list such as [{ name: regcred }], ' +
        `got ${describeType(spec.imagePullSecrets)}; the API server refuses the object`, `${at}.imagePullSecrets`);
    }
    const refs: unknown[] = Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [];
    let secretNames = names(refs);
    let source = 'imagePullSecrets';
    refs.forEach((r, i) => {
      if (!isObject(r) || typeof r.name !== 'string' || r.name === '') {
        finding(PullCheckRule.SECRET_CONTENT, `imagePullSecrets[${i}] has no name; the kubelet skips it: name the Secret or remove the entry`,
          `${at}.imagePullSecrets[${i}]`);
      }
    });
    if (secretNames.length === 0) {
      const sa = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
      const fromSa = serviceAccounts.get(nsKey(namespace, sa));
      const elsewhere = fromSa ? undefined : [...serviceAccounts.keys()].find((k) => k.endsWith(`/${sa}`) && sa !== 'default');
      if (elsewhere !== undefined) {
        const saNamespace = elsewhere.slice(0, -sa.length - 1) || undefined;
        errors.push({ rule: PullCheckRule.SECRET_NAMESPACE, resource, index, location: `${at}.serviceAccountName`,
          message: serviceAccountNamespaceMessage(resource, sa, saNamespace, namespace) });
        return;
      }
      if (!fromSa || fromSa.length === 0) return; // no pull secrets at all: a pod of public images, nothing to judge
      secretNames = fromSa;
      source = `the imagePullSecrets of service account '${sa}'`;
    }
    podsChecked++;

    const facts: PullSecretFacts[] = secretNames.map((name) => {
      const candidates = secrets.get(name) ?? [];
      const here = candidates.find((c) => c.namespace === namespace);
      if (here) {
        if (here.error) finding(PullCheckRule.SECRET_CONTENT, `pull secret '${name}' ${here.error}`, `${at}.imagePullSecrets`);
        return { name, servers: here.servers, namespaceKnown: true, namespace };
      }
      // only elsewhere: report the namespace it is in; nowhere: made outside this app, unknown
      if (candidates.length > 0) return { name, servers: candidates[0].servers, namespaceKnown: true, namespace: candidates[0].namespace };
      return { name };
    });

    const containers: ContainerFacts[] = [];
    for (const [field, init] of [['initContainers', true], ['containers', false]] as const) {
      const list = spec[field];
      if (list === undefined) continue;
      if (!Array.isArray(list)) {
        finding(PullCheckRule.IMAGE_REFERENCE, `${field} must be a list of containers, got ${describeType(list)}`, `${at}.${field}`);
        continue;
      }
      list.forEach((c: unknown, i: number) => {
        const location = `${at}.${field}[${i}].image`;
        const name = isObject(c) && typeof c.name === 'string' ? c.name : `#${i}`;
        if (!isObject(c) || typeof c.image !== 'string' || c.image === '') {
          const missing = !isObject(c) || c.image === undefined || c.image === '';
          const kind = init ? 'init container' : 'container';
          finding(PullCheckRule.IMAGE_REFERENCE, missing
            ? `${kind} '${name}' has no image; the kubelet cannot pull it: set the image to a reference such as 'ghcr.io/org/app:1'`
            : `${kind} '${name}': 'image' must be a string such as 'ghcr.io/org/app:1', got ${describeType(c.image)}`, location);
          return;
        }
        containers.push({ name, image: c.image, init, location });
      });
    }

    const annotation = o.metadata?.annotations?.[PUBLIC_IMAGES_ANNOTATION];
    const pod: PodFacts = {
      path: resource,
      namespace,
      containers,
      secrets: facts,
      secretsSource: source,
      secretsLocation: source === 'imagePullSecrets' ? `${at}.imagePullSecrets` : `${at}.serviceAccountName`,
      publicImages: [...optionPublicImages, ...splitList(annotation)],
      publicImagesSource: `annotation '${PUBLIC_IMAGES_ANNOTATION}'`,
      publicImagesLocation: `metadata.annotations.${PUBLIC_IMAGES_ANNOTATION}`,
      urls,
    };
    const result = checkPodPulls(pod);
    errors.push(...result.errors.map((e) => ({ ...e, resource, index })));
    warnings.push(...result.warnings);
  });
  return { errors, warnings, podsChecked };
}

/** The resource name a finding about the plugin's own options carries. */
export const OPTIONS_RESOURCE = 'validation plugin properties (cdk8s.yaml)';

/** The valid entries of `options.publicImages`; each bad one (or a bad list) is a finding on the options. */
function publicImagesOption(options: ManifestCheckOptions, errors: ManifestFinding[]): string[] {
  const fail = (message: string): void => {
    errors.push({ rule: PullCheckRule.IMAGE_REFERENCE, resource: OPTIONS_RESOURCE, index: -1, location: 'publicImages',
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

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function nsKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}

function names(refs: unknown): string[] {
  return Array.isArray(refs) ? refs.map((r) => r?.name).filter((n): n is string => typeof n === 'string' && n.length > 0) : [];
}

function splitList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
}

/** The pull secret an object puts into the cluster, with the servers it holds when they can be read. */
function secretInfo(o: any): { name: string; info: SecretInfo } | undefined {
  const declared = o.metadata?.annotations?.[SERVERS_ANNOTATION];
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    const key = DOCKER_SECRET_KEYS[o.type];
    if (!key) return undefined;
    return { name: o.metadata?.name, info: { namespace: o.metadata?.namespace, ...decodeServers(o, key) } };
  }
  // a controller turns these into a Secret of the same name (or spec.target.name) in the same namespace
  if (o.kind === 'SealedSecret' || o.kind === 'ExternalSecret') {
    const name = o.spec?.target?.name ?? o.metadata?.name;
    return { name, info: { namespace: o.metadata?.namespace, servers: declared === undefined ? undefined : splitList(declared) } };
  }
  return undefined;
}

/** The `auths` keys of a docker Secret, or why the kubelet could not read it (one bad entry fails every pull). */
function decodeServers(o: any, key: string): { servers?: string[]; error?: string } {
  let text: string | undefined = o.stringData?.[key];
  if (text === undefined && typeof o.data?.[key] === 'string') text = Buffer.from(o.data[key], 'base64').toString('utf8');
  if (text === undefined) return { error: `has no '${key}' key; the kubelet cannot read it: put the docker config under data['${key}']` };
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `has a '${key}' that is not JSON; the kubelet fails every pull that uses it: regenerate the Secret` };
  }
  const auths = key === '.dockerconfigjson' ? parsed?.auths : parsed;
  if (!auths || typeof auths !== 'object' || Array.isArray(auths)) {
    return { error: `has a '${key}' without ${key === '.dockerconfigjson' ? 'an \'auths\' map' : 'a server map'}; regenerate the Secret` };
  }
  // the kubelet builds one keyring from every entry; one 'auth' it cannot decode fails the whole secret
  for (const [server, entry] of Object.entries<any>(auths)) {
    const problem = typeof entry?.auth === 'string' && entry.auth !== '' ? decodeAuth(entry.auth) : undefined;
    if (typeof problem === 'string') {
      return { error: `has an entry for '${server}' whose 'auth' ${problem}; the kubelet fails every pull that uses this secret: ` +
        'regenerate the Secret' };
    }
  }
  return { servers: Object.keys(auths) };
}
