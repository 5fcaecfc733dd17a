/**
 * Go's `path/filepath.Match` as it behaves on Linux, where the kubelet runs: `*` matches any run of characters
 * except '/', `?` one character except '/', `[...]` a class of characters or ranges (`[^...]` negates it) and `\`
 * escapes the next character. It is case-sensitive. The kubelet matches each host label of a pull secret key with
 * it, so a malformed pattern must not match anything rather than throw at the caller.
 *
 * Works on code points rather than UTF-8 bytes; the two only differ for non-ASCII names, and image hosts are ASCII.
 */

const SEPARATOR = '/';

/** Error for a pattern Go rejects with `filepath.ErrBadPattern`. */
export class BadPatternError extends Error {
  constructor(pattern: string) {
    super(`glob pattern '${pattern}' is malformed; close every '[' with ']' and do not end it with '\\'`);
  }
}

/**
 * Whether `name` matches the shell pattern `pattern` exactly as Go's `filepath.Match` decides.
 * Throws `BadPatternError` where Go returns `ErrBadPattern`.
 */
export function filepathMatch(pattern: string, name: string): boolean {
  let pat = Array.from(pattern);
  let rest = Array.from(name);
  // Go walks the pattern chunk by chunk: each chunk is an optional run of '*' followed by literal text, '?' and classes.
  pattern: while (pat.length > 0) {
    const { star, chunk, tail } = scanChunk(pat);
    pat = tail;
    if (star && chunk.length === 0) {
      // A trailing '*' takes the rest of the name, unless it would cross a separator.
      return !rest.includes(SEPARATOR);
    }
    const here = matchChunk(pattern, chunk, rest);
    // The last chunk must use up the name; an earlier one may leave a rest for the next chunk.
    if (here !== undefined && (here.length === 0 || pat.length > 0)) {
      rest = here;
      continue;
    }
    if (star) {
      // Let the '*' take one more character at a time, never a separator.
      for (let i = 0; i < rest.length && rest[i] !== SEPARATOR; i++) {
        const later = matchChunk(pattern, chunk, rest.slice(i + 1));
        if (later !== undefined) {
          if (pat.length === 0 && later.length > 0) {
            continue;
          }
          rest = later;
          continue pattern;
        }
      }
    }
    // Go checks that the remainder of the pattern is well formed before it reports a mismatch.
    while (pat.length > 0) {
      const next = scanChunk(pat);
      pat = next.tail;
      matchChunk(pattern, next.chunk, []);
    }
    return false;
  }
  return rest.length === 0;
}

function scanChunk(pat: string[]): { star: boolean; chunk: string[]; tail: string[] } {
  let start = 0;
  while (start < pat.length && pat[start] === '*') {
    start++;
  }
  let inRange = false;
  let i = start;
  for (; i < pat.length; i++) {
    const c = pat[i];
    if (c === '\\') {
      if (i + 1 < pat.length) {
        i++;
      }
    } else if (c === '[') {
      inRange = true;
    } else if (c === ']') {
      inRange = false;
    } else if (c === '*' && !inRange) {
      break;
    }
  }
  return { star: start > 0, chunk: pat.slice(start, i), tail: pat.slice(i) };
}

/** The rest of `s` after `chunk` matched its start, or undefined; throws on a malformed chunk even after a mismatch. */
function matchChunk(pattern: string, chunk: string[], s: string[]): string[] | undefined {
  let failed = false;
  let si = 0;
  let ci = 0;
  while (ci < chunk.length) {
    if (!failed && si >= s.length) {
      failed = true;
    }
    const c = chunk[ci];
    if (c === '[') {
      const r = failed ? undefined : s[si++];
      ci++;
      let negated = false;
      if (ci < chunk.length && chunk[ci] === '^') {
        negated = true;
        ci++;
      }
      let matched = false;
      let ranges = 0;
      for (;;) {
        if (ci < chunk.length && chunk[ci] === ']' && ranges > 0) {
          ci++;
          break;
        }
        const lo = classChar(pattern, chunk, ci);
        ci = lo.next;
        let hi = lo;
        if (chunk[ci] === '-') {
          hi = classChar(pattern, chunk, ci + 1);
          ci = hi.next;
        }
        if (r !== undefined && lo.char <= r.codePointAt(0)! && r.codePointAt(0)! <= hi.char) {
          matched = true;
        }
        ranges++;
      }
      if (matched === negated) {
        failed = true;
      }
    } else if (c === '?') {
      if (!failed) {
        if (s[si] === SEPARATOR) {
          failed = true;
        }
        si++;
      }
      ci++;
    } else {
      let literal = c;
      if (c === '\\') {
        ci++;
        if (ci >= chunk.length) {
          throw new BadPatternError(pattern);
        }
        literal = chunk[ci];
      }
      if (!failed) {
        if (literal !== s[si]) {
          failed = true;
        }
        si++;
      }
      ci++;
    }
  }
  return failed ? undefined : s.slice(si);
}

/** One possibly escaped character of a class; a class may not start a range with '-' or ']' nor end early. */
function classChar(pattern: string, chunk: string[], at: number): { char: number; next: number } {
  let i = at;
  if (i >= chunk.length || chunk[i] === '-' || chunk[i] === ']') {
    throw new BadPatternError(pattern);
  }
  if (chunk[i] === '\\') {
    i++;
    if (i >= chunk.length) {
      throw new BadPatternError(pattern);
    }
  }
  const char = chunk[i].codePointAt(0)!;
  i++;
  if (i >= chunk.length) {
    throw new BadPatternError(pattern);
  }
  return { char, next: i };
}
