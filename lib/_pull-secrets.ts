import * as kplus from 'cdk8s-plus-28';

/**
 * The one place that wires pull secrets into a pod spec. Every private pod-bearing construct holds one of these and
 * calls it from its `_toPodSpec()`, so the list, its order and its checks cannot drift between kinds.
 */
export class PullSecrets {
  private readonly _secrets: kplus.ISecret[] = [];

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
}
