import { Construct, IConstruct } from 'constructs';
import { ImagePullCredentialsVerificationPolicy, NodeFacts, readNodeFacts } from '../check/node-facts';
import { requireObject } from '../input/values';

/** Props for `NodePullConfig`: what the nodes that run the pods in its scope do when they pull. */
export interface NodePullConfigProps {
  /**
   * The kubelet's credential provider config (the file given to `--image-credential-provider-config`, or a directory
   * of them), read now. Images its providers' `matchImages` cover are pulled with the node's own credentials (ECR, GAR,
   * ACR), so the pull check needs no pull secret for them. For a provider with `tokenAttributes` (KEP-4412), the pod's
   * service account must carry its `requiredServiceAccountAnnotationKeys`.
   *
   * @default - no credential providers
   * @see https://kubernetes.io/docs/tasks/administer-cluster/kubelet-credential-provider/
   */
  readonly credentialProviderConfig?: string;

  /**
   * Image patterns the nodes provide credentials for, with the rules of a provider's `matchImages`: the same number of
   * host parts, a glob per part, the path as a prefix, equal ports (`*.dkr.ecr.*.amazonaws.com`, `*.azurecr.io`).
   *
   * @default - none
   */
  readonly nodeImages?: string[];

  /**
   * The kubelet's `imagePullCredentialsVerificationPolicy` (KEP-2535): how it verifies a pod's credentials for an image
   * already on the node. It decides whether a private image with `imagePullPolicy: Never` can work.
   *
   * @default - the kubelet's default, NeverVerifyPreloadedImages
   */
  readonly imagePullCredentialsVerificationPolicy?: ImagePullCredentialsVerificationPolicy;

  /**
   * The kubelet's `preloadedImagesVerificationAllowlist`, with `NeverVerifyAllowlistedImages`: normalized image names
   * (`docker.io/library/nginx`) or prefixes ending in `/*` (`registry.k8s.io/*`).
   *
   * @default - none
   */
  readonly preloadedImagesVerificationAllowlist?: string[];

  /**
   * Make a Docker Hub image pulled without credentials a synth error instead of a warning (anonymous pulls are limited
   * to 10 per hour per address since 2025-04-01).
   *
   * @default false
   */
  readonly dockerHubCredentialsRequired?: boolean;
}

const CONFIG = Symbol.for('cdk8s-private-registry.NodePullConfig');

/**
 * Declares what the nodes do when they pull, for the pull check of every private pod and workload in its scope (a
 * Chart, or the App for all charts): the credentials their kubelet's credential providers supply, how they verify
 * cached images, and whether Docker Hub needs credentials. The validation plugin takes the same declarations as
 * properties in cdk8s.yaml. It writes nothing to the manifests.
 */
export class NodePullConfig extends Construct {
  /**
   * The config that applies to `construct`: the one in the nearest of its scopes that has one.
   *
   * @param construct a pod, a workload, or any construct
   */
  public static of(construct: IConstruct): NodePullConfig | undefined {
    // from the construct up to the root (every pod's check asks, in every validation pass: no copies of node.scopes)
    for (let scope: IConstruct | undefined = construct; scope !== undefined; scope = scope.node.scope) {
      const config = (scope as { [CONFIG]?: NodePullConfig })[CONFIG];
      if (config !== undefined) return config;
    }
    return undefined;
  }

  /** @internal */
  public readonly _facts: NodeFacts;

  constructor(scope: Construct, id: string, props: NodePullConfigProps = {}) {
    const where = `NodePullConfig '${id}'`;
    const facts = readNodeFacts(requireObject(props, 'props', where, 'an object such as { nodeImages: [\'*.dkr.ecr.*.amazonaws.com\'] }'),
      where, process.cwd());
    const existing = (scope as { [CONFIG]?: NodePullConfig })[CONFIG];
    if (existing !== undefined) {
      throw new Error(`${where}: its scope '${scope.node.path || scope.node.id}' has a NodePullConfig already ('${existing.node.id}'); ` +
        'declare everything in that one');
    }
    super(scope, id);
    this._facts = facts;
    Object.defineProperty(scope, CONFIG, { value: this });
  }
}
