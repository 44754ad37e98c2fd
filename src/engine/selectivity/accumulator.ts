// One-pass selectivity analysis of the held-out set. Per batch it adds, on the device and with matmuls only,
//   - class-conditional sums [C, U] and class counts [C]            (-> class means, SI, preferred class),
//   - per-unit per-class histogram counts [C, U * bins]             (-> LayerClassHistograms),
//   - per-unit running maxima [U]                                   (-> next analysis's bin edges),
// and reads everything back once in finish(). Activations are never materialised for the whole set.
//
// Histogram bins: `bins` equal-width bins per unit on [0, upper_u] (unit activations are post-ReLU, so >= 0).
// upper_u is 1.1 x the unit's maximum from the previous analysis when given (`upperEdges`, e.g. the previous
// result's `unitMax`), otherwise 1.5 x its maximum on the first batch. Values at or above upper_u fall into
// the last bin, so counts always sum to the number of samples. Dead units (upper 0) get a tiny range.
import * as tf from '@tensorflow/tfjs-core';
import type { UnitLayerInfo } from '../../protocol/events';
import type { LayerClassHistograms, LayerSelectivity } from '../../protocol/selectivity';
import { computeUnitSI, preferredClasses } from './reference';

export const DEFAULT_HISTOGRAM_BINS = 20;
const PREVIOUS_MAX_HEADROOM = 1.1;
const FIRST_BATCH_HEADROOM = 1.5;
const MIN_UPPER_EDGE = 1e-6;
/** Cap on the elements of one histogram one-hot block (b x unitsInChunk x bins), to bound device memory. */
const MAX_ONE_HOT_ELEMENTS = 1 << 22;

export interface AccumulatorOptions {
  unitLayers: UnitLayerInfo[];
  numClasses: number;
  bins?: number;
  /** Per-unit maxima (length totalUnits) from a previous analysis; sets the bins' upper edges. */
  upperEdges?: Float32Array;
  /** Layers whose units form the network SI (default all). */
  selectedLayers?: readonly string[] | 'all';
  /** Cap on one histogram one-hot block's elements (batch x units x bins); default 4M (16 MB). */
  maxOneHotElements?: number;
}

export interface SelectivityAnalysis {
  /** Mean over the selected layers of the mean SI of their units. */
  networkSI: number;
  layers: LayerSelectivity[];
  histograms: LayerClassHistograms[];
  /** Per-unit maximum activation seen (length totalUnits): pass as `upperEdges` to the next analysis. */
  unitMax: Float32Array;
  /** Samples per class. */
  classCounts: Float64Array;
  samples: number;
}

interface HistogramChunk {
  start: number;
  units: number;
  counts: tf.Tensor2D | null; // [C, units * bins]
}

export class SelectivityAccumulator {
  readonly bins: number;
  private readonly unitLayers: UnitLayerInfo[];
  private readonly numClasses: number;
  private readonly totalUnits: number;
  private readonly selected: readonly string[] | 'all';
  private upper: tf.Tensor1D | null = null; // [U]
  private binsPerUnit: tf.Tensor1D | null = null; // [U] bins / upper
  private sums: tf.Tensor2D | null = null; // [C, U]
  private counts: tf.Tensor1D | null = null; // [C]
  private max: tf.Tensor1D | null = null; // [U]
  private chunks: HistogramChunk[] = [];
  private chunkUnits = 0;
  private samples = 0;
  private readonly maxOneHotElements: number;

  constructor(options: AccumulatorOptions) {
    this.unitLayers = options.unitLayers;
    this.numClasses = options.numClasses;
    this.bins = options.bins ?? DEFAULT_HISTOGRAM_BINS;
    this.selected = options.selectedLayers ?? 'all';
    this.maxOneHotElements = options.maxOneHotElements ?? MAX_ONE_HOT_ELEMENTS;
    this.totalUnits = options.unitLayers.reduce((n, l) => n + l.units, 0);
    if (options.upperEdges) {
      if (options.upperEdges.length !== this.totalUnits) throw new Error(`upperEdges has ${options.upperEdges.length} values for ${this.totalUnits} units`);
      const upper = tf.tidy(() => tf.maximum(tf.mul(tf.tensor1d(options.upperEdges!), PREVIOUS_MAX_HEADROOM), MIN_UPPER_EDGE) as tf.Tensor1D);
      this.setUpper(upper);
    }
  }

  // State tensors are kept so that a caller's enclosing tidy never disposes them.
  private setUpper(upper: tf.Tensor1D): void {
    this.upper = tf.keep(upper);
    this.binsPerUnit = tf.keep(tf.tidy(() => tf.div(this.bins, upper) as tf.Tensor1D));
  }

  /** Add one batch: `unitMeans` [b, totalUnits] from BuiltModel.forward, `labels` [b]. Inputs stay the caller's. */
  add(unitMeans: tf.Tensor2D, labels: tf.Tensor1D): void {
    const [b, u] = unitMeans.shape;
    if (u !== this.totalUnits) throw new Error(`unitMeans has ${u} units, expected ${this.totalUnits}`);
    if (b === 0) return;
    if (!this.upper) {
      this.setUpper(tf.tidy(() => tf.maximum(tf.mul(tf.max(unitMeans, 0), FIRST_BATCH_HEADROOM), MIN_UPPER_EDGE) as tf.Tensor1D));
    }
    if (this.chunks.length === 0) this.planChunks(b);
    const replace = <T extends tf.Tensor>(old: T | null, next: T): T => {
      old?.dispose();
      return next;
    };
    tf.tidy(() => {
      const oneHot = tf.oneHot(tf.cast(labels, 'int32'), this.numClasses, 1, 0, 'float32') as tf.Tensor2D; // [b, C]
      // An explicit transpose of the small one-hot: wasm's transposeA matmul is ~20x slower.
      const classRows = tf.transpose(oneHot) as tf.Tensor2D; // [C, b]
      const sums = tf.matMul(classRows, unitMeans) as tf.Tensor2D;
      const counts = tf.sum(oneHot, 0) as tf.Tensor1D;
      const max = tf.max(unitMeans, 0) as tf.Tensor1D;
      this.sums = replace(this.sums, tf.keep(this.sums ? tf.add(this.sums, sums) : sums));
      this.counts = replace(this.counts, tf.keep(this.counts ? tf.add(this.counts, counts) : counts));
      this.max = replace(this.max, tf.keep(this.max ? tf.maximum(this.max, max) : max));
      // Bin index per (sample, unit); overflow clipped into the last bin.
      const binIndex = tf.cast(tf.clipByValue(tf.floor(tf.mul(unitMeans, this.binsPerUnit!)), 0, this.bins - 1), 'int32');
      for (const chunk of this.chunks) {
        const idx = chunk.units === u ? binIndex : tf.slice(binIndex, [0, chunk.start], [b, chunk.units]);
        const binHot = tf.reshape(tf.oneHot(idx, this.bins, 1, 0, 'float32'), [b, chunk.units * this.bins]);
        const counted = tf.matMul(classRows, binHot) as tf.Tensor2D; // [C, units * bins]
        chunk.counts = replace(chunk.counts, tf.keep(chunk.counts ? tf.add(chunk.counts, counted) : counted));
      }
    });
    this.samples += b;
  }

  /** Split the unit axis so that one batch's histogram one-hot block stays under maxOneHotElements. */
  private planChunks(batchSize: number): void {
    this.chunkUnits = Math.max(1, Math.floor(this.maxOneHotElements / (batchSize * this.bins)));
    for (let start = 0; start < this.totalUnits; start += this.chunkUnits) {
      this.chunks.push({ start, units: Math.min(this.chunkUnits, this.totalUnits - start), counts: null });
    }
  }

  /** Read the totals back (once) and compute per-layer selectivity, histograms and network SI. */
  async finish(): Promise<SelectivityAnalysis> {
    if (this.samples === 0 || !this.sums || !this.counts || !this.max || !this.upper) {
      throw new Error('SelectivityAccumulator.finish() called before any batch was added');
    }
    const C = this.numClasses;
    const U = this.totalUnits;
    const B = this.bins;
    const [sums, counts, unitMax, upper, ...chunkCounts] = (await Promise.all([
      this.sums.data(),
      this.counts.data(),
      this.max.data(),
      this.upper.data(),
      ...this.chunks.map((c) => c.counts!.data()),
    ])) as Float32Array[];
    const present = Array.from(counts, (n) => n > 0);
    const layers: LayerSelectivity[] = [];
    const histograms: LayerClassHistograms[] = [];
    let offset = 0;
    let siTotal = 0;
    let selectedCount = 0;
    for (const layer of this.unitLayers) {
      const n = layer.units;
      const classMeans = new Float32Array(n * C);
      for (let u = 0; u < n; u++) {
        for (let c = 0; c < C; c++) classMeans[u * C + c] = counts[c] > 0 ? sums[c * U + offset + u] / counts[c] : 0;
      }
      const si = computeUnitSI(classMeans, n, C, present);
      layers.push({ layer: layer.name, units: n, classes: C, si, preferred: preferredClasses(classMeans, n, C, present), classMeans });
      if (this.selected === 'all' || this.selected.includes(layer.name)) {
        siTotal += si.reduce((a, v) => a + v, 0) / n;
        selectedCount++;
      }
      const edges = new Float32Array(n * (B + 1));
      const hist = new Uint32Array(n * C * B);
      for (let u = 0; u < n; u++) {
        const unit = offset + u;
        for (let k = 0; k <= B; k++) edges[u * (B + 1) + k] = (upper[unit] * k) / B;
        const ci = Math.floor(unit / this.chunkUnits);
        const chunk = this.chunks[ci];
        const data = chunkCounts[ci];
        const row = chunk.units * B;
        for (let c = 0; c < C; c++) {
          for (let k = 0; k < B; k++) hist[(u * C + c) * B + k] = Math.round(data[c * row + (unit - chunk.start) * B + k]);
        }
      }
      histograms.push({ layer: layer.name, units: n, classes: C, bins: B, edges, counts: hist });
      offset += n;
    }
    return {
      networkSI: selectedCount ? siTotal / selectedCount : 0,
      layers,
      histograms,
      unitMax: Float32Array.from(unitMax),
      classCounts: Float64Array.from(counts),
      samples: this.samples,
    };
  }

  dispose(): void {
    const held: (tf.Tensor | null)[] = [this.upper, this.binsPerUnit, this.sums, this.counts, this.max, ...this.chunks.map((c) => c.counts)];
    tf.dispose(held.filter((t): t is tf.Tensor => t != null));
    this.upper = this.binsPerUnit = this.sums = this.counts = this.max = null;
    this.chunks = [];
  }
}
