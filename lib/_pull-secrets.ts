import * as kplus from 'cdk8s-plus-28';
import { parseImageReference } from './image-reference';
import { PullSecretFacts, checkPodPulls } from './pull-check';
import { IRegistrySecret } from './registry-secret';

const warned = new Set<string>();

/** Prints a check warning once per process: the check goes on, synthesis does not fail. */
function warnOnce(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  process.stderr.write(`warning: ${message}\n`);
}

/** What the pull check knows about a secret a pod lists. */
export function pullSecretFacts(secret: kplus.ISecret): PullSecretFacts {
  const declared = secret as Partial<IRegistrySecret>;
  // a Secret built in this app has a known namespace even when none is set (then it is kubectl's current one)
  if (secret instanceof kplus.Secret) {
    return { name: secret.name, servers: declared.servers, namespaceKnown: true, namespace: secret.metadata.namespace };
  }
  return { name: secret.name, servers: declared.servers, namespaceKnown: declared.namespace !== undefined, namespace: declared.namespace };
}

/**
 * The one place that wires pull secrets into a pod spec and checks them. Every private pod-bearing construct holds
 * one of these and calls it from its `_toPodSpec()` and its validation, so the list, its order and its checks cannot
 * drift between kinds.
 */
export class PullSecrets {
  private readonly _secrets: kplus.ISecret[] = [];
  private readonly _publicImages: string[] = [];

  /**
   * @param context names the owning construct in messages
   */
  constructor(private readonly context: string) {}

  /** The secrets, in the order they were added, each once. */
  public get secrets(): kplus.ISecret[] {
    return [...this._secrets];
  }

  /** Adds a secret unless one of the same name is listed already (the kubelet would read it twice to no effect). */
  public add(secret: kplus.ISecret): void {
    if (!secret || typeof secret.name !== 'string') {
      throw new Error(`${this.context}: every entry of 'registrySecrets' must be a kplus.ISecret such as a PrivateRegistrySecret ` +
        'or kplus.Secret.fromSecretName(...)');
    }
    if (secret.name.length === 0) {
      throw new Error(`${this.context}: a registry secret has an empty name; the kubelet would skip it: give the Secret a name`);
    }
    if (!this._secrets.some((s) => s.name === secret.name)) {
      this._secrets.push(secret);
    }
  }

  /** Declares an image (or a whole repository) public: pulled without credentials on purpose, so not checked. */
  public addPublicImage(image: string): void {
    try {
      parseImageReference(image);
    } catch (e) {
      throw new Error(`${this.context}: 'publicImages': ${(e as Error).message}`);
    }
    this._publicImages.push(image);
  }

  /** Throws unless at least one secret is listed. */
  public requireAny(): void {
    if (this._secrets.length === 0) {
      throw new Error(`${this.context}: 'registrySecrets' must list at least one secret, got none; pass a PrivateRegistrySecret ` +
        'or kplus.Secret.fromSecretName(scope, id, name), or use a plain kplus construct for public images');
    }
  }

  /** The pod spec with `imagePullSecrets` replaced by this list. */
  public applyTo(spec: kplus.k8s.PodSpec): kplus.k8s.PodSpec {
    return { ...spec, imagePullSecrets: this._secrets.map((s) => ({ name: s.name })) };
  }

  /**
   * Registers the pull check on the pod: at synth time every container and init container image must be covered by
   * the secrets, and the secrets must be in the pod's namespace.
   *
   * @param pod the pod or workload
   */
  public checkOnSynth(pod: kplus.AbstractPod): void {
    pod.node.addValidation({
      validate: () => {
        const { errors, warnings } = checkPodPulls({
          path: pod.node.path,
          namespace: pod.metadata.namespace,
          containers: [
            ...pod.initContainers.map((c) => ({ name: c.name, image: c.image, init: true })),
            ...pod.containers.map((c) => ({ name: c.name, image: c.image })),
          ],
          secrets: this._secrets.map(pullSecretFacts),
          publicImages: this._publicImages,
        });
        warnings.forEach(warnOnce);
        return errors.map((e) => e.message);
      },
    });
  }
}
