// The public API is a deliberate list: lib/index.ts names every export, and the README's API section lists exactly
// those names.
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

function readmeNames(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const at = readme.indexOf('<!-- api -->');
  expect(at).toBeGreaterThan(0);
  const table = readme.slice(at).split('\n\n')[0];
  return table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| area')).flatMap((l) => [...l.split('|')[2].matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]));
}

describe('the public API', () => {
  it('is listed by name in lib/index.ts, and the README lists exactly those names', () => {
    expect([...readmeNames()].sort()).toEqual([...indexNames()].sort());
  });

  it('exports at runtime only classes and enums named in lib/index.ts (interfaces exist only as types)', () => {
    const names = indexNames();
    for (const [name, value] of Object.entries(lib)) {
      expect(names).toContain(name);
      expect(['function', 'object']).toContain(typeof value);
    }
  });
});
