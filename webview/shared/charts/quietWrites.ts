// DOM writes made only where a value differs. d3 writes every attribute, style and text of a join on each update,
// and the browser re-styles and re-lays out what was written even when the value is the same; the charts redraw
// on every epoch, where most ticks, bars and labels keep their values.
import { select, type Axis, type AxisDomain, type Selection } from 'd3';

type Value<D> = string | number | null | ((d: D, i: number) => string | number | null);

/** Sets each attribute whose value differs (null removes it). */
export function setAttrs<E extends Element, D, P extends Element | null, PD>(
  selection: Selection<E, D, P, PD>,
  attrs: Record<string, Value<D>>,
): Selection<E, D, P, PD> {
  const entries = Object.entries(attrs);
  selection.each(function (d, i) {
    for (const [name, v] of entries) {
      const value = typeof v === 'function' ? v(d, i) : v;
      if (value === null) {
        if (this.hasAttribute(name)) this.removeAttribute(name);
        continue;
      }
      const text = String(value);
      if (this.getAttribute(name) !== text) this.setAttribute(name, text);
    }
  });
  return selection;
}

const styles = new WeakMap<Element, Map<string, string>>();

/** Sets each inline style property that differs from what this function last set on the element. */
export function setStyles<E extends HTMLElement | SVGElement, D, P extends Element | null, PD>(
  selection: Selection<E, D, P, PD>,
  props: Record<string, string | ((d: D, i: number) => string)>,
): Selection<E, D, P, PD> {
  const entries = Object.entries(props);
  selection.each(function (d, i) {
    let set = styles.get(this);
    if (!set) styles.set(this, (set = new Map()));
    for (const [name, v] of entries) {
      const value = typeof v === 'function' ? v(d, i) : v;
      if (set.get(name) === value) continue;
      set.set(name, value);
      this.style.setProperty(name, value);
    }
  });
  return selection;
}

/** Sets the text of each node whose text differs. */
export function setTexts<E extends Element, D, P extends Element | null, PD>(
  selection: Selection<E, D, P, PD>,
  text: (d: D, i: number) => string,
): Selection<E, D, P, PD> {
  selection.each(function (d, i) {
    const t = text(d, i);
    if (this.textContent !== t) this.textContent = t;
  });
  return selection;
}

const axisKeys = new WeakMap<Element, string>();

/**
 * Draws `axis` into the group, changing only the ticks' attributes and texts that differ from what is there. d3
 * draws into a detached group (no style or layout there), which is then matched onto the live one. `key` (what the
 * axis depends on: its scale's domain and range, tick count and size) skips even that when nothing changed.
 */
export function drawAxis<D extends AxisDomain, P extends Element | null, PD>(
  group: Selection<SVGGElement, null, P, PD>,
  axis: Axis<D>,
  key: string,
): void {
  const node = group.node();
  if (!node || axisKeys.get(node) === key) return;
  axisKeys.set(node, key);
  const fresh = document.createElementNS('http://www.w3.org/2000/svg', 'g');
  select(fresh).call(axis);
  // The group's own class and transform are the caller's: only what the axis sets on it is copied.
  for (const a of Array.from(fresh.attributes)) if (node.getAttribute(a.name) !== a.value) node.setAttribute(a.name, a.value);
  syncChildren(node, fresh);
}

/** Makes `live`'s subtree equal to `fresh`'s, writing only what differs. */
function syncChildren(live: Element, fresh: Element): void {
  const wanted = Array.from(fresh.childNodes);
  wanted.forEach((f, i) => {
    const l = live.childNodes[i];
    if (!l) live.appendChild(f);
    else if (l.nodeType !== f.nodeType || l.nodeName !== f.nodeName) live.replaceChild(f, l);
    else if (f.nodeType === Node.TEXT_NODE) {
      if (l.nodeValue !== f.nodeValue) l.nodeValue = f.nodeValue;
    } else if (f instanceof Element && l instanceof Element) {
      for (const a of Array.from(f.attributes)) if (l.getAttribute(a.name) !== a.value) l.setAttribute(a.name, a.value);
      for (const a of Array.from(l.attributes)) if (!f.hasAttribute(a.name)) l.removeAttribute(a.name);
      syncChildren(l, f);
    }
  });
  while (live.childNodes.length > wanted.length) live.lastChild!.remove();
}

/** The part of an axis' key its scale gives. */
export function scaleKey(scale: { domain(): unknown[]; range(): unknown[] }): string {
  return `${scale.domain().join(',')}|${scale.range().join(',')}`;
}
