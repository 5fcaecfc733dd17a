/**
 * What both commands start from: the manifests read, the defaults of cdk8s.yaml merged with the options, and the
 * engine's verdict on every image (`resolveManifests`).
 */
import { resolve } from 'path';
import { ManifestPulls, resolveManifests } from '../check/manifest-pulls';
import { NO_NODE_FACTS } from '../check/node-facts';
import { NodeCredentialProvider, nodeImagesProvider, readCredentialProviderConfig } from '../kubelet/credential-providers';
import { parseImageReference } from '../kubelet/image-reference';
import { readManifestFiles } from './manifest-files';
import { readProjectDefaults } from './project-config';
import { pushAll } from '../input/arrays';

/** The options both commands share. */
export interface PullOptions {
  /** Files or folders; empty means cdk8s.yaml's `output`, else `dist`. */
  readonly paths: readonly string[];
  readonly publicImages: readonly string[];
  readonly nodeImages: readonly string[];
  readonly credentialProviderConfig?: string;
}

/** The manifests read and what the kubelet will pull with. */
export interface Pulls {
  /** The paths read, as given (or the default). */
  readonly paths: readonly string[];
  readonly files: readonly string[];
  readonly report: ManifestPulls;
}

/**
 * Reads everything. Throws one line for unreadable input or a bad option value (the command exits with 2).
 *
 * @param cwd where cdk8s.yaml is looked for and relative paths start
 */
export function readPulls(options: PullOptions, cwd: string = process.cwd()): Pulls {
  const defaults = readProjectDefaults(cwd);
  const paths = options.paths.length > 0 ? [...options.paths] : [defaults.output ?? 'dist'];
  const from = (option: string, setting: string, count: number, i: number): string =>
    i < count ? `property '${setting}[${i}]' in '${defaults.file}'` : `option ${option}`;

  const publicImages = [...defaults.publicImages, ...options.publicImages];
  publicImages.forEach((image, i) => {
    try {
      parseImageReference(image);
    } catch (e) {
      throw new Error(`${from('--public-image', 'publicImages', defaults.publicImages.length, i)}: ${(e as Error).message}`);
    }
  });

  const providers: NodeCredentialProvider[] = [];
  const providerConfig = options.credentialProviderConfig ?? defaults.credentialProviderConfig;
  if (providerConfig !== undefined) pushAll(providers, readCredentialProviderConfig(providerConfig));
  const nodeImages = [...defaults.nodeImages, ...options.nodeImages];
  if (nodeImages.length > 0) {
    const where = options.nodeImages.length === 0 ? `property 'nodeImages' in '${defaults.file}'`
      : defaults.nodeImages.length === 0 ? 'option --node-image' : `--node-image and property 'nodeImages' in '${defaults.file}'`;
    providers.push(nodeImagesProvider(nodeImages, where));
  }

  // paths stay as given, for messages, when they are relative to the process' own folder
  const input = readManifestFiles(resolve(cwd) === resolve() ? paths : paths.map((p) => resolve(cwd, p)));
  // the model's problems (a namespace that is not a string, two Secrets that collide) are the first of the report's errors
  const report = resolveManifests(input.model, { publicImages, node: { ...NO_NODE_FACTS, providers } });
  return { paths, files: input.files, report };
}
