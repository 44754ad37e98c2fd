// Reads run folders (layout: src/protocol/runStore.ts) back into RunViewState, so finished runs show after a
// reload and runs made by the CLI show too. Tolerates half-written folders: a run that crashed mid-write
// still lists. Plain Node: no vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { EpochMetrics, RunMeta, RunState, RunSummary } from '../protocol/events';
import { RUN_FILES, type SelectivityIndex } from '../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../protocol/selectivity';
import type { RunViewState } from '../protocol/webview';

/** A run folder or a folder of run folders (a sweep), as found under the runs folder. */
export type RunFolderEntry =
  | { kind: 'run'; runId: string; dir: string }
  | { kind: 'group'; name: string; dir: string; runs: Array<{ runId: string; dir: string }> };

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

export async function isRunFolder(dir: string): Promise<boolean> {
  return (await exists(path.join(dir, RUN_FILES.meta))) || (await exists(path.join(dir, RUN_FILES.config)));
}

async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** Run folders directly under `runsFolder`, and groups (sweeps) one level down. Missing folder: none. */
export async function listRunFolders(runsFolder: string): Promise<RunFolderEntry[]> {
  const out: RunFolderEntry[] = [];
  for (const name of await subfolders(runsFolder)) {
    const dir = path.join(runsFolder, name);
    if (await isRunFolder(dir)) {
      out.push({ kind: 'run', runId: name, dir });
      continue;
    }
    const runs: Array<{ runId: string; dir: string }> = [];
    for (const sub of await subfolders(dir)) {
      const subDir = path.join(dir, sub);
      if (await isRunFolder(subDir)) runs.push({ runId: `${name}/${sub}`, dir: subDir });
    }
    if (runs.length) out.push({ kind: 'group', name, dir, runs });
  }
  return out;
}

async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** metrics.jsonl: one EpochMetrics per line (or an 'epoch' event wrapping one). Broken lines are skipped. */
export function parseMetricsLines(text: string): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const o = JSON.parse(line) as { type?: string; metrics?: EpochMetrics } & Partial<EpochMetrics>;
      const m = o.type === 'epoch' && o.metrics ? o.metrics : (o as EpochMetrics);
      if (typeof m.epoch === 'number') byEpoch.set(m.epoch, revive(m));
    } catch {
      // a line cut off by a crash
    }
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** JSON has no NaN: writers store null for "not measured". */
function revive(m: EpochMetrics): EpochMetrics {
  const out = { ...m } as Record<string, unknown>;
  for (const k of ['networkSI', 'testAcc', 'testLoss', 'trainSI']) if (out[k] === null) out[k] = NaN;
  return out as unknown as EpochMetrics;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** State of a run on disk: the summary's when finished; 'running' while a live process holds the lock; else stopped. */
async function diskState(dir: string, summary: RunSummary | undefined): Promise<RunState> {
  if (summary?.state) return summary.state;
  try {
    const lock = (await fs.readFile(path.join(dir, RUN_FILES.lock), 'utf8')).trim();
    const pid = Number((/"?pid"?\s*[:=]?\s*(\d+)/.exec(lock) ?? [])[1] ?? lock);
    if (Number.isInteger(pid) && pid > 0 && pidAlive(pid)) return 'running';
  } catch {
    // no lock: nobody is writing
  }
  return 'stopped';
}

export interface ReadRunOptions {
  /** Load per-unit selectivity arrays and histograms (heavy); the tree does not need them. */
  withSelectivity?: boolean;
}

export async function readRunFolder(dir: string, runId: string, options: ReadRunOptions = {}): Promise<RunViewState | undefined> {
  const meta = await readJson<RunMeta>(path.join(dir, RUN_FILES.meta));
  const summary = await readJson<RunSummary>(path.join(dir, RUN_FILES.summary));
  if (!meta && !summary && !(await exists(path.join(dir, RUN_FILES.config)))) return undefined;
  let metrics: EpochMetrics[] = [];
  try {
    metrics = parseMetricsLines(await fs.readFile(path.join(dir, RUN_FILES.metrics), 'utf8'));
  } catch {
    // no epoch finished yet
  }
  const state: RunViewState = {
    runId,
    state: await diskState(dir, summary),
    meta: meta ? { ...meta, runId, runDir: dir } : undefined,
    metrics,
    selectivity: [],
    summary: summary ? { ...summary, runId } : undefined,
  };
  const index = await readJson<SelectivityIndex>(path.join(dir, RUN_FILES.selectivityIndex));
  if (index?.epochs?.length) {
    if (options.withSelectivity) {
      const loaded = await readSelectivity(dir, index);
      state.selectivity = loaded.selectivity;
      state.classResponses = loaded.classResponses;
    } else {
      // Network SI per epoch without the arrays: enough for the tree and the curves.
      state.selectivity = index.epochs.map((e) => ({ epoch: e.epoch, networkSI: e.networkSI, layers: [] }));
    }
  }
  return state;
}

export async function readSelectivity(
  dir: string,
  index: SelectivityIndex,
): Promise<{ selectivity: RunViewState['selectivity']; classResponses?: RunViewState['classResponses'] }> {
  const selectivity: RunViewState['selectivity'] = [];
  let classResponses: RunViewState['classResponses'];
  const epochs = [...index.epochs].sort((a, b) => a.epoch - b.epoch);
  for (const entry of epochs) {
    let buf: Buffer;
    try {
      buf = await fs.readFile(path.join(dir, RUN_FILES.selectivityDir, path.basename(entry.file)));
    } catch {
      continue;
    }
    const layers: LayerSelectivity[] = [];
    const hist: LayerClassHistograms[] = [];
    try {
      for (const l of entry.layers) {
        layers.push({
          layer: l.layer,
          units: l.units,
          classes: l.classes,
          si: new Float32Array(slice(buf, l.si, l.units * 4)),
          preferred: new Int32Array(slice(buf, l.preferred, l.units * 4)),
          classMeans: new Float32Array(slice(buf, l.classMeans, l.units * l.classes * 4)),
        });
        if (l.bins > 0 && l.counts >= 0 && l.edges >= 0) {
          hist.push({
            layer: l.layer,
            units: l.units,
            classes: l.classes,
            bins: l.bins,
            edges: new Float32Array(slice(buf, l.edges, l.units * (l.bins + 1) * 4)),
            counts: new Uint32Array(slice(buf, l.counts, l.units * l.classes * l.bins * 4)),
          });
        }
      }
    } catch {
      continue; // truncated file: skip this epoch
    }
    selectivity.push({ epoch: entry.epoch, networkSI: entry.networkSI, layers });
    if (hist.length) classResponses = { epoch: entry.epoch, layers: hist };
  }
  return { selectivity, classResponses };
}

/** An aligned copy of `length` bytes at `offset` (typed arrays need 4-byte alignment). */
function slice(buf: Buffer, offset: number, length: number): ArrayBuffer {
  if (offset < 0 || offset + length > buf.length) throw new RangeError('selectivity file is shorter than its index says');
  const out = new ArrayBuffer(length);
  new Uint8Array(out).set(buf.subarray(offset, offset + length));
  return out;
}
