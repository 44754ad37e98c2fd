// The deepest unit layers whose per-unit cost fits a budget: what "auto" records where recording every layer of a
// big network (ResNet-50 on 200 classes) would cost hundreds of MB. Deep layers are where selectivity is highest
// and most studied; the deepest one is always chosen, whatever its size.
import type { UnitLayerInfo } from '../../protocol/events';

/** Names (in model order) of the deepest layers whose summed `unitCost x units` stays within `budget`. */
export function deepestLayersWithin(unitLayers: readonly UnitLayerInfo[], unitCost: number, budget: number): string[] {
  const chosen = new Set<string>();
  let spent = 0;
  for (let i = unitLayers.length - 1; i >= 0; i--) {
    const cost = unitLayers[i].units * unitCost;
    if (chosen.size > 0 && spent + cost > budget) break;
    chosen.add(unitLayers[i].name);
    spent += cost;
  }
  return unitLayers.filter((l) => chosen.has(l.name)).map((l) => l.name);
}
