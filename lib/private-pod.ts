import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { PullSecrets } from './_pull-secrets';

/** Props for `PrivatePod`: every `kplus.PodProps` plus the secrets to pull its images with. */
export interface PrivatePodProps extends kplus.PodProps {
  /**
   * The pull secrets, written to `spec.imagePullSecrets` in this order, each once. A `PrivateRegistrySecret`, or any
   * `kplus.ISecret` such as `kplus.Secret.fromSecretName(...)`. `dockerRegistryAuth`, when also given, is listed after
   * them.
   *
   * @see https://kubernetes.io/docs/concepts/containers/images/#specifying-imagepullsecrets-on-a-pod
   */
  readonly registrySecrets: kplus.ISecret[];

  /**
   * Images or repositories that are public on purpose (`nginx`, `ghcr.io/org/tool`): pulled without credentials, so
   * the pull check does not require a secret for them. A repository covers all its tags and digests.
   *
   * @default - none: every image must be covered by a registry secret
   */
  readonly publicImages?: string[];
}

/**
 * A `kplus.Pod` that pulls its images with one or more registry secrets.
 *
 * It keeps every feature and default of `kplus.Pod` (see the README for the secure defaults cdk8s-plus adds). At synth
 * time it checks, as the kubelet would, that every container image is covered by one of its secrets and that the
 * secrets live in the pod's namespace.
 */
export class PrivatePod extends kplus.Pod {
  private readonly _pullSecrets: PullSecrets;

  constructor(scope: Construct, id: string, props: PrivatePodProps) {
    const pullSecrets = new PullSecrets(`PrivatePod '${id}'`);
    for (const secret of props.registrySecrets ?? []) pullSecrets.add(secret);
    if (props.dockerRegistryAuth) pullSecrets.add(props.dockerRegistryAuth);
    pullSecrets.requireAny();
    for (const image of props.publicImages ?? []) pullSecrets.addPublicImage(image);
    super(scope, id, props);
    this._pullSecrets = pullSecrets;
    pullSecrets.checkOnSynth(this);
  }

  /** The pull secrets, in `imagePullSecrets` order. */
  public get registrySecrets(): kplus.ISecret[] {
    return this._pullSecrets.secrets;
  }

  /** Adds a pull secret after construction. */
  public addRegistrySecret(secret: kplus.ISecret): void {
    this._pullSecrets.add(secret);
  }

  /** Declares an image or repository public: pulled without credentials on purpose, so not checked. */
  public addPublicImage(image: string): void {
    this._pullSecrets.addPublicImage(image);
  }

  /** @internal */
  public _toPodSpec(): kplus.k8s.PodSpec {
    return this._pullSecrets.applyTo(super._toPodSpec());
  }
}
