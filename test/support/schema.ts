// Validates synthesized objects against the Kubernetes OpenAPI schema shipped by kubernetes-models, the judge that
// knows nothing of our code. Custom resources are validated with the matching @kubernetes-models package.
import * as path from 'node:path';

const CUSTOM_PACKAGES: { [group: string]: string } = {
  'bitnami.com': '@kubernetes-models/sealed-secrets',
  'external-secrets.io': '@kubernetes-models/external-secrets',
  'generators.external-secrets.io': '@kubernetes-models/external-secrets',
};

/** The kubernetes-models class for an object's apiVersion and kind; throws when none is known. */
function modelClass(apiVersion: string, kind: string): new (data: any) => { validate(): void } {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const pkg = CUSTOM_PACKAGES[group] ?? 'kubernetes-models';
  const modulePath = path.posix.join(pkg, ...(group ? [group] : []), version, kind);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(modulePath);
  if (!mod[kind]) throw new Error(`no kubernetes-models class for ${apiVersion} ${kind} in ${modulePath}`);
  return mod[kind];
}

/** Throws with the schema's message when `manifest` does not validate. */
export function validateManifest(manifest: any): void {
  const Model = modelClass(manifest.apiVersion, manifest.kind);
  try {
    new Model(manifest).validate();
  } catch (e) {
    throw new Error(`${manifest.kind} '${manifest.metadata?.name}' fails the schema: ${(e as Error).message}`);
  }
}
