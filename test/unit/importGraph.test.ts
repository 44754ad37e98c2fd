// The house plan as a test: the import graph of src/ and webview/ has no circles, neither between files nor
// between the parts of any folder (its subfolders and its loose files, at every depth), so no import runs
// back up; and what the extension host loads never reaches TensorFlow.js, nor its node/ folders vscode.
// Imports are read with the TypeScript compiler's own pre-processor; type-only imports count too (stricter
// than what Node loads).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPO_ROOT } from '../repoRoot';

const ROOT = REPO_ROOT;
const ROOTS = ['src', 'webview'];

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sources(p));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

function resolveImport(from: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  for (const candidate of [`${base}.ts`, path.join(base, 'index.ts'), base]) {
    if (candidate.endsWith('.ts') && existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Packages each file imports by name (vscode, @tensorflow/tfjs-core, ...). */
const packagesOf = new Map<string, Set<string>>();

/** file -> files it imports (relative imports of .ts sources only). */
function importGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const root of ROOTS) {
    for (const file of sources(path.join(ROOT, root))) {
      const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
      const targets = new Set<string>();
      const packages = new Set<string>();
      for (const ref of info.importedFiles) {
        const target = resolveImport(file, ref.fileName);
        if (target) targets.add(target);
        else if (!ref.fileName.startsWith('.')) packages.add(ref.fileName);
      }
      graph.set(file, targets);
      packagesOf.set(file, packages);
    }
  }
  return graph;
}

/** The files `start` reaches through its imports (itself included), each with the chain that leads there. */
function reach(graph: Map<string, Set<string>>, start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (chains.has(w)) continue;
      chains.set(w, [...chains.get(v)!, w]);
      queue.push(w);
    }
  }
  return chains;
}

/** Files under `folder` (matching `pick`) that reach a package matching `bad`, with the import chain. */
function reaching(graph: Map<string, Set<string>>, pick: (file: string) => boolean, bad: RegExp): string[] {
  const found: string[] = [];
  for (const file of graph.keys()) {
    if (!pick(file)) continue;
    for (const [via, chain] of reach(graph, file)) {
      const hit = [...(packagesOf.get(via) ?? [])].find((p) => bad.test(p));
      if (hit) {
        found.push(`${chain.map(rel).join(' -> ')} -> ${hit}`);
        break;
      }
    }
  }
  return found;
}

/** Strongly connected components with more than one member (Tarjan). */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const visit = (v: string) => {
    idx.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, idx.get(w)!));
      }
    }
    if (low.get(v) === idx.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) visit(v);
  return found;
}

const rel = (p: string) => path.relative(ROOT, p);

/** The part of `folder` a file belongs to: the subfolder it is in, or the file itself when it lies loose there. */
function partOf(folder: string, file: string): string | undefined {
  const r = path.relative(folder, file);
  if (r.startsWith('..') || path.isAbsolute(r)) return undefined;
  const [first, ...rest] = r.split(path.sep);
  return rest.length ? path.join(folder, first) : file;
}

function folders(graph: Map<string, Set<string>>): string[] {
  const all = new Set<string>([ROOT]);
  for (const file of graph.keys()) for (let d = path.dirname(file); d.startsWith(ROOT) && d !== ROOT; d = path.dirname(d)) all.add(d);
  return [...all].sort();
}

test('no two files import each other, directly or around a circle', () => {
  const found = circles(importGraph());
  assert.deepEqual(found.map((c) => c.map(rel)), [], 'import circles between files');
});

test('within every folder, its parts (subfolders and loose files) import each other in one direction only', () => {
  const graph = importGraph();
  const problems: string[] = [];
  for (const folder of folders(graph)) {
    const parts = new Map<string, Set<string>>();
    const why = new Map<string, string>();
    for (const [file, targets] of graph) {
      const from = partOf(folder, file);
      if (!from) continue;
      if (!parts.has(from)) parts.set(from, new Set());
      for (const target of targets) {
        const to = partOf(folder, target);
        if (!to || to === from) continue;
        parts.get(from)!.add(to);
        why.set(`${from}>${to}`, `${rel(file)} -> ${rel(target)}`);
      }
    }
    for (const circle of circles(parts)) {
      const members = new Set(circle);
      const edges = [...why.entries()].filter(([k]) => {
        const [a, b] = k.split('>');
        return members.has(a) && members.has(b);
      });
      problems.push(`${rel(folder) || '.'}: ${circle.map(rel).join(' <-> ')} (${edges.map(([, v]) => v).join('; ')})`);
    }
  }
  assert.deepEqual(problems, [], 'folders whose parts import each other both ways');
});

test('nothing the extension host loads reaches TensorFlow.js', () => {
  const graph = importGraph();
  const host = path.join(ROOT, 'src', 'host') + path.sep;
  assert.deepEqual(reaching(graph, (f) => f.startsWith(host), /^@tensorflow\//), []);
});

test("the host's node/ folders never reach vscode, so they run (and are tested) without VS Code", () => {
  const graph = importGraph();
  const nodeFolder = `${path.sep}node${path.sep}`;
  const host = path.join(ROOT, 'src', 'host') + path.sep;
  assert.deepEqual(reaching(graph, (f) => f.startsWith(host) && f.includes(nodeFolder), /^vscode$/), []);
  // And the check can fail: host files outside node/ do reach vscode.
  assert.ok(reaching(graph, (f) => f === path.join(ROOT, 'src', 'host', 'extension.ts'), /^vscode$/).length === 1);
});

test('the graph is read: it finds the files and their imports', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `${graph.size} source files`);
  const extension = graph.get(path.join(ROOT, 'src', 'host', 'extension.ts'));
  assert.ok(extension && extension.size > 5, 'the extension entry imports its features');
  // A circle is found when there is one.
  assert.deepEqual(circles(new Map([['a', new Set(['b'])], ['b', new Set(['c'])], ['c', new Set(['a'])], ['d', new Set(['a'])]])), [['a', 'b', 'c']]);
});
