// Webview entry: one bundle for both surfaces, picked by <body data-surface="sidebar|panel">.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import './styles.css';
import { Store, type Surface } from './store';
import { watchTheme } from './theme';
import { onHostMessage, post } from './vscodeApi';
import { createPanel } from './views/panel';
import { createSidebar } from './views/sidebar';
import { mountSweep, type SweepMount } from './sweep/index';
// Engineer 9: compare panel (<body data-surface="compare">) and SVG/PNG export buttons on every chart.
import { startCompareApp } from './compare/app';
import { installChartExport } from './export/exportBar';

// Errors in the page are invisible to the user; hand them to the host's output channel.
window.addEventListener('error', (e) => post({ type: 'log', message: `webview error: ${e.message}` }));
window.addEventListener('unhandledrejection', (e) => post({ type: 'log', message: `webview error: ${String(e.reason)}` }));

function start(): void {
  if (document.body.dataset.surface === 'compare') {
    startCompareApp(document.getElementById('app') ?? document.body.appendChild(document.createElement('div')));
    return;
  }
  const surface: Surface = document.body.dataset.surface === 'sidebar' ? 'sidebar' : 'panel';
  document.body.classList.add(`surface-${surface}`);
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  app.id = 'app';
  const store = new Store(surface);
  let sweep: SweepMount | undefined;
  if (surface === 'panel') {
    const panel = createPanel(app, store);
    sweep = mountSweep(panel.sweepRoot, (m) => post(m as never));
    store.subscribe(panel.render);
  } else {
    store.subscribe(createSidebar(app, store).render);
  }
  onHostMessage((message) => {
    if (!store.handle(message)) sweep?.onMessage(message);
  });
  watchTheme(() => store.changed());
  installChartExport(app, (m) => post(m), (message) => post({ type: 'log', message: `Export failed: ${message}` }));
  store.changed();
  post({ type: 'ready' });
}

start();
