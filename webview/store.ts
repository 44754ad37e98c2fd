// App state: the runs (kept with the shared reducer) plus what the user has selected. Changes are batched
// into one render per animation frame.
import type { EngineEvent } from '../src/protocol/events';
import type { HostToWebview, RunViewState } from '../src/protocol/webview';
import { applyEventToRuns, isTerminal } from '../src/protocol/runView';
import { fixEvent, fixRun } from './typedArrays';
import { loadPersisted, savePersisted } from './vscodeApi';

export type Surface = 'sidebar' | 'panel';
export type HeatmapNorm = 'row' | 'global';

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
  private listeners: Array<() => void> = [];
  private frame = 0;

  constructor(readonly surface: Surface) {
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

  /** Handles a host message; returns false for messages that are not about runs. */
  handle(message: HostToWebview | { type: string }): boolean {
    const m = message as HostToWebview;
    switch (m.type) {
      case 'snapshot':
        this.runs = m.runs.map(fixRun);
        this.ready = true;
        // A persisted run id that is not (yet) in the list is kept: its runStarted may still come.
        if (m.activeRunId) this.ui.activeRunId = m.activeRunId;
        this.changed();
        return true;
      case 'event':
        this.applyEvent(fixEvent(m.event));
        return true;
      case 'setActiveRun':
        this.select({ activeRunId: m.runId });
        return true;
      default:
        return false;
    }
  }

  applyEvent(event: EngineEvent): void {
    const before = this.runs;
    this.runs = applyEventToRuns(this.runs, event);
    if (this.runs === before) return;
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
