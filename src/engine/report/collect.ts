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
import { readMetrics } from '../runStore';
import { readRunSummary, readSweepIndex } from '../sweep/sweepFolder';

export interface CollectedRun extends ReportRun {
  runDir: string;
  config?: RunConfig;
  metrics: EpochMetrics[];
}

export interface CollectedSweep {
  index: SweepIndex;
  runs: CollectedRun[];
  data: SweepReportData;
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
  const runs: CollectedRun[] = index.runs.map((entry) => {
    const runDir = path.join(dir, entry.dir);
    const summary: RunSummary | undefined = readRunSummary(runDir);
    const metrics = readMetrics(runDir);
    const last = metrics[metrics.length - 1];
    const lastAnalysed = [...metrics].reverse().find((m) => Number.isFinite(num(m.networkSI)));
    const layers = summary?.layers?.length ? summary.layers : (lastAnalysed?.layers ?? []);
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
      networkSI: summary ? num(summary.finalNetworkSI) : num(lastAnalysed?.networkSI),
      layerSI,
      overrides: entry.overrides,
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
  return { index, runs, data };
}

/** Report data of a sweep folder (plain file reads; safe to call from the extension host). */
export function collectSweepReport(sweepDir: string): SweepReportData {
  return collectSweep(sweepDir).data;
}
