// The documentation as a user meets it: a short README with the install line, topic pages in docs/, and links that
// lead somewhere. The npm package holds README.md but neither examples/ nor test/, so user pages link those by URL.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const USER_PAGES = ['README.md', ...fs.readdirSync(path.join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
const ALL_PAGES = [...USER_PAGES, 'CONTRIBUTING.md'];

const read = (file: string): string => fs.readFileSync(path.join(ROOT, file), 'utf8');

/** The text outside fenced code blocks. */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped (not '-' or '_'), spaces to '-'. */
function slug(heading: string): string {
  return heading.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
}

function anchors(file: string): Set<string> {
  return new Set([...prose(read(file)).matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1])));
}

/** Every markdown link of a page: [text](target). */
function links(file: string): string[] {
  return [...prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]);
}

describe('the README', () => {
  const readme = read('README.md');

  it('is at most 300 lines', () => {
    expect(readme.split('\n').length).toBeLessThanOrEqual(300);
  });

  it('tells how to install the package with its peer dependencies', () => {
    expect(readme).toMatch(new RegExp(`\\nnpm install ${pkg.name}[ \\n]`));
    for (const peer of Object.keys(pkg.peerDependencies)) expect(readme).toContain(`\`${peer}\` (\`${pkg.peerDependencies[peer]}\`)`);
  });

  it('links every topic page', () => {
    const linked = new Set(links('README.md').map((l) => l.split('#')[0]));
    for (const page of USER_PAGES.filter((p) => p !== 'README.md')) expect(linked).toContain(page);
  });
});

describe('the links of README.md, docs/*.md and CONTRIBUTING.md', () => {
  it.each(ALL_PAGES)('lead to a file and heading that exist: %s', (file) => {
    const broken: string[] = [];
    for (const link of links(file).filter((l) => !/^[a-z]+:/.test(l))) {
      const [target, anchor] = link.split('#');
      const resolved = target ? path.join(path.dirname(file), target) : file;
      if (!fs.existsSync(path.join(ROOT, resolved))) broken.push(`${link}: no file ${resolved}`);
      else if (anchor !== undefined && resolved.endsWith('.md') && !anchors(resolved).has(anchor)) {
        broken.push(`${link}: no heading #${anchor} in ${resolved}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it.each(USER_PAGES)('point to examples/, test/ and lib/ only by the repository URL (they are not in the package): %s', (file) => {
    const local = links(file).filter((l) => !/^[a-z]+:/.test(l)).map((l) => path.join(path.dirname(file), l.split('#')[0]))
      .filter((p) => /^(examples|test|lib|app|bench|scripts)\//.test(p));
    expect(local).toEqual([]);
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    for (const url of links(file).filter((l) => l.includes('/blob/'))) {
      expect(url.startsWith(`${repo}/blob/main/`)).toBe(true);
      expect(fs.existsSync(path.join(ROOT, url.slice(`${repo}/blob/main/`.length).split('#')[0]))).toBe(true);
    }
  });
});
