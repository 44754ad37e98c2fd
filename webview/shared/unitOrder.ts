// A layer's units ranked by SI: the heatmap's rows, the SI histogram's bin lists, the unit view's rank and its
// up/down steps all follow this one order, computed once per SI array.
/** Units sorted by SI, highest first (NaN last). Cached per SI array. */
const orderCache = new WeakMap<Float32Array, Int32Array>();
export function unitsBySI(si: Float32Array): Int32Array {
  let order = orderCache.get(si);
  if (!order) {
    order = Int32Array.from(si.keys());
    order.sort((a, b) => {
      const sa = Number.isFinite(si[a]) ? si[a] : -Infinity;
      const sb = Number.isFinite(si[b]) ? si[b] : -Infinity;
      return sb - sa || a - b;
    });
    orderCache.set(si, order);
  }
  return order;
}
