// Entry of dist/panel.js + dist/panel.css: the editor panel, its Run tab (the live run stream) and its Sweep tab.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
// Stylesheets in cascade order (dist/panel.css keeps this order).
import '../shared/styles.css';
import './panel.css';
import './sweep/sweep.css';
import '../shared/export/export.css';
import { appRoot, forwardErrors, pageReady } from '../shared/page';
import { Store } from '../shared/store';
import { hostChannel } from '../shared/vscodeApi';
import { AnalysesState } from './analyses/analysesState';
import { createPanel } from './panel';
import { mountSweep } from './sweep/sweepTab';

const host = hostChannel<'panel'>();
forwardErrors(host.post);

function start(): void {
  document.body.classList.add('surface-panel');
  const app = appRoot();
  const store = new Store('panel');
  const analyses = new AnalysesState();
  const panel = createPanel(app, store, analyses, host.post);
  const sweep = mountSweep(panel.sweepRoot, host.post);
  store.subscribe(panel.render);
  store.layerData.connect(host.post);
  host.onMessage((m) => {
    switch (m.type) {
      case 'snapshot':
      case 'event':
      case 'setActiveRun':
      case 'layerData':
        store.handle(m);
        break;
      case 'analysisResults':
      case 'analysisProgress':
      case 'analysisFinished':
        analyses.handle(m);
        store.changed();
        break;
      case 'sweepSnapshot':
      case 'sweepEvent':
      case 'sweepReport':
        sweep.handle(m);
        break;
      default: {
        // A message type this page does not know (a newer host): ignored.
        const _exhaustive: never = m;
        void _exhaustive;
      }
    }
  });
  store.changed();
  pageReady(app, host.post, () => store.changed());
}

start();
