// Turns a chart as drawn on screen (any mix of SVG, canvas and HTML text) into one standalone SVG document.
// Theme colours come from CSS variables that do not exist outside VS Code, so every drawn element gets its
// *computed* colours, stroke and font written as presentation attributes; canvases become embedded PNG
// images; HTML text (titles, legends) becomes <text>. The string is built by hand: nothing is cloned into the
// page, so the webview's CSP (no inline styles) never sees a style attribute.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** Computed properties written onto every exported SVG element (as presentation attributes). */
const PAINT_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'opacity',
] as const;
const TEXT_PROPS = ['font-family', 'font-size', 'font-weight', 'font-style', 'text-anchor', 'dominant-baseline'] as const;
/** SVG elements that carry no paint of their own. */
const NO_PAINT = new Set(['title', 'desc', 'defs', 'metadata', 'clipPath', 'linearGradient', 'radialGradient', 'stop', 'mask', 'pattern', 'filter']);
/** Attributes that only matter inside the live page. */
const DROP_ATTRS = new Set(['style', 'tabindex', 'role', 'aria-pressed', 'focusable']);
/** HTML that is UI, not chart: controls, hints, hidden live regions, tooltips and the export bar itself. */
const SKIP_SELECTOR =
  'button, input, select, textarea, vscode-button, vscode-single-select, vscode-option, vscode-checkbox, vscode-textfield, ' +
  'label, .control, .export-bar, .hint, .sr-only, .tooltip, [data-export-skip]';

export interface SvgExportOptions {
  /** Title written into the document (<title>). */
  title?: string;
  /** Background when the chart and its ancestors are transparent. */
  fallbackBackground?: string;
  /** Margin around the chart; default: 10 px when the chart has no padding of its own, else 0. */
  margin?: number;
}

export interface SvgExport {
  svg: string;
  width: number;
  height: number;
}

export function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    // XML 1.0 forbids most control characters; drop them (charCode test: no control characters in a regex).
    .split('')
    .filter((c) => c.charCodeAt(0) >= 0x20 || c === '\t' || c === '\n' || c === '\r')
    .join('');
}

function num(n: number): string {
  return String(Math.round(n * 100) / 100);
}

function isTransparent(color: string): boolean {
  return !color || color === 'transparent' || /rgba\([^)]*,\s*0\)$/.test(color);
}

/** The colour the chart is drawn on: its own background or the nearest ancestor's. */
export function effectiveBackground(node: Element, fallback: string): string {
  for (let e: Element | null = node; e; e = e.parentElement) {
    const bg = getComputedStyle(e).backgroundColor;
    if (!isTransparent(bg)) return bg;
  }
  return fallback;
}

/** CSS computed values as SVG attribute values (unitless pixel lengths, 'none' kept). */
function attrValue(prop: string, value: string): string {
  if (prop === 'stroke-width' || prop === 'font-size') return value.replace(/px$/, '');
  if (prop === 'stroke-dasharray') return value === 'none' ? 'none' : value.replace(/px/g, '').replace(/,\s*/g, ' ');
  return value;
}

function isHidden(node: Element, style: CSSStyleDeclaration): boolean {
  return style.display === 'none' || style.visibility === 'hidden' || style.visibility === 'collapse' || (node as HTMLElement).hidden === true;
}

class Writer {
  readonly parts: string[] = [];
  /** Extent of everything drawn, relative to the origin (the export is cropped to it). */
  bounds = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  constructor(readonly originX: number, readonly originY: number) {}

  extend(b: { x: number; y: number; width: number; height: number }): void {
    if (b.width <= 0 || b.height <= 0) return;
    this.bounds.x0 = Math.min(this.bounds.x0, b.x);
    this.bounds.y0 = Math.min(this.bounds.y0, b.y);
    this.bounds.x1 = Math.max(this.bounds.x1, b.x + b.width);
    this.bounds.y1 = Math.max(this.bounds.y1, b.y + b.height);
  }

  push(s: string): void {
    this.parts.push(s);
  }

  /** One SVG element with its computed paint, then its children. */
  svgElement(node: Element, outer?: { x: number; y: number; width: number; height: number }): void {
    const tag = node.localName;
    const style = getComputedStyle(node);
    if (!NO_PAINT.has(tag) && isHidden(node, style)) return;
    const attrs = new Map<string, string>();
    for (const a of Array.from(node.attributes)) {
      if (DROP_ATTRS.has(a.name) || a.name.startsWith('on') || a.name === 'xmlns' || a.name.startsWith('xmlns:')) continue;
      attrs.set(a.name, a.value);
    }
    if (outer) {
      // A chart's own <svg>: placed where it sits in the chart, at the size it is drawn.
      attrs.set('x', num(outer.x));
      attrs.set('y', num(outer.y));
      attrs.set('width', num(outer.width));
      attrs.set('height', num(outer.height));
      if (!attrs.has('viewBox')) attrs.set('viewBox', `0 0 ${num(outer.width)} ${num(outer.height)}`);
      attrs.set('overflow', 'visible');
    }
    if (!NO_PAINT.has(tag)) {
      for (const p of PAINT_PROPS) attrs.set(p, attrValue(p, style.getPropertyValue(p)));
      if (tag === 'text' || tag === 'tspan' || tag === 'textPath' || tag === 'g' || tag === 'svg') {
        for (const p of TEXT_PROPS) {
          const v = style.getPropertyValue(p);
          if (v && !(p === 'dominant-baseline' && v === 'auto')) attrs.set(p, attrValue(p, v));
        }
      }
    }
    let open = `<${tag}`;
    for (const [k, v] of attrs) open += ` ${k}="${escapeXml(v)}"`;
    const children = Array.from(node.childNodes);
    if (children.length === 0) {
      this.push(`${open}/>`);
      return;
    }
    this.push(`${open}>`);
    for (const child of children) {
      if (child.nodeType === Node.TEXT_NODE) this.push(escapeXml(child.textContent ?? ''));
      else if (child.nodeType === Node.ELEMENT_NODE && (child as Element).namespaceURI === SVG_NS) this.svgElement(child as Element);
    }
    this.push(`</${tag}>`);
  }

  box(node: Element): { x: number; y: number; width: number; height: number } {
    const r = node.getBoundingClientRect();
    return { x: r.left - this.originX, y: r.top - this.originY, width: r.width, height: r.height };
  }

  canvas(node: HTMLCanvasElement): void {
    const b = this.box(node);
    if (b.width <= 0 || b.height <= 0 || node.width === 0 || node.height === 0) return;
    this.extend(b);
    let href: string;
    try {
      href = node.toDataURL('image/png');
    } catch {
      return; // a tainted canvas cannot be read; charts never draw foreign images
    }
    this.push(
      `<image x="${num(b.x)}" y="${num(b.y)}" width="${num(b.width)}" height="${num(b.height)}" preserveAspectRatio="none" href="${href}" xlink:href="${href}"/>`,
    );
  }

  /** Background and border of an HTML box (cards, legend swatches). */
  htmlBox(node: Element, style: CSSStyleDeclaration): void {
    const bg = style.backgroundColor;
    const bw = parseFloat(style.borderTopWidth) || 0;
    const sameBorder =
      bw > 0 &&
      style.borderTopStyle !== 'none' &&
      [style.borderRightWidth, style.borderBottomWidth, style.borderLeftWidth].every((w) => parseFloat(w) === bw) &&
      !isTransparent(style.borderTopColor);
    if (isTransparent(bg) && !sameBorder) return;
    const b = this.box(node);
    if (b.width <= 0 || b.height <= 0) return;
    this.extend(b);
    const rx = parseFloat(style.borderTopLeftRadius) || 0;
    const inset = sameBorder ? bw / 2 : 0;
    this.push(
      `<rect x="${num(b.x + inset)}" y="${num(b.y + inset)}" width="${num(b.width - 2 * inset)}" height="${num(b.height - 2 * inset)}"` +
        (rx ? ` rx="${num(rx)}"` : '') +
        ` fill="${escapeXml(isTransparent(bg) ? 'none' : bg)}"` +
        (sameBorder ? ` stroke="${escapeXml(style.borderTopColor)}" stroke-width="${num(bw)}"` : '') +
        (style.opacity !== '1' ? ` opacity="${escapeXml(style.opacity)}"` : '') +
        '/>',
    );
  }

  /** The element's own text (not its children's) as <text> at the place it is laid out. */
  htmlText(node: Element, style: CSSStyleDeclaration): void {
    for (const child of Array.from(node.childNodes)) {
      if (child.nodeType !== Node.TEXT_NODE) continue;
      const text = (child.textContent ?? '').replace(/\s+/g, ' ').trim();
      if (!text) continue;
      const range = document.createRange();
      range.selectNodeContents(child);
      const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0);
      if (rects.length === 0) continue;
      const first = rects[0];
      const fontSize = parseFloat(style.fontSize) || 12;
      const x = first.left - this.originX;
      for (const r of rects) this.extend({ x: r.left - this.originX, y: r.top - this.originY, width: r.width, height: r.height });
      // Baseline: the text box holds ascent + descent; the ascent is about 80% of it for UI fonts.
      const y = first.top - this.originY + Math.min(first.height, fontSize * 1.25) * 0.8;
      this.push(
        `<text x="${num(x)}" y="${num(y)}" fill="${escapeXml(style.color)}" font-family="${escapeXml(style.fontFamily)}" font-size="${num(fontSize)}"` +
          (style.fontWeight !== '400' ? ` font-weight="${escapeXml(style.fontWeight)}"` : '') +
          (style.fontStyle !== 'normal' ? ` font-style="${escapeXml(style.fontStyle)}"` : '') +
          ` xml:space="preserve">${escapeXml(text)}</text>`,
      );
    }
  }

  /** Walks HTML in document order: boxes, text, embedded SVG charts and canvases. */
  html(node: Element, isRoot: boolean): void {
    if (!isRoot && node.matches(SKIP_SELECTOR)) return;
    const style = getComputedStyle(node);
    if (isHidden(node, style)) return;
    if (node.namespaceURI === SVG_NS && node.localName === 'svg') {
      const b = this.box(node);
      if (b.width > 0 && b.height > 0) {
        this.svgElement(node, b);
        this.extend(svgExtent(node, b));
      }
      return;
    }
    if (node.localName === 'canvas') {
      this.canvas(node as HTMLCanvasElement);
      return;
    }
    if (!isRoot) this.htmlBox(node, style);
    this.htmlText(node, style);
    for (const child of Array.from(node.children)) this.html(child, false);
  }
}

/**
 * Serialises what `target` shows into a standalone SVG document of the same size. The target's own
 * background (or the nearest ancestor's, e.g. the editor background) fills the page so the chart reads the
 * same outside VS Code.
 */
export function exportSvg(target: Element, options: SvgExportOptions = {}): SvgExport {
  const rect = target.getBoundingClientRect();
  const style = getComputedStyle(target);
  const margin = options.margin ?? ((parseFloat(style.paddingLeft) || 0) < 4 ? 10 : 0);
  const w = new Writer(rect.left, rect.top);
  w.htmlBox(target, style);
  w.html(target, true);
  // Crop to what was drawn (controls and hints that were left out leave no empty band), plus the margin.
  const b = Number.isFinite(w.bounds.x0) ? w.bounds : { x0: 0, y0: 0, x1: rect.width, y1: rect.height };
  const x0 = Math.floor(b.x0 - margin);
  const y0 = Math.floor(b.y0 - margin);
  const width = Math.max(1, Math.ceil(b.x1 + margin) - x0);
  const height = Math.max(1, Math.ceil(b.y1 + margin) - y0);
  const background = effectiveBackground(target, options.fallbackBackground ?? '#ffffff');
  const title = options.title ? `<title>${escapeXml(options.title)}</title>` : '';
  const svg =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<svg xmlns="${SVG_NS}" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" width="${width}" height="${height}" viewBox="${x0} ${y0} ${width} ${height}"` +
    ` font-family="${escapeXml(style.fontFamily)}" font-size="${num(parseFloat(style.fontSize) || 12)}">` +
    title +
    `<rect x="${x0}" y="${y0}" width="${width}" height="${height}" fill="${escapeXml(background)}"/>` +
    w.parts.join('') +
    '</svg>\n';
  return { svg, width, height };
}

/** The drawn extent of a chart's <svg> (its content may overflow the element, e.g. axis labels). */
function svgExtent(node: Element, b: { x: number; y: number; width: number; height: number }): { x: number; y: number; width: number; height: number } {
  try {
    const bb = (node as SVGGraphicsElement).getBBox();
    const vb = (node as SVGSVGElement).viewBox?.baseVal;
    const sx = vb && vb.width ? b.width / vb.width : 1;
    const sy = vb && vb.height ? b.height / vb.height : 1;
    const ox = vb ? vb.x : 0;
    const oy = vb ? vb.y : 0;
    const x = Math.min(b.x, b.x + (bb.x - ox) * sx);
    const y = Math.min(b.y, b.y + (bb.y - oy) * sy);
    const x1 = Math.max(b.x + b.width, b.x + (bb.x - ox + bb.width) * sx);
    const y1 = Math.max(b.y + b.height, b.y + (bb.y - oy + bb.height) * sy);
    return { x, y, width: x1 - x, height: y1 - y };
  } catch {
    return b;
  }
}
