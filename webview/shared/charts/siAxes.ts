// The axes of an SI histogram: SI from 0 to 1 along x (labelled), a count or share axis with grid lines along y.
// Shared by the run panel's histogram and the compare view's overlay so both read alike.
import { axisBottom, axisLeft, type ScaleLinear, type Selection } from 'd3';
import { drawAxis, scaleKey, setAttrs, setTexts } from './quietWrites';

export interface ChartMargin {
  top: number;
  right: number;
  bottom: number;
  left: number;
}

export function drawSIAxes(
  svg: Selection<SVGSVGElement, unknown, null, undefined>,
  scales: { x: ScaleLinear<number, number>; y: ScaleLinear<number, number> },
  box: { width: number; height: number; margin: ChartMargin },
  yTicks: { count: number; format: string },
): void {
  const { width, height, margin } = box;
  const yAxis = svg.selectAll<SVGGElement, null>('g.y-axis').data([null]).join('g');
  setAttrs(yAxis, { class: 'axis y-axis', transform: `translate(${margin.left},0)` });
  drawAxis(
    yAxis,
    axisLeft(scales.y)
      .ticks(yTicks.count, yTicks.format)
      .tickSizeOuter(0)
      .tickSize(-(width - margin.left - margin.right)),
    `${scaleKey(scales.y)}|${yTicks.count}|${yTicks.format}|${width - margin.left - margin.right}`,
  );
  const xAxis = svg.selectAll<SVGGElement, null>('g.x-axis').data([null]).join('g');
  setAttrs(xAxis, { class: 'axis x-axis', transform: `translate(0,${height - margin.bottom})` });
  drawAxis(xAxis, axisBottom(scales.x).ticks(5).tickSizeOuter(0), scaleKey(scales.x));
  // Not the count title, which shares the label class.
  const label = svg.selectAll<SVGTextElement, null>('text.x-label:not(.y-label)').data([null]).join('text');
  setAttrs(label, { class: 'x-label', x: (margin.left + width - margin.right) / 2, y: height - 2 });
  setTexts(label, () => 'class selectivity index');
}

/** The count axis' title, along the left edge. */
export function drawCountTitle(svg: Selection<SVGSVGElement, unknown, null, undefined>, box: { height: number; margin: ChartMargin }, text: string): void {
  const { height, margin } = box;
  const title = svg.selectAll<SVGTextElement, string>('text.y-label').data([text]).join('text');
  setAttrs(title, { class: 'x-label y-label', transform: `translate(11,${(margin.top + height - margin.bottom) / 2}) rotate(-90)` });
  setTexts(title, (t) => t);
}
