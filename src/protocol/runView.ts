// The one reducer that turns engine events into what a run looks like on screen. The host keeps its
// snapshots with it and the webview applies live events with it, so both always agree.
import type { EngineEvent, EpochMetrics, RunMeta, RunState, RunSummary } from './events';
import type { RunLabel } from './runStore';
import type { LayerClassHistograms, LayerSelectivity } from './selectivity';

/** Everything a view needs to draw one run from scratch. */
export interface RunViewState {
  runId: string;
  state: RunState;
  meta?: RunMeta;
  metrics: EpochMetrics[];
  progress?: { epoch: number; epochs: number; batch: number; batches: number; imgPerSec: number; etaSec: number };
  /** A data.download under way before the run starts (cleared when it starts). */
  download?: { dataset: string; bytes: number; total: number };
  /** Selectivity per analysed epoch (the scrubber moves across these). */
  selectivity: Array<{ epoch: number; networkSI: number; layers: LayerSelectivity[] }>;
  /** Latest class-response histograms. */
  classResponses?: { epoch: number; layers: LayerClassHistograms[] };
  summary?: RunSummary;
  /** The last error message the engine reported for this run. */
  error?: string;
  /** Damaged run files that were read for what they still hold (one sentence each, naming the file). */
  warnings?: string[];
  /** Alpha of the first epoch as the run's config plans it (shown until an epoch reports its own). */
  plannedAlpha?: number;
  /** The user's name and tags from the run folder's label.json (runName.ts makes the display name). */
  label?: RunLabel;
}

export interface ApplyEventOptions {
  /**
   * Class-mean matrices of older analysed epochs are dropped (replaced by empty arrays) once all of them
   * together exceed this many bytes; SI and preferred classes are always kept. The newest epoch is never
   * trimmed. Default 64 MiB (ResNet50 at 200 classes is ~20 MB per epoch).
   */
  maxClassMeansBytes?: number;
  /**
   * SI and preferred classes of older analysed epochs are emptied too once all of them together exceed this many
   * bytes (a view asks for them again when it shows such an epoch), so 1,000 epochs of a ResNet-50 stay bounded.
   * Default: never (the host keeps them).
   */
  maxSIBytes?: number;
}

export const DEFAULT_MAX_CLASS_MEANS_BYTES = 64 * 1024 * 1024;

type SelectivityEntry = RunViewState['selectivity'][number];

/** A run that has been announced but not heard from yet. */
export function createRunViewState(runId: string): RunViewState {
  return { runId, state: 'queued', metrics: [], selectivity: [] };
}

/** The run an event belongs to, or undefined for engine-wide events (hello, global logs and errors). */
export function eventRunId(event: EngineEvent): string | undefined {
  return 'runId' in event ? event.runId : undefined;
}

/**
 * Applies one event to one run's view state and returns the new state. Never mutates its input (arrays are
 * copied where they change), returns `state` itself when the event does not concern this run or changes nothing.
 */
export function applyEvent(state: RunViewState, event: EngineEvent, options: ApplyEventOptions = {}): RunViewState {
  if (eventRunId(event) !== state.runId) return state;
  switch (event.type) {
    case 'runStarted':
      return {
        ...state,
        state: 'running',
        meta: event.meta,
        plannedAlpha: firstAlpha(event.config?.selectivity?.alpha),
        summary: undefined,
        error: undefined,
        download: undefined,
        // A resumed run keeps its history up to the resume epoch; a fresh start clears it.
        metrics: event.meta.resumedFromEpoch ? state.metrics.filter((m) => m.epoch <= event.meta.resumedFromEpoch!) : [],
        selectivity: event.meta.resumedFromEpoch
          ? state.selectivity.filter((s) => s.epoch <= event.meta.resumedFromEpoch!)
          : [],
        classResponses: event.meta.resumedFromEpoch ? state.classResponses : undefined,
      };
    case 'progress':
      return {
        ...state,
        state: isTerminal(state.state) || state.state === 'stopping' ? state.state : 'running',
        progress: {
          epoch: event.epoch,
          epochs: event.epochs,
          batch: event.batch,
          batches: event.batches,
          imgPerSec: event.imgPerSec,
          etaSec: event.etaSec,
        },
      };
    case 'dataDownload':
      if (isTerminal(state.state)) return state;
      return { ...state, download: { dataset: event.dataset, bytes: event.bytes, total: event.total } };
    case 'epoch':
      return { ...state, metrics: upsertByEpoch(state.metrics, event.metrics) };
    case 'selectivity': {
      const entry: SelectivityEntry = { epoch: event.epoch, networkSI: event.networkSI, layers: event.layers };
      const selectivity = trimSI(
        trimClassMeans(upsertByEpoch(state.selectivity, entry), options.maxClassMeansBytes ?? DEFAULT_MAX_CLASS_MEANS_BYTES),
        options.maxSIBytes ?? Infinity,
      );
      return { ...state, selectivity };
    }
    case 'classResponses':
      // Only the latest histograms are kept: they are the biggest arrays of all.
      if (state.classResponses && state.classResponses.epoch > event.epoch) return state;
      return { ...state, classResponses: { epoch: event.epoch, layers: event.layers } };
    case 'runFinished':
      return { ...state, state: event.summary.state, summary: event.summary, error: event.summary.error ?? state.error };
    case 'error':
      return { ...state, state: isTerminal(state.state) ? state.state : 'failed', error: event.message };
    case 'checkpoint':
    case 'log':
    case 'hello':
      return state;
  }
}

/** Applies events in order. */
export function applyEvents(state: RunViewState, events: Iterable<EngineEvent>, options?: ApplyEventOptions): RunViewState {
  let next = state;
  for (const event of events) next = applyEvent(next, event, options);
  return next;
}

/**
 * Applies an event to a list of runs: updates the run it belongs to, or appends a new run when a run we have
 * not seen starts. Returns the same array when nothing changed.
 */
export function applyEventToRuns(runs: RunViewState[], event: EngineEvent, options?: ApplyEventOptions): RunViewState[] {
  const runId = eventRunId(event);
  if (runId === undefined) return runs;
  const index = runs.findIndex((r) => r.runId === runId);
  if (index < 0) {
    if (event.type !== 'runStarted') return runs;
    return [...runs, applyEvent(createRunViewState(runId), event, options)];
  }
  const updated = applyEvent(runs[index], event, options);
  if (updated === runs[index]) return runs;
  const copy = runs.slice();
  copy[index] = updated;
  return copy;
}

export function isTerminal(state: RunViewState['state']): boolean {
  return state === 'completed' || state === 'stopped' || state === 'failed';
}

export function isActive(state: RunViewState['state']): boolean {
  return state === 'starting' || state === 'running' || state === 'stopping';
}

/** 0..1 through the whole run, from the latest progress event (or the finished epochs). */
export function progressFraction(state: RunViewState): number {
  if (state.state === 'completed') return 1;
  const p = state.progress;
  if (p && p.epochs > 0) {
    const batchPart = p.batches > 0 ? Math.min(1, p.batch / p.batches) : 0;
    return clamp01((p.epoch - 1 + batchPart) / p.epochs);
  }
  const epochs = state.meta?.epochs ?? 0;
  const last = latestMetrics(state);
  return epochs > 0 && last ? clamp01(last.epoch / epochs) : 0;
}

export function latestMetrics(state: RunViewState): EpochMetrics | undefined {
  return state.metrics.length ? state.metrics[state.metrics.length - 1] : undefined;
}

export function latestSelectivity(state: RunViewState): SelectivityEntry | undefined {
  return state.selectivity.length ? state.selectivity[state.selectivity.length - 1] : undefined;
}

/** The analysed epoch closest to `epoch` at or before it (the newest when `epoch` is undefined). */
export function selectivityAt(state: RunViewState, epoch?: number): SelectivityEntry | undefined {
  if (epoch === undefined) return latestSelectivity(state);
  let found: SelectivityEntry | undefined;
  for (const entry of state.selectivity) {
    if (entry.epoch <= epoch) found = entry;
    else break;
  }
  return found ?? state.selectivity[0];
}

export function findLayer(entry: SelectivityEntry | undefined, layer: string | undefined): LayerSelectivity | undefined {
  if (!entry || layer === undefined) return undefined;
  return entry.layers.find((l) => l.layer === layer);
}

/** True when this layer's class-mean matrix was dropped to save memory. */
export function classMeansTrimmed(layer: LayerSelectivity): boolean {
  return layer.classMeans.length !== layer.units * layer.classes;
}

/** True when this layer's SI and preferred classes were dropped to save memory. */
export function siTrimmed(layer: LayerSelectivity): boolean {
  return layer.si.length !== layer.units;
}

/** The regularization strength of the latest finished epoch, before the first one the config's first alpha. */
export function currentAlpha(state: RunViewState): number | undefined {
  return latestMetrics(state)?.alpha ?? state.plannedAlpha;
}

/** The first epoch's alpha of a config's alpha: a number, a per-epoch list, or a schedule like "0*5 -1*15". */
export function firstAlpha(alpha: number | number[] | string | undefined): number | undefined {
  if (typeof alpha === 'number') return Number.isFinite(alpha) ? alpha : undefined;
  if (Array.isArray(alpha)) return typeof alpha[0] === 'number' ? alpha[0] : undefined;
  if (typeof alpha !== 'string') return undefined;
  const first = Number.parseFloat(alpha.trim().split(/[\s*,]+/)[0] ?? '');
  return Number.isFinite(first) ? first : undefined;
}

function upsertByEpoch<T extends { epoch: number }>(list: T[], item: T): T[] {
  const copy = list.filter((x) => x.epoch !== item.epoch);
  copy.push(item);
  // Events normally arrive in order; sort only when they did not.
  if (copy.length > 1 && copy[copy.length - 2].epoch > item.epoch) copy.sort((a, b) => a.epoch - b.epoch);
  return copy;
}

function trimClassMeans(list: SelectivityEntry[], maxBytes: number): SelectivityEntry[] {
  let total = 0;
  for (const entry of list) for (const l of entry.layers) total += l.classMeans.byteLength;
  if (total <= maxBytes) return list;
  const out = list.slice();
  for (let i = 0; i < out.length - 1 && total > maxBytes; i++) {
    const entry = out[i];
    const freed = entry.layers.reduce((sum, l) => sum + l.classMeans.byteLength, 0);
    if (freed === 0) continue;
    out[i] = { ...entry, layers: entry.layers.map((l) => ({ ...l, classMeans: new Float32Array(0) })) };
    total -= freed;
  }
  return out;
}

function trimSI(list: SelectivityEntry[], maxBytes: number): SelectivityEntry[] {
  if (maxBytes === Infinity) return list;
  let total = 0;
  for (const entry of list) for (const l of entry.layers) total += l.si.byteLength + l.preferred.byteLength;
  if (total <= maxBytes) return list;
  const out = list.slice();
  for (let i = 0; i < out.length - 1 && total > maxBytes; i++) {
    const entry = out[i];
    const freed = entry.layers.reduce((sum, l) => sum + l.si.byteLength + l.preferred.byteLength, 0);
    if (freed === 0) continue;
    out[i] = {
      ...entry,
      layers: entry.layers.map((l) => ({ ...l, si: new Float32Array(0), preferred: new Int32Array(0), classMeans: new Float32Array(0) })),
    };
    total -= freed;
  }
  return out;
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
