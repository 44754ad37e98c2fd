// Charts drawn on canvas for speed (data-vector-export) draw themselves as SVG while an export reads them, so that
// an exported figure stays vector. The events are synchronous: the SVG exists exactly while `read` runs.
export const EXPORT_BEGIN = 'sl-export-begin';
export const EXPORT_END = 'sl-export-end';

export function withVectorCharts<T>(target: Element, read: () => T): T {
  const charts = Array.from(target.querySelectorAll('[data-vector-export]'));
  if (target.matches('[data-vector-export]')) charts.push(target);
  for (const chart of charts) chart.dispatchEvent(new Event(EXPORT_BEGIN));
  try {
    return read();
  } finally {
    for (const chart of charts) chart.dispatchEvent(new Event(EXPORT_END));
  }
}
