import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { DNS1123_SUBDOMAIN_MAX, checkDns1123Label, checkDns1123Subdomain, describeType, requireObject } from './values';

/** What `checkMetadata` found valid: the given name, and the namespace the object lands in (its own, else its chart's). */
export interface CheckedMetadata {
  readonly name?: string;
  readonly namespace?: string;
}

/**
 * Checks the `metadata` a construct of this library is given, before it builds anything: an object, a name that is a
 * DNS-1123 subdomain (or shorter where the kind needs it), and a namespace, its own or its chart's, that is a DNS-1123
 * label. cdk8s writes whatever it is given, and the API server would refuse it only at deploy time.
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
    for (const field of ['labels', 'annotations']) {
      const map = m[field];
      if (map === undefined) continue;
      const record = requireObject(map, `metadata.${field}`, where, 'a map of strings');
      for (const [key, value] of Object.entries(record)) {
        // a number or boolean would reach the YAML unquoted, and the API server refuses it (objects may be cdk8s tokens)
        if (typeof value === 'number' || typeof value === 'boolean' || value === null || Array.isArray(value)) {
          throw new Error(`${where}: 'metadata.${field}' values must be strings, got ${describeType(value)} for key ${JSON.stringify(key)}`);
        }
      }
    }
  }
  if (namespace === undefined) {
    const chart = Chart.of(scope);
    if (chart.namespace !== undefined) {
      namespace = checkDns1123Label(chart.namespace, 'namespace', `${where}: its chart '${chart.node.path || chart.node.id}'`);
    }
  }
  return { name, namespace };
}
