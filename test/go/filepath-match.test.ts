import { describe, expect, it } from 'vitest';
import { filepathMatch } from '../../lib/go/filepath-match';

// Expected values follow Go's path/filepath match.go on Linux (and its match_test.go cases).
describe('filepathMatch behaves as Go filepath.Match', () => {
  it.each<[string, string, boolean]>([
    ['abc', 'abc', true],
    ['*', 'abc', true],
    ['*c', 'abc', true],
    ['a*', 'a', true],
    ['a*', 'abc', true],
    ['a*', 'ab/c', false],
    ['a*/b', 'abc/b', true],
    ['a*b*c*d*e*/f', 'axbxcxdxe/f', true],
    ['a*b?c*x', 'abxbbxdbxebxczzx', true],
    ['a*b?c*x', 'abxbbxdbxebxczzy', false],
    ['ab[c]', 'abc', true],
    ['ab[b-d]', 'abc', true],
    ['ab[e-g]', 'abc', false],
    ['ab[^c]', 'abc', false],
    ['ab[^b-d]', 'abc', false],
    ['ab[^e-g]', 'abc', true],
    ['a\\*b', 'a*b', true],
    ['a\\*b', 'ab', false],
    ['a?b', 'a☺b', true],
    ['a[^a]b', 'a☺b', true],
    ['a???b', 'a☺b', false],
    ['a?b', 'a/b', false],
    ['a*b', 'a/b', false],
    ['[a-ζ]*', 'α', true],
    ['*[a-ζ]', 'A', false],
    ['[\\-]', '-', true],
    ['[x\\-]', 'z', false],
    ['[\\-x]', 'x', true],
    ['*x', 'xxx', true],
    ['us-*', 'us-east1', true],
    ['Example', 'example', false],
  ])('%s matches %s: %s', (pattern, name, expected) => {
    expect(filepathMatch(pattern, name)).toBe(expected);
  });

  it.each<[string, string]>([
    ['[]a]', ']'],
    ['[-]', '-'],
    ['[x-]', 'x'],
    ['[a-b-c]', 'a'],
    ['[', 'a'],
    ['[^', 'a'],
    ['[^bc', 'a'],
    ['a[', 'a'],
    ['a\\', 'a'],
    // Go checks the rest of the pattern even after a mismatch
    ['a[', 'x'],
    ['*x[', 'y'],
  ])('fails when the pattern %s is malformed (name %s)', (pattern, name) => {
    expect(() => filepathMatch(pattern, name)).toThrow(/glob pattern '.*' is malformed/);
  });
});
