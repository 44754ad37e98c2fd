// Reads run folders into what the compare view shows. Plain Node, no vscode: it uses the engine's
// tfjs-free readers (src/engine/runStore), so it reads exactly what the engine and the CLI write.
import * as path from 'node:path';
import { readRun, readSelectivity, type RunRecord } from '../../../engine/runStore';
import type { CompareRun } from '../../../protocol/webviews/compare';
import type { EpochMetrics } from '../../../protocol/events';
import type { LayerSummary } from '../../../protocol/selectivity';
import { runTitle } from '../../../protocol/runName';

export interface CompareSource {
  runId: string;
  dir: string;
}

export interface CompareData {
  runs: CompareRun[];
  problems: string[];
}

/** The newest finite value of `pick` over the metrics, or NaN. */
function lastFinite(metrics: EpochMetrics[], pick: (m: EpochMetrics) => number): number {
  for (let i = metrics.length - 1; i >= 0; i--) {
    const v = pick(metrics[i]);
    if (Number.isFinite(v)) return v;
  }
  return NaN;
}

function alphaOf(record: RunRecord): number | string | undefined {
  const a = record.config?.selectivity?.alpha;
  if (typeof a === 'number') return a;
  if (typeof a === 'string') return a;
  if (Array.isArray(a)) return a.every((x) => x === a[0]) && a.length > 0 ? a[0] : a.join(' ');
  return undefined;
}

function layerMeans(record: RunRecord): LayerSummary[] {
  if (record.summary?.layers?.length) return record.summary.layers;
  for (let i = record.metrics.length - 1; i >= 0; i--) if (record.metrics[i].layers?.length) return record.metrics[i].layers;
  return [];
}

/** One run folder as a CompareRun. Throws (EngineError naming the folder) when `dir` is not a run folder. */
export function readCompareRun(source: CompareSource): CompareRun {
  const record = readRun(source.dir);
  const m = record.metrics;
  const s = record.summary;
  const sel = readSelectivity(source.dir);
  const best = m.reduce((b, x) => (Number.isFinite(x.testAcc) && x.testAcc > b ? x.testAcc : b), -Infinity);
  return {
    runId: source.runId,
    name: runTitle({ runId: path.basename(source.dir), meta: record.meta, label: record.label }),
    state: record.state,
    model: record.meta?.model ?? record.config?.model?.name,
    dataset: record.meta?.dataset ?? record.config?.data?.format,
    backend: record.meta?.backend ?? record.config?.backend,
    alpha: alphaOf(record),
    finalAlpha: m.length ? m[m.length - 1].alpha : undefined,
    seed: record.config?.train?.seed,
    epochs: record.meta?.epochs ?? record.config?.train?.epochs,
    epochsDone: s?.epochsDone ?? (m.length ? m[m.length - 1].epoch : 0),
    finalTestAcc: s?.finalTestAcc ?? lastFinite(m, (x) => x.testAcc),
    bestTestAcc: s?.bestTestAcc ?? (Number.isFinite(best) ? best : NaN),
    finalNetworkSI: s?.finalNetworkSI ?? (sel?.networkSI ?? lastFinite(m, (x) => x.networkSI)),
    layerMeanSI: layerMeans(record),
    metrics: m,
    selectivity: sel
      ? { epoch: sel.epoch, networkSI: sel.networkSI, layers: sel.layers.map((l) => ({ layer: l.layer, units: l.units, si: l.si })) }
      : undefined,
  };
}

/**
 * Reads every source; a folder that cannot be read becomes one problem sentence instead of failing the rest.
 * Display names are made unique (sweep runs share the config's name).
 */
export function readCompareRuns(sources: CompareSource[]): CompareData {
  const runs: CompareRun[] = [];
  const problems: string[] = [];
  for (const source of sources) {
    try {
      runs.push(readCompareRun(source));
    } catch (err) {
      problems.push(`${source.dir}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  stripCommonPrefix(runs);
  const dirOf = new Map(sources.map((s) => [s.runId, s.dir]));
  uniquify(runs, (r) => path.basename(dirOf.get(r.runId) ?? r.runId));
  uniquify(runs, (r) => r.runId);
  return { runs, problems };
}

/** Renames runs whose display name is shared by another run. */
function uniquify(runs: CompareRun[], rename: (r: CompareRun) => string): void {
  const count = new Map<string, number>();
  for (const r of runs) count.set(r.name, (count.get(r.name) ?? 0) + 1);
  for (const r of runs) if ((count.get(r.name) ?? 0) > 1) r.name = rename(r);
}

/**
 * Sweep runs are named "<sweep>--<run>" (or "<group>/<run>"): when every name shares that "<sweep>--" part,
 * legends and the table show only the distinguishing rest ("alpha=-1_seed=0").
 */
export function stripCommonPrefix(runs: CompareRun[]): void {
  if (runs.length < 2) return;
  let prefix = runs[0].name;
  for (const r of runs) while (!r.name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const dash = prefix.lastIndexOf('--');
  const cut = Math.max(dash < 0 ? 0 : dash + 2, prefix.lastIndexOf('/') + 1);
  if (cut <= 0) return;
  const rest = runs.map((r) => r.name.slice(cut));
  if (rest.some((n) => !n) || new Set(rest).size !== rest.length) return;
  runs.forEach((r, i) => (r.name = rest[i]));
}
