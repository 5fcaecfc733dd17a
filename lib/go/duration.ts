/**
 * Go's `time.ParseDuration`, which is how Kubernetes reads a `metav1.Duration` such as a credential provider's
 * `defaultCacheDuration`: a JSON string of decimal numbers, each with an optional fraction and a unit (`ns`, `us`,
 * `µs`, `μs`, `ms`, `s`, `m`, `h`), with an optional sign in front, or the bare `0`. `1h30m`, `1.5h`, `-2m`, `0` are
 * durations; `1d`, `12`, `1 h` and `` are not. The result must fit Go's int64 nanoseconds.
 */

const UNIT_NANOSECONDS: { [unit: string]: bigint } = {
  'ns': 1n,
  'us': 1_000n,
  'µs': 1_000n, // U+00B5 micro sign
  'μs': 1_000n, // U+03BC Greek small letter mu
  'ms': 1_000_000n,
  's': 1_000_000_000n,
  'm': 60_000_000_000n,
  'h': 3_600_000_000_000n,
};

const MAX_INT64 = (1n << 63n) - 1n;

/**
 * The duration in nanoseconds as Go's `time.ParseDuration` reads `text`, or a one-line reason why Go refuses it.
 * Fractions are truncated to whole nanoseconds (Go rounds through float64, which can differ in the last nanosecond;
 * callers here only need validity and sign).
 */
export function parseGoDuration(text: string): { nanoseconds: bigint } | { error: string } {
  let s = text;
  let negative = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    negative = s.startsWith('-');
    s = s.slice(1);
  }
  if (s === '0') {
    return { nanoseconds: 0n };
  }
  if (s === '') {
    return { error: 'it is empty' };
  }
  let total = 0n;
  while (s !== '') {
    const number = /^([0-9]*)(?:\.([0-9]*))?/.exec(s)!;
    const [whole, integer, fraction] = number;
    if (integer === '' && (fraction === undefined || fraction === '')) {
      return { error: 'each part must start with a number' };
    }
    s = s.slice(whole.length);
    const unit = /^[^0-9.]*/.exec(s)![0];
    if (unit === '') {
      return { error: 'a number has no unit' };
    }
    const scale = UNIT_NANOSECONDS[unit];
    if (scale === undefined) {
      return { error: `'${unit}' is not a unit (use ns, us, ms, s, m or h)` };
    }
    s = s.slice(unit.length);
    let part = BigInt(integer || '0') * scale;
    if (fraction) {
      part += (BigInt(fraction) * scale) / 10n ** BigInt(fraction.length);
    }
    total += part;
    if (total > MAX_INT64 + (negative ? 1n : 0n)) {
      return { error: 'it is longer than Go can hold (about 2562047 hours)' };
    }
  }
  return { nanoseconds: negative ? -total : total };
}

/**
 * A Go `time.Duration` string for a whole number of milliseconds (`1h`, `1h30m`, `90s`, `0s`): a form that
 * `time.ParseDuration` reads back to the same value, as External Secrets Operator reads `refreshInterval`.
 */
export function formatGoDuration(milliseconds: number): string {
  let ms = milliseconds;
  if (ms === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1_000], ['ms', 1]] as const) {
    const n = Math.floor(ms / size);
    if (n > 0) parts.push(`${n}${unit}`);
    ms -= n * size;
  }
  return parts.join('');
}
