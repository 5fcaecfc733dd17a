import * as kplus from 'cdk8s-plus-28';

/**
 * A pull secret whose registries are known at synth time, so the pull check can tell which images it covers.
 *
 * `PrivateRegistrySecret` is one; `PrivateRegistrySecret.fromSecretName` declares one that exists already.
 */
export interface IRegistrySecret extends kplus.ISecret {
  /**
   * The keys under `auths` the Secret holds, as written (`ghcr.io`, `https://index.docker.io/v1/`).
   *
   * @default - unknown: the pull check cannot judge images against this secret
   */
  readonly servers?: string[];

  /**
   * The namespace the Secret lives in.
   *
   * @default - the namespace of the pod that refers to it (not checked)
   */
  readonly namespace?: string;
}

/** Options for referring to a pull secret that exists already. */
export interface RegistrySecretReferenceOptions {
  /**
   * The keys under `auths` the existing Secret holds. Given, the pull check judges images against them; left out, the
   * check reports that it cannot judge images that no other secret covers.
   *
   * @default - unknown
   */
  readonly servers?: string[];

  /**
   * The namespace the existing Secret lives in; given, a pod in another namespace fails synthesis.
   *
   * @default - assumed to be the pod's namespace
   */
  readonly namespace?: string;
}
