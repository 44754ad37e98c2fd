// A few lines a person reads for each analysis result (the CLI after a command, and `info`). No tfjs.
import type { AnalysisResult } from '../../protocol/analyses';

const pct = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : '-');
const num = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

/** Index of the fraction closest to `f`. */
function nearest(fractions: number[], f: number): number {
  let best = 0;
  for (let i = 1; i < fractions.length; i++) if (Math.abs(fractions[i] - f) < Math.abs(fractions[best] - f)) best = i;
  return best;
}

export function summaryLines(r: AnalysisResult): string[] {
  const head = `${r.samples} held-out samples, epoch ${r.epoch}, ${r.seconds.toFixed(1)} s`;
  switch (r.kind) {
    case 'ablation': {
      const i = nearest(r.fractions, 0.5);
      const out = [`ablation (${head}): baseline acc ${pct(r.baseline.acc)}, chance ${pct(r.chance)}; accuracy at ${pct(r.fractions[i])} of units silenced:`];
      for (const l of r.layers) {
        out.push(
          `  ${l.layer.padEnd(20)} ${l.mode.padEnd(4)}  most selective first ${pct(l.descending[i].acc).padStart(6)}  least selective first ${pct(l.ascending[i].acc).padStart(6)}  random ${pct(l.random.mean[i].acc).padStart(6)} [${pct(l.random.accLo[i])}, ${pct(l.random.accHi[i])}]`,
        );
      }
      return out;
    }
    case 'similarity':
      return [
        `similarity (${head}) of ${r.runA} and ${r.runB}:`,
        ...r.pairs.map((p) => `  ${`${p.a} ~ ${p.b}`.padEnd(30)} CKA ${num(p.cka)}  debiased ${num(p.ckaDebiased)}  PWCCA ${num(p.pwcca)}  SVCCA ${num(p.svcca)}`),
      ];
    case 'dimensionality':
      return [
        `dimensionality (${head}):`,
        ...r.layers.map((l) => `  ${l.layer.padEnd(20)} ${String(l.units).padStart(5)} units  participation ratio ${num(l.participationRatio, 2).padStart(7)}  90%: ${l.components90}  95%: ${l.components95}`),
      ];
    case 'topInputs':
      return [`top inputs (${head}): top ${r.k} per unit and ${r.perClassK} per class, ${r.layers.length} layers, ${Object.keys(r.thumbnails).length} thumbnails`];
    case 'robustness':
      return [
        `robustness (${head}): clean ${pct(r.clean.acc)}, mean over corruptions ${pct(r.meanCorruptionAcc)}`,
        ...r.corruptions.map((c) => `  ${c.name.padEnd(14)} severity 1-5: ${c.accBySeverity.map(pct).join('  ')}`),
        ...r.adversarial.map((a) => `  ${a.attack.toUpperCase().padEnd(4)} eps ${String(a.eps).padEnd(5)}${a.attack === 'pgd' ? ` (${a.steps} steps)` : ''}: ${pct(a.acc)}`),
      ];
  }
}
