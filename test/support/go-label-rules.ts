// The label and annotation rules in Go (test/support/go-label-rules/main.go: Go's regexp over the documented rules, no
// code shared with lib/), built once per test file with Debian's golang-go, judge our port.
import { join } from 'node:path';
import { buildGoProgram } from './go';

const SOURCE = join(__dirname, 'go-label-rules', 'main.go');

/** What to judge; every list may be left out. */
export interface LabelRulesRequest {
  readonly labelKeys?: readonly string[];
  readonly labelValues?: readonly string[];
  readonly annotationKeys?: readonly string[];
  readonly annotations?: readonly { [key: string]: string }[];
}

/** Go's verdicts, in the request's order: the error list (empty when valid), or the size error ('' when valid). */
export interface LabelRulesVerdicts {
  readonly labelKeys: string[][];
  readonly labelValues: string[][];
  readonly annotationKeys: string[][];
  readonly annotations: string[];
}

/** A built judge; `close()` removes its folder. */
export interface LabelRules {
  judge(request: LabelRulesRequest): LabelRulesVerdicts;
  close(): void;
}

/** Builds the judge (standard library only, offline). */
export function buildLabelRules(): LabelRules {
  const program = buildGoProgram(SOURCE);
  return { judge: (request) => program.run<LabelRulesVerdicts>(request), close: () => program.close() };
}
