/** Kubernetes name rules that the API server enforces and that we check before it does. */

const DNS1123_LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);

/**
 * Throws unless `value` is a DNS-1123 subdomain (the rule for Secret and Pod names).
 *
 * @param field the field, for the message (`metadata.name`)
 * @param value the value
 * @param context names the owner in the message
 */
export function checkDns1123Subdomain(field: string, value: string, context: string): void {
  if (!isDns1123Subdomain(value)) {
    throw new Error(`${context}: '${field}' must be a DNS-1123 subdomain (lower-case letters, digits, '-' and '.', ` +
      `starting and ending with a letter or digit, at most 253 characters), got ${JSON.stringify(value)}; ` +
      `for example '${suggestName(value)}'`);
  }
}

/** Whether `value` is a DNS-1123 subdomain: Kubernetes' `IsDNS1123Subdomain`. */
export function isDns1123Subdomain(value: string): boolean {
  return value.length <= 253 && DNS1123_SUBDOMAIN.test(value);
}

function suggestName(value: string): string {
  const s = value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '').slice(0, 253);
  return s || 'myregcred';
}

/** A namespace for messages: undefined means none is set, so kubectl applies into its current one. */
export function describeNamespace(ns: string | undefined): string {
  return ns === undefined ? 'no namespace (kubectl\'s current one)' : `namespace '${ns}'`;
}

/** The one message for a pod whose service account lives in another namespace (constructs and manifest check alike). */
export function serviceAccountNamespaceMessage(
  pod: string, serviceAccount: string, saNamespace: string | undefined, podNamespace: string | undefined,
): string {
  return `${pod}: service account '${serviceAccount}' is in ${describeNamespace(saNamespace)} but the pod is in ` +
    `${describeNamespace(podNamespace)}; the ServiceAccount admission plugin looks it up in the pod's namespace and rejects the pod: ` +
    'put both in the same namespace (metadata.namespace, or the chart\'s namespace)';
}
