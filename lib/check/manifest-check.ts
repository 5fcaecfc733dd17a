/**
 * The pull check over synthesized manifests, as the cdk8s validation plugin shows it: any pod-bearing object
 * (constructs of this library, plain cdk8s-plus workloads, raw ApiObjects) against the pull secrets and service
 * accounts in the same output. A view of `resolveManifests`: its errors and warnings, and the plugin's own options.
 */
import { ManifestFinding, ManifestWarning, resolveManifests } from './manifest-pulls';
import { ManifestModel, readManifests } from './manifest-model';
import { describeType, isObject } from '../input/values';
import { parseImageReference } from '../kubelet/image-reference';
import { NO_NODE_FACTS, NodeOptionError, NodeOptions, readNodeFacts } from './node-facts';
import { PullCheckRule } from './pull-engine';

export type { ManifestFinding, ManifestWarning } from './manifest-pulls';

/** What the manifest check found. */
export interface ManifestCheckResult {
  /** Findings that make the kubelet fail pulls. */
  readonly errors: ManifestFinding[];
  /** What could not be judged, or may fail later. */
  readonly warnings: ManifestWarning[];
  /** How many pod templates were checked. */
  readonly podsChecked: number;
}

/** Options for the manifest check: the plugin's properties. */
export interface ManifestCheckOptions extends NodeOptions {
  /**
   * Images or repositories pulled without credentials on purpose, for every pod.
   *
   * @default - none
   */
  readonly publicImages?: unknown;
}

/**
 * Checks every pod-bearing object of a synth output against the pull secrets and service accounts in it.
 *
 * @param baseDir where a relative `credentialProviderConfig` is found: the app's folder
 */
export function checkManifests(objects: readonly any[], options: ManifestCheckOptions = {}, baseDir = process.cwd()): ManifestCheckResult {
  if (!Array.isArray(objects)) {
    throw new Error(`the manifest check needs a list of parsed objects, got ${describeType(objects)}`);
  }
  return checkManifestModel(readManifests(objects), options, baseDir);
}

/** `checkManifests` over manifests read already (by a `ManifestReader`, one document at a time). */
export function checkManifestModel(model: ManifestModel, options: ManifestCheckOptions = {}, baseDir = process.cwd()): ManifestCheckResult {
  const optionErrors: ManifestFinding[] = [];
  const publicImages = publicImagesOption(options, optionErrors);
  let node = NO_NODE_FACTS;
  try {
    node = readNodeFacts(isObject(options) ? options : {}, 'pull-check plugin', baseDir);
  } catch (e) {
    optionErrors.push({ rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1,
      location: e instanceof NodeOptionError ? e.option : 'properties', message: (e as Error).message });
  }
  const pulls = resolveManifests(model, { publicImages, node });
  return { errors: [...optionErrors, ...pulls.errors], warnings: pulls.warnings, podsChecked: pulls.workloads.length };
}

/** The resource name a finding about the plugin's own options carries. */
export const OPTIONS_RESOURCE = 'validation plugin properties (cdk8s.yaml)';

/** The valid entries of `options.publicImages`; each bad one (or a bad list) is a finding on the options. */
function publicImagesOption(options: ManifestCheckOptions, errors: ManifestFinding[]): string[] {
  const fail = (message: string): void => {
    errors.push({ rule: PullCheckRule.PLUGIN_PROPERTIES, resource: OPTIONS_RESOURCE, index: -1, location: 'publicImages',
      message: `property 'publicImages' ${message}` });
  };
  const list: unknown = isObject(options) ? options.publicImages : undefined;
  if (list === undefined) return [];
  if (!Array.isArray(list)) {
    fail(`must be a list of images such as [nginx, busybox], got ${describeType(list)}`);
    return [];
  }
  const valid: string[] = [];
  list.forEach((image: unknown, i: number) => {
    if (typeof image !== 'string') {
      fail(`[${i}] must be a string, got ${describeType(image)}`);
      return;
    }
    try {
      parseImageReference(image);
      valid.push(image);
    } catch (e) {
      fail(`[${i}]: ${(e as Error).message}`);
    }
  });
  return valid;
}
