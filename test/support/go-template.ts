// Go's own text/template (test/support/go-template/main.go, built once per test file with Debian's golang-go) renders
// External Secrets Operator templates as the operator does, so tests judge our templates with the real engine.
import { join } from 'node:path';
import { buildGoProgram, runGo } from './go';

const SOURCE = join(__dirname, 'go-template', 'main.go');

/** One template to render, with optional delimiters (ESO's --template-left-delimiter / --template-right-delimiter). */
export interface GoTemplateRequest {
  readonly template: string;
  readonly data: { [key: string]: string };
  readonly left?: string;
  readonly right?: string;
}

/** A built renderer; `close()` removes its folder. */
export interface GoTemplateRenderer {
  /** The rendered bytes; throws with Go's parse or execute error (which names actions, never the data). */
  render(request: GoTemplateRequest): string;
  /** Renders many in one process: each result is the output, or an Error with Go's message. */
  renderAll(requests: readonly GoTemplateRequest[]): (string | Error)[];
  close(): void;
}

/** Builds the renderer. Fails, never skips, when Go is missing: the payload must be judged by the real engine. */
export function buildGoTemplateRenderer(): GoTemplateRenderer {
  const { binary, close } = buildGoProgram(SOURCE, 'go-template');
  const run = (input: unknown): string => {
    try {
      return runGo(binary, JSON.stringify(input));
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr?.trim();
      throw new Error(`go text/template rejected the template: ${stderr || (e as Error).message}`);
    }
  };
  return {
    render: (request) => run(request),
    renderAll: (requests) => (JSON.parse(run({ batch: requests })) as { out?: string; error?: string }[])
      .map((r) => (r.error !== undefined ? new Error(r.error) : r.out!)),
    close,
  };
}
