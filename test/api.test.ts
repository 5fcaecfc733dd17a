// The public API is a deliberate list: lib/index.ts names every export, docs/api.md lists exactly those names, and
// every one is described on a topic page (the "Types on this page" list at the end of each docs/*.md page).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import * as lib from '../lib';

const ROOT = path.resolve(__dirname, '..');

function indexNames(): string[] {
  const index = fs.readFileSync(path.join(ROOT, 'lib', 'index.ts'), 'utf8');
  expect(index).not.toMatch(/export \*/);
  return [...index.matchAll(/export\s*(?:type\s*)?\{([^}]*)\}/g)].flatMap((m) => m[1].split(',').map((n) => n.trim()).filter((n) => n));
}

function apiPageNames(): string[] {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'api.md'), 'utf8');
  const at = page.indexOf('<!-- api -->');
  expect(at).toBeGreaterThan(0);
  const table = page.slice(at).split('\n\n')[0];
  return table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| area')).flatMap((l) => [...l.split('|')[2].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));
}

/** For each topic page, the names its "Types on this page" list describes: each item names its types before the first ':'. */
function describedNames(): Map<string, string[]> {
  const described = new Map<string, string[]>();
  for (const file of fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md'))) {
    const page = fs.readFileSync(path.join(ROOT, 'docs', file), 'utf8');
    const section = /\n## Types on this page\n([\s\S]*?)(?=\n## |$)/.exec(page)?.[1] ?? '';
    const items = section.split(/\n(?=- )/).filter((i) => i.startsWith('- '));
    for (const item of items) {
      // the names before the first ': ', including `X` (`XProps`) pairs
      const head = item.slice(0, item.search(/: |:\n/) < 0 ? item.length : item.search(/: |:\n/));
      for (const m of head.matchAll(/`([A-Za-z]+)`/g)) described.set(m[1], [...(described.get(m[1]) ?? []), file]);
    }
  }
  return described;
}

describe('the public API', () => {
  it('is listed by name in lib/index.ts, and docs/api.md lists exactly those names', () => {
    expect([...apiPageNames()].sort()).toEqual([...indexNames()].sort());
  });

  it('has every public type described on a topic page, and nothing described there that is not public', () => {
    const described = describedNames();
    expect(indexNames().filter((n) => !described.has(n))).toEqual([]);
    expect([...described.keys()].filter((n) => !indexNames().includes(n))).toEqual([]);
  });

  it('exports at runtime only classes and enums named in lib/index.ts (interfaces exist only as types)', () => {
    const names = indexNames();
    for (const [name, value] of Object.entries(lib)) {
      expect(names).toContain(name);
      expect(['function', 'object']).toContain(typeof value);
    }
  });
});
