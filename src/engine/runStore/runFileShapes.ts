// What a reader may take from a run folder's JSON files, checked field by field: an edited or damaged file is
// read for whatever of it still makes sense, and each part that does not is dropped with one sentence naming the
// file. Readers never throw on a file's content (the CLI's `info`, the Runs view, the panel and the sweep report
// all go through these).
import type { EpochMetrics, RunMeta, RunState, RunSummary, UnitLayerInfo } from '../../protocol/events';
import type { RunLabel, SelectivityIndex, SelectivityIndexEntry } from '../../protocol/runStore';
import type { LayerSummary } from '../../protocol/selectivity';

/** Receives one sentence per problem found, naming the file. */
export type ReadWarning = (message: string) => void;

type Obj = Record<string, unknown>;

const RUN_STATES: readonly RunState[] = ['queued', 'starting', 'running', 'stopping', 'completed', 'stopped', 'failed'];

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** null stands for a non-finite number in the files (JSON has none). */
const num = (v: unknown): number => (typeof v === 'number' ? v : NaN);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

function layerSummaries(v: unknown, file: string, where: string, warn: ReadWarning): LayerSummary[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    warn(`${file}: ${where}layers is not a list; the per-layer selectivity is not shown.`);
    return [];
  }
  const out = v.filter((l): l is Obj => isObject(l) && typeof l.layer === 'string').map((l) => ({ layer: l.layer as string, units: isCount(l.units) ? l.units : 0, meanSI: num(l.meanSI) }));
  if (out.length < v.length) warn(`${file}: ${v.length - out.length} of the ${where}layers entries are damaged and left out.`);
  return out;
}

/** summary.json; undefined (with a warning) when it says nothing usable about how the run ended. */
export function summaryFrom(raw: unknown, file: string, warn: ReadWarning): RunSummary | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || !RUN_STATES.includes(raw.state as RunState)) {
    warn(`${file} is damaged (no valid "state"); the run's state is taken from its other files.`);
    return undefined;
  }
  return {
    runId: typeof raw.runId === 'string' ? raw.runId : '',
    state: raw.state as RunState,
    epochsDone: isCount(raw.epochsDone) ? raw.epochsDone : 0,
    finalTestAcc: num(raw.finalTestAcc),
    finalNetworkSI: num(raw.finalNetworkSI),
    bestTestAcc: num(raw.bestTestAcc),
    layers: layerSummaries(raw.layers, file, '', warn),
    seconds: typeof raw.seconds === 'number' && raw.seconds >= 0 ? raw.seconds : 0,
    ...(typeof raw.error === 'string' ? { error: raw.error } : {}),
  };
}

/** meta.json; undefined (with a warning) when it is not an object. Lists that are not lists become empty. */
export function metaFrom(raw: unknown, file: string, warn: ReadWarning): RunMeta | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    warn(`${file} is damaged (not a JSON object); the run's name, model and data set are not shown.`);
    return undefined;
  }
  const str = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string) : '');
  const list = <T>(k: string, ok: (x: unknown) => x is T): T[] => {
    const v = raw[k];
    if (v === undefined) return [];
    if (!Array.isArray(v)) {
      warn(`${file}: "${k}" is not a list; it is not shown.`);
      return [];
    }
    return v.filter(ok);
  };
  const isLayer = (x: unknown): x is UnitLayerInfo => isObject(x) && typeof x.name === 'string' && isCount(x.units) && (x.kind === 'conv' || x.kind === 'dense');
  const isString = (x: unknown): x is string => typeof x === 'string';
  const meta: RunMeta = {
    runId: str('runId'),
    runDir: str('runDir'),
    name: str('name'),
    model: str('model'),
    dataset: str('dataset'),
    backend: str('backend'),
    threads: isCount(raw.threads) ? raw.threads : 0,
    params: isCount(raw.params) ? raw.params : 0,
    inputShape: list('inputShape', isCount),
    classNames: list('classNames', isString),
    layers: list('layers', isLayer),
    regularizedLayers: list('regularizedLayers', isString),
    trainSize: isCount(raw.trainSize) ? raw.trainSize : 0,
    testSize: isCount(raw.testSize) ? raw.testSize : 0,
    epochs: isCount(raw.epochs) ? raw.epochs : 0,
    startedAt: str('startedAt'),
  };
  if (raw.histogramLayers !== undefined) meta.histogramLayers = list('histogramLayers', isString);
  if (isCount(raw.resumedFromEpoch)) meta.resumedFromEpoch = raw.resumedFromEpoch;
  if (typeof raw.backendDevice === 'string') meta.backendDevice = raw.backendDevice;
  if (raw.backendSkipped !== undefined) meta.backendSkipped = list('backendSkipped', isString);
  return meta;
}

/** One line of metrics.jsonl; undefined (with a warning naming the line) when it is not an epoch's metrics. */
export function metricsFrom(raw: unknown, file: string, line: number, warn: ReadWarning): EpochMetrics | undefined {
  if (!isObject(raw) || !Number.isInteger(raw.epoch) || (raw.epoch as number) < 0) {
    warn(`${file} line ${line} is not an epoch's metrics; it is skipped.`);
    return undefined;
  }
  return {
    epoch: raw.epoch as number,
    alpha: num(raw.alpha),
    lr: num(raw.lr),
    trainCE: num(raw.trainCE),
    trainReg: num(raw.trainReg),
    trainSI: num(raw.trainSI),
    trainAcc: num(raw.trainAcc),
    testLoss: num(raw.testLoss),
    testAcc: num(raw.testAcc),
    networkSI: num(raw.networkSI),
    layers: layerSummaries(raw.layers, file, `line ${line}: `, warn),
    imgPerSec: num(raw.imgPerSec),
    seconds: num(raw.seconds),
  };
}

/** selectivity/index.json; the entries that do not describe a snapshot are dropped (with a warning). */
export function selectivityIndexFrom(raw: unknown, file: string, warn: ReadWarning): SelectivityIndex | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw) || !Array.isArray(raw.epochs)) {
    warn(`${file} is damaged ("epochs" is not a list); the run's per-unit selectivity is not shown.`);
    return undefined;
  }
  // Byte offsets; a layer without histograms has -1 for edges and counts.
  const isOffset = (v: unknown) => Number.isInteger(v) && (v as number) >= -1;
  const isLayerEntry = (l: unknown) =>
    isObject(l) &&
    typeof l.layer === 'string' &&
    ['units', 'classes', 'bins', 'si', 'preferred', 'classMeans'].every((k) => isCount(l[k])) &&
    isOffset(l.edges) &&
    isOffset(l.counts);
  const epochs = raw.epochs.filter(
    (e): e is SelectivityIndexEntry => isObject(e) && isCount(e.epoch) && typeof e.file === 'string' && Array.isArray(e.layers) && e.layers.every(isLayerEntry),
  );
  if (epochs.length < raw.epochs.length) warn(`${file}: ${raw.epochs.length - epochs.length} of its ${raw.epochs.length} epochs are damaged and left out.`);
  return { version: 1, epochs: epochs.map((e) => ({ ...e, networkSI: num(e.networkSI) })) };
}

/** label.json; undefined (with a warning) when it is not an object. A name that is not text, or tags that are not a list of text, are dropped. */
export function labelFrom(raw: unknown, file: string, warn: ReadWarning): RunLabel | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    warn(`${file} is damaged (not a JSON object); the run shows its config's name and no tags.`);
    return undefined;
  }
  const out: RunLabel = { tags: [] };
  if (typeof raw.label === 'string' && raw.label.trim()) out.label = raw.label.trim();
  else if (raw.label !== undefined && typeof raw.label !== 'string') warn(`${file}: "label" is not text; the run shows its config's name.`);
  if (Array.isArray(raw.tags)) {
    out.tags = raw.tags.filter((t): t is string => typeof t === 'string' && t.trim() !== '').map((t) => t.trim());
    if (out.tags.length < raw.tags.length) warn(`${file}: ${raw.tags.length - out.tags.length} of its tags are not text and are left out.`);
  } else if (raw.tags !== undefined) warn(`${file}: "tags" is not a list; the run shows no tags.`);
  return out;
}
