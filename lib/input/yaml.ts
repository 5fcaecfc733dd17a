/**
 * Multi-document YAML as the cdk8s CLI reads synth output (its `parseManifest`): eemeli/yaml, the parser cdk8s bundles
 * and `Yaml.load` uses, resolved from cdk8s's own folder so that nothing is added to our dependencies (the same
 * approach as the credential provider config reader). Unlike `Yaml.load`, a document that does not parse is an error
 * here, not a partial result: a check over half a file would judge the wrong thing.
 */
import { createRequire } from 'module';

/** A parse error: its code and where, never its message (which can quote the text). */
export interface YamlError {
  readonly code: string;
  readonly linePos?: ReadonlyArray<{ readonly line: number; readonly col: number }>;
  /** The offsets in the text where it starts and ends. */
  readonly pos?: readonly [number, number];
}

/** One parsed document. */
export interface YamlDocument {
  readonly errors: readonly YamlError[];
  readonly contents: unknown;
  toJS(options?: object): unknown;
}

/** The part of eemeli/yaml this library uses. */
export interface YamlModule {
  parseAllDocuments(source: string, options?: object): readonly YamlDocument[] | YamlDocument;
  /** Reads tokens, one at a time; `onNewLine` is a `LineCounter`'s `addNewLine`. */
  Parser: new (onNewLine?: (offset: number) => void) => { parse(source: string): Iterable<unknown> };
  /** Makes documents of tokens, one at a time. */
  Composer: new (options?: object) => { compose(tokens: Iterable<unknown>, forceDoc?: boolean): Iterable<YamlDocument> };
  LineCounter: new () => { addNewLine: (offset: number) => void; linePos(offset: number): { line: number; col: number } };
}

/** The YAML parser cdk8s bundles, resolved from cdk8s's own folder: the one place that loads it. */
export function yamlModule(): YamlModule {
  return createRequire(require.resolve('cdk8s'))('yaml') as YamlModule;
}

// what YAML 1.2 allows in a stream (c-printable); kubectl's parser refuses anything else ("control characters are not allowed")
const NOT_PRINTABLE = /[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/**
 * Calls `each` with every document of a YAML text, in order, one at a time, empty ones left out; `number` counts from 1
 * over all documents, empty ones included, as a person counts them in the file. Only one document is held at a time,
 * so a large file costs its text and what `each` keeps. Throws one line naming `source`, the line and column and the
 * parser's error code; never the parser's message, which can quote the text (and the text can hold a password).
 *
 * @param source names the file in messages
 */
export function forEachYamlDocument(text: string, source: string, each: (value: unknown, number: number) => void): void {
  const control = NOT_PRINTABLE.exec(text);
  if (control !== null) {
    const before = text.slice(0, control.index);
    const line = before.split('\n').length;
    const code = control[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    throw new Error(`'${source}' is not valid YAML: line ${line}, column ${control.index - before.lastIndexOf('\n')}: a control character ` +
      `(U+${code}), which YAML does not allow and kubectl refuses; is it a binary file? Remove the character, or write it escaped in a ` +
      'double-quoted string ("\\u0000")');
  }
  const { Parser, Composer, LineCounter } = yamlModule();
  const lines = new LineCounter();
  const composer = new Composer({ uniqueKeys: true });
  let number = 0;
  for (const doc of composer.compose(new Parser(lines.addNewLine).parse(text), true)) {
    number++;
    const error = doc.errors[0];
    if (error) {
      const at = error.pos === undefined ? undefined : lines.linePos(error.pos[0]);
      const what = error.code === 'DUPLICATE_KEY' ? 'a key appears twice in one mapping' : error.code.toLowerCase().replace(/_/g, ' ');
      throw new Error(`'${source}' is not valid YAML: document ${number}${at ? `, line ${at.line}, column ${at.col}` : ''}: ${what}; ` +
        'fix the file or synthesize it again');
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      // the only throw left once the document parsed: aliases that would expand without bound
      throw new Error(`'${source}' is not valid YAML for a manifest: document ${number} expands too many aliases; ` +
        'write the objects out, or synthesize them again');
    }
    // an empty document ('---' alone) is null, and kubectl skips it too
    if (value !== null && value !== undefined) each(value, number);
  }
}

/** The documents of a YAML text, empty ones left out (see `forEachYamlDocument`). */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const values: unknown[] = [];
  forEachYamlDocument(text, source, (value) => values.push(value));
  return values;
}
