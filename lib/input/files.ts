/**
 * Reading a file a user names: only a regular file is read. A named pipe would block a synchronous read until someone
 * writes to it (forever, in a pipeline), and a device could be endless, so both are refused before any byte is read.
 */
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'fs';

/** A file that could not be read, with the errno-style code (`ENOENT`, `EACCES`, `EISDIR`, `ENOTREGULAR`). */
export class FileReadError extends Error {
  constructor(public readonly code: string, path: string) {
    super(`cannot read '${path}' (${code})`);
  }
}

/**
 * The UTF-8 text of a regular file; throws `FileReadError` for anything else.
 *
 * @param strict bytes that are not UTF-8 are an error (`EILSEQ`), as kubectl's YAML parser makes them, instead of U+FFFD
 */
export function readRegularFile(path: string, strict = false): string {
  let fd: number;
  try {
    // O_NONBLOCK: opening a named pipe for reading must not wait for a writer
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new FileReadError((e as NodeJS.ErrnoException).code ?? 'EIO', path);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new FileReadError('EISDIR', path);
    if (!stat.isFile()) throw new FileReadError('ENOTREGULAR', path);
    if (!strict) return readFileSync(fd, 'utf8');
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(fd));
    } catch (e) {
      if (e instanceof TypeError) throw new FileReadError('EILSEQ', path);
      throw e;
    }
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    throw new FileReadError((e as NodeJS.ErrnoException).code ?? 'EIO', path);
  } finally {
    closeSync(fd);
  }
}

const REASONS: { [code: string]: string } = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory, not a file',
  ENOTDIR: 'a part of the path is not a directory',
  ENOTREGULAR: 'it is not a regular file (a named pipe or a device would block or never end)',
  EILSEQ: 'it is not UTF-8 text (a binary file?), and kubectl refuses it too',
};

/** Why a file could not be read, in words (`no such file`), for a message. */
export function readErrorReason(code: string): string {
  return REASONS[code] ?? code;
}
