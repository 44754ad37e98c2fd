// Messages between the extension host and the webview app.
import type { EngineEvent, RunMeta, EpochMetrics, RunState, RunSummary } from './events';
import type { LayerClassHistograms, LayerSelectivity } from './selectivity';
import type { CompareRequest, CompareToWebview, SaveFileRequest } from './compare';

export type ThemeKind = 'light' | 'dark' | 'high-contrast' | 'high-contrast-light';

/** Everything the webview needs to draw one run from scratch. */
export interface RunViewState {
  runId: string;
  state: RunState;
  meta?: RunMeta;
  metrics: EpochMetrics[];
  progress?: { epoch: number; epochs: number; batch: number; batches: number; imgPerSec: number; etaSec: number };
  /** Selectivity per analysed epoch (the scrubber moves across these). */
  selectivity: Array<{ epoch: number; networkSI: number; layers: LayerSelectivity[] }>;
  /** Latest class-response histograms. */
  classResponses?: { epoch: number; layers: LayerClassHistograms[] };
  summary?: RunSummary;
  /** Added by engineer 6 (webview): the last error message the engine reported for this run. */
  error?: string;
}

export type HostToWebview =
  | { type: 'snapshot'; surface: 'sidebar' | 'panel'; runs: RunViewState[]; activeRunId?: string }
  | { type: 'event'; event: EngineEvent }
  | { type: 'setActiveRun'; runId: string }
  /** Engineer 9: the compare panel's data (src/protocol/compare.ts). */
  | CompareToWebview;

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'openPanel'; runId?: string }
  | { type: 'selectRun'; runId: string }
  | { type: 'stopRun'; runId: string }
  | { type: 'log'; message: string }
  /** Engineer 9: export a chart (any webview) / open the compare panel on these runs (src/protocol/compare.ts). */
  | SaveFileRequest
  | CompareRequest;
