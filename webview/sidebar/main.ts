// Entry of dist/sidebar.js + dist/sidebar.css: the side-bar Live view of the active run.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
// Stylesheets in cascade order (dist/sidebar.css keeps this order).
import '../shared/styles.css';
import './sidebar.css';
import '../shared/export/export.css';
import { appRoot, forwardErrors, pageReady } from '../shared/page';
import { Store } from '../shared/store';
import { hostChannel } from '../shared/vscodeApi';
import { createSidebar } from './sidebar';

const host = hostChannel<'sidebar'>();
forwardErrors(host.post);

function start(): void {
  document.body.classList.add('surface-sidebar');
  const app = appRoot();
  const store = new Store('sidebar');
  store.subscribe(createSidebar(app, store, host.post).render);
  store.layerData.connect(host.post);
  host.onMessage((m) => {
    switch (m.type) {
      case 'snapshot':
      case 'event':
      case 'setActiveRun':
      case 'layerData':
        store.handle(m);
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
