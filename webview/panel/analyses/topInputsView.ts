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

  constructor(container: HTMLElement, onStart: () => void, onCancel: () => void) {
    this.note = el('p', { className: 'top-inputs-note' });
    this.top = el('div', { className: 'thumb-grid top-inputs-top' });
    this.perClass = el('div', { className: 'top-inputs-per-class' });
    this.root = el('div', { className: 'top-inputs' }, [el('h4', { className: 'subhead', text: 'Top-activating held-out images' }), this.note, this.top, this.perClass]);
    this.control = new AnalysisControl(this.root, 'topInputs', onStart, onCancel);
    container.appendChild(this.root);
  }

  update(input: TopInputsInput): void {
    this.control.update(input.job, !!input.result);
    const layer = input.result?.layers.find((l) => l.layer === input.layer);
    const unit = layer?.units.find((u) => u.unit === input.unit);
    if (!this.gate.changed([input.result, input.layer, input.unit])) return;
    if (!input.result || !unit) {
      setText(this.note, input.result ? `The top-inputs result has no images for ${input.layer}; compute it again to include this layer.` : 'Not computed yet for this run.');
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
