// Finds run folders (layout: src/protocol/runStore.ts) and reads them back into RunViewState, so finished runs
// show after a reload and runs made by the CLI or a sweep show too. Plain Node: no vscode.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { latestCheckpointName, readRun, readSelectivity, type RunRecord } from '../../../engine/runStore';
import { RUN_FILES } from '../../../protocol/runStore';
import { SWEEP_FILES } from '../../../protocol/sweep';
import type { RunViewState } from '../../../protocol/runView';

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
  for (const f of [RUN_FILES.meta, RUN_FILES.config, RUN_FILES.summary]) if (await exists(path.join(dir, f))) return true;
  return false;
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
    // A sweep folder (sweep.json) or any folder of run folders is a group.
    const runs: Array<{ runId: string; dir: string }> = [];
    for (const sub of await subfolders(dir)) {
      const subDir = path.join(dir, sub);
      if (await isRunFolder(subDir)) runs.push({ runId: `${name}/${sub}`, dir: subDir });
    }
    if (runs.length || (await exists(path.join(dir, SWEEP_FILES.index)))) out.push({ kind: 'group', name, dir, runs });
  }
  return out;
}

export interface ReadRunOptions {
  /** Load per-unit selectivity arrays and histograms of every analysed epoch (heavy); the tree does not need them. */
  withSelectivity?: boolean;
}

/**
 * A run folder as RunViewState, read with the engine's own tfjs-free readers (src/engine/runStore), so the host
 * reads exactly what the engine writes. Undefined when `dir` is not a run folder.
 */
export async function readRunFolder(dir: string, runId?: string, options: ReadRunOptions = {}): Promise<RunViewState | undefined> {
  let record: RunRecord;
  try {
    record = readRun(dir);
  } catch {
    return undefined;
  }
  const id = runId ?? record.runId;
  const state: RunViewState = {
    runId: id,
    state: record.state,
    meta: record.meta ? { ...record.meta, runId: id, runDir: record.dir } : undefined,
    metrics: record.metrics,
    // Network SI per epoch without the arrays: enough for the tree and the curves.
    selectivity: record.selectivity.map((e) => ({ epoch: e.epoch, networkSI: e.networkSI, layers: [] })),
    summary: record.summary ? { ...record.summary, runId: id } : undefined,
    error: record.summary?.error,
    ...(record.label ? { label: record.label } : {}),
  };
  const warnings = [...record.warnings];
  if (options.withSelectivity) {
    const loaded: RunViewState['selectivity'] = [];
    let classResponses: RunViewState['classResponses'];
    for (const { epoch } of record.selectivity) {
      const sel = readSelectivity(record.dir, epoch, (w) => warnings.push(w));
      if (!sel) continue;
      loaded.push({ epoch: sel.epoch, networkSI: sel.networkSI, layers: sel.layers });
      if (sel.histograms.length) classResponses = { epoch: sel.epoch, layers: sel.histograms };
    }
    state.selectivity = loaded;
    state.classResponses = classResponses;
  }
  if (warnings.length) state.warnings = [...new Set(warnings)];
  return state;
}

/** The newest saved model.json of a run: checkpoints/latest first, then any checkpoint, then the folder itself. */
export async function findRunModel(dir: string): Promise<string | undefined> {
  const ckpt = path.join(dir, RUN_FILES.checkpointsDir);
  const latest = latestCheckpointName(dir);
  if (latest && (await exists(path.join(ckpt, latest, 'model.json')))) return path.join(ckpt, latest, 'model.json');
  for (const n of (await subfolders(ckpt)).reverse()) {
    if (await exists(path.join(ckpt, n, 'model.json'))) return path.join(ckpt, n, 'model.json');
  }
  return (await exists(path.join(dir, 'model.json'))) ? path.join(dir, 'model.json') : undefined;
}
