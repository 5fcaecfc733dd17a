import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { failedBase } from './_failed-base';
import { PullSecrets } from './_pull-secrets';
import { CommonPrivatePodProps, IPrivatePod } from './private-pod-props';

/** Props for `PrivatePod`: every `kplus.PodProps` plus the secrets to pull its images with. */
export interface PrivatePodProps extends kplus.PodProps, CommonPrivatePodProps {}

/**
 * A `kplus.Pod` that pulls its images with registry secrets: its own (`spec.imagePullSecrets`), else its
 * `PrivateServiceAccount`'s.
 *
 * It keeps every feature and default of `kplus.Pod` (see docs/pod-defaults.md for the secure defaults cdk8s-plus
 * adds). At synth time it checks, as the kubelet would, that every container image is covered by one of those secrets
 * and that the secrets live in the pod's namespace.
 */
export class PrivatePod extends kplus.Pod implements IPrivatePod {
  private readonly _pullSecrets: PullSecrets;

  constructor(scope: Construct, id: string, props: PrivatePodProps) {
    const context = `PrivatePod '${id}'`;
    const pullSecrets = PullSecrets.forPod(scope, context, props);
    const before = scope.node.tryFindChild(id);
    try {
      super(scope, id, props);
    } catch (e) {
      throw failedBase(scope, id, before, context, e);
    }
    this._pullSecrets = pullSecrets.checkOnSynth(this);
  }

  // the members IPrivatePod documents, delegated to the one PullSecrets; TypeScript has no jsii-safe way to share them
  public get registrySecrets(): kplus.ISecret[] { return this._pullSecrets.secrets; }
  public addRegistrySecret(secret: kplus.ISecret): void { this._pullSecrets.add(secret); }
  public addPublicImage(image: string): void { this._pullSecrets.addPublicImage(image); }

  /** @internal */
  public override _toPodSpec(): kplus.k8s.PodSpec { return this._pullSecrets.applyTo(super._toPodSpec()); }
}
