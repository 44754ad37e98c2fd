// The held-out selectivity analysis as both training (each analysis epoch, and epoch 0) and `analyze` (one
// model) run it: evaluate with an accumulator in the same pass, then write the snapshot and stream it.
import type { EngineEvent } from '../../protocol/events';
import type { LayerSummary } from '../../protocol/selectivity';
import type { BuiltModel, Dataset } from '../contracts';
import type { RunWriter } from '../runStore';
import { type AccumulatorOptions, SelectivityAccumulator, type SelectivityAnalysis } from '../selectivity';
import { evaluate, type Evaluation } from './evaluate';

type AnalysisOptions = Omit<AccumulatorOptions, 'unitLayers' | 'numClasses'>;

/** Test loss and accuracy on the held-out set, with the selectivity analysis in the same pass when `analysis` is given. */
export async function evaluateAndAnalyze(
  built: BuiltModel,
  ds: Dataset,
  batchSize: number,
  analysis: AnalysisOptions,
): Promise<{ test: Evaluation; analysis: SelectivityAnalysis }>;
export async function evaluateAndAnalyze(
  built: BuiltModel,
  ds: Dataset,
  batchSize: number,
  analysis?: AnalysisOptions,
): Promise<{ test: Evaluation; analysis?: SelectivityAnalysis }>;
export async function evaluateAndAnalyze(
  built: BuiltModel,
  ds: Dataset,
  batchSize: number,
  analysis?: AnalysisOptions,
): Promise<{ test: Evaluation; analysis?: SelectivityAnalysis }> {
  const accumulator = analysis
    ? new SelectivityAccumulator({ ...analysis, unitLayers: built.unitLayers, numClasses: ds.classNames.length })
    : undefined;
  try {
    const test = await evaluate(built, ds, batchSize, accumulator);
    return { test, analysis: accumulator ? await accumulator.finish() : undefined };
  } finally {
    accumulator?.dispose();
  }
}

/** Writes an analysis as the epoch's selectivity snapshot and streams it; returns the per-layer summary. */
export async function publishAnalysis(
  run: { runId: string; writer: RunWriter; emit: (e: EngineEvent) => void },
  epoch: number,
  analysis: SelectivityAnalysis,
): Promise<LayerSummary[]> {
  const { runId } = run;
  await run.writer.writeSelectivity(epoch, analysis.networkSI, analysis.layers, analysis.histograms);
  run.emit({ v: 1, type: 'selectivity', runId, epoch, networkSI: analysis.networkSI, layers: analysis.layers });
  run.emit({ v: 1, type: 'classResponses', runId, epoch, layers: analysis.histograms });
  return analysis.layers.map((l) => ({ layer: l.layer, units: l.units, meanSI: meanOf(l.si) }));
}

function meanOf(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return a.length ? s / a.length : NaN;
}
