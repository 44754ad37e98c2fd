// The HTML shell of every webview (editor panel, side-bar view, compare panel): a strict Content-Security-Policy,
// one nonce'd script (the surface's own bundle, dist/<surface>.js), no inline handlers, no remote origins.
// Plain Node: no vscode.
import { randomBytes } from 'node:crypto';
import type { Surface } from '../../../protocol/webviews/core';

/** The surfaces that live in VS Code webviews (the sweep report is a file of its own). */
export type WebviewSurface = Exclude<Surface, 'report'>;

/** The bundle and stylesheet of a surface, relative to the extension folder. */
export function surfaceAssets(surface: WebviewSurface): { script: string; style: string } {
  return { script: `dist/${surface}.js`, style: `dist/${surface}.css` };
}

export interface WebviewHtmlInput {
  /** webview.cspSource: the origin the webview serves local resources from. */
  cspSource: string;
  /** webview.asWebviewUri(dist/<surface>.js).toString() */
  scriptUri: string;
  /** Optional stylesheet (dist/<surface>.css). */
  styleUri?: string;
  surface: WebviewSurface;
  /** Run the view starts on. */
  runId?: string;
  nonce?: string;
  title?: string;
}

export function makeNonce(): string {
  return randomBytes(18).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource} data: blob:`,
    `font-src ${cspSource}`,
    // Styles only from dist/<surface>.css (the app uses constructed stylesheets and CSSOM, never style="").
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The heatmap builds its images in a Worker made from a blob: URL (webview/panel/heatmapWorker.ts).
    'worker-src blob:',
    "connect-src 'none'",
    "frame-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
}

export function renderWebviewHtml(input: WebviewHtmlInput): string {
  const nonce = input.nonce ?? makeNonce();
  const csp = contentSecurityPolicy(input.cspSource, nonce);
  const runAttr = input.runId ? ` data-run-id="${escapeAttr(input.runId)}"` : '';
  const style = input.styleUri ? `\n    <link rel="stylesheet" href="${escapeAttr(input.styleUri)}">` : '';
  return `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <title>${escapeText(input.title ?? 'Selectivity Lens')}</title>${style}
  </head>
  <body data-surface="${input.surface}"${runAttr}>
    <div id="app" data-surface="${input.surface}"></div>
    <script nonce="${nonce}" src="${escapeAttr(input.scriptUri)}" data-surface="${input.surface}"></script>
  </body>
</html>
`;
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
