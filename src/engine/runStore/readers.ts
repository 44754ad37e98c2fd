// Reads run folders back: what the CLI's `info`, the sweep report and tests use. Tolerant of runs still being
// written (missing files mean "not yet") and of a torn last line in an append-only file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../../protocol/config';
import type { EpochMetrics, RunMeta, RunState, RunSummary } from '../../protocol/events';
import { RUN_FILES, type SelectivityIndex, type SelectivityIndexEntry } from '../../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';
import { EngineError } from '../errors';
import { decodeSelectivity } from './selectivityFile';
import { isProcessAlive } from './processAlive';

export interface RunRecord {
  dir: string;
  runId: string;
  config?: RunConfig;
  meta?: RunMeta;
  metrics: EpochMetrics[];
  summary?: RunSummary;
  state: RunState;
  /** Analysed epochs (network SI without the arrays). */
  selectivity: Array<{ epoch: number; networkSI: number }>;
  /** Name of the newest committed checkpoint (checkpoints/latest), if any. */
  latestCheckpoint?: string;
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** JSON lines; a torn last line (a writer killed mid-append) is skipped. */
export function readJsonLines<T>(file: string): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // torn line
    }
  }
  return out;
}

/** metrics.jsonl as EpochMetrics, null (non-finite when written) back to NaN, one entry per epoch (last wins). */
export function readMetrics(dir: string): EpochMetrics[] {
  const byEpoch = new Map<number, EpochMetrics>();
  for (const m of readJsonLines<Record<string, unknown>>(path.join(dir, RUN_FILES.metrics))) {
    for (const [k, v] of Object.entries(m)) if (v === null) m[k] = NaN;
    byEpoch.set(Number(m.epoch), m as unknown as EpochMetrics);
  }
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

export function readSelectivityIndex(dir: string): SelectivityIndex | undefined {
  return readJson<SelectivityIndex>(path.join(dir, RUN_FILES.selectivityIndex));
}

export function latestCheckpointName(dir: string): string | undefined {
  try {
    const name = fs.readFileSync(path.join(dir, RUN_FILES.checkpointsDir, 'latest'), 'utf8').trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}

/** Everything about a run except the selectivity arrays. Throws CONFIG_UNREADABLE when `dir` is no run folder. */
export function readRun(dir: string): RunRecord {
  const abs = path.resolve(dir);
  const config = readJson<RunConfig>(path.join(abs, RUN_FILES.config));
  const meta = readJson<RunMeta>(path.join(abs, RUN_FILES.meta));
  const summary = readJson<RunSummary>(path.join(abs, RUN_FILES.summary));
  if (!config && !meta && !summary) {
    throw new EngineError('CONFIG_UNREADABLE', `${dir} is not a run folder (no ${RUN_FILES.config}, ${RUN_FILES.meta} or ${RUN_FILES.summary}).`, {
      file: dir,
    });
  }
  let state: RunState = summary?.state ?? 'stopped';
  if (!summary) {
    const lock = readJson<{ pid?: number }>(path.join(abs, RUN_FILES.lock));
    if (lock?.pid && isProcessAlive(lock.pid)) state = 'running';
  }
  const index = readSelectivityIndex(abs);
  return {
    dir: abs,
    runId: meta?.runId ?? path.basename(abs),
    config,
    meta,
    metrics: readMetrics(abs),
    summary,
    state,
    selectivity: (index?.epochs ?? []).map((e) => ({ epoch: e.epoch, networkSI: e.networkSI ?? NaN })),
    latestCheckpoint: latestCheckpointName(abs),
  };
}

export interface SelectivityRecord {
  epoch: number;
  networkSI: number;
  layers: LayerSelectivity[];
  histograms: LayerClassHistograms[];
}

/** One analysed epoch's arrays (the newest when `epoch` is omitted), or undefined when there is none. */
export function readSelectivity(dir: string, epoch?: number): SelectivityRecord | undefined {
  const abs = path.resolve(dir);
  const index = readSelectivityIndex(abs);
  if (!index?.epochs?.length) return undefined;
  const entry: SelectivityIndexEntry | undefined =
    epoch === undefined ? [...index.epochs].sort((a, b) => a.epoch - b.epoch).at(-1) : index.epochs.find((e) => e.epoch === epoch);
  if (!entry) return undefined;
  const file = path.join(abs, RUN_FILES.selectivityDir, path.basename(entry.file));
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  const { layers, histograms } = decodeSelectivity(bytes, entry);
  return { epoch: entry.epoch, networkSI: entry.networkSI ?? NaN, layers, histograms };
}

/** Run folders directly inside `folder` (newest first); folders that are not runs are skipped. */
export function listRuns(folder: string): RunRecord[] {
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return [];
  }
  const runs: RunRecord[] = [];
  for (const name of names) {
    const dir = path.join(folder, name);
    if (name.startsWith('.') || !fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    try {
      runs.push(readRun(dir));
    } catch {
      // not a run folder
    }
  }
  return runs.sort((a, b) => (b.meta?.startedAt ?? '').localeCompare(a.meta?.startedAt ?? '') || b.dir.localeCompare(a.dir));
}
