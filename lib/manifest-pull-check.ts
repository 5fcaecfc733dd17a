/**
 * The pull check over synthesized manifests: any pod-bearing object (constructs of this library, plain cdk8s-plus
 * workloads, raw ApiObjects) against the pull secrets and service accounts in the same output. Pure logic on parsed
 * YAML objects; the cdk8s validation plugin feeds it.
 */
import { decodeAuth } from './_auth';
import { serviceAccountNamespaceMessage } from './_names';
import { PodFacts, PullCheckError, PullCheckRule, PullSecretFacts, checkPodPulls } from './pull-check';

/** The annotation that declares which `auths` servers a Secret-producing object holds (SealedSecret, ExternalSecret). */
export const SERVERS_ANNOTATION = 'private-registry.cdk8s.io/servers';

/** The annotation on a pod-bearing object that lists the images it pulls without credentials on purpose. */
export const PUBLIC_IMAGES_ANNOTATION = 'private-registry.cdk8s.io/public-images';

/** A finding on one object of the output. */
export interface ManifestFinding extends PullCheckError {
  /** `Kind namespace/name` of the pod-bearing object. */
  readonly resource: string;
  /** The index of the object in the input list. */
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
  const secrets = new Map<string, SecretInfo[]>();
  const serviceAccounts = new Map<string, string[]>();
  for (const o of objects) {
    if (!o || typeof o !== 'object') continue;
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

  const errors: ManifestFinding[] = [];
  const warnings: string[] = [];
  let podsChecked = 0;
  objects.forEach((o, index) => {
    const specPath = o && POD_SPEC_PATHS[o.kind];
    if (!specPath) return;
    const spec = specPath.reduce((v: any, k: string) => v?.[k], o);
    if (!spec) return;
    const namespace: string | undefined = o.metadata?.namespace;
    const resource = `${o.kind} ${namespace ? namespace + '/' : ''}${o.metadata?.name}`;

    let secretNames = names(spec.imagePullSecrets);
    let source = 'imagePullSecrets';
    const emptyNames = (spec.imagePullSecrets ?? []).filter((r: any) => !r?.name).length;
    if (emptyNames > 0) {
      errors.push({ rule: PullCheckRule.SECRET_CONTENT, resource, index,
        message: `${resource}: imagePullSecrets has ${emptyNames} entr${emptyNames === 1 ? 'y' : 'ies'} without a name; ` +
          'the kubelet skips them: name the Secret or remove the entry' });
    }
    if (secretNames.length === 0) {
      const sa = spec.serviceAccountName ?? spec.serviceAccount ?? 'default';
      const fromSa = serviceAccounts.get(nsKey(namespace, sa));
      const elsewhere = fromSa ? undefined : [...serviceAccounts.keys()].find((k) => k.endsWith(`/${sa}`) && sa !== 'default');
      if (elsewhere !== undefined) {
        const saNamespace = elsewhere.slice(0, -sa.length - 1) || undefined;
        errors.push({ rule: PullCheckRule.SECRET_NAMESPACE, resource, index,
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
        if (here.error) errors.push({ rule: PullCheckRule.SECRET_CONTENT, resource, index,
          message: `${resource}: pull secret '${name}' ${here.error}` });
        return { name, servers: here.servers, namespaceKnown: true, namespace };
      }
      // only elsewhere: report the namespace it is in; nowhere: made outside this app, unknown
      if (candidates.length > 0) return { name, servers: candidates[0].servers, namespaceKnown: true, namespace: candidates[0].namespace };
      return { name };
    });

    const pod: PodFacts = {
      path: resource,
      namespace,
      containers: [
        ...(spec.initContainers ?? []).map((c: any) => ({ name: c.name, image: c.image ?? '', init: true })),
        ...(spec.containers ?? []).map((c: any) => ({ name: c.name, image: c.image ?? '' })),
      ],
      secrets: facts,
      secretsSource: source,
      publicImages: [...(options.publicImages ?? []), ...splitList(o.metadata?.annotations?.[PUBLIC_IMAGES_ANNOTATION])],
    };
    const result = checkPodPulls(pod);
    errors.push(...result.errors.map((e) => ({ ...e, resource, index })));
    warnings.push(...result.warnings);
  });
  return { errors, warnings, podsChecked };
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
