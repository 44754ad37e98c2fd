// Units x classes heatmap of class-conditional mean activations. Drawn on canvas: a ResNet50 stage has
// 2,048 units x 200 classes = 400k cells, far too many for SVG. Each cell is one pixel of an offscreen
// image, rebuilt (in a Worker) only when the data, normalisation or theme change; resizing and selection only
// re-blit it.
import { scaleLinear, select } from 'd3';
import type { LayerSelectivity } from '../../src/protocol/selectivity';
import { setAttrs, setTexts } from '../shared/charts/quietWrites';
import { el, observeWidth, setData, setHidden, setStyle, setText } from '../shared/dom';
import { className, fmtNum, fmtSI } from '../shared/format';
import { palette, type Palette } from '../shared/theme';
import { unitsBySI } from '../shared/unitOrder';
import type { HeatmapPixels, HeatmapPixelsJob } from './heatmapPixels';
import { HeatmapBuilder } from './heatmapWorker';

export interface HeatmapInput {
  layer: LayerSelectivity;
  epoch: number;
  classNames: readonly string[];
  selectedUnit?: number;
  /** 'row': each unit scaled to its own max (shows selectivity); 'global': one scale for the layer. */
  norm: 'row' | 'global';
}

export interface HeatmapOptions {
  maxHeight: number;
  onSelectUnit: (unit: number) => void;
  /**
   * A built image waits for the page's next render, which shows it with `showBuilt` (so that it reaches the
   * screen in the same frame as the rest of an epoch): the page renders again when this is called.
   */
  onBuilt: () => void;
}

const GUTTER = 46;
const LABEL_HEIGHT = 64;
/** Room above the rows for the gutter's title when there are no class labels. */
const TITLE_HEIGHT = 16;
const MAX_CELL = 40;
const MAX_ROW = 14;
/** .tooltip's max-width in styles.css. */
const TOOLTIP_MAX_WIDTH = 320;

export class Heatmap {
  readonly root: HTMLElement;
  private body: HTMLElement;
  private labels: SVGSVGElement;
  private gutter: SVGSVGElement;
  private canvas: HTMLCanvasElement;
  private tooltip: HTMLElement;
  private live: HTMLElement;
  private legend: HTMLCanvasElement;
  private legendText: HTMLElement;
  private legendRow: HTMLElement;
  private empty: HTMLElement;
  private offscreen = document.createElement('canvas');
  private builder = new HeatmapBuilder();
  private buildId = 0;
  /** The input whose image is being built. */
  private target: HeatmapInput | undefined;
  /** Shows the image that came back from the builder, with its rows, labels and tooltip. */
  private built: (() => void) | undefined;
  private builtFor: unknown[] = [];
  private width = 0;
  private input: HeatmapInput | undefined;
  private order: Int32Array = new Int32Array(0);
  private cursorRow = 0;
  private cursorClass = 0;
  /** The unit under the tooltip (keyboard cursor or mouse), followed across new epochs so the text stays true. */
  private tipUnit: number | undefined;
  private tipClass = 0;
  private ramp32 = new Uint32Array(256);
  private rampFor = -1;
  private scaleText = '';
  private geometry = { w: 0, h: 0, colW: 0, rowH: 0, showLabels: false };
  /** Milliseconds of the last full rebuild (tests and tuning read it from data-build-ms). */
  lastBuildMs = 0;

  constructor(container: HTMLElement, private readonly options: HeatmapOptions) {
    this.root = el('div', { className: 'heatmap' });
    this.labels = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.labels.setAttribute('class', 'heat-labels');
    this.labels.setAttribute('aria-hidden', 'true');
    this.gutter = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.gutter.setAttribute('class', 'heat-gutter');
    this.gutter.setAttribute('aria-hidden', 'true');
    this.canvas = el('canvas', { className: 'heat-canvas', attrs: { tabindex: 0, role: 'application' } });
    this.tooltip = el('div', { className: 'tooltip', attrs: { role: 'tooltip' } });
    this.tooltip.hidden = true;
    this.live = el('div', { className: 'sr-only', attrs: { 'aria-live': 'polite' } });
    this.empty = el('p', { className: 'empty', text: 'No class means for this epoch.' });
    this.empty.hidden = true;
    this.body = el('div', { className: 'heat-body' }, [this.labels, this.gutter, this.canvas, this.tooltip]);
    this.legend = el('canvas', { className: 'heat-legend', attrs: { width: 160, height: 10, 'aria-hidden': 'true' } });
    this.legendText = el('span', { className: 'legend-text' });
    this.legendRow = el('div', { className: 'heat-legend-row' }, [el('span', { text: 'low' }), this.legend, el('span', { text: 'high' }), this.legendText]);
    this.root.append(this.empty, this.body, this.legendRow, this.live);
    container.appendChild(this.root);

    this.canvas.addEventListener('mousemove', (e) => this.onHover(e));
    this.canvas.addEventListener('mouseleave', () => this.hideTooltip());
    this.canvas.addEventListener('click', (e) => {
      const cell = this.cellAt(e.offsetX, e.offsetY);
      if (!cell) return;
      this.cursorRow = cell.row;
      this.cursorClass = cell.cls;
      this.options.onSelectUnit(this.order[cell.row]);
    });
    this.canvas.addEventListener('keydown', (e) => this.onKey(e));
    this.canvas.addEventListener('focus', () => this.blit());
    this.canvas.addEventListener('blur', () => {
      this.hideTooltip();
      this.blit();
    });
    observeWidth(this.root, (w) => {
      this.width = w;
      this.layout();
    });
  }

  /** No image to show: say why (loading, or why the class means are missing), with no legend for absent pixels. */
  unavailable(status: { loading: boolean; text: string }): void {
    this.cancelBuild();
    this.input = undefined;
    this.builtFor = [];
    this.root.hidden = false;
    this.tooltip.hidden = true;
    this.tipUnit = undefined;
    this.body.hidden = true;
    this.legendRow.hidden = true;
    this.empty.hidden = false;
    this.empty.textContent = status.text;
    this.empty.classList.toggle('loading', status.loading);
  }

  update(input: HeatmapInput | undefined): void {
    if (!input) {
      this.cancelBuild();
      this.input = undefined;
      this.root.hidden = true;
      return;
    }
    setHidden(this.root, false);
    const { layer } = input;
    const usable = layer.classMeans.length === layer.units * layer.classes;
    setHidden(this.empty, usable);
    setHidden(this.body, !usable);
    setHidden(this.legendRow, !usable);
    if (!usable) {
      this.cancelBuild();
      this.input = input;
      this.empty.textContent = `No class means for epoch ${input.epoch}: they were dropped to save memory.`;
      return;
    }
    const pal = palette();
    const key = [layer.classMeans, layer.si, input.norm, pal.version];
    if (key.some((k, i) => k !== this.builtFor[i])) {
      this.builtFor = key;
      this.startBuild(input, pal);
      return;
    }
    // While an image is being built, what is on screen stays as it is; the newest input is drawn with the image.
    if (this.target) {
      this.target = input;
      return;
    }
    const prev = this.input;
    this.input = input;
    if (prev?.classNames !== input.classNames) this.layout();
    else if (prev?.selectedUnit !== input.selectedUnit) this.blit();
  }

  /**
   * One pixel per class and per output row, built off the main thread (heatmapWorker.ts). A layer taller than the
   * image averages its units' normalised values into each row (the legend says so), so painting is a 1:1 copy
   * without smoothing. The image, its row order, labels and tooltip change together when the pixels arrive; the
   * heatmap is aria-busy meanwhile.
   */
  private startBuild(input: HeatmapInput, pal: Palette): void {
    const t0 = performance.now();
    const id = ++this.buildId;
    this.target = input;
    this.root.setAttribute('aria-busy', 'true');
    const { units: U, classes: C, classMeans, si } = input.layer;
    const rows = Math.min(U, Math.max(1, Math.floor(this.options.maxHeight)));
    const job = { classMeans, order: unitsBySI(si), units: U, classes: C, rows, norm: input.norm, ramp: this.rampWords(pal) };
    void this.builder.build(job).then(({ pixels, globalMax }) => {
      if (id !== this.buildId) return;
      const ms = performance.now() - t0;
      this.built = () => this.show(id, job, pixels, globalMax, pal, ms);
      this.options.onBuilt();
    });
  }

  /** True while an image is being built and not yet shown. */
  get building(): boolean {
    return this.target !== undefined;
  }

  /** The layer of the image on screen. */
  get shownLayer(): string | undefined {
    return this.input?.layer.layer;
  }

  /** Shows an image that was built since the last render. */
  showBuilt(): void {
    const show = this.built;
    this.built = undefined;
    show?.();
  }

  private show(id: number, job: HeatmapPixelsJob, pixels: HeatmapPixels['pixels'], globalMax: number, pal: Palette, buildMs: number): void {
    if (id !== this.buildId) return;
    const { classes: C, rows } = job;
    const target = this.target!;
    this.target = undefined;
    this.root.removeAttribute('aria-busy');
    const prev = this.input;
    this.input = target;
    if (prev?.layer.layer !== target.layer.layer) {
      this.cursorRow = 0;
      this.cursorClass = 0;
    }
    this.order = job.order;
    // Resizing a canvas reallocates and clears it: only when the shape changed.
    if (this.offscreen.width !== C) this.offscreen.width = C;
    if (this.offscreen.height !== rows) this.offscreen.height = rows;
    this.offscreen.getContext('2d')!.putImageData(new ImageData(new Uint8ClampedArray(pixels.buffer as ArrayBuffer), C, rows), 0, 0);
    this.drawLegend(pal, target.norm === 'global' ? globalMax : undefined);
    setData(this.canvas, { rampTop: pal.heatStops[pal.heatStops.length - 1] });
    this.lastBuildMs = buildMs;
    setData(this.root, { buildMs: this.lastBuildMs.toFixed(1), builtIn: this.builder.where });
    this.layout();
    this.refreshTooltip(prev?.layer.layer === target.layer.layer);
  }

  /** Forgets an image still being built (the layer went away or lost its class means). */
  private cancelBuild(): void {
    if (!this.target) return;
    this.built = undefined;
    this.buildId++;
    this.target = undefined;
    this.builtFor = [];
    this.root.removeAttribute('aria-busy');
  }

  /** The colour ramp as opaque RGBA words in the platform's byte order, once per theme. */
  private rampWords(pal: Palette): Uint32Array {
    if (this.rampFor !== pal.version) {
      const bytes = new Uint8Array(this.ramp32.buffer);
      for (let k = 0; k < 256; k++) {
        bytes.set(pal.heatRamp.subarray(k * 4, k * 4 + 3), k * 4);
        bytes[k * 4 + 3] = 255;
      }
      this.rampFor = pal.version;
    }
    return this.ramp32;
  }

  private legendFor = -1;

  private drawLegend(pal: Palette, globalMax: number | undefined): void {
    this.scaleText = globalMax === undefined ? 'each unit scaled to its own max' : `0 – ${fmtNum(globalMax)} (mean activation)`;
    // The ramp's pixels change with the theme only.
    if (this.legendFor === pal.version) return;
    this.legendFor = pal.version;
    const ctx = this.legend.getContext('2d')!;
    const image = ctx.createImageData(160, 10);
    for (let x = 0; x < 160; x++) {
      const k = Math.round((x / 159) * 255) * 4;
      for (let y = 0; y < 10; y++) image.data.set(pal.heatRamp.subarray(k, k + 4), (y * 160 + x) * 4);
    }
    ctx.putImageData(image, 0, 0);
  }

  /** Fits cells to the width: whole pixels per cell when they fit, otherwise the image is scaled down smoothly. */
  private layout(): void {
    const input = this.input;
    if (!input || this.width <= 0 || this.body.hidden) return;
    const { units: U, classes: C } = input.layer;
    const avail = Math.max(40, this.width - GUTTER);
    const colW = Math.min(MAX_CELL, avail / C >= 1 ? Math.floor(avail / C) : avail / C);
    const rowH = U <= this.options.maxHeight ? Math.min(MAX_ROW, Math.floor(this.options.maxHeight / U)) : this.options.maxHeight / U;
    const w = Math.round(colW * C);
    const h = Math.round(rowH * U);
    const showLabels = C <= 60 && colW >= 9;
    this.geometry = { w, h, colW, rowH, showLabels };
    // Say when pixels average several units or classes, so nobody reads a blended row as one unit.
    const blend = [rowH < 1 ? `${(1 / rowH).toFixed(1)} units` : '', colW < 1 ? `${(1 / colW).toFixed(1)} classes` : '']
      .filter(Boolean)
      .join(' × ');
    // Written only where a value changed: a new epoch's image usually keeps the geometry, and a rewritten text or
    // attribute would lay the card out again for nothing.
    setText(this.legendText, blend ? `${this.scaleText} · each pixel averages ${blend}` : this.scaleText);
    const dpr = window.devicePixelRatio || 1;
    if (this.canvas.width !== Math.round(w * dpr)) this.canvas.width = Math.round(w * dpr);
    if (this.canvas.height !== Math.round(h * dpr)) this.canvas.height = Math.round(h * dpr);
    const top = showLabels ? LABEL_HEIGHT : TITLE_HEIGHT;
    setStyle(this.canvas, 'width', `${w}px`);
    setStyle(this.canvas, 'height', `${h}px`);
    setStyle(this.canvas, 'left', `${GUTTER}px`);
    setStyle(this.canvas, 'top', `${top}px`);
    setStyle(this.body, 'height', `${h + top + 4}px`);
    setData(this.canvas, {
      units: String(U),
      classes: String(C),
      topUnit: String(this.order[0] ?? ''),
      colWidth: String(colW),
      rowHeight: String(rowH),
    });
    const label =
      `Heatmap of class-conditional mean activation, layer ${input.layer.layer}, ${U} units sorted by selectivity (rows) by ${C} classes (columns). ` +
      'Arrow keys move between units and classes, Enter opens the unit.';
    if (this.canvas.getAttribute('aria-label') !== label) this.canvas.setAttribute('aria-label', label);
    this.drawLabels(input, showLabels, colW);
    this.drawGutter(input, h, showLabels);
    this.blit();
  }

  private drawLabels(input: HeatmapInput, show: boolean, colW: number): void {
    const svg = select(this.labels).attr('width', show ? GUTTER + colW * input.layer.classes + 40 : 0).attr('height', show ? LABEL_HEIGHT : 0);
    const names = Array.from({ length: show ? input.layer.classes : 0 }, (_, c) => className(input.classNames, c));
    svg
      .selectAll<SVGTextElement, string>('text')
      .data(names)
      .join('text')
      .attr('transform', (_n, c) => `translate(${GUTTER + colW * (c + 0.5) + 3},${LABEL_HEIGHT - 4}) rotate(-50)`)
      .text((n) => (n.length > 12 ? `${n.slice(0, 11)}…` : n));
  }

  private drawGutter(input: HeatmapInput, h: number, showLabels: boolean): void {
    const U = input.layer.units;
    const top = showLabels ? LABEL_HEIGHT : TITLE_HEIGHT;
    const y = scaleLinear().domain([0, U]).range([top, top + h]);
    const ticks = U <= 1 ? [0] : [0, Math.floor(U / 4), Math.floor(U / 2), Math.floor((3 * U) / 4), U - 1];
    const svg = setAttrs(select(this.gutter), { width: GUTTER, height: top + h });
    const title = svg.selectAll<SVGTextElement, string>('text.title').data(['SI']).join('text');
    setAttrs(title, { class: 'title', x: GUTTER - 6, y: top - 4, 'text-anchor': 'end' });
    setTexts(title, (t) => t);
    const tickTexts = svg.selectAll<SVGTextElement, number>('text.tick').data([...new Set(ticks)]).join('text');
    setAttrs(tickTexts, { class: 'tick', x: GUTTER - 6, y: (r) => Math.min(top + h - 2, Math.max(top + 9, y(r + 0.5) + 4)), 'text-anchor': 'end' });
    setTexts(tickTexts, (r) => fmtSI(input.layer.si[this.order[r]]).replace(/^0\./, '.'));
  }

  /** Copies the prebuilt image to the visible canvas and draws the selection and keyboard cursor on top. */
  private blit(): void {
    const input = this.input;
    if (!input || this.body.hidden) return;
    const { w, h, rowH, colW } = this.geometry;
    if (w <= 0) return;
    const ctx = this.canvas.getContext('2d')!;
    const dpr = this.canvas.width / w;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    // Rows were averaged when built; only more classes than pixels still need smoothing.
    ctx.imageSmoothingEnabled = colW < 1;
    ctx.clearRect(0, 0, w, h);
    ctx.drawImage(this.offscreen, 0, 0, w, h);
    const pal = palette();
    const sel = input.selectedUnit;
    if (sel !== undefined) {
      const row = this.order.indexOf(sel);
      if (row >= 0) this.outlineRow(ctx, row, pal.selection, 2);
    }
    if (document.activeElement === this.canvas) {
      this.outlineRow(ctx, this.cursorRow, pal.focus, 1);
      ctx.strokeStyle = pal.focus;
      ctx.lineWidth = 1;
      const y = this.cursorRow * rowH;
      ctx.strokeRect(this.cursorClass * colW + 0.5, y - 1.5, Math.max(2, colW - 1), Math.max(3, rowH + 2));
    }
    setData(this.canvas, { selectedUnit: sel === undefined ? '' : String(sel) });
  }

  private outlineRow(ctx: CanvasRenderingContext2D, row: number, color: string, lw: number): void {
    const { w, rowH } = this.geometry;
    const y = row * rowH;
    const hh = Math.max(rowH, 2);
    ctx.strokeStyle = color;
    ctx.lineWidth = lw;
    ctx.strokeRect(lw / 2, y - lw / 2 - (hh - rowH) / 2, w - lw, hh + lw);
  }

  private cellAt(x: number, y: number): { row: number; cls: number } | undefined {
    const input = this.input;
    if (!input) return undefined;
    const { w, h } = this.geometry;
    if (x < 0 || y < 0 || x >= w || y >= h) return undefined;
    return {
      row: Math.min(input.layer.units - 1, Math.floor((y / h) * input.layer.units)),
      cls: Math.min(input.layer.classes - 1, Math.floor((x / w) * input.layer.classes)),
    };
  }

  private describe(row: number, cls: number): string {
    const input = this.input!;
    const { layer, classNames } = input;
    const unit = this.order[row];
    const pref = layer.preferred[unit];
    const mean = layer.classMeans[unit * layer.classes + cls];
    return `Unit ${unit} (rank ${row + 1} of ${layer.units}), SI ${fmtSI(layer.si[unit])}, prefers ${className(classNames, pref)}; class ${className(classNames, cls)}: mean ${fmtNum(mean)}`;
  }

  private showTooltip(row: number, cls: number): void {
    const { colW, rowH, showLabels } = this.geometry;
    this.tipUnit = this.order[row];
    this.tipClass = cls;
    this.tooltip.dataset.unit = String(this.tipUnit);
    this.tooltip.textContent = this.describe(row, cls);
    this.tooltip.hidden = false;
    const x = GUTTER + (cls + 1) * colW + 8;
    const y = (showLabels ? LABEL_HEIGHT : TITLE_HEIGHT) + row * rowH + 8;
    // Bounded by the tooltip's CSS max-width, not its measured width: measuring would force a layout of the
    // whole page in the middle of a render (the tooltip follows its unit on every new epoch).
    const maxX = this.width - TOOLTIP_MAX_WIDTH - 4;
    this.tooltip.style.left = `${Math.max(0, Math.min(x, maxX))}px`;
    this.tooltip.style.top = `${y}px`;
  }

  private hideTooltip(): void {
    this.tooltip.hidden = true;
    this.tipUnit = undefined;
  }

  /**
   * After new data: the tooltip and the keyboard cursor stay on the unit they were on (its rank may have changed),
   * with its new rank, SI and means; in another layer they go.
   */
  private refreshTooltip(sameLayer: boolean): void {
    if (this.tipUnit === undefined || this.tooltip.hidden) return;
    const row = sameLayer ? this.order.indexOf(this.tipUnit) : -1;
    if (row < 0) {
      this.hideTooltip();
      return;
    }
    if (document.activeElement === this.canvas) {
      this.cursorRow = row;
      this.live.textContent = this.describe(row, this.tipClass);
      this.blit();
    }
    this.showTooltip(row, this.tipClass);
  }

  private onHover(e: MouseEvent): void {
    const cell = this.cellAt(e.offsetX, e.offsetY);
    if (!cell) {
      this.hideTooltip();
      return;
    }
    this.showTooltip(cell.row, cell.cls);
  }

  private onKey(e: KeyboardEvent): void {
    const input = this.input;
    if (!input) return;
    const U = input.layer.units;
    const C = input.layer.classes;
    const page = Math.max(1, Math.round(U / 10));
    let { cursorRow: row, cursorClass: cls } = this;
    switch (e.key) {
      case 'ArrowUp': row--; break;
      case 'ArrowDown': row++; break;
      case 'ArrowLeft': cls--; break;
      case 'ArrowRight': cls++; break;
      case 'PageUp': row -= page; break;
      case 'PageDown': row += page; break;
      case 'Home': row = 0; break;
      case 'End': row = U - 1; break;
      case 'Enter':
      case ' ':
        e.preventDefault();
        this.options.onSelectUnit(this.order[this.cursorRow]);
        return;
      case 'Escape':
        this.hideTooltip();
        return;
      default:
        return;
    }
    e.preventDefault();
    this.cursorRow = Math.max(0, Math.min(U - 1, row));
    this.cursorClass = Math.max(0, Math.min(C - 1, cls));
    this.live.textContent = this.describe(this.cursorRow, this.cursorClass);
    this.showTooltip(this.cursorRow, this.cursorClass);
    this.blit();
  }
}
