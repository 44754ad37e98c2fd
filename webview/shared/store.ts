// State of a live surface (panel or side bar): the runs (kept with the shared reducer) plus what the user has
// selected. Changes are batched into one render per animation frame.
import type { EngineEvent } from '../../src/protocol/events';
import type { LiveSurface, RunStreamToWebview } from '../../src/protocol/webviews/core';
import { applyEventToRuns, isTerminal, type RunViewState } from '../../src/protocol/runView';
import { LayerDataCache } from './layerData';
import { eventFromWire, layerDataFromWire, runFromWire } from './runStreamWire';
import { loadPersisted, savePersisted } from './vscodeApi';

export type HeatmapNorm = 'row' | 'global';

/** SI kept in the page across epochs; older epochs' are asked for again when shown (1,000 epochs stay bounded). */
export const PAGE_MAX_SI_BYTES = 16 * 1024 * 1024;
/** Class means kept from events that carry them (the host sends them only on request). */
export const PAGE_MAX_CLASS_MEANS_BYTES = 32 * 1024 * 1024;

/** What survives a webview reload (small: never arrays). */
export interface UiSelection {
  activeRunId?: string;
  layer?: string;
  /** Selected unit of `layer` (its class-response view is open). */
  unit?: number;
  /** Analysed epoch shown; undefined follows the newest. */
  epoch?: number;
  tab: 'run' | 'sweep';
  norm: HeatmapNorm;
}

export class Store {
  runs: RunViewState[] = [];
  ui: UiSelection;
  /** Set once the first snapshot arrived. */
  ready = false;
  /** Per-unit arrays asked of the host for what the views show. */
  readonly layerData = new LayerDataCache();
  private listeners: Array<() => void> = [];
  private frame = 0;

  constructor(readonly surface: LiveSurface) {
    const saved = loadPersisted<UiSelection>();
    // A panel opened for a given run (<body data-run-id>) starts on it; otherwise where the user left off.
    const opened = document.body.dataset.runId;
    this.ui = {
      activeRunId: opened || (typeof saved.activeRunId === 'string' ? saved.activeRunId : undefined),
      layer: typeof saved.layer === 'string' ? saved.layer : undefined,
      unit: typeof saved.unit === 'number' ? saved.unit : undefined,
      epoch: typeof saved.epoch === 'number' ? saved.epoch : undefined,
      tab: saved.tab === 'sweep' ? 'sweep' : 'run',
      norm: saved.norm === 'global' ? 'global' : 'row',
    };
  }

  get activeRun(): RunViewState | undefined {
    return this.runs.find((r) => r.runId === this.ui.activeRunId) ?? this.runs[this.runs.length - 1];
  }

  subscribe(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Applies a message of the live run stream. */
  handle(m: RunStreamToWebview): void {
    switch (m.type) {
      case 'snapshot':
        this.runs = m.runs.map(runFromWire);
        this.layerData.clear();
        this.ready = true;
        // A persisted run id that is not (yet) in the list is kept: its runStarted may still come.
        if (m.activeRunId) this.ui.activeRunId = m.activeRunId;
        this.changed();
        break;
      case 'event':
        this.applyEvent(eventFromWire(m.event));
        break;
      case 'setActiveRun':
        this.select({ activeRunId: m.runId });
        break;
      case 'layerData':
        if (this.layerData.handle(layerDataFromWire(m))) this.changed();
        break;
      default: {
        const _exhaustive: never = m;
        void _exhaustive;
      }
    }
  }

  applyEvent(event: EngineEvent): void {
    const before = this.runs;
    this.runs = applyEventToRuns(this.runs, event, { maxSIBytes: PAGE_MAX_SI_BYTES, maxClassMeansBytes: PAGE_MAX_CLASS_MEANS_BYTES });
    if (this.runs === before) return;
    if (event.type === 'runStarted' && !event.meta.resumedFromEpoch) this.layerData.clear(event.runId);
    // Follow a newly started run unless the user is looking at one that is still going.
    if (event.type === 'runStarted') {
      const current = before.find((r) => r.runId === this.ui.activeRunId);
      if (!current || isTerminal(current.state) || current.runId === event.runId) {
        if (this.ui.activeRunId !== event.runId) this.ui = { ...this.ui, activeRunId: event.runId, unit: undefined, epoch: undefined };
      }
    }
    this.changed();
  }

  select(patch: Partial<UiSelection>): void {
    const next = { ...this.ui, ...patch };
    if (patch.activeRunId !== undefined && patch.activeRunId !== this.ui.activeRunId) {
      next.epoch = patch.epoch;
      next.unit = patch.unit;
    }
    if (patch.layer !== undefined && patch.layer !== this.ui.layer && !('unit' in patch)) next.unit = undefined;
    this.ui = next;
    savePersisted(this.ui);
    this.changed();
  }

  /** Schedules one render on the next animation frame. */
  changed(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const listener of this.listeners) listener();
    });
  }
}
