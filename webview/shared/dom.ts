// Small DOM helpers. Text always goes in through textContent: class names come from user data.

export interface ElOptions {
  className?: string;
  text?: string;
  attrs?: Record<string, string | number | boolean | undefined>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  options?: ElOptions,
  children?: Array<Node | null | undefined>,
): HTMLElementTagNameMap[K];
export function el(tag: string, options?: ElOptions, children?: Array<Node | null | undefined>): HTMLElement;
export function el(tag: string, options: ElOptions = {}, children: Array<Node | null | undefined> = []): HTMLElement {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child) node.appendChild(child);
  return node;
}

export function setText(node: Element, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** Shows or hides an element, writing the attribute only when that changes (a rewrite re-styles it). */
export function setHidden(node: HTMLElement, hidden: boolean): void {
  if (node.hidden !== hidden) node.hidden = hidden;
}

/** Sets an inline style property only when it differs. */
export function setStyle(node: HTMLElement, property: 'width' | 'height' | 'left' | 'top', value: string): void {
  if (node.style[property] !== value) node.style[property] = value;
}

/** Sets each data-* attribute that differs. */
export function setData(node: HTMLElement, values: Record<string, string>): void {
  for (const [key, value] of Object.entries(values)) if (node.dataset[key] !== value) node.dataset[key] = value;
}

/** True when any input differs (by identity) from the previous call's; remembers the new inputs. */
export class ChangeGate {
  private last: readonly unknown[] | undefined;
  changed(inputs: readonly unknown[]): boolean {
    const prev = this.last;
    this.last = inputs;
    if (!prev || prev.length !== inputs.length) return true;
    for (let i = 0; i < inputs.length; i++) if (!Object.is(prev[i], inputs[i])) return true;
    return false;
  }
  reset(): void {
    this.last = undefined;
  }
}

/**
 * Calls `onResize(width)` when the element's content width changes (whole pixels). The redraw waits for the
 * next frame so that drawing (which may change the page height and so add a scrollbar) never happens inside
 * the observer callback.
 */
export function observeWidth(node: Element, onResize: (width: number) => void): void {
  let last = -1;
  let frame = 0;
  new ResizeObserver((entries) => {
    const width = Math.floor(entries[entries.length - 1].contentRect.width);
    if (width === last) return;
    last = width;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => onResize(width));
  }).observe(node);
}
