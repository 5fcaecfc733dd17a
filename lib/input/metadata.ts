import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  ANNOTATIONS_SIZE_MAX, DNS1123_SUBDOMAIN_MAX, checkDns1123Label, checkDns1123Subdomain, describeType, labelValueProblem, qualifiedNameProblem,
  quote, requireObject,
} from './values';

/** What `checkMetadata` found valid: the given name, and the namespace the object lands in (its own, else its chart's). */
export interface CheckedMetadata {
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Checks the `metadata` a construct of this library is given, before it builds anything: an object, a name that is a
 * DNS-1123 subdomain (or shorter where the kind needs it), and a namespace, its own or its chart's, that is a DNS-1123
 * label, and labels and annotations the API server accepts (see `checkLabelsAndAnnotations`). cdk8s writes whatever it
 * is given, and the API server would refuse it only at deploy time.
 *
 * @param scope the construct's scope, whose chart may set the namespace
 * @param where names the construct in messages
 * @param nameMax the longest name the kind allows (a CronJob: 52)
 */
export function checkMetadata(scope: IConstruct, metadata: unknown, where: string, nameMax = DNS1123_SUBDOMAIN_MAX): CheckedMetadata {
  let name: string | undefined;
  let namespace: string | undefined;
  if (metadata !== undefined) {
    const m = requireObject(metadata, 'metadata', where, 'an object such as { name: \'myregcred\' }');
    if (m.name !== undefined) name = checkDns1123Subdomain(m.name, 'metadata.name', where, nameMax);
    if (m.namespace !== undefined) namespace = checkDns1123Label(m.namespace, 'metadata.namespace', where);
    checkLabelsAndAnnotations(m, 'metadata', where);
  }
  if (namespace === undefined) {
    const chart = Chart.of(scope);
    if (chart.namespace !== undefined) {
      namespace = checkDns1123Label(chart.namespace, 'namespace', `${where}: its chart '${chart.node.path || chart.node.id}'`);
    }
  }
  return { name, namespace };
}

/**
 * Checks the labels and annotations of `metadata` (an object's, or a workload's `podMetadata`) as the API server does
 * (apimachinery's ValidateLabels and ValidateAnnotations): every key a qualified name (an annotation key once
 * lower-cased), every label value a label value, the annotations at most 256 KiB together. Values are strings; an
 * object is let through, as cdk8s resolves a token there. Keys and label values are quoted in messages, annotation
 * values never (one may hold a secret).
 *
 * @param field where `metadata` sits, for messages: `metadata`, `podMetadata`, or '' for a chart's own `labels`
 */
export function checkLabelsAndAnnotations(metadata: Record<string, unknown>, field: string, where: string): void {
  for (const kind of ['labels', 'annotations']) {
    const map = metadata[kind];
    if (map === undefined) continue;
    const path = field === '' ? kind : `${field}.${kind}`;
    const record = requireObject(map, path, where, 'a map of strings');
    let bytes = 0;
    for (const [key, value] of Object.entries(record)) {
      // a number or boolean would reach the YAML unquoted, and the API server refuses it (objects may be cdk8s tokens)
      if (typeof value === 'number' || typeof value === 'boolean' || value === null || Array.isArray(value)) {
        throw new Error(`${where}: '${path}' values must be strings, got ${describeType(value)} for key ${quote(key)}`);
      }
      const keyProblem = qualifiedNameProblem(key, kind === 'annotations');
      if (keyProblem !== undefined) {
        throw new Error(`${where}: '${path}' key ${quote(key)} is not a valid key: ${keyProblem}; a key is a name of at most 63 letters, ` +
          'digits, \'-\', \'_\' and \'.\' (starting and ending with a letter or digit), optionally after a DNS-1123 subdomain prefix and \'/\', ' +
          'such as \'team\' or \'example.com/team\'; rename the key');
      }
      if (typeof value !== 'string') continue;
      if (kind === 'labels') {
        const valueProblem = labelValueProblem(value);
        if (valueProblem !== undefined) {
          throw new Error(`${where}: '${path}' value of key ${quote(key)} ${valueProblem}; shorten it, or put free text in an annotation`);
        }
      } else {
        bytes += Buffer.byteLength(key) + Buffer.byteLength(value);
      }
    }
    if (bytes > ANNOTATIONS_SIZE_MAX) {
      throw new Error(`${where}: '${path}' must be at most ${ANNOTATIONS_SIZE_MAX} bytes (256 KiB, keys and values together, as the API ` +
        `server counts them), got ${bytes}; move large data into a ConfigMap or Secret and annotate a reference to it`);
    }
  }
}
