// The one judge of every hostile-input case: what a refused value must look like (an Error of ours, naming the field,
// one line, no secret in any form, nothing half-built) and what an accepted one must not do (throw).
//
// Each problem is reported with its class in brackets, so that a failing run reads as a to-do list:
// [silent wrong acceptance] [raw crash] [unclear message] [multi-line] [leak] [half-written] [valid input refused].
import { IConstruct } from 'constructs';
import { expect } from 'vitest';

/** The first line cdk8s puts before the errors of `node.addValidation` checks when an app is synthesized. */
export const CDK8S_VALIDATION_HEADER = 'Validation failed with the following errors:';

/** One spelling of a secret that must never show up. */
export interface SecretForm {
  /** How the secret was written: `plain`, `json`, `base64+0` ... */
  readonly form: string;
  /** The text to look for. */
  readonly text: string;
}

// shorter forms than this could appear in any message by chance; every fake secret of the suite is much longer
const MIN_FORM_LENGTH = 6;

/**
 * Every form in which a secret could leak: as written, JSON-escaped (JSON.stringify and Go's json.Marshal, which also
 * escapes `<` `>` `&`), and standard base64 at each of the three byte alignments it can have inside a longer value
 * (`auth` is base64 of `username:password`, so the password starts at any offset), with the characters that also
 * depend on the neighbouring bytes trimmed off both ends.
 */
export function secretForms(secret: string): SecretForm[] {
  const forms: SecretForm[] = [{ form: 'plain', text: secret }];
  const json = JSON.stringify(secret).slice(1, -1);
  forms.push({ form: 'json', text: json });
  forms.push({ form: 'go-json', text: json.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026') });
  const bytes = Buffer.from(secret, 'utf8');
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset, 'x'), bytes]).toString('base64').replace(/=+$/, '');
    // the first character that holds only secret bits: 0 after no prefix byte, 2 after one, 3 after two
    const start = [0, 2, 3][offset];
    // the last character is partly zero fill unless the length is a multiple of 3
    const end = (offset + bytes.length) % 3 === 0 ? encoded.length : encoded.length - 1;
    forms.push({ form: `base64+${offset}`, text: encoded.slice(start, end) });
  }
  const seen = new Set<string>();
  return forms.filter((f) => f.text.length >= MIN_FORM_LENGTH && !seen.has(f.text) && seen.add(f.text));
}

/** The secrets of a case, widened by `username:password` (whose base64 is `auth`) when both are known. */
export function allSecrets(secrets: readonly string[] = [], auth?: readonly [string, string]): string[] {
  return auth ? [...secrets, `${auth[0]}:${auth[1]}`, auth[1]] : [...secrets];
}

/** `text` with every form of every secret replaced by `<SECRET>`, so that a failing assertion cannot print one. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  const forms = secrets.flatMap(secretForms).sort((a, b) => b.text.length - a.text.length);
  for (const f of forms) out = out.split(f.text).join('<SECRET>');
  // a value of several kilobytes (a size-limit case) would drown the report; its start says enough
  return out.length > 600 ? `${out.slice(0, 600)}... (${out.length} characters)` : out;
}

/** Which forms of which secrets a text contains. */
export function leaksIn(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  secrets.forEach((secret, i) => {
    for (const f of secretForms(secret)) if (text.includes(f.text)) found.push(`secret #${i + 1} (${f.form})`);
  });
  return found;
}

/** What a refusal must look like. */
export interface Refusal {
  /** What the message must name: the field (`'username'`), the option, or the environment variable. */
  readonly names: RegExp;
  /** Values that must not appear in the message in any form. */
  readonly secrets?: readonly string[];
  /** A username and password whose `auth` must not appear either. */
  readonly auth?: readonly [string, string];
  /** More that a clear message says, for example /must be a string/. */
  readonly says?: readonly RegExp[];
  /** What it must not say, for example a fix that does not apply to this caller. */
  readonly mustNotSay?: readonly RegExp[];
  /** What must be the same after a refusal as before it, such as a Secret's servers after a refused addRegistry. */
  readonly state?: () => unknown;
  /** The scope that must gain no child when the constructor refuses (nothing half-written). */
  readonly scope?: IConstruct;
  /**
   * Synthesizes, for a value that only a synth-time check can judge. It runs only when `run` throws nothing; cdk8s
   * then lists each check's error on its own line under CDK8S_VALIDATION_HEADER, and each such line is judged.
   */
  readonly synth?: () => unknown;
}

// what a JavaScript or OpenSSL error says when it escapes instead of one of ours
const RAW_MESSAGE = new RegExp([
  'is not a function', 'Cannot read properties of', 'is not iterable', 'Cannot convert', 'is not defined',
  'Cannot destructure', 'Maximum call stack', '\\berror:[0-9A-F]{8}:', 'Invalid (time|array) value',
  // cdk8s' own words when a value of the wrong type reaches synthesis
  'Tag not resolved', 'can\'t render non-simple object', 'Failed serializing construct',
].join('|'));
// a Node or OpenSSL error code quoted inside one of our messages tells the user nothing they can act on
const INTERNAL_CODE = /\bERR_[A-Z_]{4,}\b/;

/** The problems of one refusal; an empty list means the case passes. */
export function judgeRefusal(run: () => unknown, r: Refusal): string[] {
  const secrets = allSecrets(r.secrets, r.auth);
  const childrenBefore = r.scope?.node.children.length;
  const stateBefore = r.state ? JSON.stringify(r.state()) : undefined;
  let error: unknown;
  let thrown = false;
  let atSynth = false;
  try {
    run();
  } catch (e) {
    error = e;
    thrown = true;
  }
  const problems: string[] = [];
  if (!thrown && r.synth) {
    atSynth = true;
    try {
      r.synth();
    } catch (e) {
      error = e;
      thrown = true;
    }
  }
  if (!thrown) return ['[silent wrong acceptance] no error was thrown'];

  const message = error instanceof Error ? error.message : String(error);
  const shown = redact(message, secrets);
  if (isRawError(error)) {
    const kind = error instanceof Error ? error.constructor.name : typeof error;
    const code = (error as NodeJS.ErrnoException)?.code;
    problems.push(`[raw crash] threw ${kind}${code ? ` (${code})` : ''}: ${shown}`);
  }
  for (const leak of leaksIn(message, secrets)) problems.push(`[leak] the message contains ${leak}: ${shown}`);
  for (const leak of leaksIn(errorData(error), secrets)) problems.push(`[leak] a property of the error holds ${leak}`);
  if (INTERNAL_CODE.test(message)) problems.push(`[unclear message] quotes an internal error code: ${shown}`);

  // a synth-time error is judged line by line under cdk8s' header: the header is cdk8s' own, each check's line ours
  let lines = [message];
  if (atSynth && message.startsWith(`${CDK8S_VALIDATION_HEADER}\n`)) {
    lines = message.split('\n').slice(1);
    for (const line of lines) {
      const m = /^ {2}\[([^\]]*)\] (.*)$/.exec(line);
      if (!m) {
        problems.push(`[multi-line] a synth-time error continues on a line of its own: ${redact(line, secrets)}`);
      } else if (m[2].startsWith(`${m[1]}:`) || m[2].startsWith(`${m[1]} `)) {
        problems.push(`[unclear message] the construct path '${m[1]}' appears twice: ${redact(line, secrets)}`);
      }
    }
  } else if (message.includes('\n')) {
    problems.push(`[multi-line] the message has ${message.split('\n').length} lines: ${shown}`);
  }
  const text = lines.join(' ');
  if (!r.names.test(text)) problems.push(`[unclear message] does not name ${r.names}: ${shown}`);
  for (const say of r.says ?? []) if (!say.test(text)) problems.push(`[unclear message] does not say ${say}: ${shown}`);
  for (const not of r.mustNotSay ?? []) if (not.test(text)) problems.push(`[unclear message] says ${not}, which does not apply: ${shown}`);
  if (!atSynth && r.scope && r.scope.node.children.length !== childrenBefore) {
    const added = r.scope.node.children.slice(childrenBefore).map((c) => c.node.id).join(', ');
    problems.push(`[half-written] the refused construct left ${r.scope.node.children.length - childrenBefore!} child(ren) in the tree: ${added}`);
  }
  if (r.state && JSON.stringify(r.state()) !== stateBefore) {
    problems.push('[half-written] the refused call changed what was there before it');
  }
  return problems;
}

// what an error carries besides its message and stack (a child process' output, a cause): none of it may hold a secret
function errorData(error: unknown): string {
  if (error === null || typeof error !== 'object') return '';
  const e = error as Record<string, unknown>;
  const keys = Object.getOwnPropertyNames(e).filter((k) => k !== 'message' && k !== 'stack');
  return keys.map((k) => `${k}=${e[k] instanceof Error ? (e[k] as Error).message : String(e[k])}`).join('\n');
}

/** Asserts that `run` (or the synthesis after it) refuses the input as `r` says. */
export function expectRefused(run: () => unknown, r: Refusal): void {
  report(judgeRefusal(run, r));
}

/** Fails with one problem a line, each starting with its class, so that the failure reads as a to-do list. */
export function report(problems: readonly string[]): void {
  if (problems.length > 0) expect.fail(problems.join('\n'));
}

/**
 * Asserts that `run` either accepts the input or refuses it clearly: for values where both are defensible (null for
 * an optional field), only a raw crash, an unclear or multi-line message, a leak or a half-built construct is a defect.
 */
export function expectAcceptedOrRefused(run: () => unknown, r: Refusal): void {
  report(judgeRefusal(run, r).filter((p) => !p.startsWith('[silent wrong acceptance]')));
}

/** Whether a message is a JavaScript or OpenSSL error's own text rather than one of ours (also inside a finding). */
export function looksRaw(message: string): boolean {
  return RAW_MESSAGE.test(message);
}

/** Whether an error escaped from JavaScript, Node or OpenSSL rather than being one of ours. */
export function isRawError(error: unknown): boolean {
  return !(error instanceof Error) || error.constructor !== Error || (error as NodeJS.ErrnoException).code !== undefined
    || RAW_MESSAGE.test(error.message);
}

/** Asserts that valid input is accepted, and returns what `run` returned; a refusal is reported without secrets. */
export function expectAccepted<T>(run: () => T, secrets: readonly string[] = []): T {
  try {
    return run();
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    expect.fail(`${isRawError(e) ? '[raw crash]' : '[valid input refused]'} ${redact(message, secrets)}`);
  }
}
