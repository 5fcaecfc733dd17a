/** The annotations through which constructs tell the manifest check what it cannot read from the objects themselves. */

/** The annotation that declares which `auths` servers a Secret-producing object holds (SealedSecret, ExternalSecret). */
export const SERVERS_ANNOTATION = 'private-registry.cdk8s.io/servers';

/** The annotation on a pod-bearing object that lists the images it pulls without credentials on purpose. */
export const PUBLIC_IMAGES_ANNOTATION = 'private-registry.cdk8s.io/public-images';
