// Puts the sweep figures into a page (webview Sweep tab or HTML report) and links them: hovering a run's point
// highlights that run in every figure. Uses only DOM attributes (no inline styles), so it runs under the
// webview's CSP.
import type { SweepReportData } from '../../src/protocol/sweep';
import { figureSvgs, type FigureSvg, type FigureTheme } from '../../src/figures/sweepFigures';

export interface RenderedFigures {
  figures: FigureSvg[];
}

export function renderSweepFigures(container: HTMLElement, data: SweepReportData, theme: FigureTheme = {}): RenderedFigures {
  const figures = figureSvgs(data, theme);
  const html = figures
    .map(
      (f) =>
        `<figure class="sl-sweep-figure" data-figure="${f.key}">${f.svg}</figure>`,
    )
    .join('');
  container.innerHTML = `<div class="sl-sweep-figures">${html}</div>`;
  linkHover(container);
  return { figures };
}

function linkHover(container: HTMLElement): void {
  let current: string | undefined;
  const mark = (run: string | undefined) => {
    if (run === current) return;
    current = run;
    container.querySelectorAll<SVGElement>('[data-run]').forEach((node) => {
      const on = run !== undefined && node.getAttribute('data-run') === run;
      if (on) {
        if (!node.hasAttribute('data-r')) node.setAttribute('data-r', node.getAttribute('r') ?? '');
        node.setAttribute('r', String(Number(node.getAttribute('data-r')) * 1.7));
        node.setAttribute('stroke-opacity', '1');
        node.setAttribute('stroke-width', '1.6');
        node.classList.add('sl-sweep-highlight');
      } else if (node.classList.contains('sl-sweep-highlight')) {
        node.setAttribute('r', node.getAttribute('data-r') ?? '4');
        node.setAttribute('stroke-opacity', '0.35');
        node.setAttribute('stroke-width', '0.6');
        node.classList.remove('sl-sweep-highlight');
      }
    });
  };
  container.addEventListener('mouseover', (e) => {
    const target = (e.target as Element | null)?.closest?.('[data-run]');
    mark(target?.getAttribute('data-run') ?? undefined);
  });
  container.addEventListener('mouseleave', () => mark(undefined));
}
