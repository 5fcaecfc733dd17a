/**
 * The manifests the command reads: each PATH is a folder, whose `*.yaml` and `*.yml` files are read in name order (not
 * its subfolders: `cdk8s synth` writes one flat folder), or a file. Every document of every file is an object of the
 * synth output. Anything unreadable throws one line naming the path; the command exits with 2.
 */
import { readdirSync, statSync } from 'fs';
import { extname, join } from 'path';
import { compareUtf8 } from '../go/json';
import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { parseYamlDocuments } from '../input/yaml';
import { pushAll } from '../input/arrays';

/** The objects of the manifests, and the files they came from. */
export interface ManifestInput {
  readonly files: readonly string[];
  readonly objects: readonly unknown[];
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
  const objects: unknown[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readRegularFile(file);
    } catch (e) {
      throw new Error(`cannot read '${file}': ${readErrorReason((e as FileReadError).code)}`);
    }
    pushAll(objects, parseYamlDocuments(text, file));
  }
  return { files, objects };
}
