// A small static line chart as an SVG element (fixed view box, scales with its card): the dimensionality
// spectra and the robustness curves. Presentation attributes only, so it draws under the webview's CSP.
import { axisBottom, axisLeft, line, scaleLinear, select } from 'd3';

export interface SmallSeries {
  name: string;
  color: string;
  points: Array<[number, number]>;
  dashed?: boolean;
}

export interface SmallLinesOptions {
  ariaLabel: string;
  xDomain: [number, number];
  yDomain: [number, number];
  xTitle: string;
  xTicks?: number;
  yFormat?: (v: number) => string;
}

const W = 340;
const H = 200;
const M = { top: 10, right: 12, bottom: 34, left: 44 };

export function smallLines(series: SmallSeries[], o: SmallLinesOptions): SVGSVGElement {
  const x = scaleLinear().domain(o.xDomain).range([M.left, W - M.right]);
  const y = scaleLinear().domain(o.yDomain).range([H - M.bottom, M.top]);
  const node = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  const svg = select(node).attr('viewBox', `0 0 ${W} ${H}`).attr('width', '100%').attr('role', 'img').attr('aria-label', o.ariaLabel);
  svg.append('g').attr('transform', `translate(0,${H - M.bottom})`).call(axisBottom(x).ticks(o.xTicks ?? 5));
  const yAxis = axisLeft(y).ticks(5);
  if (o.yFormat) yAxis.tickFormat((v) => o.yFormat!(Number(v)));
  svg.append('g').attr('transform', `translate(${M.left},0)`).call(yAxis);
  svg.append('text').attr('x', (M.left + W - M.right) / 2).attr('y', H - 4).attr('text-anchor', 'middle').attr('fill', 'currentColor').attr('class', 'axis-title').text(o.xTitle);
  for (const s of series) {
    svg
      .append('path')
      .attr('class', 'small-series')
      .attr('data-series', s.name)
      .attr('d', line().x((p) => x(p[0])).y((p) => y(p[1]))(s.points))
      .attr('fill', 'none')
      .attr('stroke', s.color)
      .attr('stroke-width', 1.8)
      .attr('stroke-dasharray', s.dashed ? '5 3' : null);
  }
  return node;
}
