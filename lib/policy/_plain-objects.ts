/**
 * A cheaper way to read a plain `ApiObject`'s pod spec than its `toJson()`: for the objects an `Include` makes (and raw
 * `new ApiObject(...)` with plain values), `toJson()` resolves and sorts a copy of the props and returns them as they
 * are, so the props themselves say what the JSON would. That holds only while nothing could make them differ: the
 * object is exactly an `ApiObject` (no subclass renders it otherwise), the app has only cdk8s' own resolvers, it has
 * no JSON patch but the policy's, and the part read is plain JSON without null (which `toJson()` would drop). Anything
 * else is read through `toJson()`. `props` and `patches` are fields cdk8s keeps private; when they are not there, this
 * finds nothing and the caller reads `toJson()` (test/policy/cdk8s-contract.test.ts checks both give the same).
 */
import { ApiObject, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';
import { POD_SPEC_PATHS } from '../check/manifest-model';

/** Whether every resolver of the app is one of cdk8s' own, which leave plain JSON as it is. */
export function onlyBuiltInResolvers(scope: IConstruct): boolean {
  const app = App.of(scope) as Partial<App>;
  const resolvers = app.resolvers;
  return Array.isArray(resolvers) && resolvers.every((r) =>
    r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * The JSON `o.toJson()` would give for what the pod check reads (kind, metadata, and the field that holds the pod
 * spec), without the policy's own patch, or undefined when only `toJson()` can tell.
 *
 * @param ownPatch the policy's patch on the object, if it has one
 * @param resolversArePlain `onlyBuiltInResolvers` of the object's app
 */
export function plainPodJson(o: ApiObject, ownPatch: JsonPatch | undefined, resolversArePlain: boolean): Record<string, any> | undefined {
  if (!resolversArePlain || Object.getPrototypeOf(o) !== ApiObject.prototype) return undefined;
  const path = Object.hasOwn(POD_SPEC_PATHS, o.kind) ? POD_SPEC_PATHS[o.kind] : undefined;
  const internals = o as unknown as { readonly props?: unknown; readonly patches?: unknown };
  const patches = internals.patches;
  const props = internals.props as Record<string, unknown> | undefined;
  if (path === undefined || !Array.isArray(patches) || !isPlainObject(props)) return undefined;
  if (patches.length > 1 || (patches.length === 1 && patches[0] !== ownPatch)) return undefined;
  const holder = props[path[0]];
  if (!isPlainTree(holder)) return undefined;
  return { apiVersion: props.apiVersion, kind: props.kind, metadata: o.metadata.toJson(), [path[0]]: holder };
}

/** Plain JSON as `toJson()` would keep it: strings, numbers, booleans, arrays and plain objects, no null or undefined. */
function isPlainTree(value: unknown): boolean {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
      return true;
    case 'object':
      if (Array.isArray(value)) return value.every(isPlainTree);
      return isPlainObject(value) && Object.values(value).every(isPlainTree);
    default:
      return false;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}
