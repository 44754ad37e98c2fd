// Epoch scrubber of the panel's Selectivity section: a native range input, so keyboard and screen readers work
// out of the box.
import { el } from '../shared/dom';

export class EpochScrubber {
  readonly root: HTMLElement;
  private input: HTMLInputElement;
  private label: HTMLElement;
  private epochs: number[] = [];

  /** `onPick(undefined)` means follow the newest epoch. */
  constructor(container: HTMLElement, onPick: (epoch: number | undefined) => void) {
    const id = `epoch-${Math.random().toString(36).slice(2, 8)}`;
    this.input = el('input', { className: 'scrubber', attrs: { type: 'range', id, min: 0, max: 0, step: 1, value: 0 } });
    this.label = el('output', { className: 'scrubber-value', attrs: { for: id } });
    this.root = el('div', { className: 'control scrubber-control' }, [
      el('label', { text: 'Epoch', attrs: { for: id } }),
      this.input,
      this.label,
    ]);
    this.input.addEventListener('input', () => {
      const i = Number(this.input.value);
      onPick(i >= this.epochs.length - 1 ? undefined : this.epochs[i]);
    });
    container.appendChild(this.root);
  }

  update(epochs: number[], shown: number | undefined, following: boolean): void {
    this.epochs = epochs;
    const index = shown === undefined ? epochs.length - 1 : Math.max(0, epochs.indexOf(shown));
    this.input.max = String(Math.max(0, epochs.length - 1));
    this.input.value = String(Math.max(0, index));
    this.input.disabled = epochs.length < 2;
    const text = shown === undefined ? '–' : `${shown}${following ? ' (latest)' : ` of ${epochs[epochs.length - 1]}`}`;
    this.label.textContent = text;
    this.input.setAttribute('aria-valuetext', `epoch ${text}`);
  }
}
