// A synthetic ResNet-50 / Tiny ImageNet run for the webview benchmark: the 49 ReLU unit layers of ResNet-50
// (22,720 units), 200 classes, and the class histograms of the deepest layer (2,048 x 200 x 20 bins) that
// `histogramLayers: "auto"` records. Values are seeded pseudo-random, so every run of the bench sees the same data.
import type { RunConfig } from '../../src/protocol/config';
import type { EngineEvent, EpochMetrics, RunMeta, UnitLayerInfo } from '../../src/protocol/events';
import type { LayerClassHistograms, LayerSelectivity } from '../../src/protocol/selectivity';

export const CLASSES = 200;
export const BINS = 20;
export const RUN_ID = 'bench-resnet50';

/** Stem ReLU plus relu1..3 of every bottleneck block, in network order. */
export function resnet50Layers(): UnitLayerInfo[] {
  const layers: UnitLayerInfo[] = [{ name: 'relu', units: 64, kind: 'conv' }];
  const stages: Array<[blocks: number, width: number]> = [[3, 64], [4, 128], [6, 256], [3, 512]];
  stages.forEach(([blocks, width], s) => {
    for (let b = 0; b < blocks; b++) {
      for (const [i, units] of [width, width, width * 4].entries()) layers.push({ name: `layer${s + 1}.${b}.relu${i + 1}`, units, kind: 'conv' });
    }
  });
  return layers;
}

export const LAYERS = resnet50Layers();
export const BIG_LAYER = LAYERS[LAYERS.length - 1].name;
export const SMALL_LAYER = LAYERS[0].name;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32;
}

export function runStarted(): EngineEvent {
  const meta: RunMeta = {
    runId: RUN_ID,
    runDir: '/tmp/bench-resnet50',
    name: 'resnet50-tiny-imagenet',
    model: 'resnet50',
    dataset: 'tiny-imagenet',
    backend: 'wasm',
    threads: 2,
    params: 23_917_832,
    inputShape: [64, 64, 3],
    classNames: Array.from({ length: CLASSES }, (_, c) => `n${String(1440764 + c * 9173).padStart(8, '0')}`),
    layers: LAYERS,
    regularizedLayers: LAYERS.map((l) => l.name),
    histogramLayers: [BIG_LAYER],
    trainSize: 100_000,
    testSize: 10_000,
    epochs: 1000,
    startedAt: '2026-12-02T00:00:00.000Z',
  };
  return { v: 1, type: 'runStarted', runId: RUN_ID, meta, config: { kind: 'run' } as unknown as RunConfig };
}

/** One epoch's events: its metrics, every layer's selectivity, the deepest layer's class histograms. */
export function epochEvents(epoch: number): EngineEvent[] {
  const rand = rng(epoch * 7919);
  const layers: LayerSelectivity[] = LAYERS.map((info) => {
    const U = info.units;
    const si = new Float32Array(U);
    const preferred = new Int32Array(U);
    const classMeans = new Float32Array(U * CLASSES);
    for (let u = 0; u < U; u++) {
      const p = Math.floor(rand() * CLASSES);
      preferred[u] = p;
      si[u] = Math.min(1, rand() * (0.2 + epoch / 100));
      for (let c = 0; c < CLASSES; c++) classMeans[u * CLASSES + c] = rand() * (c === p ? 3 : 1);
    }
    return { layer: info.name, units: U, classes: CLASSES, si, preferred, classMeans };
  });
  const mean = (xs: Float32Array) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const networkSI = layers.reduce((a, l) => a + mean(l.si), 0) / layers.length;
  const metrics: EpochMetrics = {
    epoch,
    alpha: -1,
    lr: 0.1,
    trainCE: 5 / (1 + epoch / 10),
    trainReg: 0.3,
    trainSI: networkSI * 1.1,
    trainAcc: Math.min(0.99, 0.02 + epoch / 120),
    testLoss: 5.2 / (1 + epoch / 12),
    testAcc: Math.min(0.7, 0.02 + epoch / 150),
    networkSI,
    layers: layers.map((l) => ({ layer: l.layer, units: l.units, meanSI: mean(l.si) })),
    imgPerSec: 180,
    seconds: 550,
  };
  const big = layers[layers.length - 1];
  const counts = new Uint32Array(big.units * CLASSES * BINS);
  for (let i = 0; i < counts.length; i++) counts[i] = Math.floor(rand() * 8);
  const edges = new Float32Array(big.units * (BINS + 1));
  for (let u = 0; u < big.units; u++) for (let b = 0; b <= BINS; b++) edges[u * (BINS + 1) + b] = (b / BINS) * 3;
  const histograms: LayerClassHistograms = { layer: big.layer, units: big.units, classes: CLASSES, bins: BINS, edges, counts };
  return [
    { v: 1, type: 'epoch', runId: RUN_ID, metrics },
    { v: 1, type: 'selectivity', runId: RUN_ID, epoch, networkSI, layers },
    { v: 1, type: 'classResponses', runId: RUN_ID, epoch, layers: [histograms] },
  ];
}
