// Messages of the compare panel: the host reads the compared run folders and sends them in one 'compare'
// message; the page may ask to open a run in the run panel. Any surface may ask for a comparison.
import type { EpochMetrics, RunState } from '../events';
import type { LayerSummary } from '../selectivity';
import type { CoreToHost, OpenPanelRequest } from './core';

/** One layer's per-unit SI at the newest analysed epoch. */
export interface CompareLayerSI {
  layer: string;
  units: number;
  si: Float32Array;
}

/** Everything the compare view shows about one run, read from its folder. */
export interface CompareRun {
  runId: string;
  /** Display name and tags (runName.ts's runTitle: the user's label, else meta.name, else the folder name); unique within one compare message. */
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

export type HostToCompare = {
  type: 'compare';
  runs: CompareRun[];
  /** Runs that could not be read (one sentence each, naming the folder). */
  problems?: string[];
};

/** Asks the host to open the compare panel on these runs (the sweep tab). */
export type CompareRequest = { type: 'compareRuns'; runIds: string[] };

export type CompareToHost = CoreToHost | OpenPanelRequest;
