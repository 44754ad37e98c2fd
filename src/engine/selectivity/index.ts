// Class selectivity: differentiable batch terms for the regularizer, a plain-JS reference, and the
// held-out analysis accumulator.
export {
  SI_EPSILON,
  batchClassMeans,
  unitSelectivity,
  networkSelectivity,
  layerWeightVector,
  SelectivityLayout,
  selectivityRegularizer,
} from './batchSelectivity';
export type { BatchClassMeans, SelectivityTerms } from './batchSelectivity';
export { computeUnitSI, preferredClasses } from './reference';
export { SelectivityAccumulator, DEFAULT_HISTOGRAM_BINS } from './accumulator';
export type { AccumulatorOptions, SelectivityAnalysis } from './accumulator';
export { AUTO_HISTOGRAM_COUNTS, chooseHistogramLayers } from './histogramLayers';
export type { HistogramLayersChoice } from './histogramLayers';
