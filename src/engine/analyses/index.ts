// Analyses beyond selectivity histograms, each on a run's held-out set: ablation curves, representational
// similarity (CKA, SVCCA, PWCCA), PCA dimensionality, top-activating inputs and robustness.
export { openRun, chooseLayers, measureUnits, type AnalysisTarget, type OpenOptions, type LayerUnitStats } from './target';
export { runAblation, ablateLayer, descendingBySI, keepMask, DEFAULT_FRACTIONS, type RunAblationOptions } from './ablation';
export { runSimilarity, similarityScores, linearCka, debiasedCka, cca } from './similarity';
export { runDimensionality, layerDimensionality, participationRatio, componentsFor } from './dimensionality';
export { MomentAccumulator, PairMomentAccumulator } from './moments';
export { symmetricEigen } from './symmetricEigen';
export { splitAt, type LayerSplit } from './layerSplit';
export { runTopInputs, thumbnail } from './topInputs';
export { runRobustness, pixelBatches, DEFAULT_EPSILONS, DEFAULT_PGD_STEPS, type RobustnessOptions } from './robustness';
export { corruptImage, SEVERITIES } from './corruptions';
export { attackBatch, normalizer, type AttackSpec } from './adversarial';
