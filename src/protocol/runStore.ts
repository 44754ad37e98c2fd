// Layout of a run folder on disk, shared so that host and CLI read what the engine writes.
export const RUN_FILES = {
  config: 'config.json',
  meta: 'meta.json',
  events: 'events.jsonl',
  metrics: 'metrics.jsonl',
  summary: 'summary.json',
  selectivityDir: 'selectivity',
  selectivityIndex: 'selectivity/index.json',
  checkpointsDir: 'checkpoints',
  lock: 'run.lock',
  /** The user's name and tags for the run (Rename Run..., Tag Run...); the engine never writes it. */
  label: 'label.json',
} as const;

/** label.json: a name that replaces the config's in every view (absent: the config's name), and tags. */
export interface RunLabel {
  label?: string;
  tags: string[];
}

/** selectivity/index.json: one entry per analysed epoch; arrays live in epoch-NNNN.bin as float32/int32/uint32. */
export interface SelectivityIndexEntry {
  epoch: number;
  file: string;
  networkSI: number;
  layers: Array<{
    layer: string;
    units: number;
    classes: number;
    bins: number;
    /** Byte offsets into the .bin file of each array. */
    si: number;
    preferred: number;
    classMeans: number;
    edges: number;
    counts: number;
  }>;
}

export interface SelectivityIndex {
  version: 1;
  epochs: SelectivityIndexEntry[];
}
