import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { failedBase } from './_failed-base';
import { PullSecrets } from './_pull-secrets';
import { CommonPrivatePodProps, IPrivatePod } from './private-pod-props';

// the API server labels a Job's pods with its name (batch.kubernetes.io/job-name), and a label value has at most 63 characters
const JOB_NAME_MAX = 63;

/** Props for `PrivateJob`: every `kplus.JobProps` plus the secrets to pull its images with. */
export interface PrivateJobProps extends kplus.JobProps, CommonPrivatePodProps {}

/**
 * A `kplus.Job` whose pod template pulls its images with registry secrets (its own, else its `PrivateServiceAccount`'s)
 * written to `spec.template.spec.imagePullSecrets`, and checked at synth time as `PrivatePod` is.
 */
export class PrivateJob extends kplus.Job implements IPrivatePod {
  private readonly _pullSecrets: PullSecrets;

  constructor(scope: Construct, id: string, props: PrivateJobProps) {
    const context = `PrivateJob '${id}'`;
    const pullSecrets = PullSecrets.forPod(scope, context, props, JOB_NAME_MAX);
    const before = scope.node.tryFindChild(id);
    try {
      super(scope, id, props);
    } catch (e) {
      throw failedBase(scope, id, before, context, e);
    }
    this._pullSecrets = pullSecrets.attachTo(this);
  }

  // the members IPrivatePod documents, delegated to the one PullSecrets; TypeScript has no jsii-safe way to share them
  public get registrySecrets(): kplus.ISecret[] { return this._pullSecrets.secrets; }
  public addRegistrySecret(secret: kplus.ISecret): void { this._pullSecrets.add(secret); }
  public addPublicImage(image: string): void { this._pullSecrets.addPublicImage(image); }
}
