/**
 * What a set of synthesized manifests says about pulling images: the pod-bearing objects with every image they pull
 * (containers, init containers, ephemeral containers, image volumes) and where, the pull secrets in it (docker Secrets,
 * and the SealedSecrets and ExternalSecrets that make them) and the service accounts. Pure logic on parsed YAML; the
 * manifest check, the pull policy and the command line read manifests through it. Malformed shapes become problems on
 * the object, never exceptions.
 *
 * Objects are read as `kubectl apply` reads them: a document with an `items` field is a List (`kind: List`, or any
 * `*List`), and its items are the objects (an item without kind and apiVersion takes the List's kind without `List`,
 * and its apiVersion); `metadata.namespace` must be a string, and `""` is no namespace, as Go decodes it. An object
 * without a namespace lands in kubectl's current namespace, `default` unless the context says otherwise: two Secrets
 * of one name, one without a namespace and one in `default`, are taken to collide.
 */
import { AUTH_NOT_TEXT, decodeAuth } from '../docker/auth-field';
import { DOCKERCFG_KEY, DOCKERCFG_SECRET_TYPE, DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE } from '../docker/payload';
import { describeType, isObject } from '../input/values';
import { SERVERS_ANNOTATION } from './annotations';
import { displayKey } from '../kubelet/keyring';
import { pushAll } from '../input/arrays';

/** Where each pod-bearing kind keeps its pod spec. */
export const POD_SPEC_PATHS: { readonly [kind: string]: readonly string[] } = {
  Pod: ['spec'],
  PodTemplate: ['template', 'spec'],
  Deployment: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
};

/** The kinds the model reads: pod-bearing objects, the objects that put a pull secret into the cluster, service accounts. */
export const MODEL_KINDS: ReadonlySet<unknown> = new Set([...Object.keys(POD_SPEC_PATHS), 'Secret', 'SealedSecret', 'ExternalSecret',
  'ServiceAccount']);

/** How a pod uses an image. */
export type ImageUseKind = 'container' | 'init container' | 'ephemeral container' | 'image volume';

/** One image a pod pulls. */
export interface ImageUse {
  /** The container's name, or the volume's. */
  readonly name: string;
  readonly kind: ImageUseKind;
  /** The image as written. */
  readonly image: string;
  /** Where it is in the object, as a JSON path (`spec.containers[0].image`). */
  readonly location: string;
  /** `imagePullPolicy` (a volume's `image.pullPolicy`), when set. */
  readonly pullPolicy?: string;
}

/** Something about an object's shape that the API server or the kubelet would refuse. */
export interface ObjectProblem {
  readonly message: string;
  readonly location: string;
}

/** A pod-bearing object of the manifests. */
export interface PodObject {
  /** Its index in the input list (for an item of a List, the List's). */
  readonly index: number;
  /** `Kind name` of the List the object is an item of; undefined for an object of its own. */
  readonly list?: string;
  readonly kind: string;
  readonly name?: string;
  /** Undefined when the object sets none (it lands in kubectl's current namespace). */
  readonly namespace?: string;
  /** `Kind namespace/name`, for messages. */
  readonly resource: string;
  /** The JSON path of the pod spec, such as `spec.template.spec`. */
  readonly specPath: string;
  /**
   * What the checks read of the pod spec beyond the fields above: its `imagePullSecrets` as written (an entry without
   * a name still counts for the ServiceAccount admission plugin). Only this is kept, not the whole spec: a reader of
   * 50 MB of manifests keeps a model, not the documents.
   */
  readonly spec: { readonly imagePullSecrets?: unknown };
  /** The names in `imagePullSecrets`, in order; entries without a name are problems. */
  readonly imagePullSecrets: string[];
  /** `serviceAccountName` (or the deprecated `serviceAccount`), else `default`. */
  readonly serviceAccountName: string;
  /** The annotations of the object. */
  readonly annotations: { readonly [key: string]: string };
  /** Every image the pod pulls. */
  readonly images: ImageUse[];
  readonly problems: ObjectProblem[];
}

/** One registry of a docker Secret. */
export interface SecretEntry {
  readonly server: string;
  readonly username?: string;
  /** The password; kept in memory only, for the login check. */
  readonly password?: string;
}

/** An object that puts a pull secret into the cluster. */
export interface PullSecretObject {
  readonly index: number;
  readonly kind: 'Secret' | 'SealedSecret' | 'ExternalSecret';
  /** The name of the Secret it makes (an ExternalSecret's `spec.target.name`, else its own). */
  readonly name: string;
  readonly namespace?: string;
  /** A Secret's `type`; undefined for the others. */
  readonly format?: string;
  /** The `auths` keys: read from a Secret, declared by the servers annotation otherwise; undefined when unknown. */
  readonly servers?: string[];
  /** The entries of a Secret, decoded. */
  readonly entries?: SecretEntry[];
  /** Why the kubelet could not read it (one bad entry fails every pull through the Secret). */
  readonly error?: string;
}

/** A ServiceAccount of the manifests. */
export interface ServiceAccountObject {
  readonly index: number;
  readonly name: string;
  readonly namespace?: string;
  readonly imagePullSecrets: string[];
  readonly annotations: { readonly [key: string]: string };
}

/** A document or object that kubectl or the API server refuses, or two Secrets that collide. */
export interface ManifestProblem {
  /** The index of the document in the input list. */
  readonly index: number;
  /** `Kind namespace/name` of the object, or `a document`. */
  readonly resource: string;
  /** Where in the document, as a JSON path (`items[2].metadata.namespace`). */
  readonly location: string;
  /** One line, starting with what it is about. */
  readonly message: string;
  /** True for two different Secrets of one name in one namespace. */
  readonly duplicateSecret?: boolean;
}

/** Everything the pull checks read from a set of manifests. */
export interface ManifestModel {
  readonly pods: PodObject[];
  readonly secrets: PullSecretObject[];
  readonly serviceAccounts: ServiceAccountObject[];
  /** What no object holds: documents kubectl refuses, and Secrets that collide. */
  readonly problems: ManifestProblem[];
}

/** Reads the manifests. */
export function readManifests(objects: readonly unknown[]): ManifestModel {
  const reader = new ManifestReader();
  objects.forEach((o, index) => reader.add(o, index));
  return reader.finish();
}

/**
 * Reads manifests one document at a time, so that a reader of large files keeps only what the checks need (the
 * documents themselves can go as soon as they are read).
 */
export class ManifestReader {
  private readonly model: ManifestModel = { pods: [], secrets: [], serviceAccounts: [], problems: [] };

  /**
   * @param copy copy each document the model keeps a part of before reading it: a string a YAML parser gives is often a
   * slice of the file's text and keeps all of it alive (50 MB of manifests would stay in memory for a few names)
   */
  constructor(private readonly copy = false) {}

  /** Reads one document: an object, or a List of them. */
  public add(document: unknown, index: number): void {
    // an empty document ('---' alone) is nothing, for kubectl too
    if (document === null || document === undefined) return;
    const o = this.copy && isObject(document) && (Object.hasOwn(document, 'items') || MODEL_KINDS.has(document.kind))
      ? structuredClone(document) : document;
    const problem = (location: string, message: string): void => {
      this.model.problems.push({ index, resource: 'a document', location, message });
    };
    if (!isObject(o)) {
      problem('', `a document is ${describeType(o)}, not an object; kubectl refuses it: every document must be a Kubernetes object ` +
        '(apiVersion, kind, metadata)');
      return;
    }
    // kubectl's decoder takes any object with an 'items' field for a list, whatever its kind, and creates the items
    if (!Object.hasOwn(o, 'items')) {
      this.addObject(o, index, '');
      return;
    }
    const list = `${typeof o.kind === 'string' ? o.kind : 'List'}${typeof o.metadata?.name === 'string' ? ` ${o.metadata.name}` : ''}`;
    const items: unknown = o.items;
    if (items === null) return;
    if (!Array.isArray(items)) {
      problem('items', `${list}: 'items' must be a list of objects, got ${describeType(items)}; kubectl cannot decode it`);
      return;
    }
    const itemKind = typeof o.kind === 'string' ? o.kind.replace(/List$/, '') : '';
    items.forEach((item: unknown, i: number) => {
      const at = `items[${i}]`;
      if (!isObject(item)) {
        problem(at, `${list}: ${at} is ${describeType(item)}, not an object; kubectl refuses the List`);
      } else if (Array.isArray(item.items)) {
        problem(at, `${list}: ${at} is a List inside a List; kubectl refuses it: move its items into the outer List`);
      } else if (item.kind === undefined && item.apiVersion === undefined && itemKind === '') {
        problem(`${at}.kind`, `${list}: ${at} has no kind, and a List of kind '${o.kind}' gives it none; kubectl refuses it: set its kind ` +
          'and apiVersion');
      } else {
        const typed = item.kind === undefined && item.apiVersion === undefined ? { ...item, kind: itemKind, apiVersion: o.apiVersion } : item;
        this.addObject(typed, index, `${at}.`, list);
      }
    });
  }

  /** The model, with the Secrets that collide. */
  public finish(): ManifestModel {
    pushAll(this.model.problems, duplicateSecretProblems(this.model.secrets));
    return this.model;
  }

  private addObject(o: Record<string, any>, index: number, prefix: string, list?: string): void {
    const metaProblem = metadataProblem(o);
    if (metaProblem !== undefined) {
      this.model.problems.push({ index, resource: resourceName(o), location: `${prefix}${metaProblem.location}`, message: metaProblem.message });
      return;
    }
    const pod = podObject(o, index, prefix, list);
    if (pod) this.model.pods.push(pod);
    const secret = pullSecretObject(o, index);
    if (secret) this.model.secrets.push(secret);
    if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') {
      this.model.serviceAccounts.push({ index, name: o.metadata.name, namespace: namespaceOf(o), imagePullSecrets: names(o.imagePullSecrets),
        annotations: stringMap(o.metadata?.annotations) });
    }
  }
}

/**
 * The field of `metadata` that Go cannot decode into the object (`namespace: 123`), or undefined. kubectl and the API
 * server refuse such an object, so it must not be read as one without a namespace.
 */
export function metadataProblem(o: Record<string, any>): { location: string; message: string } | undefined {
  const metadata: unknown = o.metadata;
  if (metadata === undefined || metadata === null) return undefined;
  const kind = typeof o.kind === 'string' ? o.kind : 'the object';
  if (!isObject(metadata)) {
    return { location: 'metadata', message: `${kind}: 'metadata' must be an object, got ${describeType(metadata)}; kubectl refuses the object` };
  }
  for (const field of ['namespace', 'name'] as const) {
    const value: unknown = metadata[field];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      return { location: `metadata.${field}`, message: `${resourceName(o)}: 'metadata.${field}' must be a string such as 'apps', got ` +
        `${describeType(value)}; kubectl and the API server refuse the object: write it as a string (quote it if it looks like a number)` };
    }
  }
  return undefined;
}

/** The namespace of an object: undefined when it sets none, or `""` (which Go decodes as unset). */
export function namespaceOf(o: Record<string, any>): string | undefined {
  const ns: unknown = o.metadata?.namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** `Kind namespace/name` of any object, for messages; a name or namespace that is not a string is left out. */
function resourceName(o: Record<string, any>): string {
  const kind = typeof o.kind === 'string' ? o.kind : 'object';
  const name = stringOr(o.metadata?.name);
  const ns = typeof o.metadata?.namespace === 'string' && o.metadata.namespace !== '' ? `${o.metadata.namespace}/` : '';
  return `${kind} ${ns}${name ?? '(no name)'}`;
}

/**
 * Two different Secrets of one name in one namespace, whatever makes them: `kubectl apply` keeps the last one, and the
 * pods that need the other's registries fail with ErrImagePull. Objects without a namespace count as in `default`.
 * Two Secrets with the same content are one Secret applied twice; a SealedSecret's or ExternalSecret's content is not
 * known, so two of them always collide.
 */
export function duplicateSecretProblems(secrets: readonly PullSecretObject[]): ManifestProblem[] {
  const byKey = new Map<string, PullSecretObject[]>();
  for (const s of secrets) {
    const key = namespacedKey(s.namespace ?? 'default', s.name);
    const group = byKey.get(key);
    if (group === undefined) byKey.set(key, [s]);
    else group.push(s);
  }
  const problems: ManifestProblem[] = [];
  for (const group of byKey.values()) {
    const first = group[0];
    for (const other of group.slice(1)) {
      if (sameContent(first, other)) continue;
      const where = first.namespace === undefined && other.namespace === undefined ? 'among the objects without a namespace'
        : `in namespace '${first.namespace ?? other.namespace}'`;
      const defaultNote = first.namespace === other.namespace ? ''
        : " (objects without a namespace land in kubectl's current namespace, 'default' unless the context says otherwise)";
      problems.push({ index: other.index, resource: secretResource(other), location: 'metadata.name', duplicateSecret: true,
        message: `two different Secrets named '${other.name}' ${where}: ${describeSecretObject(first)} and ${describeSecretObject(other)}` +
          `${defaultNote}; kubectl apply keeps the last one, and the pods that need the other's registries fail with ErrImagePull: ` +
          'give one of them another name, or merge their registries into one Secret' });
    }
  }
  return problems;
}

function sameContent(a: PullSecretObject, b: PullSecretObject): boolean {
  if (a.kind !== 'Secret' || b.kind !== 'Secret' || a.error !== undefined || b.error !== undefined) return false;
  const entries = (s: PullSecretObject): string => JSON.stringify((s.entries ?? []).map((e) => [e.server, e.username, e.password]));
  return a.format === b.format && entries(a) === entries(b);
}

function secretResource(s: PullSecretObject): string {
  return `${s.kind} ${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}`;
}

function describeSecretObject(s: PullSecretObject): string {
  return `${secretResource(s)}${s.namespace === undefined ? ' (no namespace)' : ''}`;
}

/**
 * The fields of a pod spec that `podObject` reads, and for each list of containers or volumes the fields of an item it
 * reads (`all`: the whole value). Nothing else of the spec decides the model: a reader that copies or checks only these
 * (the policy's cheap read of plain objects) reads the same model. Keep it in step with `podObject`.
 */
export const POD_SPEC_FIELDS_READ: { readonly [field: string]: 'all' | readonly string[] } = {
  imagePullSecrets: 'all',
  serviceAccountName: 'all',
  serviceAccount: 'all',
  initContainers: ['name', 'image', 'imagePullPolicy'],
  containers: ['name', 'image', 'imagePullPolicy'],
  ephemeralContainers: ['name', 'image', 'imagePullPolicy'],
  volumes: ['name', 'image'],
};

/** The pod-bearing object `o` is, or undefined; of its metadata it reads only the name, namespace and annotations. */
export function podObject(o: Record<string, any>, index: number, prefix = '', list?: string): PodObject | undefined {
  const path = typeof o.kind === 'string' && Object.hasOwn(POD_SPEC_PATHS, o.kind) ? POD_SPEC_PATHS[o.kind] : undefined;
  if (!path) return undefined;
  const spec = path.reduce((v: any, k: string) => (isObject(v) ? v[k] : undefined), o);
  if (!isObject(spec)) return undefined;
  const at = prefix + path.join('.');
  const namespace = namespaceOf(o);
  const name = stringOr(o.metadata?.name);
  const problems: ObjectProblem[] = [];

  if (spec.imagePullSecrets !== undefined && !Array.isArray(spec.imagePullSecrets)) {
    problems.push({ location: `${at}.imagePullSecrets`, message: 'imagePullSecrets must be a list such as [{ name: regcred }], ' +
      `got ${describeType(spec.imagePullSecrets)}; the API server refuses the object` });
  }
  const refs: unknown[] = Array.isArray(spec.imagePullSecrets) ? spec.imagePullSecrets : [];
  refs.forEach((r, i) => {
    if (!isObject(r) || typeof r.name !== 'string' || r.name === '') {
      problems.push({ location: `${at}.imagePullSecrets[${i}]`,
        message: `imagePullSecrets[${i}] has no name; the kubelet skips it: name the Secret or remove the entry` });
    }
  });

  const images: ImageUse[] = [];
  for (const [field, kind] of [['initContainers', 'init container'], ['containers', 'container'],
    ['ephemeralContainers', 'ephemeral container']] as const) {
    const list = spec[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) {
      problems.push({ location: `${at}.${field}`, message: `${field} must be a list of containers, got ${describeType(list)}` });
      continue;
    }
    list.forEach((c: unknown, i: number) => {
      const location = `${at}.${field}[${i}].image`;
      const containerName = isObject(c) && typeof c.name === 'string' ? c.name : `#${i}`;
      if (!isObject(c) || c.image === undefined || c.image === '') {
        problems.push({ location, message: `${kind} '${containerName}' has no image; the kubelet cannot pull it: set the image to a ` +
          'reference such as \'ghcr.io/org/app:1\'' });
      } else if (typeof c.image !== 'string') {
        problems.push({ location, message: `${kind} '${containerName}': 'image' must be a string such as 'ghcr.io/org/app:1', ` +
          `got ${describeType(c.image)}` });
      } else {
        images.push({ name: containerName, kind, image: c.image, location, pullPolicy: stringOr(c.imagePullPolicy) });
      }
    });
  }
  // image volumes (Kubernetes 1.31+): pulled like a container image, with the pod's pull secrets
  if (Array.isArray(spec.volumes)) {
    spec.volumes.forEach((v: unknown, i: number) => {
      if (!isObject(v) || v.image === undefined) return;
      const volumeName = typeof v.name === 'string' ? v.name : `#${i}`;
      const location = `${at}.volumes[${i}].image.reference`;
      const reference = isObject(v.image) ? v.image.reference : undefined;
      if (typeof reference !== 'string' || reference === '') {
        problems.push({ location, message: `image volume '${volumeName}' has no image.reference; the kubelet cannot pull it: set it to a ` +
          'reference such as \'ghcr.io/org/data:1\'' });
        return;
      }
      images.push({ name: volumeName, kind: 'image volume', image: reference, location, pullPolicy: stringOr(v.image.pullPolicy) });
    });
  }

  return {
    index, list, kind: o.kind, name, namespace, resource: `${o.kind} ${namespace ? namespace + '/' : ''}${name}`, specPath: at,
    spec: { imagePullSecrets: spec.imagePullSecrets },
    imagePullSecrets: names(refs), serviceAccountName: stringOr(spec.serviceAccountName) ?? stringOr(spec.serviceAccount) ?? 'default',
    annotations: stringMap(o.metadata?.annotations), images, problems,
  };
}

const DOCKER_SECRET_KEYS: { [type: string]: string } = {
  [DOCKER_CONFIG_JSON_SECRET_TYPE]: DOCKER_CONFIG_JSON_KEY,
  [DOCKERCFG_SECRET_TYPE]: DOCKERCFG_KEY,
};

/** The pull secret `o` puts into the cluster, or undefined. */
export function pullSecretObject(o: Record<string, any>, index: number): PullSecretObject | undefined {
  const namespace = namespaceOf(o);
  if (o.kind === 'Secret' && o.apiVersion === 'v1') {
    const key = typeof o.type === 'string' && Object.hasOwn(DOCKER_SECRET_KEYS, o.type) ? DOCKER_SECRET_KEYS[o.type] : undefined;
    const name = stringOr(o.metadata?.name);
    if (!key || name === undefined) return undefined;
    return { index, kind: 'Secret', name, namespace, format: o.type, ...decodeSecret(o, key) };
  }
  // a controller turns these into a Secret of the same name (or spec.target.name) in the same namespace
  if (o.kind === 'SealedSecret' || o.kind === 'ExternalSecret') {
    const name = stringOr(o.spec?.target?.name) ?? stringOr(o.metadata?.name);
    if (name === undefined) return undefined;
    const declared = stringOr(o.metadata?.annotations?.[SERVERS_ANNOTATION]);
    return { index, kind: o.kind, name, namespace, servers: declared === undefined ? undefined : splitList(declared) };
  }
  return undefined;
}

/** The entries of a docker Secret, or why the kubelet could not read it. */
function decodeSecret(o: any, key: string): { servers?: string[]; entries?: SecretEntry[]; error?: string } {
  let text: string | undefined = stringOr(o.stringData?.[key]);
  if (text === undefined && typeof o.data?.[key] === 'string') text = Buffer.from(o.data[key], 'base64').toString('utf8');
  if (text === undefined) return { error: `has no '${key}' key; the kubelet cannot read it: put the docker config under data['${key}']` };
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { error: `has a '${key}' that is not JSON; the kubelet fails every pull that uses it: regenerate the Secret` };
  }
  const auths = key === DOCKER_CONFIG_JSON_KEY ? goField(parsed, 'auths') : parsed;
  if (!isObject(auths)) {
    return { error: `has a '${key}' without ${key === DOCKER_CONFIG_JSON_KEY ? 'an \'auths\' map' : 'a server map'}; regenerate the Secret` };
  }
  const entries: SecretEntry[] = [];
  // the kubelet builds one keyring from every entry; one 'auth' it cannot decode fails the whole secret
  for (const [server, entry] of Object.entries<any>(auths)) {
    let username = stringOr(goField(entry, 'username'));
    let password = stringOr(goField(entry, 'password'));
    const auth = goField(entry, 'auth');
    if (typeof auth === 'string' && auth !== '') {
      const decoded = decodeAuth(auth);
      if (decoded === AUTH_NOT_TEXT) {
        // the kubelet sends the bytes as they are; only we cannot show or use them
        username = password = undefined;
      } else if (typeof decoded === 'string') {
        return { error: `has an entry for '${displayKey(server)}' whose 'auth' ${decoded}; the kubelet fails every pull that uses this ` +
          'secret: regenerate the Secret' };
      } else {
        [username, password] = decoded;
      }
    }
    entries.push({ server, username, password });
  }
  return { servers: Object.keys(auths), entries };
}

/**
 * A field of a JSON object as Go's `encoding/json` finds it for a struct field: the key as written, else the first key
 * equal to it without regard to case (`"AUTHS"` fills `Auths`).
 */
function goField(o: unknown, name: string): unknown {
  if (!isObject(o)) return undefined;
  if (Object.hasOwn(o, name)) return o[name];
  const folded = Object.keys(o).find((k) => k.toLowerCase() === name);
  return folded === undefined ? undefined : o[folded];
}

/** The image names of a comma-separated annotation. */
export function splitList(value: unknown): string[] {
  return typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : [];
}

function names(refs: unknown): string[] {
  return Array.isArray(refs) ? refs.map((r) => r?.name).filter((n): n is string => typeof n === 'string' && n.length > 0) : [];
}

function stringOr(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function stringMap(value: unknown): { [key: string]: string } {
  if (!isObject(value)) return {};
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'string')) as { [key: string]: string };
}

/** The key of a namespaced object in maps: `namespace/name`, with `''` for no namespace. */
export function namespacedKey(namespace: string | undefined, name: string | undefined): string {
  return `${namespace ?? ''}/${name ?? ''}`;
}
