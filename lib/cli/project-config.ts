/**
 * The defaults a cdk8s app's own `cdk8s.yaml` gives the command: its `output` folder, and the `properties:` of the
 * PullCheckValidation plugin entry (`publicImages`, `nodeImages`, `credentialProviderConfig`, a path relative to the
 * app's folder), so that the command judges the output as the plugin does. A `validations:` that is a URL or a file
 * name (which the cdk8s CLI would download) is not followed: the command does not touch the network for it.
 */
import { existsSync } from 'fs';
import { dirname, resolve } from 'path';
import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { parseYamlDocuments } from '../input/yaml';
import { isObject } from '../input/values';

/** What cdk8s.yaml says that the command uses. */
export interface ProjectDefaults {
  /** The file read, for messages; undefined when there is none. */
  readonly file?: string;
  /** Where `cdk8s synth` writes; undefined when cdk8s.yaml names no `output` (the CLI's default is `dist`). */
  readonly output?: string;
  readonly publicImages: readonly string[];
  readonly nodeImages: readonly string[];
  /** Absolute: resolved against the folder of cdk8s.yaml. */
  readonly credentialProviderConfig?: string;
}

/** The plugin's class name, by which its entry is recognised whatever its `package` path. */
export const PLUGIN_CLASS = 'PullCheckValidation';

/** Reads `cdk8s.yaml` in `dir`, if there is one. Throws one line naming the file and the field for anything malformed. */
export function readProjectDefaults(dir: string): ProjectDefaults {
  const file = resolve(dir, 'cdk8s.yaml');
  if (!existsSync(file)) return { publicImages: [], nodeImages: [] };
  let text: string;
  try {
    text = readRegularFile(file, true);
  } catch (e) {
    throw new Error(`cannot read '${file}': ${readErrorReason((e as FileReadError).code)}; fix it, or run the command from another folder`);
  }
  const docs = parseYamlDocuments(text, file);
  const config = docs[0];
  if (docs.length === 0) return { file, publicImages: [], nodeImages: [] };
  if (docs.length > 1 || !isObject(config)) {
    throw new Error(`'${file}' must be one YAML mapping (language, app, output, validations), as the cdk8s CLI reads it`);
  }
  const fail = (field: string, expected: string): never => {
    throw new Error(`'${file}': ${field} must be ${expected}; fix cdk8s.yaml`);
  };
  if (config.output !== undefined && (typeof config.output !== 'string' || config.output === '')) fail('\'output\'', 'a folder name');
  const defaults = { file, output: config.output as string | undefined, publicImages: [] as string[], nodeImages: [] as string[] };
  if (!Array.isArray(config.validations)) return defaults;
  const index = config.validations.findIndex((v: unknown) => isObject(v) && v.class === PLUGIN_CLASS);
  if (index < 0) return defaults;
  const properties = config.validations[index].properties;
  const at = `'validations[${index}].properties`;
  if (properties === undefined || properties === null) return defaults;
  if (!isObject(properties)) fail(`${at}'`, 'a mapping');
  const list = (name: string): string[] => {
    const value = properties[name];
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) fail(`${at}.${name}'`, 'a list of strings');
    return value;
  };
  const providerConfig = properties.credentialProviderConfig;
  if (providerConfig !== undefined && (typeof providerConfig !== 'string' || providerConfig === '')) {
    fail(`${at}.credentialProviderConfig'`, 'a file path, relative to the folder of cdk8s.yaml');
  }
  return {
    ...defaults,
    publicImages: list('publicImages'),
    nodeImages: list('nodeImages'),
    credentialProviderConfig: providerConfig === undefined ? undefined : resolve(dirname(file), providerConfig),
  };
}
