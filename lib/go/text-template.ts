/**
 * Writing Go `text/template` source whose output is known exactly: literal text that renders as itself, next to
 * actions. External Secrets Operator renders every value of a template (data, and labels and annotations of the
 * target's metadata) with `text/template`, so a user's annotation `a {{ b` would otherwise be parsed as an action.
 *
 * Go's lexer reads text up to the first left delimiter, and inside an action lexes string literals as tokens; the
 * right delimiter means nothing in text. So only the left delimiter needs escaping in text, as the action
 * `{{"{{"}}` that prints it, and a text that ends with the start of a left delimiter must not run into a following
 * action's delimiter (`{` then `{{` reads as `{{` then `{`).
 */

/** The delimiters of the template: `{{` and `}}` unless the operator runs with others. */
export interface TemplateDelimiters {
  readonly left: string;
  readonly right: string;
}

/** Go's defaults, and External Secrets Operator's unless `--template-left-delimiter` / `--template-right-delimiter`. */
export const DEFAULT_DELIMITERS: TemplateDelimiters = { left: '{{', right: '}}' };

/** An action that prints `text` as a string constant (a Go interpreted string literal: JSON's escapes are Go's too). */
function printAction(text: string, d: TemplateDelimiters): string {
  return `${d.left}${JSON.stringify(text)}${d.right}`;
}

/**
 * Template source that renders exactly `text`.
 *
 * @param followedByAction an action comes right after this text in the template, so its end must not join with the
 * action's left delimiter
 */
export function templateText(text: string, d: TemplateDelimiters = DEFAULT_DELIMITERS, followedByAction = false): string {
  // split at each first occurrence, left to right, as the lexer finds them: a part never ends in a way that forms a
  // delimiter with the escape after it, because that delimiter would have been found earlier in the text itself
  const parts = text.split(d.left);
  let body = parts.join(printAction(d.left, d));
  if (followedByAction) {
    const tail = parts[parts.length - 1];
    for (let k = Math.min(d.left.length - 1, tail.length); k > 0; k--) {
      if (tail.endsWith(d.left.slice(0, k))) {
        body = body.slice(0, body.length - k) + printAction(tail.slice(tail.length - k), d);
        break;
      }
    }
  }
  return body;
}

/** An action: `{{ expression }}` with the delimiters. */
export function templateAction(expression: string, d: TemplateDelimiters = DEFAULT_DELIMITERS): string {
  return `${d.left} ${expression} ${d.right}`;
}
