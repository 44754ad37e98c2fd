// The selected unit's top-activating held-out images (selectivity-lens top-inputs): the strongest overall with
// class and activation, then each class's strongest, as thumbnails decoded from the result's uint8 pixels.
import type { TopInputsResult, UnitTopInputs } from '../../../src/protocol/analyses';
import { ChangeGate, el, setText } from '../../shared/dom';
import { className, fmtNum } from '../../shared/format';
import { AnalysisControl } from './analysisControl';
import type { AnalysisJobView } from './analysesState';

/** Above this many classes the per-class rows are left out (they would be most of the page). */
const MAX_CLASS_ROWS = 20;

export interface TopInputsInput {
  result?: TopInputsResult;
  layer: string;
  unit: number;
  job?: AnalysisJobView;
}

const urlCache = new WeakMap<TopInputsResult, Map<number, string>>();

/** Sample `index`'s thumbnail as a PNG data URL (cached per result). */
export function thumbnailUrl(result: TopInputsResult, index: number): string | undefined {
  let cache = urlCache.get(result);
  if (!cache) urlCache.set(result, (cache = new Map()));
  const hit = cache.get(index);
  if (hit) return hit;
  const b64 = result.thumbnails[String(index)];
  if (!b64) return undefined;
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  const side = result.thumbSize;
  const ch = result.channels;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = side;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(side, side);
  for (let p = 0; p < side * side; p++) {
    for (let c = 0; c < 3; c++) img.data[p * 4 + c] = bytes[p * ch + (ch >= 3 ? c : 0)];
    img.data[p * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  const url = canvas.toDataURL('image/png');
  cache.set(index, url);
  return url;
}

export class TopInputsView {
  readonly root: HTMLElement;
  private readonly note: HTMLElement;
  private readonly top: HTMLElement;
  private readonly perClass: HTMLElement;
  private readonly control: AnalysisControl;
  private readonly gate = new ChangeGate();

  /** Layers the start button asks for: absent for the default ones, or the result's layers plus the shown one. */
  private startLayers: string[] | undefined;

  /** `onStart(layers)`: compute top inputs, for `layers` when given (else the engine's default layers). */
  constructor(container: HTMLElement, onStart: (layers?: string[]) => void, onCancel: () => void) {
    this.note = el('p', { className: 'top-inputs-note' });
    this.top = el('div', { className: 'thumb-grid top-inputs-top' });
    this.perClass = el('div', { className: 'top-inputs-per-class' });
    this.root = el('div', { className: 'top-inputs' }, [el('h4', { className: 'subhead', text: 'Top-activating held-out images' }), this.note, this.top, this.perClass]);
    this.control = new AnalysisControl(this.root, 'topInputs', () => onStart(this.startLayers), onCancel);
    container.appendChild(this.root);
  }

  update(input: TopInputsInput): void {
    const layer = input.result?.layers.find((l) => l.layer === input.layer);
    const unit = layer?.units.find((u) => u.unit === input.unit);
    // A result without the shown layer (the default covers the deepest layers of a big network): the button adds it.
    const covered = input.result?.layers.map((l) => l.layer) ?? [];
    this.startLayers = input.result && !layer ? [...covered, input.layer] : undefined;
    this.control.update(input.job, !!input.result, this.startLayers ? `Find top-activating images for ${input.layer} too` : undefined);
    if (!this.gate.changed([input.result, input.layer, input.unit])) return;
    if (!input.result || !unit) {
      setText(
        this.note,
        !input.result
          ? 'Not computed yet for this run.'
          : layer
            ? `The top-inputs result has no unit ${input.unit} in ${input.layer}; compute it again.`
            : `Top inputs were found for ${listOf(covered)}, not for ${input.layer}.`,
      );
      this.top.replaceChildren();
      this.perClass.replaceChildren();
      return;
    }
    const r = input.result;
    setText(this.note, `Strongest of ${r.samples} held-out samples (epoch ${r.epoch}).`);
    this.top.replaceChildren(...unit.top.map((sample, i) => thumb(r, sample, `${className(r.classNames, r.labels[String(sample)])} · ${fmtNum(unit.values[i])}`)));
    this.perClass.replaceChildren(...(r.classNames.length <= MAX_CLASS_ROWS ? perClassRows(r, unit) : []));
  }
}

function perClassRows(r: TopInputsResult, unit: UnitTopInputs): HTMLElement[] {
  return unit.perClass.map((samples, c) =>
    el('div', { className: 'per-class-row' }, [el('span', { className: 'per-class-name', text: className(r.classNames, c) }), ...samples.map((s) => thumb(r, s))]),
  );
}

function thumb(r: TopInputsResult, sample: number, caption?: string): HTMLElement {
  const url = thumbnailUrl(r, sample);
  const label = `held-out sample ${sample}, ${className(r.classNames, r.labels[String(sample)])}`;
  return el('figure', { className: 'thumb', attrs: { 'data-sample': sample } }, [
    url ? el('img', { attrs: { src: url, alt: label, title: label, width: 56, height: 56 } }) : null,
    caption ? el('figcaption', { text: caption }) : null,
  ]);
}

/** "a", "a and b", "a, b and c"; a long list keeps its first and last names. */
function listOf(names: string[]): string {
  if (names.length > 6) return `${names.length} layers (${names[0]} … ${names[names.length - 1]})`;
  return names.length <= 1 ? (names[0] ?? 'no layer') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}
