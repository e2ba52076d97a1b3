/**
 * Feature boundaries (STYLE.md "Shape of the house"): each src/modules/<name>
 * folder, src/core, the browser client src/station and each top-level file is
 * one unit, and the units' import graph (type-only imports included) has no
 * cycle. core imports no module; no module imports the composition root.
 * File-level rules live in .dependency-cruiser.cjs (`npm run lint`).
 */
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { beforeAll, describe, expect, it } from 'vitest';

type Graph = Map<string, Set<string>>;

const COMPOSITION = new Set(['routes.ts', 'container.ts', 'app.ts', 'main.ts']);

/** The unit a source file belongs to, or null outside src (packages, node builtins). */
export function unitOf(file: string): string | null {
  const parts = file.split('/');
  if (parts[0] !== 'src') return null;
  if (parts[1] === 'modules') return `modules/${parts[2]}`;
  if (parts[1] === 'core' || parts[1] === 'station' || parts[1] === 'types' || parts[1] === 'locales') return parts[1];
  return parts[1] ?? null;
}

export function unitGraph(edges: Iterable<[from: string, to: string]>): Graph {
  const graph: Graph = new Map();
  for (const [from, to] of edges) {
    const a = unitOf(from);
    const b = unitOf(to);
    if (a === null || b === null || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

/** One cycle of the graph as a path that starts and ends at the same unit, or null when there is none. */
export function findCycle(graph: Graph): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  function visit(node: string): string[] | null {
    state.set(node, 'open');
    stack.push(node);
    for (const next of [...(graph.get(node) ?? [])].sort()) {
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (state.get(next) === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  }
  for (const node of [...graph.keys()].sort()) {
    if (state.get(node) === undefined) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

describe('the unit-graph checker itself', () => {
  it('maps files to units', () => {
    expect(unitOf('src/modules/devices/device-view.ts')).toBe('modules/devices');
    expect(unitOf('src/core/http/api.ts')).toBe('core');
    expect(unitOf('src/routes.ts')).toBe('routes.ts');
    expect(unitOf('node_modules/zod/index.js')).toBeNull();
  });

  it('finds a cycle through files of different units, and none where there is none', () => {
    const cyclic = unitGraph([
      ['src/modules/a/a.service.ts', 'src/modules/b/b.repository.ts'],
      ['src/modules/b/b.service.ts', 'src/modules/c/c.table.ts'],
      ['src/modules/c/c.schemas.ts', 'src/modules/a/a.schemas.ts'],
      ['src/modules/a/a.service.ts', 'src/core/db.ts'],
    ]);
    expect(findCycle(cyclic)).toEqual(['modules/a', 'modules/b', 'modules/c', 'modules/a']);
    const acyclic = unitGraph([
      ['src/modules/a/a.service.ts', 'src/modules/b/b.service.ts'],
      ['src/modules/b/b.service.ts', 'src/core/db.ts'],
      ['src/modules/a/a.service.ts', 'src/core/db.ts'],
      ['src/modules/a/x.ts', 'src/modules/a/y.ts'],
      ['src/modules/a/y.ts', 'src/modules/a/x.ts'],
    ]);
    expect(findCycle(acyclic)).toBeNull();
  });
});

describe('the module graph of src', () => {
  let edges: Array<[string, string]>;
  let graph: Graph;

  beforeAll(async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await cruise(['src'], {
        doNotFollow: { path: 'node_modules' },
        tsPreCompilationDeps: true,
        tsConfig: { fileName: 'tsconfig.json' },
      });
      const output = result.output as ICruiseResult;
      edges = output.modules.flatMap((m) => m.dependencies.map((d): [string, string] => [m.source, d.resolved]));
    } finally {
      process.chdir(cwd);
    }
    graph = unitGraph(edges);
  }, 120_000);

  it('reads the real imports (type-only ones too)', () => {
    expect(edges).toContainEqual(['src/routes.ts', 'src/container.ts']);
    expect(graph.get('modules/sanitization')?.has('modules/devices')).toBe(true);
  });

  it('has no cycle between modules, core and the top-level files', () => {
    expect(findCycle(graph)).toBeNull();
  });

  it('keeps core free of modules and of the composition root', () => {
    const fromCore = [...(graph.get('core') ?? [])].filter((u) => u.startsWith('modules/') || COMPOSITION.has(u) || u === 'config.ts' || u === 'db-schema.ts');
    expect(fromCore).toEqual([]);
  });

  it('lets no module import the composition root', () => {
    const offending = [...graph].flatMap(([from, tos]) => (from.startsWith('modules/') ? [...tos].filter((u) => COMPOSITION.has(u)).map((u) => `${from} -> ${u}`) : []));
    expect(offending).toEqual([]);
  });
});
