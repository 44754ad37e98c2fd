// Messages of the editor panel: the run stream (its Run tab) and the sweeps (its Sweep tab), one closed union
// each way.
import type { AnalysisKind, AnalysisResult } from '../analyses';
import type { SweepEvent, SweepIndex, SweepReportData } from '../sweep';
import type { CompareRequest } from './compare';
import type { CoreToHost, RunActionToHost, RunStreamToWebview } from './core';

/** One sweep as the Sweep tab shows it. */
export interface SweepViewState {
  sweepDir: string;
  index: SweepIndex;
  /** Full report data when the host has read the sweep folder (collectSweepReport); else built from the index. */
  report?: SweepReportData;
}

/** What the host sends the Sweep tab. */
export type HostToSweepTab =
  | { type: 'sweepSnapshot'; sweeps: SweepViewState[]; activeSweepDir?: string }
  | { type: 'sweepEvent'; event: SweepEvent }
  | { type: 'sweepReport'; data: SweepReportData };

/** What the Sweep tab asks of the host. */
export type SweepTabToHost =
  | { type: 'stopSweep'; sweepDir: string }
  | { type: 'resumeSweep'; sweepDir: string; retryFailed: boolean }
  | { type: 'openSweepReport'; sweepDir: string }
  /** Compute the analyses of its completed runs (sweep-analyze) for the figures vs alpha. */
  | { type: 'analyzeSweep'; sweepDir: string };

/** A run's analyses (protocol/analyses.ts) as the Run tab shows them: what its folder holds, what computes now. */
export type HostToAnalyses =
  /** Every result in the run folder's analyses/ (sent when the page asks and after one is written). */
  | { type: 'analysisResults'; runId: string; results: AnalysisResult[] }
  /** An analysis computing: how far (0..1), and its result so far where it has one (ablation: per layer). */
  | { type: 'analysisProgress'; runId: string; kind: AnalysisKind; what: string; done: number; partial?: AnalysisResult }
  /** It ended: with its result, or the one sentence why not (absent when cancelled). */
  | { type: 'analysisFinished'; runId: string; kind: AnalysisKind; outcome: 'completed' | 'cancelled' | 'failed'; error?: string };

/** What the Run tab asks about a run's analyses. */
export type AnalysesToHost =
  | { type: 'requestAnalyses'; runId: string }
  /** Compute one (similarity: the host asks which run to compare with; layers: these unit layers, not the default). */
  | { type: 'runAnalysis'; runId: string; kind: AnalysisKind; layers?: string[] }
  | { type: 'cancelAnalysis'; runId: string; kind: AnalysisKind };

/** Messages to the panel that are not the run stream: the Sweep tab's and the analyses'. */
export type HostToPanelExtras = HostToSweepTab | HostToAnalyses;

export type HostToPanel = RunStreamToWebview | HostToPanelExtras;

export type PanelToHost = CoreToHost | RunActionToHost | CompareRequest | SweepTabToHost | AnalysesToHost;
