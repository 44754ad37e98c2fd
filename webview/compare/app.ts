// The compare panel's app: waits for the host's 'compare' message, keeps the picked layer / metric / y scale and
// the compared run ids across reloads, and gives every chart export buttons.
import { pageReady } from '../shared/page';
import { loadPersisted, savePersisted, type HostChannel } from '../shared/vscodeApi';
import { CompareView, type CompareUi } from './compareView';
import { compareFromWire } from './compareWire';

/** Persisted webview state: the host's panel serializer reads runIds to reopen the same comparison. */
export interface CompareState extends CompareUi {
  runIds?: string[];
}

export function startCompareApp(app: HTMLElement, host: HostChannel<'compare'>): CompareView {
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
    (runId) => host.post({ type: 'openPanel', runId }),
  );
  host.onMessage((m) => {
    switch (m.type) {
      case 'compare': {
        const data = compareFromWire(m);
        state = { ...state, runIds: data.runs.map((r) => r.runId) };
        savePersisted(state);
        view.update(data);
        break;
      }
      default: {
        // A message type this page does not know (a newer host): ignored. HostToCompare is one type, not a union,
        // so TypeScript narrows its `type`, not the message itself.
        const _exhaustive: never = m.type;
        void _exhaustive;
      }
    }
  });
  pageReady(app, host.post, () => view.render());
  return view;
}
