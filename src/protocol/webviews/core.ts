// What every webview surface shares: the surface names, the messages any surface may send (ready, log, an
// exported chart to save), and the live run stream that the panel and the side bar both follow.
import type { EngineEvent } from '../events';
import type { RunViewState } from '../runView';
import type { LayerClassHistograms, LayerSelectivity } from '../selectivity';

/** Where a webview app runs: the editor panel, the side-bar Live view, the compare panel, the HTML sweep report. */
export type Surface = 'panel' | 'sidebar' | 'compare' | 'report';

/** The surfaces fed by the live run stream. */
export type LiveSurface = Extract<Surface, 'panel' | 'sidebar'>;

export type ExportMime = 'image/svg+xml' | 'image/png';

/** An exported chart for the host to save with a save dialog. SVG travels as text, PNG as base64. */
export interface SaveFileRequest {
  type: 'saveFile';
  /** Suggested file name, e.g. "si-histogram-conv1.svg". */
  name: string;
  mime: ExportMime;
  data: string;
  encoding: 'utf8' | 'base64';
}

/** Messages every surface may send. */
export type CoreToHost =
  /** The page is up (again, after being hidden): send it everything. */
  | { type: 'ready' }
  /** A line for the extension's log (errors in the page are otherwise invisible). */
  | { type: 'log'; message: string }
  | SaveFileRequest;

/**
 * The live run stream: a snapshot of every run, then each engine event as it comes. Per-unit arrays are sent
 * only for what a view shows: snapshots and selectivity events carry SI and preferred classes (older epochs'
 * emptied past a budget), no class means; classResponses events carry no layers, only the epoch they belong to.
 * A view asks for the rest (LayerDataRequest) and gets one 'layerData' answer.
 */
export type RunStreamToWebview =
  | { type: 'snapshot'; surface: LiveSurface; runs: RunViewState[]; activeRunId?: string }
  | { type: 'event'; event: EngineEvent }
  | { type: 'setActiveRun'; runId: string }
  | LayerData;

/** The answer to a LayerDataRequest: the arrays asked for, or why there are none. */
export interface LayerData {
  type: 'layerData';
  runId: string;
  epoch: number;
  layer: string;
  /** Set for unit histograms. */
  unit?: number;
  /** One layer's SI, preferred classes and class means at `epoch`. */
  selectivity?: LayerSelectivity;
  /** One unit's class histograms (`units` is 1: the unit's edges and counts only). */
  histograms?: LayerClassHistograms;
  /** One sentence saying why the arrays are not there (dropped and not in the run folder, not recorded...). */
  missing?: string;
}

/** What a live view asks for when it shows a layer or a unit whose arrays it does not hold. */
export type LayerDataRequest =
  | { type: 'requestLayer'; runId: string; epoch: number; layer: string }
  | { type: 'requestUnitHistograms'; runId: string; epoch: number; layer: string; unit: number };

/** What a view of the run stream may ask about a run. */
export type RunActionToHost =
  /** The user looks at this run now (the host loads its per-unit arrays from disk when needed). */
  | { type: 'selectRun'; runId: string }
  | { type: 'stopRun'; runId: string }
  | LayerDataRequest
  | ShowLayer;

/**
 * What a view shows while it follows the newest epoch: the host sends this layer's class means (and this unit's
 * histograms) with each new analysis, so a live view never has to ask. No layer: nothing beyond SI.
 */
export interface ShowLayer {
  type: 'showLayer';
  runId: string;
  layer?: string;
  unit?: number;
}

/** Open the run panel (on a run, else the active one). */
export type OpenPanelRequest = { type: 'openPanel'; runId?: string };

/** Any object with a string `type`: what may be a message at all (the switch on `type` decides the rest). */
export function hasMessageType(m: unknown): m is { type: string } {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
