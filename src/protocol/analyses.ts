// Results of the analyses beyond selectivity histograms (ablation, representational similarity,
// dimensionality, top-activating inputs, robustness), as the engine writes them into a run folder's
// analyses/ (or a sweep's) and the CLI, report and views read them. Plain JSON; every one has a `kind`.

/** Files of analyses/ inside a run folder (similarity is between two runs: it lands in the first one's). */
export const ANALYSIS_FILES = {
  dir: 'analyses',
  ablation: 'analyses/ablation.json',
  dimensionality: 'analyses/dimensionality.json',
  topInputs: 'analyses/top-inputs.json',
  robustness: 'analyses/robustness.json',
  /** analyses/similarity--<other run's folder name>.json */
  similarityPrefix: 'analyses/similarity--',
} as const;

export type AnalysisKind = 'ablation' | 'similarity' | 'dimensionality' | 'topInputs' | 'robustness';

/** The analyses sweep-analyze runs over a sweep's runs (those its figures vs alpha draw). */
export const SWEEP_ANALYSES = ['ablation', 'similarity', 'dimensionality', 'robustness'] as const;
export type SweepAnalysisName = (typeof SWEEP_ANALYSES)[number];

/** What every analysis result starts with: what was analysed, on how many samples, how long it took. */
export interface AnalysisHeader {
  version: 1;
  /** The checkpoint (or model file) analysed, and its epoch (0 when unknown). */
  model: string;
  epoch: number;
  createdAt: string;
  /** Held-out samples used. */
  samples: number;
  seconds: number;
}

// ---- Ablation ----

/** How a silenced unit's output is replaced: 0, or its mean over the held-out set (conv: one value per channel). */
export type AblationMode = 'zero' | 'mean';
export type AblationOrder = 'descending' | 'ascending' | 'random';

export interface AblationPoint {
  fraction: number;
  /** Units silenced (round(fraction * units)). */
  ablated: number;
  acc: number;
  loss: number;
}

export interface AblationRandomCurve {
  /** Seeds of the permutations. */
  seeds: number[];
  /** Per fraction: mean over permutations and a 95% band (Student t over permutations, clipped to [0, 1]). */
  mean: AblationPoint[];
  accLo: number[];
  accHi: number[];
  /** Accuracy of each permutation at each fraction: [permutation][fraction]. */
  perPermutation: number[][];
}

export interface AblationLayerCurves {
  layer: string;
  units: number;
  mode: AblationMode;
  /** Silencing the most selective units first. */
  descending: AblationPoint[];
  /** The least selective first. */
  ascending: AblationPoint[];
  random: AblationRandomCurve;
}

export interface AblationResult extends AnalysisHeader {
  kind: 'ablation';
  fractions: number[];
  baseline: { acc: number; loss: number };
  /** Chance accuracy (1 / classes), for the figures. */
  chance: number;
  layers: AblationLayerCurves[];
}

// ---- Similarity ----

export interface SimilarityScores {
  /** Linear CKA (biased HSIC). */
  cka: number;
  /** Linear CKA from the unbiased HSIC estimator: near 0 for unrelated representations. */
  ckaDebiased: number;
  /** Projection-weighted CCA (Morcos et al. 2018), weighted by the first run's units. */
  pwcca: number;
  /** Mean canonical correlation after keeping 99% of each side's variance (Raghu et al. 2017). */
  svcca: number;
  samples: number;
}

/** A unit is a channel's spatial mean (the selectivity unit), or each spatial position of a conv layer is a sample. */
export type SimilarityUnits = 'channel' | 'position';

export interface SimilarityResult extends AnalysisHeader {
  kind: 'similarity';
  runA: string;
  runB: string;
  modelB: string;
  units: SimilarityUnits;
  layersA: string[];
  layersB: string[];
  /** Scores for layersA[i] x layersB[j], row-major; only the diagonal when `pairing` is 'matching'. */
  pairing: 'matching' | 'all';
  pairs: Array<{ a: string; b: string } & SimilarityScores>;
}

// ---- Dimensionality ----

export interface LayerDimensionality {
  layer: string;
  units: number;
  /** (sum lambda)^2 / sum lambda^2 of the unit covariance. */
  participationRatio: number;
  components90: number;
  components95: number;
  /** Explained-variance fraction of the leading components (at most 64). */
  spectrum: number[];
}

export interface DimensionalityResult extends AnalysisHeader {
  kind: 'dimensionality';
  layers: LayerDimensionality[];
}

// ---- Top-activating inputs ----

export interface UnitTopInputs {
  unit: number;
  /** Held-out sample indices, strongest first, and their activations. */
  top: number[];
  values: number[];
  /** Per class: the class's top sample indices, strongest first. */
  perClass: number[][];
}

export interface LayerTopInputs {
  layer: string;
  units: UnitTopInputs[];
}

export interface TopInputsResult extends AnalysisHeader {
  kind: 'topInputs';
  k: number;
  perClassK: number;
  classNames: string[];
  /** Thumbnails of every sample named above: uint8 HWC, base64, thumbSize x thumbSize x channels. */
  thumbSize: number;
  channels: number;
  thumbnails: Record<string, string>;
  /** Labels of the samples named above. */
  labels: Record<string, number>;
  layers: LayerTopInputs[];
}

// ---- Robustness ----

export const CORRUPTIONS = ['gaussianNoise', 'blur', 'contrast', 'brightness', 'pixelate'] as const;
export type CorruptionName = (typeof CORRUPTIONS)[number];

export interface RobustnessResult extends AnalysisHeader {
  kind: 'robustness';
  seed: number;
  clean: { acc: number; loss: number };
  /** Accuracy at severities 1..5 of each corruption. */
  corruptions: Array<{ name: CorruptionName; accBySeverity: number[] }>;
  /** Mean accuracy over every corruption and severity. */
  meanCorruptionAcc: number;
  /** Epsilons in pixel units ([0, 1] scale, before normalisation). */
  adversarial: Array<{ attack: 'fgsm' | 'pgd'; eps: number; steps: number; acc: number }>;
}

export type AnalysisResult = AblationResult | SimilarityResult | DimensionalityResult | TopInputsResult | RobustnessResult;

/**
 * What `selectivity-lens <analysis> --json` prints, one JSON object a line: progress as it goes, a partial
 * result where the analysis has one (ablation: after each layer), then the result and the file it was written to
 * (sweep-analyze: a line per file written).
 */
export type AnalysisJsonLine =
  | { type: 'progress'; what: string; done: number }
  | { type: 'partial'; result: AnalysisResult }
  | { type: 'result'; file: string; result: AnalysisResult }
  /** `sweep-analyze --json`: one analysis of one of the sweep's runs written. */
  | { type: 'runResult'; run: string; file: string };

/** What each analysis is called in the views, progress notices and messages. */
export const ANALYSIS_LABELS: Record<AnalysisKind, string> = {
  ablation: 'Ablation',
  similarity: 'Similarity (CKA)',
  dimensionality: 'Dimensionality',
  topInputs: 'Top-activating images',
  robustness: 'Robustness',
};
