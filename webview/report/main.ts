// Entry of dist/report.js, inlined into the self-contained HTML sweep report: draws the figures from the report
// data the engine wrote into the page (ids in src/protocol/webviews/report.ts), with hover linking.
import { REPORT_PAGE, type ReportPageData } from '../../src/protocol/webviews/report';
import { renderSweepFigures } from '../shared/sweepFigureView';

function start(): void {
  const dataNode = document.getElementById(REPORT_PAGE.dataId);
  const target = document.getElementById(REPORT_PAGE.figuresId);
  if (!dataNode || !target) return;
  const data = JSON.parse(dataNode.textContent ?? '{}') as ReportPageData;
  renderSweepFigures(target, data, { fg: '#1f1f1f' });
  document.body.setAttribute('data-figures-ready', 'true');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
