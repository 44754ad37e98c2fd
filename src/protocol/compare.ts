// "Compare runs" and chart export: messages between the host and the webview (engineer 9).
// The host reads the run folders (src/host/compareRuns.ts) and sends one 'compare' message to the compare panel;
// any webview may ask the host to save an exported chart.
import type { EpochMetrics, RunState } from './events';
import type { LayerSummary } from './selectivity';

export const COMPARE_COMMAND = 'selectivityLens.compareRuns';
/** The compare panel (an editor webview of its own, next to the run panel). */
export const COMPARE_VIEW_TYPE = 'selectivityLens.compare';
/** <body data-surface="compare"> picks the compare app in dist/webview.js. */
export const COMPARE_SURFACE = 'compare';

/** One layer's per-unit SI at the newest analysed epoch. */
export interface CompareLayerSI {
  layer: string;
  units: number;
  si: Float32Array;
}

/** Everything the compare view shows about one run, read from its folder. */
export interface CompareRun {
  runId: string;
  /** Display name (meta.name or the folder name); unique within one compare message. */
  name: string;
  state: RunState;
  model?: string;
  dataset?: string;
  backend?: string;
  /** config.selectivity.alpha as written: a number, or a schedule ("0*5 -1*15", [0, 0, -1]) shown as text. */
  alpha?: number | string;
  /** Alpha in effect at the last trained epoch (metrics), when known. */
  finalAlpha?: number;
  seed?: number;
  /** Planned epochs (meta / config) and epochs finished. */
  epochs?: number;
  epochsDone: number;
  finalTestAcc: number;
  bestTestAcc: number;
  finalNetworkSI: number;
  /** Per-layer mean SI of the final analysis (summary, else the newest metrics line). */
  layerMeanSI: LayerSummary[];
  metrics: EpochMetrics[];
  /** Per-unit SI of the newest analysed epoch; absent when the run was never analysed. */
  selectivity?: { epoch: number; networkSI: number; layers: CompareLayerSI[] };
}

export type CompareToWebview = {
  type: 'compare';
  runs: CompareRun[];
  /** Runs that could not be read (one sentence each, naming the folder). */
  problems?: string[];
};

/** Asks the host to open the compare panel on these runs (the sweep view, the run panel). */
export type CompareRequest = { type: 'compareRuns'; runIds: string[] };

export type ExportMime = 'image/svg+xml' | 'image/png';

/** An exported chart for the host to save with a save dialog. SVG travels as text, PNG as base64. */
export type SaveFileRequest = {
  type: 'saveFile';
  /** Suggested file name, e.g. "si-histogram-conv1.svg". */
  name: string;
  mime: ExportMime;
  data: string;
  encoding: 'utf8' | 'base64';
};

export type CompareWebviewToHost = CompareRequest | SaveFileRequest | { type: 'ready' } | { type: 'log'; message: string };

export function isSaveFileRequest(m: unknown): m is SaveFileRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Partial<SaveFileRequest>;
  return (
    r.type === 'saveFile' &&
    typeof r.name === 'string' &&
    (r.mime === 'image/svg+xml' || r.mime === 'image/png') &&
    typeof r.data === 'string' &&
    (r.encoding === 'utf8' || r.encoding === 'base64')
  );
}

export function isCompareRequest(m: unknown): m is CompareRequest {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Partial<CompareRequest>;
  return r.type === 'compareRuns' && Array.isArray(r.runIds) && r.runIds.every((id) => typeof id === 'string');
}
