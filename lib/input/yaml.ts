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
}

/** The YAML parser cdk8s bundles, resolved from cdk8s's own folder: the one place that loads it. */
export function yamlModule(): YamlModule {
  return createRequire(require.resolve('cdk8s'))('yaml') as YamlModule;
}

/**
 * The documents of a YAML text, empty ones left out. Throws one line naming `source`, the line and column and the
 * parser's error code; never the parser's message, which can quote the text (and the text can hold a password).
 *
 * @param source names the file in messages
 */
export function parseYamlDocuments(text: string, source: string): unknown[] {
  const parsed = yamlModule().parseAllDocuments(text, { uniqueKeys: true });
  // a text that is only a comment or a '---' parses to an empty list or an EmptyStream, both without documents
  const docs = Array.isArray(parsed) ? parsed : [];
  const values: unknown[] = [];
  docs.forEach((doc, i) => {
    const error = doc.errors[0];
    if (error) {
      const at = error.linePos?.[0];
      const what = error.code === 'DUPLICATE_KEY' ? 'a key appears twice in one mapping' : error.code.toLowerCase().replace(/_/g, ' ');
      throw new Error(`'${source}' is not valid YAML: document ${i + 1}${at ? `, line ${at.line}, column ${at.col}` : ''}: ${what}; ` +
        'fix the file or synthesize it again');
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch {
      // the only throw left once the document parsed: aliases that would expand without bound
      throw new Error(`'${source}' is not valid YAML for a manifest: document ${i + 1} expands too many aliases; ` +
        'write the objects out, or synthesize them again');
    }
    // an empty document ('---' alone) is null, and kubectl skips it too
    if (value !== null && value !== undefined) values.push(value);
  });
  return values;
}
