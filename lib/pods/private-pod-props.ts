import * as kplus from 'cdk8s-plus-28';
import { IConstruct } from 'constructs';

/**
 * The props every private pod-bearing construct adds to its cdk8s-plus props (`PrivatePod`, `PrivateDeployment`,
 * `PrivateStatefulSet`, `PrivateDaemonSet`, `PrivateJob`, `PrivateCronJob`).
 */
export interface CommonPrivatePodProps {
  /**
   * The pull secrets, written to the pod's `imagePullSecrets` (a workload's pod template) in this order, each once. A
   * `PrivateRegistrySecret`, or any `kplus.ISecret` such as `kplus.Secret.fromSecretName(...)`. `dockerRegistryAuth`,
   * when also given, is listed after them.
   *
   * Leave it out (or empty) only when `serviceAccount` is a `PrivateServiceAccount`: the ServiceAccount admission plugin
   * copies the service account's `imagePullSecrets` into a pod only when the pod lists none, so a pod that lists any
   * of its own never gets the service account's.
   *
   * @default - none of its own: the pod gets those of its `serviceAccount`, which must then be a `PrivateServiceAccount`
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly registrySecrets?: kplus.ISecret[];

  /**
   * Images or repositories that are public on purpose (`nginx`, `ghcr.io/org/tool`): pulled without credentials, so
   * the pull check does not require a secret for them. A repository covers all its tags and digests.
   *
   * @default - none: every image must be covered by a registry secret
   */
  readonly publicImages?: string[];
}

/**
 * What every private pod-bearing construct offers, so that code can add a secret or a public image to any of them.
 */
export interface IPrivatePod extends IConstruct {
  /** The pull secrets, in `imagePullSecrets` order; empty when the pod gets those of its `PrivateServiceAccount`. */
  readonly registrySecrets: kplus.ISecret[];

  /**
   * Adds a pull secret after construction. A pod that lists any secret of its own no longer gets its service account's.
   *
   * @param secret a `PrivateRegistrySecret`, or any `kplus.ISecret`
   */
  addRegistrySecret(secret: kplus.ISecret): void;

  /**
   * Declares an image or repository public: pulled without credentials on purpose, so not checked.
   *
   * @param image an image (`nginx:1.25`) or a repository (`ghcr.io/org/tool`)
   */
  addPublicImage(image: string): void;
}
