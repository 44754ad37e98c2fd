// What the curves chart of the compare view can plot: epoch metrics of every run, or one layer's mean SI.
import type { CompareRun } from '../../src/protocol/webviews/compare';
import type { EpochMetrics } from '../../src/protocol/events';
import { fmtNum } from '../shared/format';

export interface CurveMetric {
  key: string;
  label: string;
  yFormat: (v: number) => string;
  /** Values that should stay in view (0 for SI). */
  yInclude?: number[];
  /** Axis ticks as percentages (accuracies: every view shows them in percent). */
  yPercent?: boolean;
  points(run: CompareRun): Array<[number, number]>;
}

const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const plain = (v: number) => fmtNum(v, 2);

function field(key: keyof EpochMetrics, label: string, yFormat = plain, yInclude?: number[]): CurveMetric {
  return {
    key,
    label,
    yFormat,
    yInclude,
    yPercent: yFormat === pct,
    points: (run) => run.metrics.map((m) => [m.epoch, Number(m[key])] as [number, number]),
  };
}

export const LAYER_PREFIX = 'layer:';

const BASE_METRICS: CurveMetric[] = [
  field('testAcc', 'Test accuracy', pct),
  field('trainAcc', 'Train accuracy', pct),
  field('networkSI', 'Network SI (held-out)', plain, [0]),
  field('testLoss', 'Test loss'),
  field('trainCE', 'Train cross-entropy'),
  field('trainSI', 'Train SI (batch)', plain, [0]),
  field('trainReg', 'Regularizer term (−α·SI)'),
  field('alpha', 'α'),
  field('lr', 'Learning rate'),
];

/** Every metric the runs can show: the fixed ones plus one "mean SI" per layer found in any run. */
export function curveMetrics(runs: CompareRun[]): CurveMetric[] {
  const layers: string[] = [];
  for (const r of runs) {
    for (const m of r.metrics) for (const l of m.layers ?? []) if (!layers.includes(l.layer)) layers.push(l.layer);
    for (const l of r.layerMeanSI) if (!layers.includes(l.layer)) layers.push(l.layer);
  }
  return [
    ...BASE_METRICS,
    ...layers.map(
      (layer): CurveMetric => ({
        key: `${LAYER_PREFIX}${layer}`,
        label: `Mean SI · ${layer}`,
        yFormat: plain,
        yInclude: [0],
        points: (run) => run.metrics.map((m) => [m.epoch, m.layers?.find((l) => l.layer === layer)?.meanSI ?? NaN] as [number, number]),
      }),
    ),
  ];
}
