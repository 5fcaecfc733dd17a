import { Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { checkLabelsAndAnnotations } from '../lib/input/metadata';
import { checkDns1123Label, checkDns1123Subdomain, requireObject, requireString } from '../lib/input/values';
import { DOCKER_HUB_SERVER, RegistryCredentials } from '../lib/docker/credentials';
import { PrivatePod } from '../lib/pods/private-pod';
import { PrivateRegistrySecret } from '../lib/secrets/private-registry-secret';
import { IRegistrySecret, RegistrySecretCredentialsProps } from '../lib/secrets/registry-secret';
import { SealingCertificate } from '../lib/secrets/sealing-certificate';
import { SealedRegistrySecret } from '../lib/secrets/sealed-registry-secret';

/** The example credentials of the Kubernetes "pull an image from a private registry" task; fake by design. */
export const EXAMPLE_CREDENTIALS: RegistryCredentials = {
  server: DOCKER_HUB_SERVER,
  username: 'janedoe',
  password: 'xxxxxxxxxxx',
  email: 'jdoe@example.com',
};

/** Props for `PrivateRegistryChart`. */
export interface PrivateRegistryChartProps extends ChartProps {
  /** The registries and their credentials: inline, from a docker config, or both. */
  readonly credentials: RegistrySecretCredentialsProps;

  /**
   * Seal the secret for this Sealed Secrets controller certificate: the chart then holds a `SealedSecret` (strict scope,
   * so the chart needs a namespace) instead of a plain `Secret`, and nothing in it is plaintext.
   *
   * @default - a plain Secret
   */
  readonly sealingCertificate?: SealingCertificate;

  /**
   * With `sealingCertificate`: seal the same credentials to the same bytes on every synth (see
   * `SealedRegistrySecretProps.stabilityKey`).
   *
   * @default - a new random sealing on every synth
   */
  readonly stabilityKey?: string;

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
 * The whole "pull an image from a private registry" task as one chart: a pull Secret (or a SealedSecret) and a Pod
 * that uses it, in the chart's namespace when one is set.
 *
 * @see https://kubernetes.io/docs/tasks/configure-pod-container/pull-image-private-registry/
 */
export class PrivateRegistryChart extends Chart {
  /** The pull secret: a PrivateRegistrySecret, or a SealedRegistrySecret with `sealingCertificate`. */
  public readonly secret: IRegistrySecret;

  /** The pod. */
  public readonly pod: PrivatePod;

  constructor(scope: Construct, id: string, props: PrivateRegistryChartProps) {
    // the chart's own props are checked under their own names before anything is built
    const where = `PrivateRegistryChart '${id}'`;
    requireObject(props, 'props', where, 'an object with the credentials');
    requireObject(props.credentials, 'credentials', where, 'an object { server, username, password } or { dockerConfig }');
    const secretName = checkDns1123Subdomain(props.secretName ?? 'myregcred', 'secretName', where);
    const podName = checkDns1123Subdomain(props.podName ?? 'private-reg', 'podName', where);
    const containerName = checkDns1123Label(props.containerName ?? 'private-reg-container', 'containerName', where);
    const image = requireString(props.image ?? 'janedoe/jdoe-private:v1', 'image', where);
    if (props.namespace !== undefined) checkDns1123Label(props.namespace, 'namespace', where);
    // cdk8s copies the chart's labels onto every object it holds
    checkLabelsAndAnnotations({ labels: props.labels }, '', where);
    super(scope, id, props);
    try {
      const secretProps = { ...props.credentials, metadata: { name: secretName } };
      this.secret = props.sealingCertificate
        ? new SealedRegistrySecret(this, 'regcred', { ...secretProps, certificate: props.sealingCertificate, stabilityKey: props.stabilityKey })
        : new PrivateRegistrySecret(this, 'regcred', secretProps);
      this.pod = new PrivatePod(this, 'pod', {
        metadata: { name: podName },
        containers: [{ name: containerName, image }],
        registrySecrets: [this.secret],
      });
    } catch (e) {
      // nothing half-built stays in the app
      scope.node.tryRemoveChild(id);
      throw e;
    }
  }
}
