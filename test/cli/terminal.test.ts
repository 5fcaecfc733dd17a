import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Output, paragraph, table, wrap } from '../../lib/cli/terminal';
import { printable } from '../../lib/input/printable';

function output(width: number, color = false): Output {
  return { write: () => undefined, color, width };
}

// image-like text: the characters of references, including long runs without a separator (digests)
const text = fc.stringMatching(/^[a-z0-9./:@_-]{0,90}$/);

describe('table', () => {
  it('fits every line in the width and cuts nothing off, for any cells', () => {
    fc.assert(fc.property(fc.integer({ min: 40, max: 160 }), fc.array(fc.tuple(text, text, text), { maxLength: 8 }), (width, rows) => {
      const lines = table(output(width), [{ header: 'IMAGE', wrap: true }, { header: 'SECRET', wrap: true }, { header: 'KEY', wrap: true }],
        rows.map((r) => r.map((t) => ({ text: t }))));
      expect(lines.filter((l) => l.length > width)).toEqual([]);
      // every cell's text is still there, in order, once the wrapped pieces are put together
      const all = lines.join('').replace(/\s+/g, '');
      let at = 0;
      for (const cell of rows.flat().filter((t) => t !== '')) {
        for (const ch of cell) {
          at = all.indexOf(ch, at);
          expect(at).toBeGreaterThanOrEqual(0);
          at++;
        }
      }
    }));
  });

  it('colours cells only when asked, and pads by the visible text', () => {
    const rows = [[{ text: 'ok', style: 'green' as const }, { text: 'x' }]];
    const plain = table(output(80), [{ header: 'STATUS' }, { header: 'N' }], rows);
    const colored = table(output(80, true), [{ header: 'STATUS' }, { header: 'N' }], rows);
    expect(plain).toEqual(['  STATUS  N', '  ok      x']);
    expect(colored.map((l) => l.replace(/\u001b\[\d+m/g, ''))).toEqual(plain);
    expect(colored[1]).toBe('  \u001b[32mok\u001b[39m      x');
  });
});

describe('wrap and paragraph', () => {
  it('breaks an image after a slash where it can, else after other punctuation', () => {
    expect(wrap('ghcr.io/organisation/team/application:v1', 24)).toEqual(['ghcr.io/organisation/', 'team/application:v1']);
    expect(wrap('registry.example.com:5000/team/app:v1', 20)).toEqual(['registry.example.', 'com:5000/team/app:v1']);
  });

  it('keeps every paragraph line in the width, for any words', () => {
    fc.assert(fc.property(fc.integer({ min: 40, max: 120 }), fc.array(text, { maxLength: 30 }), (width, words) => {
      const lines = paragraph(output(width), words.join(' '), 2);
      expect(lines.filter((l) => l.length > width)).toEqual([]);
      expect(lines.join(' ').replace(/\s+/g, '')).toBe(words.join('').replace(/\s+/g, ''));
    }));
  });
});

describe('printable', () => {
  it('writes control characters and bidirectional overrides as escapes', () => {
    expect(printable('a\u001b[2Jb\u0007c\u202ed\u009be')).toBe('a\\u{1b}[2Jb\\u{7}c\\u{202e}d\\u{9b}e');
  });
});

describe('table over many rows', () => {
  it('renders 200,000 rows without "Maximum call stack size exceeded"', () => {
    const out: Output = { write: () => undefined, color: false, width: 80 };
    const rows = Array.from({ length: 200_000 }, (_, i) => [{ text: `ghcr.io/acme/app-${i}:1` }, { text: 'regcred' }]);
    const lines = table(out, [{ header: 'IMAGE', wrap: true }, { header: 'SECRET' }], rows);
    expect(lines).toHaveLength(200_001);
  });
});
