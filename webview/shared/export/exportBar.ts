// Adds "SVG" / "PNG" export buttons to every chart in a webview (run panel, sidebar, sweep tab, compare
// panel) without the charts knowing: a MutationObserver finds chart containers as views create them. The
// exported file goes to the host as {type:'saveFile'}, which asks where to save it.
import type { ExportMime, SaveFileRequest } from '../../../src/protocol/webviews/core';
import { dataUrlPayload, svgToPng } from './pngExport';
import { exportSvg } from './svgExport';
import { withVectorCharts } from './vectorExport';

/** Chart containers that get export buttons. Views may name a file with data-export-name. */
export const EXPORTABLE_SELECTOR = [
  '.chart-card',
  '.unit-view',
  '.sl-sweep-figure',
  '.surface-sidebar .sidebar-hist',
  '[data-exportable]',
].join(', ');

export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/α/g, 'alpha')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return s || 'chart';
}

/** A file name (without extension) for the chart: its data-export-name, title, figure key or aria-label. */
export function chartName(target: Element): string {
  const explicit = target.getAttribute('data-export-name');
  if (explicit) return slug(explicit);
  const title = target.querySelector('.chart-title, .unit-title, h3, h4')?.textContent?.trim();
  // Charts of one run (run tab, sidebar) carry the run's name, so exports of several runs do not collide.
  const run = target.closest('.run-tab, .surface-sidebar') ? document.querySelector('h1.run-name, h2.run-name')?.textContent?.trim() : undefined;
  if (title) return slug(run ? `${run} ${title}` : title);
  const figure = target.getAttribute('data-figure');
  if (figure) return slug(`sweep-${figure}`);
  const label = target.querySelector('svg[aria-label]')?.getAttribute('aria-label');
  return slug(label ?? 'chart');
}

export interface ExportResult {
  request: SaveFileRequest;
  width: number;
  height: number;
}

/** Exports one chart container as an SVG document or a PNG (2x); returns the message for the host. */
export async function exportChart(target: Element, mime: ExportMime, scale = 2): Promise<ExportResult> {
  const name = chartName(target);
  const title = target.querySelector('.chart-title, .unit-title, h3, h4')?.textContent?.trim() ?? name;
  const svg = withVectorCharts(target, () => exportSvg(target, { title }));
  if (mime === 'image/svg+xml') {
    return {
      request: { type: 'saveFile', name: `${name}.svg`, mime, data: svg.svg, encoding: 'utf8' },
      width: svg.width,
      height: svg.height,
    };
  }
  const png = await svgToPng(svg.svg, svg.width, svg.height, scale);
  return {
    request: { type: 'saveFile', name: `${name}.png`, mime, data: dataUrlPayload(png.dataUrl), encoding: 'base64' },
    width: png.width,
    height: png.height,
  };
}

function button(label: string, title: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'export-btn';
  b.textContent = label;
  b.title = title;
  b.setAttribute('aria-label', title);
  b.addEventListener('click', (e) => {
    e.stopPropagation();
    onClick();
  });
  return b;
}

function addBar(target: Element, post: (m: SaveFileRequest) => void, onError: (message: string) => void): void {
  const bar = document.createElement('div');
  bar.className = 'export-bar';
  bar.setAttribute('role', 'toolbar');
  const what = () => target.querySelector('.chart-title, .unit-title, h3, h4')?.textContent?.trim() || 'chart';
  const run = (mime: ExportMime) => {
    bar.classList.add('busy');
    exportChart(target, mime)
      .then((r) => post(r.request))
      .catch((e: unknown) => onError(e instanceof Error ? e.message : String(e)))
      .finally(() => bar.classList.remove('busy'));
  };
  bar.setAttribute('aria-label', `Export ${what()}`);
  bar.append(
    button('SVG', `Export ${what()} as SVG`, () => run('image/svg+xml')),
    button('PNG', `Export ${what()} as PNG`, () => run('image/png')),
  );
  target.classList.add('has-export');
  // A card with a heading row keeps the buttons in that row (next to its own buttons), others float top-right.
  const head = target.querySelector(':scope > .card-head');
  if (head) {
    bar.classList.add('inline');
    head.insertBefore(bar, head.lastElementChild);
  } else {
    target.appendChild(bar);
  }
}

/**
 * Watches `root` and gives every chart container (EXPORTABLE_SELECTOR) an export bar. Returns a function that
 * stops watching.
 */
export function installChartExport(
  root: HTMLElement,
  post: (m: SaveFileRequest) => void,
  onError: (message: string) => void = () => undefined,
): () => void {
  const scan = () => {
    for (const target of Array.from(root.querySelectorAll(EXPORTABLE_SELECTOR))) {
      if (target.querySelector(':scope > .export-bar, :scope > .card-head > .export-bar')) continue;
      addBar(target, post, onError);
    }
  };
  let frame = 0;
  // Only elements that are or hold a chart container can need a bar: the texts and ticks a live run rewrites on
  // every epoch would otherwise cost a scan of the page and an extra frame each time.
  const addsChart = (records: MutationRecord[]) =>
    records.some((r) =>
      Array.from(r.addedNodes).some((n) => n instanceof Element && (n.matches(EXPORTABLE_SELECTOR) || n.querySelector(EXPORTABLE_SELECTOR) !== null)),
    );
  const observer = new MutationObserver((records) => {
    if (frame || !addsChart(records)) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      scan();
    });
  });
  observer.observe(root, { childList: true, subtree: true });
  scan();
  return () => {
    observer.disconnect();
    cancelAnimationFrame(frame);
  };
}
