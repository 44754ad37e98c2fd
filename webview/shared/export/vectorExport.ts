// Charts drawn on canvas for speed (data-vector-export) draw themselves as SVG while an export reads them, so that
// an exported figure stays vector. The events are synchronous: the SVG exists exactly while `read` runs.
const EXPORT_BEGIN = 'sl-export-begin';
const EXPORT_END = 'sl-export-end';
const MARK = 'data-vector-export';

/** Marks `chart` as drawn on canvas: `begin` draws it as SVG when an export starts reading it, `end` back on canvas. */
export function drawVectorWhileExported(chart: HTMLElement, begin: () => void, end: () => void): void {
  chart.setAttribute(MARK, '');
  chart.addEventListener(EXPORT_BEGIN, begin);
  chart.addEventListener(EXPORT_END, end);
}

export function withVectorCharts<T>(target: Element, read: () => T): T {
  const charts = Array.from(target.querySelectorAll(`[${MARK}]`));
  if (target.matches(`[${MARK}]`)) charts.push(target);
  for (const chart of charts) chart.dispatchEvent(new Event(EXPORT_BEGIN));
  try {
    return read();
  } finally {
    for (const chart of charts) chart.dispatchEvent(new Event(EXPORT_END));
  }
}
