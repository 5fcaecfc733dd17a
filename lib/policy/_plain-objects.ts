/**
 * A cheaper way to read a plain `ApiObject`'s pod spec than its `toJson()`: for the objects an `Include` makes (and raw
 * `new ApiObject(...)` with plain values), `toJson()` resolves and sorts a copy of the props and returns them as they
 * are, so the props themselves say what the JSON would. That holds only while nothing could make them differ: the
 * object is exactly an `ApiObject` (no subclass renders it otherwise), the app has only cdk8s' own resolvers, it has
 * no JSON patch but the policy's, and the part read is plain JSON without null (which `toJson()` would drop). Anything
 * else is read through `toJson()`. Only what the pod check reads is checked and taken (the metadata's name, namespace
 * and annotations, and `POD_SPEC_FIELDS_READ`), which is most of the saving: a whole object is many times that. `props`
 * and `patches` of the object and `annotations` of its metadata are fields cdk8s keeps private; when they are not
 * there, this finds nothing and the caller reads `toJson()` (test/policy/cdk8s-contract.test.ts checks both give the
 * same).
 */
import { ApiObject, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { IConstruct } from 'constructs';
import { POD_SPEC_FIELDS_READ, POD_SPEC_PATHS } from '../check/manifest-model';

/** Whether every resolver of the app is one of cdk8s' own, which leave plain JSON as it is. */
export function onlyBuiltInResolvers(scope: IConstruct): boolean {
  const app = App.of(scope) as Partial<App>;
  const resolvers = app.resolvers;
  return Array.isArray(resolvers) && resolvers.every((r) =>
    r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * What `o.toJson()` would give for what the pod check reads (`POD_SPEC_FIELDS_READ` of the pod spec, and the object's
 * kind, name, namespace and annotations), without the policy's own patch, or undefined when only `toJson()` can tell.
 * The fields the check does not read are passed on as they are, unchecked: a value of theirs that `toJson()` would
 * resolve does not change the model.
 *
 * @param ownPatch the policy's patch on the object, if it has one
 * @param resolversArePlain `onlyBuiltInResolvers` of the object's app
 * @param ownAnnotations the keys of annotations the policy itself writes (whatever they resolve to, its read ignores them)
 */
export function plainPodJson(o: ApiObject, ownPatch: JsonPatch | undefined, resolversArePlain: boolean,
  ownAnnotations: ReadonlySet<string> = NO_KEYS): Record<string, any> | undefined {
  if (!resolversArePlain || Object.getPrototypeOf(o) !== ApiObject.prototype) return undefined;
  const path = Object.hasOwn(POD_SPEC_PATHS, o.kind) ? POD_SPEC_PATHS[o.kind] : undefined;
  const internals = o as unknown as { readonly props?: unknown; readonly patches?: unknown };
  const patches = internals.patches;
  const props = internals.props as Record<string, unknown> | undefined;
  if (path === undefined || !Array.isArray(patches) || !isPlainObject(props)) return undefined;
  if (patches.length > 1 || (patches.length === 1 && patches[0] !== ownPatch)) return undefined;
  const metadata = plainMetadata(o, ownAnnotations);
  if (metadata === undefined) return undefined;
  // every object on the way to the pod spec is plain (or absent: then there is no pod spec, for toJson() too)
  let value: unknown = props;
  for (const key of path) {
    value = (value as Record<string, unknown>)[key];
    if (value === undefined) break;
    if (!isPlainObject(value)) return undefined;
  }
  if (value !== undefined && !readsArePlain(value as Record<string, unknown>)) return undefined;
  return { apiVersion: props.apiVersion, kind: props.kind, metadata, [path[0]]: props[path[0]] };
}

const NO_KEYS: ReadonlySet<string> = new Set();

/**
 * The name, namespace and string annotations of the object's metadata, as `metadata.toJson()` would give them, or
 * undefined when a value is not a plain one (a resolver would compute it). Reads the metadata's private `annotations`.
 */
function plainMetadata(o: ApiObject, ownAnnotations: ReadonlySet<string>): Record<string, unknown> | undefined {
  const { name, namespace } = o.metadata;
  const annotations = (o.metadata as unknown as { readonly annotations?: unknown }).annotations;
  if (typeof name !== 'string' || (namespace !== undefined && typeof namespace !== 'string') || !isPlainObject(annotations)) return undefined;
  const strings: Record<string, string> = {};
  for (const key of Object.keys(annotations)) {
    if (ownAnnotations.has(key)) continue;
    const v = annotations[key];
    if (typeof v === 'string') strings[key] = v;
    else if (v !== null && (typeof v === 'object' || typeof v === 'function')) return undefined;
    // other values are not strings in toJson() either, and the check reads only strings
  }
  return namespace === undefined ? { name, annotations: strings } : { name, namespace, annotations: strings };
}

/** Whether every field of the pod spec that the check reads is plain JSON (or absent). */
function readsArePlain(spec: Record<string, unknown>): boolean {
  for (const field of Object.keys(POD_SPEC_FIELDS_READ)) {
    const value = spec[field];
    if (value === undefined) continue;
    const read = POD_SPEC_FIELDS_READ[field];
    if (read === 'all' || !Array.isArray(value)) {
      if (!isPlainTree(value)) return false;
      continue;
    }
    for (const item of value) {
      if (!isPlainObject(item)) {
        if (!isPlainTree(item)) return false;
        continue;
      }
      for (const f of read) if (item[f] !== undefined && !isPlainTree(item[f])) return false;
    }
  }
  return true;
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
