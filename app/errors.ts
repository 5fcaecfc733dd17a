/**
 * What the default app prints for an error: one line per problem, prefixed `error: `, no stack. cdk8s gathers the
 * errors of every construct's validation into one Error whose message is `Validation failed with the following errors:`
 * and then one `  [construct/path] message` line each; each of those becomes a line of its own.
 */
export function errorLines(e: unknown): string[] {
  const message = e instanceof Error ? e.message : String(e);
  if (message.startsWith('Validation failed with the following errors:')) {
    return message.split('\n').slice(1).map((l) => `error: ${l.trim()}`).filter((l) => l !== 'error: ');
  }
  return [`error: ${message.replace(/\s*\n\s*/g, ' ')}`];
}
