/**
 * Arrays of any length. `a.push(...b)` and `Math.max(...b)` pass every element as an argument, and V8 throws a raw
 * "Maximum call stack size exceeded" past about 100,000 of them (200,000 small documents in a 2 MB file reach it), so
 * lib/ appends and takes maxima through these instead (the lint config forbids the spread forms there).
 */

/** Appends every item of `items` to `target`, in order. */
export function pushAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest of `values`, or `floor` when there is none larger. */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const v of values) if (v > max) max = v;
  return max;
}
