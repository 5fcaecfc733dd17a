import { Cron } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { failedBase } from './_failed-base';
import { PullSecrets } from './_pull-secrets';
import { describeType } from '../input/values';
import { CommonPrivatePodProps, IPrivatePod } from './private-pod-props';

// the Jobs a CronJob creates are named NAME-<11 characters>, and the API server refuses a CronJob whose name leaves no room
const CRON_JOB_NAME_MAX = 52;

/** Props for `PrivateCronJob`: every `kplus.CronJobProps` plus the secrets to pull its images with. */
export interface PrivateCronJobProps extends kplus.CronJobProps, CommonPrivatePodProps {}

/**
 * A `kplus.CronJob` whose pod template pulls its images with registry secrets (its own, else its `PrivateServiceAccount`'s)
 * written to `spec.jobTemplate.spec.template.spec.imagePullSecrets`, and checked at synth time as `PrivatePod` is.
 */
export class PrivateCronJob extends kplus.CronJob implements IPrivatePod {
  private readonly _pullSecrets: PullSecrets;

  constructor(scope: Construct, id: string, props: PrivateCronJobProps) {
    const context = `PrivateCronJob '${id}'`;
    const pullSecrets = PullSecrets.forPod(scope, context, props, CRON_JOB_NAME_MAX);
    // cdk8s-plus would fail only at synth, on `undefined.expressionString`
    const schedule: unknown = props.schedule;
    if (schedule === null || typeof schedule !== 'object' || typeof (schedule as Cron).expressionString !== 'string') {
      throw new Error(`${context}: 'schedule' must be a Cron such as Cron.daily() or Cron.schedule({ minute: '0', hour: '3' }), ` +
        `got ${describeType(schedule)}`);
    }
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
