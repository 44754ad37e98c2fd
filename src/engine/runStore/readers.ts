// Reads run folders back: what the CLI's `info`, the host, the sweep report and tests use. Tolerant of runs still
// being written (missing files mean "not yet"), of torn lines in an append-only file, and of damaged or edited
// files (runFileShapes.ts): what cannot be read is left out and reported, naming the file; nothing here throws on
// a file's content.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../../protocol/config';
import type { EpochMetrics, RunMeta, RunState, RunSummary } from '../../protocol/events';
import { RUN_FILES, type RunLabel, type SelectivityIndex, type SelectivityIndexEntry } from '../../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';
import { EngineError } from '../errors';
import { decodeLayerHistograms, decodeLayerSelectivity, decodeSelectivity, type EpochFileRange } from './selectivityFile';
import { isStale, readLockHolder } from './lockFile';
import { labelFrom, metaFrom, metricsFrom, selectivityIndexFrom, summaryFrom, type ReadWarning } from './runFileShapes';

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
  /** The user's name and tags (label.json), when set. */
  label?: RunLabel;
  /** What reading found amiss (torn lines, damaged files), one sentence each naming the file. */
  warnings: string[];
}

export type { ReadWarning };

/** A JSON file's value; undefined when it is missing, and also (with a warning) when it is not JSON. */
function readJson(file: string, warn?: ReadWarning): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // Being written by a writer that is not atomic, or damaged: either way it says nothing yet.
    warn?.(`${file} is not valid JSON (damaged?); it is not read.`);
    return undefined;
  }
}

/** The run's summary.json, when the engine wrote one (and it is readable). */
export function readRunSummary(dir: string, warn?: ReadWarning): RunSummary | undefined {
  const file = path.join(dir, RUN_FILES.summary);
  return summaryFrom(readJson(file, warn), file, warn ?? (() => undefined));
}

/** The run's label.json (the user's name and tags), when there is one and it is readable. */
export function readRunLabel(dir: string, warn?: ReadWarning): RunLabel | undefined {
  const file = path.join(dir, RUN_FILES.label);
  return labelFrom(readJson(file, warn), file, warn ?? (() => undefined));
}

/**
 * JSON lines. A torn line (a writer killed mid-append leaves part of one; the next append starts on a fresh
 * line) is skipped and reported to `warn`.
 */
export function readJsonLines<T>(file: string, warn?: ReadWarning): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      warn?.(`${file} line ${i + 1} is torn (an interrupted write); it is skipped.`);
    }
  });
  return out;
}

/** metrics.jsonl as EpochMetrics, null (non-finite when written) back to NaN, one entry per epoch (last wins). */
export function readMetrics(dir: string, warn?: ReadWarning): EpochMetrics[] {
  const file = path.join(dir, RUN_FILES.metrics);
  const byEpoch = new Map<number, EpochMetrics>();
  readJsonLines<unknown>(file, warn).forEach((raw, i) => {
    const m = metricsFrom(raw, file, i + 1, warn ?? (() => undefined));
    if (m) byEpoch.set(m.epoch, m);
  });
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

export function readSelectivityIndex(dir: string, warn?: ReadWarning): SelectivityIndex | undefined {
  const file = path.join(dir, RUN_FILES.selectivityIndex);
  return selectivityIndexFrom(readJson(file, warn), file, warn ?? (() => undefined));
}

export function latestCheckpointName(dir: string): string | undefined {
  try {
    const name = fs.readFileSync(path.join(dir, RUN_FILES.checkpointsDir, 'latest'), 'utf8').trim();
    return name || undefined;
  } catch {
    return undefined;
  }
}

/** A file or folder only a run folder has: a folder with one of these is a run even when its JSON is damaged. */
const RUN_MARKERS = [RUN_FILES.config, RUN_FILES.meta, RUN_FILES.summary, RUN_FILES.metrics, RUN_FILES.checkpointsDir];

function isConfigObject(raw: unknown, file: string, warn: ReadWarning): raw is RunConfig {
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) return true;
  warn(`${file} is damaged (not a JSON object); the run's config is not shown.`);
  return false;
}

/** Everything about a run except the selectivity arrays. Throws CONFIG_UNREADABLE when `dir` is no run folder. */
export function readRun(dir: string): RunRecord {
  const abs = path.resolve(dir);
  const warnings: string[] = [];
  const warn: ReadWarning = (w) => warnings.push(w);
  const configFile = path.join(abs, RUN_FILES.config);
  const rawConfig = readJson(configFile, warn);
  const config = rawConfig !== undefined && isConfigObject(rawConfig, configFile, warn) ? rawConfig : undefined;
  const metaFile = path.join(abs, RUN_FILES.meta);
  const meta = metaFrom(readJson(metaFile, warn), metaFile, warn);
  const summary = readRunSummary(abs, warn);
  if (!config && !meta && !summary && !RUN_MARKERS.some((f) => fs.existsSync(path.join(abs, f)))) {
    throw new EngineError('CONFIG_UNREADABLE', `${dir} is not a run folder (no ${RUN_FILES.config}, ${RUN_FILES.meta} or ${RUN_FILES.summary}).`, {
      file: dir,
    });
  }
  let state: RunState = summary?.state ?? 'stopped';
  if (!summary) {
    const lock = readLockHolder(path.join(abs, RUN_FILES.lock));
    if (lock && (lock.pid === process.pid || !isStale(lock))) state = 'running';
  }
  const index = readSelectivityIndex(abs, warn);
  const label = readRunLabel(abs, warn);
  return {
    dir: abs,
    runId: meta?.runId || path.basename(abs),
    config,
    meta,
    metrics: readMetrics(abs, warn),
    summary,
    state,
    selectivity: (index?.epochs ?? []).map((e) => ({ epoch: e.epoch, networkSI: e.networkSI ?? NaN })),
    latestCheckpoint: latestCheckpointName(abs),
    ...(label ? { label } : {}),
    warnings,
  };
}

export interface SelectivityRecord {
  epoch: number;
  networkSI: number;
  layers: LayerSelectivity[];
  histograms: LayerClassHistograms[];
}

/** The index entry of one analysed epoch (the newest when `epoch` is omitted) and the path of its file. */
function epochFile(dir: string, epoch: number | undefined, warn?: ReadWarning): { entry: SelectivityIndexEntry; file: string } | undefined {
  const abs = path.resolve(dir);
  const index = readSelectivityIndex(abs, warn);
  if (!index?.epochs?.length) return undefined;
  const entry: SelectivityIndexEntry | undefined =
    epoch === undefined ? [...index.epochs].sort((a, b) => a.epoch - b.epoch).at(-1) : index.epochs.find((e) => e.epoch === epoch);
  if (!entry) return undefined;
  return { entry, file: path.join(abs, RUN_FILES.selectivityDir, path.basename(entry.file)) };
}

function damaged(warn: ReadWarning | undefined, file: string, epoch: number, e: unknown): undefined {
  warn?.(`${file} does not match ${RUN_FILES.selectivityIndex} (${e instanceof Error ? e.message : String(e)}); epoch ${epoch}'s per-unit selectivity is not shown.`);
  return undefined;
}

/**
 * One analysed epoch's arrays (the newest when `epoch` is omitted), or undefined when there is none or its file
 * cannot be decoded (said to `warn`).
 */
export function readSelectivity(dir: string, epoch?: number, warn?: ReadWarning): SelectivityRecord | undefined {
  const found = epochFile(dir, epoch, warn);
  if (!found) return undefined;
  const { entry, file } = found;
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    const { layers, histograms } = decodeSelectivity(bytes, entry);
    return { epoch: entry.epoch, networkSI: entry.networkSI ?? NaN, layers, histograms };
  } catch (e) {
    return damaged(warn, file, entry.epoch, e);
  }
}

/**
 * Decodes part of one layer of an analysed epoch with `decode`, reading only the byte ranges it asks for: a
 * ResNet-50 epoch file is ~50 MB, one layer's class means a few MB, one unit's histograms a few KB.
 */
function readLayerPart<T>(
  dir: string,
  epoch: number,
  layer: string,
  decode: (entry: SelectivityIndexEntry['layers'][number], take: EpochFileRange) => T | undefined,
  warn?: ReadWarning,
): T | undefined {
  const found = epochFile(dir, epoch, warn);
  const entry = found?.entry.layers.find((l) => l.layer === layer);
  if (!found || !entry) return undefined;
  let fd: number;
  try {
    fd = fs.openSync(found.file, 'r');
  } catch {
    return undefined;
  }
  try {
    return decode(entry, (at, count) => {
      const bytes = new ArrayBuffer(count * 4);
      if (fs.readSync(fd, new Uint8Array(bytes), 0, bytes.byteLength, at) < bytes.byteLength) {
        throw new RangeError(`selectivity file ${found.entry.file} is shorter than its index says`);
      }
      return bytes;
    });
  } catch (e) {
    return damaged(warn, found.file, epoch, e);
  } finally {
    fs.closeSync(fd);
  }
}

/** One layer's SI, preferred classes and class means at an analysed epoch, read from that layer's bytes only. */
export function readLayerSelectivity(dir: string, epoch: number, layer: string, warn?: ReadWarning): LayerSelectivity | undefined {
  return readLayerPart(dir, epoch, layer, decodeLayerSelectivity, warn);
}

/** One unit's class-response histograms at an analysed epoch (firstUnit = unit), read from that unit's bytes only. */
export function readUnitHistograms(dir: string, epoch: number, layer: string, unit: number, warn?: ReadWarning): LayerClassHistograms | undefined {
  return readLayerPart(dir, epoch, layer, (entry, take) => decodeLayerHistograms(entry, take, unit), warn);
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
