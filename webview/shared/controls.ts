// Layer picker (vscode-single-select), used by the panel, the side bar and the compare panel.
import { el } from './dom';

export class LayerPicker {
  readonly root: HTMLElement;
  private select: HTMLElement & { value: string };
  private names: string[] = [];

  constructor(container: HTMLElement, onPick: (layer: string) => void, label = 'Layer') {
    const id = `layer-${Math.random().toString(36).slice(2, 8)}`;
    this.select = el('vscode-single-select', { className: 'layer-select', attrs: { id, 'aria-label': label } }) as HTMLElement & {
      value: string;
    };
    this.root = el('div', { className: 'control' }, [el('label', { text: label, attrs: { for: id } }), this.select]);
    this.select.addEventListener('change', () => onPick(this.select.value));
    container.appendChild(this.root);
  }

  update(names: string[], value: string | undefined): void {
    if (names.join('\n') !== this.names.join('\n')) {
      this.names = names;
      this.select.replaceChildren(...names.map((n) => el('vscode-option', { text: n, attrs: { value: n } })));
    }
    if (value !== undefined && this.select.value !== value) this.select.value = value;
  }
}
