/**
 * The manifests the command reads: each PATH is a folder, whose `*.yaml` and `*.yml` files are read in name order (not
 * its subfolders: `cdk8s synth` writes one flat folder), or a file. Every document of every file is an object of the
 * synth output, read as kubectl reads it (see manifest-model). Anything unreadable, and a document that is not an
 * object, throws one line naming the path; the command exits with 2. Documents are read one at a time into the model,
 * so that only what the checks need stays in memory.
 */
import { readdirSync, statSync } from 'fs';
import { extname, join } from 'path';
import { compareUtf8 } from '../go/json';
import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { forEachYamlDocument } from '../input/yaml';
import { describeType, isObject } from '../input/values';
import { ManifestModel, ManifestReader } from '../check/manifest-model';
import { pushAll } from '../input/arrays';

/** What the manifests say, and the files they came from. */
export interface ManifestInput {
  readonly files: readonly string[];
  readonly model: ManifestModel;
}

const EXTENSIONS = ['.yaml', '.yml'];

/** Reads every manifest of `paths`. */
export function readManifestFiles(paths: readonly string[]): ManifestInput {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? 'EIO';
      const hint = code === 'ENOENT' ? ': run cdk8s synth first, or name the folder it writes to' : '';
      throw new Error(`cannot read '${path}': ${readErrorReason(code)}${hint}`);
    }
    if (!isDirectory) {
      files.push(path);
      continue;
    }
    let names: string[];
    try {
      names = readdirSync(path, { withFileTypes: true })
        .filter((e) => !e.isDirectory() && EXTENSIONS.includes(extname(e.name).toLowerCase()))
        .map((e) => e.name)
        .sort(compareUtf8);
    } catch (e) {
      throw new Error(`cannot read the folder '${path}': ${readErrorReason((e as NodeJS.ErrnoException).code ?? 'EIO')}`);
    }
    if (names.length === 0) {
      throw new Error(`the folder '${path}' holds no *.yaml or *.yml file: run cdk8s synth first, or name the folder it writes to`);
    }
    pushAll(files, names.map((n) => join(path, n)));
  }
  const reader = new ManifestReader(true);
  let index = 0;
  for (const file of files) {
    let text: string;
    try {
      text = readRegularFile(file, true);
    } catch (e) {
      throw new Error(`cannot read '${file}': ${readErrorReason((e as FileReadError).code)}`);
    }
    forEachYamlDocument(text, file, (value, number) => {
      if (!isObject(value)) {
        throw new Error(`'${file}': document ${number} is ${describeType(value)}, not an object; kubectl refuses it: every document of a ` +
          'manifest must be a Kubernetes object (apiVersion, kind, metadata)');
      }
      reader.add(value, index++);
    });
  }
  return { files, model: reader.finish() };
}
