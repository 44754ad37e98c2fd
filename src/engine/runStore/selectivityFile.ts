// One analysed epoch as a compact binary file: every layer's si (float32), preferred (int32), classMeans
// (float32), histogram edges (float32) and counts (uint32) concatenated, 4-byte aligned, little-endian.
// selectivity/index.json records the byte offset of each array (SelectivityIndexEntry).
import type { SelectivityIndexEntry } from '../../protocol/runStore';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';

export function epochFileName(epoch: number): string {
  return `epoch-${String(epoch).padStart(4, '0')}.bin`;
}

export function encodeSelectivity(
  epoch: number,
  networkSI: number,
  layers: LayerSelectivity[],
  histograms: LayerClassHistograms[],
): { bytes: Uint8Array; entry: SelectivityIndexEntry } {
  const parts: Uint8Array[] = [];
  let offset = 0;
  const put = (a: Float32Array | Int32Array | Uint32Array): number => {
    const at = offset;
    // Copy: the view may be a window on a larger (or unaligned) buffer.
    parts.push(new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice());
    offset += a.byteLength;
    return at;
  };
  const entry: SelectivityIndexEntry = { epoch, file: epochFileName(epoch), networkSI, layers: [] };
  for (const l of layers) {
    const h = histograms.find((x) => x.layer === l.layer);
    entry.layers.push({
      layer: l.layer,
      units: l.units,
      classes: l.classes,
      bins: h ? h.bins : 0,
      si: put(l.si),
      preferred: put(l.preferred),
      classMeans: put(l.classMeans),
      edges: h ? put(h.edges) : -1,
      counts: h ? put(h.counts) : -1,
    });
  }
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  return { bytes, entry };
}

/** `count` 4-byte values at byte offset `at` of one epoch file, as a fresh buffer. */
export type EpochFileRange = (at: number, count: number) => ArrayBuffer;

type LayerEntry = SelectivityIndexEntry['layers'][number];

/** A range reader over a whole epoch file held in memory. Throws RangeError past its end. */
function rangeOf(bytes: Uint8Array, file: string): EpochFileRange {
  return (at, count) => {
    const len = count * 4;
    if (at < 0 || at + len > bytes.byteLength) throw new RangeError(`selectivity file ${file} is shorter than its index says`);
    return bytes.buffer.slice(bytes.byteOffset + at, bytes.byteOffset + at + len) as ArrayBuffer;
  };
}

/** One layer's SI, preferred classes and class means. */
export function decodeLayerSelectivity(l: LayerEntry, take: EpochFileRange): LayerSelectivity {
  return {
    layer: l.layer,
    units: l.units,
    classes: l.classes,
    si: new Float32Array(take(l.si, l.units)),
    preferred: new Int32Array(take(l.preferred, l.units)),
    classMeans: new Float32Array(take(l.classMeans, l.units * l.classes)),
  };
}

/**
 * One layer's class-response histograms, or only unit `unit`'s (its row, with firstUnit set); undefined when the
 * layer recorded none or has no such unit.
 */
export function decodeLayerHistograms(l: LayerEntry, take: EpochFileRange, unit?: number): LayerClassHistograms | undefined {
  if (l.bins <= 0 || l.edges < 0 || l.counts < 0) return undefined;
  const perUnitEdges = l.bins + 1;
  const perUnitCounts = l.classes * l.bins;
  const first = unit ?? 0;
  const units = unit === undefined ? l.units : 1;
  if (!Number.isInteger(first) || first < 0 || first + units > l.units) return undefined;
  return {
    layer: l.layer,
    units,
    classes: l.classes,
    bins: l.bins,
    edges: new Float32Array(take(l.edges + first * perUnitEdges * 4, units * perUnitEdges)),
    counts: new Uint32Array(take(l.counts + first * perUnitCounts * 4, units * perUnitCounts)),
    ...(unit === undefined ? {} : { firstUnit: unit }),
  };
}

/** Inverse of encodeSelectivity. Throws RangeError when the file is shorter than the index says. */
export function decodeSelectivity(
  bytes: Uint8Array,
  entry: SelectivityIndexEntry,
): { layers: LayerSelectivity[]; histograms: LayerClassHistograms[] } {
  const take = rangeOf(bytes, entry.file);
  const layers: LayerSelectivity[] = [];
  const histograms: LayerClassHistograms[] = [];
  for (const l of entry.layers) {
    layers.push(decodeLayerSelectivity(l, take));
    const h = decodeLayerHistograms(l, take);
    if (h) histograms.push(h);
  }
  return { layers, histograms };
}
