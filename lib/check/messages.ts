/** Kubernetes name rules that the API server enforces and that we check before it does. */

/** A namespace for messages: undefined means none is set, so kubectl applies into its current one. */
export function describeNamespace(ns: string | undefined): string {
  return ns === undefined ? 'no namespace (kubectl\'s current one)' : `namespace '${ns}'`;
}

/**
 * The one message for a pod whose service account lives in another namespace (constructs and manifest check alike).
 *
 * @param pod names the pod at the start (a manifest's `Kind namespace/name`); undefined for a construct, whose path
 * cdk8s puts in front
 */
export function serviceAccountNamespaceMessage(
  pod: string | undefined, serviceAccount: string, saNamespace: string | undefined, podNamespace: string | undefined,
): string {
  return `${pod === undefined ? '' : `${pod}: `}service account '${serviceAccount}' is in ${describeNamespace(saNamespace)} but the pod is in ` +
    `${describeNamespace(podNamespace)}; the ServiceAccount admission plugin looks it up in the pod's namespace and rejects the pod: ` +
    'put both in the same namespace (metadata.namespace, or the chart\'s namespace)';
}
