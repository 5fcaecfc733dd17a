import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DOCKER_HUB_SERVER, RegistryCredentials } from './docker-config-json';
import { PrivatePod } from './private-pod';
import { PrivateRegistrySecret } from './private-registry-secret';

/** The example credentials of the Kubernetes "pull an image from a private registry" task; fake by design. */
export const EXAMPLE_CREDENTIALS: RegistryCredentials = {
  server: DOCKER_HUB_SERVER,
  username: 'janedoe',
  password: 'xxxxxxxxxxx',
  email: 'jdoe@example.com',
};

/** Props for `PrivateRegistryChart`. */
export interface PrivateRegistryChartProps extends ChartProps {
  /** The registry and its credentials. */
  readonly credentials: RegistryCredentials;

  /**
   * The Secret's name.
   *
   * @default 'myregcred'
   */
  readonly secretName?: string;

  /**
   * The Pod's name.
   *
   * @default 'private-reg'
   */
  readonly podName?: string;

  /**
   * The container's name.
   *
   * @default 'private-reg-container'
   */
  readonly containerName?: string;

  /**
   * The image to pull.
   *
   * @default 'janedoe/jdoe-private:v1'
   */
  readonly image?: string;
}

/**
 * The whole "pull an image from a private registry" task as one chart: a pull Secret and a Pod that uses it, in the
 * chart's namespace when one is set.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
export class PrivateRegistryChart extends Chart {
  /** The pull secret. */
  public readonly secret: PrivateRegistrySecret;

  /** The pod. */
  public readonly pod: PrivatePod;

  constructor(scope: Construct, id: string, props: PrivateRegistryChartProps) {
    super(scope, id, props);
    this.secret = new PrivateRegistrySecret(this, 'regcred', {
      ...props.credentials,
      metadata: { name: props.secretName ?? 'myregcred' },
    });
    this.pod = new PrivatePod(this, 'pod', {
      metadata: { name: props.podName ?? 'private-reg' },
      containers: [{ name: props.containerName ?? 'private-reg-container', image: props.image ?? 'janedoe/jdoe-private:v1' }],
      registrySecrets: [this.secret],
    });
  }
}
