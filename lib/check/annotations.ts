/** The annotations through which constructs tell the manifest check what it cannot read from the objects themselves. */

/** The annotation that declares which `auths` servers a Secret-producing object holds (SealedSecret, ExternalSecret). */
export const SERVERS_ANNOTATION = 'private-registry.cdk8s.io/servers';

/** The annotation on a pod-bearing object that lists the images it pulls without credentials on purpose. */
export const PUBLIC_IMAGES_ANNOTATION = 'private-registry.cdk8s.io/public-images';

/**
 * The annotation a RegistryPullPolicy writes on a pod-bearing object whose images its `publicImages` name, so that the
 * plugin and the command line, which read only manifests, see the declaration too.
 */
export const POLICY_PUBLIC_IMAGES_ANNOTATION = 'private-registry.cdk8s.io/policy-public-images';

/**
 * The annotation a private pod or workload carries with the image patterns its NodePullConfig declares node-provided
 * (`nodeImages`, and the `matchImages` of credential providers that need no service-account token).
 */
export const NODE_IMAGES_ANNOTATION = 'private-registry.cdk8s.io/node-images';
