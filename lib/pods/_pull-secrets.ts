import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';
import { checkLabelsAndAnnotations, checkMetadata } from '../input/metadata';
import { serviceAccountNamespaceMessage } from '../check/messages';
import {
  checkDns1123Label, checkDns1123Subdomain, describeType, dns1123LabelProblem, requireArray, requireObject, requireString,
} from '../input/values';
import { parseImageReference } from '../kubelet/image-reference';
import { NODE_IMAGES_ANNOTATION, PUBLIC_IMAGES_ANNOTATION } from '../check/annotations';
import { ContainerFacts, PullSecretFacts } from '../check/pull-engine';
import { pushAll } from '../input/arrays';
import { synthState, warnOnce } from '../check/_synth-state';
import { CommonPrivatePodProps } from './private-pod-props';
import { NodePullConfig } from './node-pull-config';
import { PodServiceAccount } from '../kubelet/credential-providers';
import { IRegistrySecret } from '../secrets/registry-secret';
import { editPodSpec } from './_kplus-internals';

/** What the pull check knows about a secret a pod lists. */
function pullSecretFacts(secret: kplus.ISecret): PullSecretFacts {
  const declared = secret as Partial<IRegistrySecret>;
  // a Secret built in this app has a known namespace even when none is set (then it is kubectl's current one)
  if (secret instanceof kplus.Secret) {
    return { name: secret.name, servers: declared.servers, namespaceKnown: true, namespace: secret.metadata.namespace, form: 'construct' };
  }
  const namespace = declared.secretNamespace;
  return { name: secret.name, servers: declared.servers, namespaceKnown: namespace !== undefined, namespace, form: 'construct' };
}

/** The props a private pod-bearing construct hands to `PullSecrets.forPod`, before its base class exists. */
type PodPullProps = CommonPrivatePodProps & Pick<kplus.AbstractPodProps, 'dockerRegistryAuth' | 'serviceAccount' | 'metadata'> &
  Partial<Pick<kplus.PodProps, 'containers' | 'initContainers'>> & Partial<Pick<kplus.WorkloadProps, 'podMetadata'>>;

// A PrivateServiceAccount carries its PullSecrets under this key, so that a pod finds its service account's secrets
// on the instance, without this file importing the class (which imports this file)
const LENT = Symbol.for('cdk8s-private-registry.LentPullSecrets');

/** The pull secrets a service account lends to its pods: those of a PrivateServiceAccount, else none. */
function lentBy(serviceAccount: kplus.IServiceAccount | undefined): PullSecrets | undefined {
  return serviceAccount === undefined ? undefined : (serviceAccount as { [LENT]?: PullSecrets })[LENT];
}

/**
 * The one place that wires pull secrets into a pod spec or a ServiceAccount and checks them. Every private construct
 * holds one of these and attaches it to itself in its constructor, so the list, its order and its checks
 * cannot drift between kinds.
 */
export class PullSecrets {
  /**
   * Builds the list from a pod-bearing construct's props and throws on bad input, before the construct's `super()`
   * so that a failure leaves nothing in the tree.
   *
   * @param context names the construct in messages, such as `PrivateDeployment 'web'`
   * @param props the construct's props
   */
  public static forPod(scope: IConstruct, context: string, props: PodPullProps, nameMax?: number): PullSecrets {
    requireObject(props, 'props', context, 'an object with the containers and registrySecrets');
    checkMetadata(scope, props.metadata, context, nameMax);
    // a workload's pod template: the API server judges its labels and annotations as an object's
    if (props.podMetadata !== undefined) {
      checkLabelsAndAnnotations(requireObject(props.podMetadata, 'podMetadata', context, 'an object such as { labels: { app: \'web\' } }'),
        'podMetadata', context);
    }
    const pullSecrets = new PullSecrets(context);
    const secrets = props.registrySecrets === undefined ? [] : requireArray(props.registrySecrets, 'registrySecrets', context, '[regcred]');
    secrets.forEach((secret, i) => pullSecrets.add(secret as kplus.ISecret, `registrySecrets[${i}]`));
    if (props.dockerRegistryAuth !== undefined) pullSecrets.add(props.dockerRegistryAuth, 'dockerRegistryAuth');
    const sa: unknown = props.serviceAccount;
    if (sa !== undefined && (sa === null || typeof sa !== 'object' || typeof (sa as kplus.IServiceAccount).name !== 'string')) {
      throw new Error(`${context}: 'serviceAccount' must be a kplus.IServiceAccount such as a PrivateServiceAccount or ` +
        `kplus.ServiceAccount.fromServiceAccountName(scope, id, name), got ${describeType(sa)}`);
    }
    pullSecrets.requireAny(props.serviceAccount);
    const publicImages = props.publicImages === undefined ? [] : requireArray(props.publicImages, 'publicImages', context, '[\'nginx\']');
    publicImages.forEach((image, i) => pullSecrets.addPublicImage(image as string, `publicImages[${i}]`));
    for (const field of ['containers', 'initContainers'] as const) {
      const list = props[field];
      if (list === undefined) continue;
      requireArray(list, field, context, '[{ image: \'ghcr.io/org/app:1\' }]').forEach((c, i) => {
        const container = requireObject(c, `${field}[${i}]`, context, 'a container such as { image: \'ghcr.io/org/app:1\' }');
        if (container.name !== undefined) checkDns1123Label(container.name, `${field}[${i}].name`, context);
        requireString(container.image, `${field}[${i}].image`, context, { emptyHint: 'set the image to pull, such as \'ghcr.io/org/app:1\'' });
      });
    }
    return pullSecrets;
  }

  private readonly _secrets: kplus.ISecret[] = [];
  // a ServiceAccount's only: the live value of its patch, which is read at synth, so later adds show and each name is
  // read then (a PrivateRegistrySecret with appendHash changes its name when a registry is added)
  private _references?: kplus.k8s.LocalObjectReference[];
  private readonly _publicImages: string[] = [];
  private _pod?: kplus.AbstractPod;
  private _nodeImagesAnnotated = false;

  /**
   * @param context names the owning construct in messages
   */
  constructor(private readonly context: string) {}

  /** The secrets, in the order they were added, each once. */
  public get secrets(): kplus.ISecret[] {
    return [...this._secrets];
  }

  /**
   * Adds a secret unless one of the same name is listed already (the kubelet would read it twice to no effect).
   *
   * @param field names the argument in messages
   */
  public add(secret: kplus.ISecret, field = 'secret'): void {
    if (secret === null || typeof secret !== 'object' || typeof secret.name !== 'string') {
      throw new Error(`${this.context}: '${field}' must be a kplus.ISecret such as a PrivateRegistrySecret ` +
        `or kplus.Secret.fromSecretName(scope, id, name), got ${describeType(secret)}`);
    }
    // the kubelet looks the name up and skips a secret it cannot find, so a name the API server could not hold fails late
    checkDns1123Subdomain(secret.name, `${field}.name`, this.context);
    if (!this._secrets.some((s) => s.name === secret.name)) {
      this._secrets.push(secret);
      this._references?.push(liveReference(secret));
    }
  }

  /**
   * Declares an image (or a whole repository) public: pulled without credentials on purpose, so not checked.
   *
   * @param field names the argument in messages
   */
  public addPublicImage(image: string, field = 'image'): void {
    requireString(image, field, this.context, { emptyHint: 'give an image or repository such as \'nginx\' or \'ghcr.io/org/tool\'' });
    try {
      parseImageReference(image);
    } catch (e) {
      throw new Error(`${this.context}: '${field}': ${(e as Error).message}`);
    }
    this._publicImages.push(image);
    if (this._publicImages.length === 1 && this._pod) this.annotatePublicImages(this._pod);
  }

  // the validation plugin and inspect see only the manifests: they read the node-provided patterns from this annotation
  private annotateNodeImages(pod: kplus.AbstractPod, config: NodePullConfig): void {
    if (this._nodeImagesAnnotated) return;
    this._nodeImagesAnnotated = true;
    // a provider that needs the service account's token cannot be told in a pattern list: the plugin is given its config
    const patterns = config._facts.providers.filter((p) => p.tokenAttributes === undefined).flatMap((p) => p.matchImages);
    if (patterns.length > 0) pod.metadata.addAnnotation(NODE_IMAGES_ANNOTATION, patterns.join(','));
  }

  // the validation plugin sees only the manifests: it reads the public images from this annotation
  private annotatePublicImages(pod: kplus.AbstractPod): void {
    pod.metadata.addAnnotation(PUBLIC_IMAGES_ANNOTATION, Lazy.any({ produce: () => this._publicImages.join(',') }) as unknown as string);
  }

  /**
   * Throws unless at least one secret is listed, or the pod runs as a `PrivateServiceAccount` whose secrets the
   * admission plugin will copy into it.
   *
   * @param serviceAccount the pod's service account; left out for a service account's own list
   */
  public requireAny(serviceAccount?: kplus.IServiceAccount): void {
    if (this._secrets.length > 0 || lentBy(serviceAccount) !== undefined) return;
    const serviceAccountHint = serviceAccount ? ` (service account '${serviceAccount.name}' is not a PrivateServiceAccount, so it lends none)` : '';
    throw new Error(`${this.context}: 'registrySecrets' must list at least one secret, got none${serviceAccountHint}; pass a ` +
      'PrivateRegistrySecret or kplus.Secret.fromSecretName(scope, id, name), or use a plain kplus construct for public images');
  }

  /**
   * The pod spec with `imagePullSecrets` replaced by this list. An empty list leaves the field out, so that the
   * ServiceAccount admission plugin fills it from the service account.
   */
  public applyTo(spec: kplus.k8s.PodSpec): kplus.k8s.PodSpec {
    return { ...spec, imagePullSecrets: this._secrets.length > 0 ? this._secrets.map((s) => ({ name: s.name })) : undefined };
  }

  /**
   * Writes this list as the service account's top-level `imagePullSecrets` and lends it to the pods that run as it.
   * kplus.ServiceAccount builds its KubeServiceAccount without that field and without a hook for it, so one patch
   * adds it; its value is the live list (at 10,000 service accounts, no slower than writing a private field of cdk8s).
   *
   * @returns this, for the constructor's last line
   */
  public applyToServiceAccount(serviceAccount: kplus.ServiceAccount): PullSecrets {
    this._references = this._secrets.map(liveReference);
    ApiObject.of(serviceAccount).addJsonPatch(JsonPatch.add('/imagePullSecrets', this._references));
    Object.defineProperty(serviceAccount, LENT, { value: this });
    return this;
  }

  /**
   * Writes this list into the pod's spec when it renders (`applyTo`), and registers the pull check on the pod: at synth
   * time every container and init container image must be covered by the secrets the kubelet will read, in the pod's
   * namespace. Those are the pod's own when it lists any, else its `PrivateServiceAccount`'s, read at synth time so
   * that secrets added to either later count.
   *
   * @param pod the pod or workload
   * @returns this, for the constructor's last line
   */
  public attachTo(pod: kplus.AbstractPod): PullSecrets {
    this._pod = pod;
    editPodSpec(pod, (spec) => this.applyTo(spec));
    if (this._publicImages.length > 0) this.annotatePublicImages(pod);
    pod.node.addValidation({
      validate: () => {
        const serviceAccount = pod.serviceAccount;
        const lent = lentBy(serviceAccount);
        // the admission plugin copies the service account's secrets only into a pod that lists none
        const read = this._secrets.length === 0 && lent ? lent : this;
        let source: string | undefined;
        if (read === lent) source = `the imagePullSecrets of service account '${serviceAccount!.name}'`;
        else if (lent) source = `imagePullSecrets (the pod lists its own, so it does not get those of service account '${serviceAccount!.name}')`;
        const config = NodePullConfig.of(pod);
        if (config !== undefined) this.annotateNodeImages(pod, config);
        const state = synthState(pod);
        // the output is what gets applied: a policy in scope adds its secret where this pod needs it (the pod's chart is
        // looked up only when there is a policy: it walks the tree)
        const chart = state.policies.length === 0 ? undefined : Chart.of(pod);
        const policy = state.policies.find((p) => p.scope === undefined || p.scope === chart)?.facts;
        // loops, not spreads: this runs for every pod in every validation pass
        const initContainers = pod.initContainers;
        const podContainers = pod.containers;
        const containers: ContainerFacts[] = [];
        for (const c of initContainers) containers.push({ name: c.name, image: c.image, init: true, pullPolicy: c.imagePullPolicy });
        for (const c of podContainers) containers.push({ name: c.name, image: c.image, pullPolicy: c.imagePullPolicy });
        const { errors, warnings } = state.engine.resolvePod({
          namespace: pod.metadata.namespace,
          containers,
          node: config?._facts,
          serviceAccount: serviceAccountFacts(pod.serviceAccount),
          secrets: read._secrets.map(pullSecretFacts),
          secretsSource: source,
          // a copy: the engine remembers what it made of a list, and this one grows with addPublicImage
          publicImages: this._publicImages.length === 0 ? undefined : [...this._publicImages],
          policy,
        });
        warnings.forEach((w) => warnOnce(pod, `${pod.node.path}: ${w.message}`));
        const messages = containerNameErrors(initContainers, podContainers);
        pushAll(messages, serviceAccountNamespaceErrors(pod));
        for (const e of errors) messages.push(e.message);
        return messages;
      },
    });
    return this;
  }
}

/** `{ name }` whose name is read when the patch is applied at synth, not now. */
function liveReference(secret: kplus.ISecret): kplus.k8s.LocalObjectReference {
  return { get name() { return secret.name; } };
}

/** A pod can run only as a service account of its own namespace; one built in this app has a known namespace. */
function serviceAccountNamespaceErrors(pod: kplus.AbstractPod): string[] {
  const serviceAccount = pod.serviceAccount;
  if (!(serviceAccount instanceof kplus.ServiceAccount)) return [];
  const saNamespace = serviceAccount.metadata.namespace;
  const podNamespace = pod.metadata.namespace;
  if (saNamespace === podNamespace) return [];
  return [serviceAccountNamespaceMessage(undefined, serviceAccount.name, saNamespace, podNamespace)];
}

/** Containers added after construction (addContainer) are checked here; those of the props were checked then. */
function containerNameErrors(initContainers: readonly kplus.Container[], containers: readonly kplus.Container[]): string[] {
  const errors: string[] = [];
  // one container (the common case) has no other to clash with
  const seen = initContainers.length + containers.length > 1 ? new Set<string>() : undefined;
  for (const [kind, list] of [['init container', initContainers], ['container', containers]] as const) {
    for (const c of list) {
      if (typeof c.name !== 'string' || dns1123LabelProblem(c.name) !== undefined) {
        try {
          checkDns1123Label(c.name, 'name', `${kind} '${c.name}'`);
        } catch (e) {
          errors.push((e as Error).message);
        }
      }
      if (seen === undefined) continue;
      if (seen.has(c.name)) {
        errors.push(`${kind} '${c.name}': 'name' must be unique in the pod, got it twice; the API server refuses the pod: rename one`);
      }
      seen.add(c.name);
    }
  }
  return errors;
}

/** The pod's service account as the check sees it: the annotations of one built in this app, unknown otherwise. */
function serviceAccountFacts(serviceAccount: kplus.IServiceAccount | undefined): PodServiceAccount {
  if (serviceAccount === undefined) return { name: 'default' };
  if (serviceAccount instanceof kplus.ServiceAccount) {
    return { name: serviceAccount.name, annotations: serviceAccount.metadata.toJson().annotations ?? {} };
  }
  return { name: serviceAccount.name };
}
