// Per-unit selectivity data shared by engine (producer), host (relay) and webview (consumer).

/** One layer's units as measured on the held-out set. Typed arrays travel as binary. */
export interface LayerSelectivity {
  layer: string;
  units: number;
  classes: number;
  /** SI per unit, length = units. */
  si: Float32Array;
  /** Preferred (argmax class-mean) class per unit, length = units. */
  preferred: Int32Array;
  /** Class-conditional mean activation, row-major [unit][class], length = units * classes. */
  classMeans: Float32Array;
}

/** Per-unit, per-class activation histograms of one layer (fixed bins). */
export interface LayerClassHistograms {
  layer: string;
  units: number;
  classes: number;
  bins: number;
  /** Bin edges per unit, row-major [unit][bins + 1]. */
  edges: Float32Array;
  /** Counts, row-major [unit][class][bin], length = units * classes * bins. */
  counts: Uint32Array;
  /** Set when these are some units of the layer only (a view's one unit): the layer's index of row 0. */
  firstUnit?: number;
}

export interface SelectivitySnapshot {
  epoch: number;
  networkSI: number;
  layers: LayerSelectivity[];
}

/** Simple summary statistics of a layer's SI distribution. */
export interface LayerSummary {
  layer: string;
  units: number;
  meanSI: number;
}
