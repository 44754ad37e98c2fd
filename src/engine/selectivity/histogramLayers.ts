// Which layers get per-unit, per-class activation histograms (the class-response charts). They cost
// units x classes x bins counts per analysis, in memory, in every selectivity snapshot on disk and in every
// classResponses event to the panel: 0.14 M for ResNet-20 on CIFAR-10 but 91 M (364 MB) for ResNet-50 on
// Tiny ImageNet's 200 classes. "auto" therefore records the deepest layers (where selectivity is highest
// and most studied) up to a budget; SI, preferred classes and class means are always recorded for every layer.
import type { UnitLayerInfo } from '../../protocol/events';
import { deepestLayersWithin } from './deepestLayers';

/** Counts "auto" may spend per analysis (32 MB as uint32): every layer of ResNet-20 even on 100 classes. */
export const AUTO_HISTOGRAM_COUNTS = 8_000_000;

export type HistogramLayersChoice = 'auto' | 'all' | readonly string[];

/** Names (in model order) of the layers whose histograms are recorded. */
export function chooseHistogramLayers(
  unitLayers: readonly UnitLayerInfo[],
  numClasses: number,
  bins: number,
  choice: HistogramLayersChoice,
  budget = AUTO_HISTOGRAM_COUNTS,
): string[] {
  if (choice === 'all') return unitLayers.map((l) => l.name);
  if (choice !== 'auto') return unitLayers.filter((l) => choice.includes(l.name)).map((l) => l.name);
  return deepestLayersWithin(unitLayers, numClasses * bins, budget);
}
