/**
 * Text from manifests or registries, made safe to print: a pod name with an ESC or a newline in it must not move the
 * cursor, recolour the terminal or forge a second line of output. Every layer that puts such text into a message or a
 * line (the policy's errors, the plugin's report, the command line's tables) uses this one function.
 */

// C0 and C1 controls, DEL, and the bidirectional overrides that can make a line read differently from its bytes
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every control character written as `\u{XX}`. */
export function printable(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}
