import { IConstruct } from 'constructs';

/**
 * The error to throw when a cdk8s-plus base constructor failed (a duplicate port or volume): cdk8s-plus throws after
 * the construct has taken its id in the tree, so the half-built child is removed first, and the id can be used again.
 * The child is removed only when the id was free before (`before` undefined): an id already taken fails inside
 * `Construct` itself, and the construct that holds it stays. The message names our construct and is one line.
 *
 * @param before what held the id before `super()`, from `scope.node.tryFindChild(id)`
 * @param context names the construct, such as `PrivatePod 'web'`
 */
export function failedBase(scope: IConstruct, id: string, before: IConstruct | undefined, context: string, error: unknown): Error {
  if (before === undefined) scope.node.tryRemoveChild(id);
  const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
  return new Error(message.startsWith(context) ? message : `${context}: ${message}`);
}
