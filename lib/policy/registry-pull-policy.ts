import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { onlyBuiltInResolvers, plainPodJson } from './_plain-objects';
import {
  MODEL_KINDS, ManifestModel, POD_SPEC_PATHS, PodObject, PullSecretObject, metadataProblem, podObject, pullSecretObject, readManifests,
} from '../check/manifest-model';
import { describeNamespace } from '../check/messages';
import { synthState, warnOnce } from '../check/_synth-state';
import { POLICY_PUBLIC_IMAGES_ANNOTATION } from '../check/annotations';
import { ManifestPulls, resolveManifests } from '../check/manifest-pulls';
import { PolicyFacts, PullEngine } from '../check/pull-engine';
import { HASH_SUFFIX_LENGTH, hashedSecretName } from '../docker/append-hash';
import { DockerConfig } from '../docker/docker-config';
import { DockerConfigEntry, RegistryCredentials, validateRegistryCredentials } from '../docker/credentials';
import { DOCKER_CONFIG_JSON_KEY, DOCKER_CONFIG_JSON_SECRET_TYPE, encodeDockerConfigJson, sortByServer } from '../docker/payload';
import { compareUtf8 } from '../go/json';
import {
  checkDns1123Subdomain, describeType, dns1123LabelProblem, isObject, optionalBoolean, requireArray, requireObject, requireString,
} from '../input/values';
import { printable } from '../input/printable';
import { parseImageReference } from '../kubelet/image-reference';
import { RegistryEntries } from '../secrets/_registry-entries';
import { PrivateRegistrySecret } from '../secrets/private-registry-secret';
import { SealedRegistrySecret } from '../secrets/sealed-registry-secret';
import { SealingCertificate } from '../secrets/sealing-certificate';
import { readStabilityKey } from '../secrets/_stability-key';
import { pushAll } from '../input/arrays';

/** Props for `RegistryPullPolicy`: the registries, and how the per-namespace pull secrets are written. */
export interface RegistryPullPolicyProps {
  /**
   * Registries and their credentials, as `PrivateRegistrySecret.addRegistry` takes them.
   *
   * @default - none; `dockerConfig` must then hold at least one registry
   */
  readonly registries?: RegistryCredentials[];

  /**
   * Registries taken from docker's configuration, for example `DockerConfig.fromFile()` after `docker login`.
   *
   * @default - only `registries`
   */
  readonly dockerConfig?: DockerConfig;

  /**
   * The name of the pull secret written into each namespace that needs one (with `appendHash`, the name before the hash).
   *
   * @default 'regcred'
   */
  readonly secretName?: string;

  /**
   * Images or repositories pulled without credentials on purpose (`nginx`, `ghcr.io/org/tool`): no credentials are needed
   * for them and no error is raised. A repository covers all its tags and digests.
   *
   * @default - none: every image must be covered by the policy or by the object's own pull secrets
   */
  readonly publicImages?: string[];

  /**
   * Writes each namespace's secret as a Bitnami `SealedSecret` with strict scope (bound to its name and namespace),
   * sealed with this certificate, instead of a plain `Secret`.
   *
   * @default - plain `kubernetes.io/dockerconfigjson` Secrets
   * @see https://github.com/bitnami-labs/sealed-secrets#scopes
   */
  readonly sealingCertificate?: SealingCertificate;

  /**
   * With `sealingCertificate`: seal each namespace's secret to the same bytes on every synth while its credentials,
   * namespace and the certificate stay the same (see `SealedRegistrySecretProps.stabilityKey`). A random secret of at
   * least 32 bytes, as 64 or more hex digits (`openssl rand -hex 32`) or 44 or more base64 characters, kept out of git.
   *
   * @default - a new random sealing on every synth
   */
  readonly stabilityKey?: string;

  /**
   * Names each namespace's secret as `kubectl create secret docker-registry NAME --append-hash` would (`regcred-548cm7fgdh`);
   * the hash is of that namespace's content, so each namespace has its own name, and the references follow it. Not with
   * `sealingCertificate`: a hash of the plaintext credentials must not stand in git.
   *
   * @default false
   */
  readonly appendHash?: boolean;
}

const POLICY_SYMBOL = Symbol.for('cdk8s-private-registry.RegistryPullPolicy');
// the policies of one construct tree, kept on its root, so that two policies never cover the same objects
const POLICIES = Symbol.for('cdk8s-private-registry.RegistryPullPolicies');
// a key of ours in the metadata of each object read, whose value (a Lazy) resolves to nothing
const WRITTEN_ANNOTATION = 'private-registry.cdk8s.io/policy-read';
// the annotations the policy writes on objects: its read of an object leaves them out (one resolves to nothing, and the
// engine does not read the other when it judges with the policy)
export const OWN_ANNOTATIONS: ReadonlySet<string> = new Set([WRITTEN_ANNOTATION, POLICY_PUBLIC_IMAGES_ANNOTATION]);
// the kinds whose JSON the policy reads: those the manifest model reads, and Lists of them (any kind ending in 'List')
const SECRET_KINDS = ['Secret', 'SealedSecret', 'ExternalSecret'];

/** How the policy changed one object: what it added, kept live so that a later pass of the same synth can update it. */
type PatchState =
  // appended to a list that had entries: the list as the object has it stays visible, with ours at the end
  | { readonly mode: 'append'; readonly value: { name: string } }
  // the object had no list (or an empty one): ours, after the service account's secrets the pod would otherwise get
  | { readonly mode: 'set'; readonly original: 'absent' | 'empty'; readonly value: { name: string }[] };

/** What the policy read of one object: a pod-bearing object, a pull secret, a service account, or nothing it needs. */
interface ObjectFacts {
  /** The object has been written since it was read. */
  written?: boolean;
  /** What it holds, as the manifest model reads it (a List holds several objects). */
  readonly model: ManifestModel;
  /** A Secret's JSON, to compare its content with the policy's. */
  readonly json?: unknown;
}

/** One namespace's secret as written. */
interface WrittenSecret {
  /** The construct id, from the namespace. */
  readonly id: string;
  /** The Secret's name (with appendHash, hashed). */
  readonly name: string;
  /** The `.dockerconfigjson` text. */
  readonly payload: string;
}

/** One namespace's secret as this pass wants it. */
interface WantedSecret extends WrittenSecret {
  readonly namespace?: string;
  readonly entries: DockerConfigEntry[];
  /** False when the same Secret exists in scope already, so the objects refer to that one. */
  readonly write: boolean;
  readonly decisions: PodDecision[];
}

/** An object that needs the policy's secret, and the secrets of its service account it must then list itself. */
interface PodDecision {
  readonly pod: PodObject;
  /** The ServiceAccount admission plugin copies them only into a pod that lists none. */
  readonly copied: readonly string[];
}

/** One namespace (or the objects without one) whose objects need the policy's secret. */
interface NamespaceNeeds {
  readonly namespace?: string;
  /** The policy's servers its images need: per image, the key the kubelet tries first. */
  readonly servers: Set<string>;
  /** The objects that must list the secret, in input order. */
  readonly pods: PodDecision[];
  /** Objects that list it already: they need its servers, but no change. */
  readonly listing: PodObject[];
}

/** The engine's answer grouped as the policy writes it: a secret per namespace, a reference per object; and the errors. */
function needsByNamespace(pulls: ManifestPulls): { namespaces: Map<string, NamespaceNeeds>; imageErrors: string[]; errors: string[] } {
  const namespaces = new Map<string, NamespaceNeeds>();
  const imageErrors: string[] = [];
  const errors: string[] = [];
  for (const w of pulls.workloads) {
    for (const image of w.images) if (image.severity === 'error') imageErrors.push(image.message!);
    if (w.policyKeys.size === 0) continue;
    const pod = w.pod;
    const key = pod.namespace ?? '';
    let ns = namespaces.get(key);
    if (ns === undefined) {
      ns = { namespace: pod.namespace, servers: new Set(), pods: [], listing: [] };
      namespaces.set(key, ns);
    }
    for (const server of w.policyKeys) ns.servers.add(server);
    if (w.listsPolicySecret) {
      ns.listing.push(pod);
    } else if (pod.spec.imagePullSecrets !== undefined && !Array.isArray(pod.spec.imagePullSecrets)) {
      errors.push(`${pod.resource}: ${pod.specPath}.imagePullSecrets is not a list, so the policy cannot add its pull secret to it; the API ` +
        'server refuses the object as it is: write it as a list such as [{ name: regcred }]');
    } else {
      ns.pods.push({ pod, copied: w.lent });
    }
  }
  return { namespaces, imageErrors, errors };
}

/**
 * One pull secret for the whole app (or one chart): every pod-bearing object in scope, whatever made it (this library,
 * plain cdk8s-plus, raw `ApiObject`s, `Include` output), gets a pull secret in its namespace that holds only the
 * registries its namespace's images need.
 *
 * At synth time the policy reads every Pod, Deployment, ReplicaSet, ReplicationController, StatefulSet, DaemonSet,
 * Job, CronJob and PodTemplate in scope, matches each image (containers, init and ephemeral containers, image
 * volumes) against its registries with the kubelet's rules, writes one secret named `secretName` into each namespace
 * that needs one, and adds it to the `imagePullSecrets` of each object that needs it. An image that neither the policy,
 * nor the object's own pull secrets, nor `publicImages` cover fails the synth. Objects that need nothing are left as
 * they are.
 *
 * `scope` is a Chart (that chart's objects; the secrets go into it) or the App (every chart's objects; the secrets go
 * into a chart of the policy's own).
 */
export class RegistryPullPolicy extends Construct {
  /** The default name of the secret written into each namespace: `regcred`. */
  public static readonly DEFAULT_SECRET_NAME = 'regcred';

  /**
   * Whether `x` is a `RegistryPullPolicy`, recognised by a marker so that it holds across two copies of this library.
   *
   * @param x any value
   */
  public static isRegistryPullPolicy(x: any): x is RegistryPullPolicy {
    return x !== null && typeof x === 'object' && POLICY_SYMBOL in x;
  }

  /** The name of each namespace's secret (with `appendHash`, before the hash). */
  public readonly secretName: string;
  /** The chart the secrets are written into: the scope chart, or the policy's own chart for an App-scoped policy. */
  public readonly secretsChart: Chart;
  /** Whether the secrets are named with a content hash. */
  public readonly appendHash: boolean;

  private readonly _entries: DockerConfigEntry[];
  private readonly _publicImages: string[];
  private readonly _certificate?: SealingCertificate;
  // a function, so that no field shows the key to JSON.stringify or console.log
  private readonly _stabilityKey: () => string | undefined;
  private readonly _scopeChart?: Chart;
  private readonly _secretsScope: Construct;
  private readonly _engine: PullEngine;
  private readonly _policyFacts: PolicyFacts;
  // the policy's public images each object's images name, written on the object for the tools that read manifests
  private readonly _declared = new WeakMap<ApiObject, string>();
  private readonly _publicByName = new Map<string, string[]>();
  private readonly _patches = new Map<ApiObject, PatchState>();
  private readonly _ownPatches = new WeakMap<ApiObject, JsonPatch>();
  private _plainResolvers = false;
  private _facts = new WeakMap<ApiObject, ObjectFacts>();
  private readonly _watched = new WeakSet<ApiObject>();
  private _reading = false;
  /**
   * Above zero while the policy's own chart is being written.
   *
   * @internal
   */
  public _writingOwnChart = 0;
  private _reads = 0;
  private _lastOwners?: ApiObject[];
  private _endOfRunScheduled = false;
  private readonly _secretsWritten = new Map<string, WrittenSecret>();

  constructor(scope: Construct, id: string, props: RegistryPullPolicyProps) {
    const context = `RegistryPullPolicy '${id}'`;
    // validate before super() so that a bad input leaves no half-built construct in the tree
    const scopeChart = policyScope(scope, context);
    const p = requireObject(props, 'props', context, 'an object with the registries, such as { registries: [{ server, username, password }] }');
    const entries = policyEntries(p, context);
    const appendHash = optionalBoolean(p.appendHash, 'appendHash', context) ?? false;
    // with appendHash, '-' and 10 characters of hash follow the name
    const secretName = p.secretName === undefined ? RegistryPullPolicy.DEFAULT_SECRET_NAME
      : checkDns1123Subdomain(p.secretName, 'secretName', context, appendHash ? 253 - HASH_SUFFIX_LENGTH : undefined);
    const publicImages = p.publicImages === undefined ? [] : requireArray(p.publicImages, 'publicImages', context, '[\'nginx\']').map((image, i) => {
      const text = requireString(image, `publicImages[${i}]`, context, { emptyHint: 'give an image or repository such as \'nginx\'' });
      try {
        parseImageReference(text);
      } catch (e) {
        throw new Error(`${context}: 'publicImages[${i}]': ${(e as Error).message}`);
      }
      return text;
    });
    if (p.sealingCertificate !== undefined && !SealingCertificate.isSealingCertificate(p.sealingCertificate)) {
      throw new Error(`${context}: 'sealingCertificate' must be a SealingCertificate, got ${describeType(p.sealingCertificate)}; ` +
        "use SealingCertificate.fromFile('cert.pem') or SealingCertificate.fromPem(text)");
    }
    if (p.stabilityKey !== undefined) {
      readStabilityKey(p.stabilityKey, `${context}: 'stabilityKey'`);
      if (p.sealingCertificate === undefined) {
        throw new Error(`${context}: 'stabilityKey' is given without 'sealingCertificate'; it only makes sealed secrets stable: ` +
          'give sealingCertificate too, or leave out stabilityKey');
      }
    }
    const stabilityKeyText = p.stabilityKey as string | undefined;
    if (appendHash && p.sealingCertificate !== undefined) {
      // the hash is of the plaintext payload, and the name stands in git next to the sealed data
      throw new Error(`${context}: 'appendHash' cannot be used with 'sealingCertificate': the name would be a hash of the unsealed ` +
        'credentials, committed in plaintext, against which anyone who reads the repository could test password guesses; leave out ' +
        'appendHash (a SealedSecret is updated in place when its sealed data changes)');
    }
    const others = policiesOf(scope);
    const overlap = others.find((o) => o.scope === undefined || scopeChart === undefined || o.scope === scopeChart);
    if (overlap) {
      throw new Error(`${context}: the policy '${overlap.path}' already covers ${overlap.scope === undefined ? 'the whole app' : 'this chart'}; ` +
        'two policies would write two secrets for the same objects: give one policy all the registries');
    }

    super(scope, id);
    Object.defineProperty(this, POLICY_SYMBOL, { value: true });
    others.push({ scope: scopeChart, path: this.node.path });
    this.secretName = secretName;
    this.appendHash = appendHash;
    this._entries = entries;
    this._publicImages = publicImages;
    this._certificate = p.sealingCertificate as SealingCertificate | undefined;
    this._stabilityKey = () => stabilityKeyText;
    this._scopeChart = scopeChart;
    this._policyFacts = { secretName, servers: entries.map((e) => e.server), publicImages };
    for (const image of publicImages) {
      const name = parseImageReference(image).name;
      this._publicByName.set(name, [...this._publicByName.get(name) ?? [], image]);
    }
    this._engine = new PullEngine([], synthState(this).urls);
    synthState(this).policies.push({ scope: scopeChart, facts: this._policyFacts });
    if (scopeChart) {
      this.secretsChart = scopeChart;
      this._secretsScope = this;
    } else {
      this.secretsChart = new SecretsChart(this, 'Secrets', this);
      this._secretsScope = this.secretsChart;
    }
    this.node.addValidation({ validate: () => this._apply() });
  }

  /** The `auths` keys of all the policy's registries, sorted as they are written. */
  public get servers(): string[] {
    return this._entries.map((e) => e.server);
  }

  /** The images and repositories declared public. */
  public get publicImages(): string[] {
    return [...this._publicImages];
  }

  /**
   * Reads the objects in scope, decides, and writes the secrets and references. cdk8s runs validations once before
   * the charts are written and again before each chart is written, so this runs several times per synth; it reads an
   * object again only when it may have changed since (see `_factsOf`), and comes to the same result each time.
   */
  private _apply(): string[] {
    const owners: ApiObject[] = [];
    const read: ObjectFacts[] = [];
    const readsBefore = this._reads;
    this._plainResolvers = onlyBuiltInResolvers(this);
    for (const o of this._objectsInScope()) {
      if (!MODEL_KINDS.has(o.kind) && !o.kind.endsWith('List')) continue;
      const facts = this._factsOf(o);
      if (facts === undefined) continue;
      owners.push(o);
      read.push(facts);
    }
    // nothing read anew and the same objects: the last pass's decision stands (it had no errors, or the facts were dropped)
    const last = this._lastOwners;
    if (this._reads === readsBefore && last !== undefined && last.length === owners.length && last.every((o, i) => o === owners[i])) return [];

    // the model of this pass: the plan names objects by their place in `owners`
    const model: ManifestModel = { pods: [], secrets: [], serviceAccounts: [], problems: [] };
    const secretJsons = new Map<number, unknown>();
    read.forEach((facts, index) => {
      for (const pod of facts.model.pods) {
        (pod as { index: number }).index = index;
        model.pods.push(pod);
      }
      for (const secret of facts.model.secrets) model.secrets.push({ ...secret, index });
      if (facts.json !== undefined) secretJsons.set(index, facts.json);
      for (const sa of facts.model.serviceAccounts) model.serviceAccounts.push({ ...sa, index });
      for (const problem of facts.model.problems) model.problems.push({ ...problem, index });
    });
    this._lastOwners = undefined;
    const pulls = resolveManifests(model, {
      policy: this._policyFacts, policySecretName: this.appendHash ? undefined : this.secretName, engine: this._engine,
      evidenceKeys: this.servers.map((key) => ({ key, secret: this.secretName })),
    });
    const plan = needsByNamespace(pulls);
    // what the engine says of the images fails the synth, but does not change what the policy writes for the others;
    // errors about what the policy itself cannot write (below) stop it from writing anything
    const imageErrors = plan.imageErrors;
    const errors = [...plan.errors];
    for (const w of pulls.workloads) {
      for (const image of w.images) if (image.verdict === 'undeclared') warnOnce(this, `${this.node.path}: ${printable(image.message!)}`);
    }
    this._declarePublicImages(pulls, owners);
    // objects the API server refuses (a namespace that is not a string): the policy must not write their secret elsewhere
    for (const p of model.problems) errors.push(`${owners[p.index].node.path}: ${p.message}`);

    // the secrets: one per namespace that needs one, in a stable order (objects without a namespace first)
    const existingByName = new Map<string, PullSecretObject[]>();
    for (const s of model.secrets) {
      const k = `${s.namespace ?? ''}/${s.name}`;
      existingByName.set(k, [...existingByName.get(k) ?? [], s]);
    }
    const wanted = new Map<string, WantedSecret>();
    const keys = [...plan.namespaces.keys()].sort(compareUtf8);
    const outside = this._secretsOutsideScope();
    for (const key of keys) {
      const needs = plan.namespaces.get(key)!;
      // objects without a namespace land in 'default' (kubectl's namespace unless the context says otherwise): the two
      // groups get one Secret of one content, so that whichever kubectl applies last, both groups' pods pull
      const sameNamespace = key === '' || key === 'default' ? ['', 'default'] : [key];
      const where = describeGroup(needs.namespace, [...needs.pods.map((d) => d.pod), ...needs.listing]);
      if (needs.namespace !== undefined) {
        const problem = dns1123LabelProblem(needs.namespace);
        if (problem !== undefined) {
          errors.push(`${where} need the policy's pull secret, but their 'metadata.namespace' ${problem}; the API server refuses such a ` +
            'namespace: fix it on the objects');
          continue;
        }
      } else if (this._certificate) {
        errors.push(`${where} need the policy's pull secret, but a SealedSecret with strict scope is bound to a namespace and these ` +
          'objects set none: set their metadata.namespace (or the chart\'s namespace)');
        continue;
      }
      const servers = new Set(sameNamespace.flatMap((k) => [...plan.namespaces.get(k)?.servers ?? []]));
      const entries = this._entries.filter((e) => servers.has(e.server));
      const payload = encodeDockerConfigJson(entries);
      const name = this.appendHash
        ? hashedSecretName(this.secretName, DOCKER_CONFIG_JSON_SECRET_TYPE, { [DOCKER_CONFIG_JSON_KEY]: payload })
        : this.secretName;
      let write = true;
      const elsewhere = (ns: string | undefined): string => (ns === needs.namespace ? '' : `, in ${describeNamespace(ns)}`);
      for (const existing of sameNamespace.flatMap((k) => existingByName.get(`${k}/${name}`) ?? [])) {
        if (!this._certificate && sameSecret(secretJsons.get(existing.index), payload)) {
          write = false; // the same Secret exists already: the objects refer to it
          continue;
        }
        errors.push(`${describeNamespaceGroup(needs.namespace)} already ` +
          `has ${existing.kind === 'Secret' ? 'a Secret' : `a ${existing.kind} that makes a Secret`} named '${name}' ` +
          `(${existing.kind} ${owners[existing.index].node.path}${elsewhere(existing.namespace)}) ` +
          `${this._certificate ? 'whose content the policy cannot compare with its sealed one' : 'with other content than the policy\'s'}; ` +
          'the policy would write its own Secret of that name there: set the policy\'s secretName to another name, or remove that object');
      }
      // another chart's Secret of that name there (another policy's too): kubectl apply keeps the last one
      for (const other of outside) {
        if (other.secret.name !== name || !sameNamespace.includes(other.secret.namespace ?? '')) continue;
        if (!this._certificate && sameSecret(other.json, payload)) continue;
        const who = needs.namespace === undefined ? 'the objects without a namespace need' : `namespace '${needs.namespace}' needs`;
        errors.push(`${who} the policy's Secret '${name}', and ${other.secret.kind} ${other.path} ` +
          `in another chart makes a Secret of that name in ${describeNamespace(other.secret.namespace)} with other content; kubectl apply ` +
          'keeps the last one, and the pods that need the other one\'s registries fail with ErrImagePull: give one of them another name ' +
          '(the policy\'s secretName), or cover both charts with one App-scoped policy');
      }
      wanted.set(key, { id: key === '' ? 'no-namespace' : `ns-${key}`, name, payload, namespace: needs.namespace, entries, write,
        decisions: needs.pods });
    }

    // the references: one JSON patch per object that needs the secret
    const changes: [ApiObject, PatchState][] = [];
    const decided = new Set<ApiObject>();
    for (const secret of wanted.values()) {
      for (const d of secret.decisions) {
        const owner = owners[d.pod.index];
        if (d.pod.list !== undefined) {
          // a JSON patch of the List would have to follow its items' order: the user lists the secret instead
          errors.push(`${owner.node.path}: ${d.pod.resource} (an item of ${d.pod.list}) needs the policy's pull secret '${secret.name}', but ` +
            'the policy cannot add it to an object inside a List: add it to the object\'s imagePullSecrets, or write the List\'s items as ' +
            'objects of their own');
          continue;
        }
        decided.add(owner);
        const change = desiredPatch(d, secret.name, this._patches.get(owner));
        if (typeof change === 'string') errors.push(change);
        else if (change !== undefined) changes.push([owner, change]);
      }
    }
    const inScope = new Set(owners);
    for (const [owner, state] of this._patches) {
      if (decided.has(owner) || !inScope.has(owner)) continue;
      if (state.mode === 'set' && state.original === 'empty') {
        state.value.length = 0; // back to the empty list the object has
        continue;
      }
      errors.push(`${owner.node.path}: the policy added its pull secret to this object in an earlier synth, and it no longer needs it; ` +
        'cdk8s has no way to take a JSON patch back: synthesize from a new App');
    }
    if (errors.length > 0) {
      // the user will change something before the next synth: read everything again then
      this._facts = new WeakMap();
      // names, images and namespaces come from the manifests: none may move the terminal's cursor
      return [...imageErrors, ...errors].map(printable);
    }

    for (const [owner, state] of changes) {
      const installed = this._patches.get(owner);
      if (installed === undefined) {
        const pointer = `/${POD_SPEC_PATHS[owner.kind].join('/')}/imagePullSecrets`;
        const patch = JsonPatch.add(state.mode === 'append' ? `${pointer}/-` : pointer, state.value);
        owner.addJsonPatch(patch);
        this._patches.set(owner, state);
        this._ownPatches.set(owner, patch);
      } else if (installed.mode === 'append' && state.mode === 'append') {
        installed.value.name = state.value.name;
      } else if (installed.mode === 'set' && state.mode === 'set') {
        installed.value.length = 0;
        pushAll(installed.value, state.value);
      }
    }
    this._writeSecrets([...wanted.values()].filter((s) => s.write));
    if (imageErrors.length > 0) {
      this._facts = new WeakMap();
      return imageErrors.map(printable);
    }
    this._lastOwners = owners;
    return [];
  }

  /**
   * What the policy needs of one object, read from its JSON as it is without the policy's own patch; undefined when
   * the object cannot be written (its own synthesis reports why).
   *
   * Reading means `toJson()`, the whole cost of an object, and cdk8s validates once more before each chart it writes,
   * so that reading every object in every pass costs (charts + 2) reads per object. What was read is kept until the
   * object may have changed: until it is written (an object is written once per synth, so being written again means a
   * new synth, and code in between may have changed it), until the program's current synchronous run ends (the next
   * synth may come after anything), or until the policy reported errors (which the user fixes before the next synth).
   * The pass before the policy's own chart is written (App scope) reads nothing that was written since: those secrets
   * must match the objects as written. Each object is then read once per synth, twice when other charts are written
   * before its own (it is read again in the pass after each of them).
   */
  private _factsOf(o: ApiObject): ObjectFacts | undefined {
    const cached = this._facts.get(o);
    // the policy's own chart holds the secrets for the objects as they were written: what was read before they were
    // written is what they say
    if (cached !== undefined && (!cached.written || this._writingOwnChart > 0)) return cached;
    let json: unknown;
    let plain: Record<string, any> | undefined;
    this._reading = true;
    try {
      // an Include's objects say in their props what toJson() would, at a tenth of the cost (see _plain-objects.ts)
      plain = plainPodJson(o, this._ownPatches.get(o), this._plainResolvers, OWN_ANNOTATIONS);
      json = plain ?? o.toJson();
    } catch {
      return undefined;
    } finally {
      this._reading = false;
    }
    if (!isObject(json)) return undefined;
    this._reads++;
    const patch = this._patches.get(o);
    if (patch && plain === undefined) withoutPatch(json, patch);
    // the cheap read gives a pod-bearing object whose name and namespace are strings: the model holds just its pod
    const pod = plain === undefined ? undefined : podObject(json, 0);
    const model = plain === undefined ? readManifests([json]) : { pods: pod ? [pod] : [], secrets: [], serviceAccounts: [], problems: [] };
    const facts: ObjectFacts = { model, json: SECRET_KINDS.includes(json.kind) ? json : undefined };
    this._facts.set(o, facts);
    if (!this._watched.has(o)) {
      this._watched.add(o);
      // told when the object is written: a Lazy in its metadata, which resolves to nothing, so the YAML is unchanged
      o.metadata.addAnnotation(WRITTEN_ANNOTATION, Lazy.any({ produce: () => this._objectWritten(o) }) as unknown as string);
    }
    if (!this._endOfRunScheduled) {
      this._endOfRunScheduled = true;
      queueMicrotask(() => {
        this._endOfRunScheduled = false;
        this._facts = new WeakMap();
      });
    }
    return facts;
  }

  /**
   * Writes on each object the policy's public images that name its images (the policy-public-images annotation), so
   * that the plugin and `inspect`, which read only manifests, judge them as the policy did.
   */
  private _declarePublicImages(pulls: ManifestPulls, owners: ApiObject[]): void {
    if (this._publicByName.size === 0) return;
    for (const w of pulls.workloads) {
      let entries: Set<string> | undefined;
      for (const image of w.images) {
        const named = image.ref && this._publicByName.get(image.ref.name);
        if (named) for (const entry of named) (entries ??= new Set()).add(entry);
      }
      const owner = owners[w.pod.index];
      const value = entries === undefined ? undefined : [...entries].join(',');
      if (value === this._declared.get(owner)) continue;
      if (value === undefined) {
        this._declared.delete(owner);
        continue;
      }
      if (!this._declared.has(owner)) {
        owner.metadata.addAnnotation(POLICY_PUBLIC_IMAGES_ANNOTATION, Lazy.any({ produce: () => this._declared.get(owner) }) as unknown as string);
      }
      this._declared.set(owner, value);
    }
  }

  /** Called when an object's JSON is made: outside the policy's own reading, it is being written. */
  private _objectWritten(o: ApiObject): undefined {
    const facts = this._facts.get(o);
    if (!this._reading && facts !== undefined) facts.written = true;
    return undefined;
  }

  /** Makes the tree hold exactly these secrets, keeping those whose name and content are unchanged. */
  private _writeSecrets(secrets: WantedSecret[]): void {
    const keep = new Set<string>();
    for (const s of secrets) {
      keep.add(s.id);
      const current = this._secretsWritten.get(s.id);
      if (current && current.name === s.name && current.payload === s.payload) continue;
      if (current) this._secretsScope.node.tryRemoveChild(s.id);
      const [first, ...rest] = s.entries;
      const credentials = { server: first.server, username: first.username, password: first.password, email: first.email };
      const secret = this._certificate
        ? new SealedRegistrySecret(this._secretsScope, s.id, { certificate: this._certificate, metadata: { name: s.name, namespace: s.namespace },
          stabilityKey: this._stabilityKey(), ...credentials })
        : new PrivateRegistrySecret(this._secretsScope, s.id, { metadata: { name: this.secretName, namespace: s.namespace },
          appendHash: this.appendHash, ...credentials });
      for (const e of rest) secret.addRegistry(e);
      this._secretsWritten.set(s.id, { id: s.id, name: s.name, payload: s.payload });
    }
    for (const id of [...this._secretsWritten.keys()]) {
      if (keep.has(id)) continue;
      this._secretsScope.node.tryRemoveChild(id);
      this._secretsWritten.delete(id);
    }
  }

  /**
   * The pull secrets of the app outside a Chart-scoped policy's chart, other policies' among them: one of the same name in
   * a namespace where the policy writes its own collides with it. Only Secrets, SealedSecrets and ExternalSecrets are read.
   */
  private _secretsOutsideScope(): { secret: PullSecretObject; json: unknown; path: string }[] {
    const chart = this._scopeChart;
    if (chart === undefined) return [];
    const found: { secret: PullSecretObject; json: unknown; path: string }[] = [];
    const visit = (c: IConstruct): void => {
      for (const child of c.node.children) {
        if (child === this || child === chart) continue;
        if (ApiObject.isApiObject(child) && SECRET_KINDS.includes(child.kind)) {
          let json: unknown;
          try {
            json = child.toJson();
          } catch {
            continue; // its own synthesis reports why
          }
          const secret = isObject(json) && metadataProblem(json) === undefined ? pullSecretObject(json, -1) : undefined;
          if (secret) found.push({ secret, json, path: child.node.path });
        }
        visit(child);
      }
    };
    visit(this.node.root);
    return found;
  }

  /** Every ApiObject in scope except the policy's own: the chart's (not those of charts nested in it), or the whole app's. */
  private _objectsInScope(): ApiObject[] {
    const found: ApiObject[] = [];
    const root = this._scopeChart ?? this.node.root;
    const visit = (c: IConstruct): void => {
      for (const child of c.node.children) {
        if (child === this) continue;
        if (this._scopeChart && Chart.isChart(child)) continue;
        if (ApiObject.isApiObject(child)) found.push(child);
        visit(child);
      }
    };
    visit(root);
    return found;
  }
}

/** The chart of an App-scoped policy: it tells the policy while it is being written. */
class SecretsChart extends Chart {
  constructor(scope: Construct, id: string, private readonly policy: RegistryPullPolicy) {
    super(scope, id);
  }

  public override toJson(): any[] {
    this.policy._writingOwnChart++;
    try {
      return super.toJson();
    } finally {
      this.policy._writingOwnChart--;
    }
  }
}

/** The Chart the policy covers, or undefined for the whole App; throws for any other scope. */
function policyScope(scope: unknown, context: string): Chart | undefined {
  const construct = scope as IConstruct;
  if (scope === null || typeof scope !== 'object' || typeof construct.node !== 'object' || construct.node === null) {
    throw new Error(`${context}: 'scope' must be a Chart or the App, got ${describeType(scope)}`);
  }
  if (Chart.isChart(scope)) return scope;
  if (construct.node.scope === undefined) return undefined;
  throw new Error(`${context}: 'scope' must be a Chart (the policy covers its objects) or the App (every chart's objects), got the ` +
    `construct '${construct.node.path}'; create the policy as new RegistryPullPolicy(chart, ...) or new RegistryPullPolicy(app, ...)`);
}

/** The policies of the tree `scope` is in. */
function policiesOf(scope: IConstruct): { scope?: Chart; path: string }[] {
  const root = scope.node.root as IConstruct & { [POLICIES]?: { scope?: Chart; path: string }[] };
  let list = root[POLICIES];
  if (list === undefined) {
    list = [];
    Object.defineProperty(root, POLICIES, { value: list });
  }
  return list;
}

/** The registries of the props, checked: those of `dockerConfig`, then `registries`, each server once, within the size limit. */
function policyEntries(p: Record<string, unknown>, context: string): DockerConfigEntry[] {
  const found: { entry: DockerConfigEntry; field: string }[] = [];
  if (p.dockerConfig !== undefined) {
    if (!DockerConfig.isDockerConfig(p.dockerConfig)) {
      const got = typeof p.dockerConfig === 'string' ? 'a string (a file path or json text?)' : describeType(p.dockerConfig);
      throw new Error(`${context}: 'dockerConfig' must be a DockerConfig, got ${got}; use DockerConfig.fromFile(), ` +
        'DockerConfig.fromDockerConfigJson(text) or DockerConfig.fromDockerCfg(text), or give the registries in \'registries\'');
    }
    for (const entry of p.dockerConfig._entriesRead) found.push({ entry, field: 'dockerConfig' });
  }
  if (p.registries !== undefined) {
    requireArray(p.registries, 'registries', context, '[{ server: \'ghcr.io\', username, password }]').forEach((r, i) => {
      const field = `registries[${i}]`;
      requireObject(r, field, context, 'an object { server, username, password, email? }');
      const entry = validateRegistryCredentials(r, context, {
        server: `${field}.server`, username: `${field}.username`, password: `${field}.password`, email: `${field}.email`,
      });
      found.push({ entry, field });
    });
  }
  if (found.length === 0) {
    throw new Error(`${context}: the policy must hold at least one registry, got none; give 'registries' ([{ server, username, password }]) ` +
      'or a \'dockerConfig\' that has credentials');
  }
  const all = new RegistryEntries(context);
  found.forEach(({ entry, field }, i) => {
    const first = found.findIndex((f) => f.entry.server === entry.server);
    if (first !== i) {
      throw new Error(`${context}: server '${entry.server}' is given twice (${found[first].field} and ${field}); a pull secret holds one ` +
        'entry per server: remove one of them');
    }
    all.addEntry(entry); // the size limit: every namespace's secret holds a part of these
  });
  return sortByServer(found.map((f) => f.entry));
}

/** The JSON of an object as it is without the policy's patch (the patch is applied inside toJson). */
function withoutPatch(json: Record<string, any>, state: PatchState): void {
  const path = POD_SPEC_PATHS[json.kind];
  const spec = path?.reduce((v: any, k: string) => (isObject(v) ? v[k] : undefined), json);
  if (!isObject(spec)) return;
  if (state.mode === 'append') {
    const list = spec.imagePullSecrets;
    if (Array.isArray(list) && list.length > 0 && list[list.length - 1]?.name === state.value.name) list.pop();
  } else if (state.original === 'absent') {
    delete spec.imagePullSecrets;
  } else {
    spec.imagePullSecrets = [];
  }
}

/**
 * The patch one object needs so that its list names `name`, an error when the patch already installed cannot be made
 * to say that, or undefined when the object lists it already.
 */
function desiredPatch(d: PodDecision, name: string, installed: PatchState | undefined): PatchState | string | undefined {
  const pod: PodObject = d.pod;
  if (pod.imagePullSecrets.includes(name)) return undefined;
  const list = pod.spec.imagePullSecrets;
  const want: PatchState = Array.isArray(list) && list.length > 0
    ? { mode: 'append', value: { name } }
    : { mode: 'set', original: list === undefined ? 'absent' : 'empty', value: [...new Set([...d.copied, name])].map((n) => ({ name: n })) };
  if (installed !== undefined && (installed.mode !== want.mode || (installed.mode === 'set' && want.mode === 'set' && installed.original !==
    want.original))) {
    return `${pod.resource}: its imagePullSecrets changed since an earlier synth in a way the policy's patch cannot follow; cdk8s has no ` +
      'way to take a JSON patch back: synthesize from a new App';
  }
  return want;
}

/** Whether `json` is a docker Secret whose content is exactly `payload`. */
function sameSecret(json: any, payload: string): boolean {
  if (json?.kind !== 'Secret' || json.type !== DOCKER_CONFIG_JSON_SECRET_TYPE || json.stringData !== undefined) return false;
  const data = json.data;
  if (!isObject(data) || Object.keys(data).length !== 1 || typeof data[DOCKER_CONFIG_JSON_KEY] !== 'string') return false;
  return Buffer.from(data[DOCKER_CONFIG_JSON_KEY], 'base64').toString('utf8') === payload;
}

/** A namespace group, for a message. */
function describeNamespaceGroup(namespace: string | undefined): string {
  return namespace === undefined ? 'among the objects without a namespace' : `namespace '${namespace}'`;
}

/** Names the objects of a namespace group for a message (the first three, and how many more). */
function describeGroup(namespace: string | undefined, pods: PodObject[]): string {
  const shown = pods.slice(0, 3).map((p) => p.resource).join(', ');
  const more = pods.length > 3 ? ` and ${pods.length - 3} more` : '';
  return `${namespace === undefined ? 'objects without a namespace' : `the objects in namespace '${namespace}'`} (${shown}${more})`;
}
