import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeMatrixMarkdown } from '../src/modules/auth/route-matrix.js';
import { createTestApp, type TestApp } from './helpers.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (relative: string) => fs.readFileSync(path.join(root, relative), 'utf8');
const docsFiles = fs
  .readdirSync(path.join(root, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);
const markdownFiles = ['README.md', ...docsFiles];

/** The text outside fenced code blocks and inline code, where links and headings are not markup. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation and symbols dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  for (const m of prose(markdown).matchAll(/^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$/gm)) {
    const text = m[1]!.replace(/`/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    result.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return result;
}

describe('README and docs', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t.close());

  it('docs/api.md carries the route × role matrix of the routes as registered', () => {
    const api = read('docs/api.md');
    const m = /<!-- route-matrix:start -->\n([\s\S]*?)\n<!-- route-matrix:end -->/.exec(api);
    expect(m, 'docs/api.md has the route-matrix markers').not.toBeNull();
    const generated = routeMatrixMarkdown(t.app.routeTable);
    expect(generated.split('\n').length).toBeGreaterThan(15);
    expect(`${m![1]!.trim()}\n`).toBe(generated);
  });

  it('the README lists every configuration variable that the config schema reads', async () => {
    const readme = read('README.md');
    const { EnvSchema } = await import('../src/config.js');
    for (const name of Object.keys(EnvSchema.shape)) expect(readme).toContain(`\`${name}\``);
  });

  it('the README stays short and links every page of docs/', () => {
    const readme = read('README.md');
    expect(readme.split('\n').length).toBeLessThan(250);
    for (const file of docsFiles) expect(readme).toContain(`](${file})`);
  });

  it.each(markdownFiles)('every relative link in %s reaches a file, and a heading when it names one', (file) => {
    const links = [...prose(read(file)).matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    const broken: string[] = [];
    for (const link of links) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // http:, mailto: ...
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved = target === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), decodeURI(target));
      if (!fs.existsSync(resolved)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && !anchors(fs.readFileSync(resolved, 'utf8')).has(decodeURIComponent(anchor))) {
        broken.push(`${link}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('docs/domain.md has a numbered section for every section the code cites', () => {
    const headings = new Set([...read('docs/domain.md').matchAll(/^## §(\d+) /gm)].map((m) => m[1]!));
    const cited = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
        const relative = `${dir}/${entry.name}`;
        if (entry.isDirectory()) walk(relative);
        else if (/\.(ts|md)$/.test(entry.name)) {
          for (const m of read(relative).matchAll(/(?:SPEC|domain\.md\)?) §(\d+)/g)) cited.add(m[1]!);
        }
      }
    };
    for (const dir of ['src', 'test', 'scripts', 'docs']) walk(dir);
    expect(cited.size).toBeGreaterThan(3);
    expect([...cited].filter((n) => !headings.has(n))).toEqual([]);
  });
});
