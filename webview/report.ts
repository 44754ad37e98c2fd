// Entry of dist/report.js, inlined into the self-contained HTML sweep report: draws the figures from the JSON
// embedded in the page. In Node (no document) it only exposes figureSvgs, which the engine uses to export
// the same figures as .svg files.
import type { SweepReportData } from '../src/protocol/sweep';
import { figureSvgs } from './sweep/figures';
import { renderSweepFigures } from './sweep/view';

const api = { figureSvgs, renderSweepFigures };
(globalThis as unknown as { SelectivityLensReport: typeof api }).SelectivityLensReport = api;

function start(): void {
  const dataNode = document.getElementById('sweep-report-data');
  const target = document.getElementById('sweep-figures');
  if (!dataNode || !target) return;
  const data = JSON.parse(dataNode.textContent ?? '{}') as SweepReportData;
  renderSweepFigures(target, data, { fg: '#1f1f1f' });
  document.body.setAttribute('data-figures-ready', 'true');
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}
