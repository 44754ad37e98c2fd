// The compare panel's app (<body data-surface="compare">): waits for the host's 'compare' message, keeps the
// picked layer / metric / y scale and the compared run ids across reloads, and gives every chart export buttons.
import type { CompareToWebview } from '../../src/protocol/compare';
import { installChartExport } from '../export/exportBar';
import { watchTheme } from '../theme';
import { loadPersisted, onHostMessage, post, savePersisted } from '../vscodeApi';
import { CompareView, type CompareUi } from './compareView';
import { fixCompareMessage } from './transport';
import './compare.css';

/** Persisted webview state: the host's panel serializer reads runIds to reopen the same comparison. */
export interface CompareState extends CompareUi {
  runIds?: string[];
}

export function startCompareApp(app: HTMLElement): CompareView {
  document.body.classList.add('surface-compare');
  app.classList.add('compare-app');
  const saved = loadPersisted<CompareState>();
  let state: CompareState = {
    runIds: Array.isArray(saved.runIds) ? saved.runIds.filter((x) => typeof x === 'string') : undefined,
    layer: typeof saved.layer === 'string' ? saved.layer : undefined,
    metric: typeof saved.metric === 'string' ? saved.metric : undefined,
    yMode: saved.yMode === 'share' || saved.yMode === 'count' ? saved.yMode : undefined,
  };
  const view = new CompareView(
    app,
    state,
    (ui) => {
      state = { ...state, ...ui };
      savePersisted(state);
    },
    (runId) => post({ type: 'openPanel', runId }),
  );
  installChartExport(app, (m) => post(m), (message) => post({ type: 'log', message: `Export failed: ${message}` }));
  onHostMessage((message) => {
    if (message.type !== 'compare') return;
    const data = fixCompareMessage(message as CompareToWebview);
    state = { ...state, runIds: data.runs.map((r) => r.runId) };
    savePersisted(state);
    view.update(data);
  });
  watchTheme(() => view.render());
  post({ type: 'ready' });
  return view;
}
