/**
 * One manifest file into a `ManifestReader`, one document at a time: the one way `inspect`, `login-check` and the
 * validation plugin read synth output. The text must be what kubectl accepts (UTF-8, no control characters, valid
 * YAML); anything else throws one line naming the file, never quoting its text.
 */
import { FileReadError, readErrorReason, readRegularFile } from '../input/files';
import { forEachYamlDocument } from '../input/yaml';
import { ManifestReader } from './manifest-model';

/**
 * Reads every document of `file` into `reader`, numbered from `index` on (the numbers name the file in findings), and
 * returns the next free number. Only the file's text and one document are held at a time.
 *
 * @param each sees every document before the reader does, with its number in the file (counted from 1); it may throw
 */
export function readManifestFile(file: string, reader: ManifestReader, index: number,
  each: (value: unknown, number: number) => void = () => undefined): number {
  let text: string;
  try {
    text = readRegularFile(file, true);
  } catch (e) {
    throw new Error(`cannot read '${file}': ${readErrorReason((e as FileReadError).code)}`);
  }
  let next = index;
  forEachYamlDocument(text, file, (value, number) => {
    each(value, number);
    reader.add(value, next++);
  });
  return next;
}
