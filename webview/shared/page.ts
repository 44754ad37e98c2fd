// What every surface's entry does first (errors in the page go to the host's log, where the user can see them;
// the app is drawn into the host's <div id="app">) and last (theme, export buttons, 'ready').
import type { CoreToHost } from '../../src/protocol/webviews/core';
import { installChartExport } from './export/exportBar';
import { watchTheme } from './theme';

export function forwardErrors(post: (message: CoreToHost) => void): void {
  window.addEventListener('error', (e) => post({ type: 'log', message: `webview error: ${e.message}` }));
  window.addEventListener('unhandledrejection', (e) => post({ type: 'log', message: `webview error: ${String(e.reason)}` }));
}

export function appRoot(): HTMLElement {
  const app = document.getElementById('app') ?? document.body.appendChild(document.createElement('div'));
  app.id = 'app';
  return app;
}

/**
 * The last step of every surface's entry, once its views listen for the host: redraw when the theme changes,
 * give every chart its export buttons, and tell the host the page is ready for its data.
 */
export function pageReady(app: HTMLElement, post: (message: CoreToHost) => void, redraw: () => void): void {
  watchTheme(redraw);
  installChartExport(app, post, (message) => post({ type: 'log', message: `Export failed: ${message}` }));
  post({ type: 'ready' });
}
