// Reads a sweep folder into report data: every run's final metrics (summary.json, falling back to the last
// line of metrics.jsonl) and per-layer SI, grouped and summarised by buildReportData.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunConfig } from '../../protocol/config';
import type { EpochMetrics, RunSummary } from '../../protocol/events';
import { RUN_FILES } from '../../protocol/runStore';
import { SWEEP_FILES, type ReportRun, type SweepIndex, type SweepReportData } from '../../protocol/sweep';
import { buildReportData } from '../../protocol/sweepStats';
import { EngineError } from '../errors';
import { readAnalyses, readMetrics, readRunSummary, readSweepIndex } from '../runStore';
import { baselineFor, summarizeAnalyses } from './analysesSummary';

export interface CollectedRun extends ReportRun {
  runDir: string;
  config?: RunConfig;
  metrics: EpochMetrics[];
}

export interface CollectedSweep {
  index: SweepIndex;
  runs: CollectedRun[];
  data: SweepReportData;
  /** Damaged run files that were read for what they still hold (one sentence each, naming the file). */
  warnings: string[];
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** NaN for missing values (JSON turns NaN into null). */
function num(v: unknown): number {
  return typeof v === 'number' ? v : NaN;
}

export function collectSweep(sweepDir: string): CollectedSweep {
  const dir = path.resolve(sweepDir);
  const index = readSweepIndex(dir);
  if (!index) {
    throw new EngineError('CONFIG_UNREADABLE', `${dir} is not a sweep folder (no ${SWEEP_FILES.index}).`, { file: dir });
  }
  const warnings: string[] = [];
  const warn = (w: string) => warnings.push(w);
  const completed = index.runs.filter((r) => r.status === 'completed');
  const runs: CollectedRun[] = index.runs.map((entry) => {
    const runDir = path.join(dir, entry.dir);
    const analyses = entry.status === 'completed' ? summarizeAnalyses(readAnalyses(runDir), baselineFor(entry, completed)?.dir) : undefined;
    const summary: RunSummary | undefined = readRunSummary(runDir, warn);
    const metrics = readMetrics(runDir, warn);
    const last = metrics[metrics.length - 1];
    const lastAnalyzed = [...metrics].reverse().find((m) => Number.isFinite(num(m.networkSI)));
    const layers = summary?.layers?.length ? summary.layers : (lastAnalyzed?.layers ?? []);
    const layerSI: Record<string, number> = {};
    for (const l of layers) layerSI[l.layer] = num(l.meanSI);
    const accs = metrics.map((m) => num(m.testAcc)).filter(Number.isFinite);
    return {
      name: entry.name,
      alpha: entry.alpha,
      seed: entry.seed,
      status: entry.status,
      epochs: summary?.epochsDone ?? metrics.length,
      testAcc: summary ? num(summary.finalTestAcc) : num(last?.testAcc),
      bestTestAcc: summary ? num(summary.bestTestAcc) : accs.length ? Math.max(...accs) : NaN,
      networkSI: summary ? num(summary.finalNetworkSI) : num(lastAnalyzed?.networkSI),
      layerSI,
      overrides: entry.overrides,
      ...(analyses ? { analyses } : {}),
      runDir,
      config: readJson<RunConfig>(path.join(runDir, RUN_FILES.config)),
      metrics,
    };
  });
  const layerOrder: string[] = [];
  for (const r of runs) for (const l of Object.keys(r.layerSI)) if (!layerOrder.includes(l)) layerOrder.push(l);
  const counts = { queued: 0, running: 0, completed: 0, failed: 0, stopped: 0 };
  for (const r of index.runs) counts[r.status]++;
  const data = buildReportData({
    sweepName: index.name,
    sweepDir: dir,
    runs: runs.map(({ runDir: _d, config: _c, metrics: _m, ...r }) => r),
    layers: layerOrder,
    counts,
  });
  const stored = readJson<{ config?: { base?: RunConfig } }>(path.join(dir, SWEEP_FILES.config));
  if (stored?.config?.base) data.baseConfig = stored.config.base;
  return { index, runs, data, warnings };
}

/** Report data of a sweep folder (plain file reads; safe to call from the extension host). */
export function collectSweepReport(sweepDir: string): SweepReportData {
  return collectSweep(sweepDir).data;
}
