// The axes of an SI histogram: SI from 0 to 1 along x (labelled), a count or share axis with grid lines along y.
// Shared by the run panel's histogram and the compare view's overlay so both read alike.
import { axisBottom, axisLeft, type ScaleLinear, type Selection } from 'd3';

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
  svg
    .selectAll<SVGGElement, null>('g.y-axis')
    .data([null])
    .join('g')
    .attr('class', 'axis y-axis')
    .attr('transform', `translate(${margin.left},0)`)
    .call(
      axisLeft(scales.y)
        .ticks(yTicks.count, yTicks.format)
        .tickSizeOuter(0)
        .tickSize(-(width - margin.left - margin.right)),
    );
  svg
    .selectAll<SVGGElement, null>('g.x-axis')
    .data([null])
    .join('g')
    .attr('class', 'axis x-axis')
    .attr('transform', `translate(0,${height - margin.bottom})`)
    .call(axisBottom(scales.x).ticks(5).tickSizeOuter(0));
  svg
    .selectAll<SVGTextElement, null>('text.x-label')
    .data([null])
    .join('text')
    .attr('class', 'x-label')
    .attr('x', (margin.left + width - margin.right) / 2)
    .attr('y', height - 2)
    .text('class selectivity index');
}
