// The start / progress / cancel strip of one analysis: a button that asks the host to compute it (again), and
// while it computes, how far it is and a Cancel button; the last failure's one sentence stays until the next try.
import type { AnalysisKind } from '../../../src/protocol/analyses';
import { el, setText } from '../../shared/dom';
import type { AnalysisJobView } from './analysesState';

const START_LABEL: Record<AnalysisKind, string> = {
  ablation: 'Run ablation',
  topInputs: 'Find top-activating images',
  dimensionality: 'Compute dimensionality',
  robustness: 'Test robustness',
  similarity: 'Compare with a run…',
};

export class AnalysisControl {
  readonly root: HTMLElement;
  private readonly start: HTMLElement;
  private readonly cancel: HTMLElement;
  private readonly bar: HTMLProgressElement;
  private readonly status: HTMLElement;
  private readonly error: HTMLElement;

  constructor(container: HTMLElement, private readonly kind: AnalysisKind, onStart: () => void, onCancel: () => void) {
    this.start = el('vscode-button', { className: 'analysis-start', text: START_LABEL[kind], attrs: { secondary: true } });
    this.cancel = el('vscode-button', { className: 'analysis-cancel', text: 'Cancel', attrs: { secondary: true } });
    this.bar = el('progress', { className: 'analysis-progress', attrs: { max: 1, value: 0 } }) as HTMLProgressElement;
    this.status = el('span', { className: 'analysis-status', attrs: { 'aria-live': 'polite' } });
    this.error = el('p', { className: 'analysis-error', attrs: { role: 'alert' } });
    this.start.addEventListener('click', () => !this.start.hasAttribute('disabled') && onStart());
    this.cancel.addEventListener('click', onCancel);
    this.root = el('div', { className: 'analysis-control', attrs: { 'data-analysis': kind } }, [this.start, this.bar, this.status, this.cancel, this.error]);
    container.appendChild(this.root);
  }

  /** `startLabel`: what the start button says instead of "<label> (again)". */
  update(job: AnalysisJobView | undefined, hasResult: boolean, startLabel?: string): void {
    const running = !!job?.running;
    this.root.classList.toggle('running', running);
    this.start.toggleAttribute('disabled', running);
    if (this.kind !== 'similarity') setText(this.start, startLabel ?? (hasResult ? `${START_LABEL[this.kind]} again` : START_LABEL[this.kind]));
    this.bar.hidden = !running;
    this.cancel.hidden = !running;
    this.bar.value = job?.done ?? 0;
    setText(this.status, running ? `${job!.what} · ${Math.round(100 * job!.done)}%` : job?.what === 'cancelled' ? 'Cancelled.' : '');
    this.error.hidden = !job?.error;
    setText(this.error, job?.error ?? '');
  }
}
