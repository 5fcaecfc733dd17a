import * as kplus from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { checkMetadata } from '../input/metadata';
import { PullSecrets } from './_pull-secrets';
import { checkDns1123Subdomain, describeType, requireArray, requireObject } from '../input/values';
import { failedBase } from './_failed-base';

/** Props for `PrivateServiceAccount`: every `kplus.ServiceAccountProps` plus the pull secrets it lends to its pods. */
export interface PrivateServiceAccountProps extends kplus.ServiceAccountProps {
  /**
   * The pull secrets, written to the ServiceAccount's `imagePullSecrets` in this order, each once. The ServiceAccount
   * admission plugin copies them into every pod that runs as this service account and lists no `imagePullSecrets` of
   * its own; a pod that lists any gets none of these. They must live in the namespace of the service account and its
   * pods.
   *
   * @see https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#add-imagepullsecrets-to-a-service-account
   */
  readonly registrySecrets: kplus.ISecret[];
}

/**
 * A `kplus.ServiceAccount` that holds pull secrets for its pods. A private pod or workload that runs as it and lists no
 * secrets of its own is checked at synth time against these.
 */
export class PrivateServiceAccount extends kplus.ServiceAccount {
  private readonly _pullSecrets: PullSecrets;

  constructor(scope: Construct, id: string, props: PrivateServiceAccountProps) {
    const context = `PrivateServiceAccount '${id}'`;
    requireObject(props, 'props', context, 'an object with registrySecrets');
    checkMetadata(scope, props.metadata, context);
    const pullSecrets = new PullSecrets(context);
    const secrets = props.registrySecrets === undefined ? [] : requireArray(props.registrySecrets, 'registrySecrets', context, '[regcred]');
    secrets.forEach((secret, i) => pullSecrets.add(secret as kplus.ISecret, `registrySecrets[${i}]`));
    pullSecrets.requireAny();
    // cdk8s-plus takes any list here and fails only at synth (or with a raw TypeError)
    if (props.secrets !== undefined) {
      requireArray(props.secrets, 'secrets', context, '[tokenSecret]').forEach((secret, i) => {
        if (secret === null || typeof secret !== 'object' || typeof (secret as kplus.ISecret).name !== 'string') {
          throw new Error(`${context}: 'secrets[${i}]' must be a kplus.ISecret such as kplus.Secret.fromSecretName(scope, id, name), ` +
            `got ${describeType(secret)}`);
        }
        checkDns1123Subdomain((secret as kplus.ISecret).name, `secrets[${i}].name`, context);
      });
    }
    const before = scope.node.tryFindChild(id);
    try {
      super(scope, id, props);
    } catch (e) {
      throw failedBase(scope, id, before, context, e);
    }
    this._pullSecrets = pullSecrets.applyToServiceAccount(this);
  }

  /** The pull secrets, in `imagePullSecrets` order. */
  public get registrySecrets(): kplus.ISecret[] {
    return this._pullSecrets.secrets;
  }

  /**
   * Adds a pull secret after construction; pods that run as this service account and list none of their own get it.
   *
   * @param secret a `PrivateRegistrySecret`, or any `kplus.ISecret`
   */
  public addRegistrySecret(secret: kplus.ISecret): void {
    this._pullSecrets.add(secret);
  }
}
