// Run identity and live status: name and tags, state, model/data/alpha/backend, progress, speed and ETA.
import type { RunViewState } from '../../src/protocol/runView';
import type { RunMeta } from '../../src/protocol/events';
import { runDisplayName, runTagsText } from '../../src/protocol/runName';
import { currentAlpha, isActive, latestMetrics, progressFraction } from '../../src/protocol/runView';
import { ChangeGate, el, setHidden, setText } from './dom';
import { fmtDuration, fmtInt, fmtNum, fmtPct } from './format';

export interface RunHeaderActions {
  onPickRun: (runId: string) => void;
  onStop: (runId: string) => void;
}

export class RunHeader {
  readonly root: HTMLElement;
  private runSelect: HTMLElement & { value: string };
  private runSelectWrap: HTMLElement;
  private name: HTMLElement;
  private tags: HTMLElement;
  private badge: HTMLElement;
  private facts: HTMLElement;
  private progress: HTMLElement & { value?: number; max: number };
  private progressText: HTMLElement;
  private stop: HTMLElement;
  private error: HTMLElement;
  private gate = new ChangeGate();
  private runIds = '';
  private stopRequested = new Set<string>();
  private run: RunViewState | undefined;

  constructor(container: HTMLElement, private readonly compact: boolean, actions: RunHeaderActions) {
    this.root = el('header', { className: compact ? 'run-header compact' : 'run-header' });
    this.name = el(compact ? 'h2' : 'h1', { className: 'run-name' });
    this.tags = el('span', { className: 'run-tags' });
    this.badge = el('span', { className: 'state-badge', attrs: { role: 'status' } });
    this.runSelect = el('vscode-single-select', { className: 'run-select', attrs: { 'aria-label': 'Run' } }) as HTMLElement & {
      value: string;
    };
    this.runSelect.addEventListener('change', () => actions.onPickRun(this.runSelect.value));
    this.runSelectWrap = el('div', { className: 'run-select-wrap' }, [this.runSelect]);
    this.stop = el('vscode-button', { className: 'stop', text: 'Stop', attrs: { secondary: true, 'aria-label': 'Stop this run' } });
    this.stop.addEventListener('click', () => {
      if (!this.run || this.stopRequested.has(this.run.runId)) return;
      // The engine finishes the current batch and checkpoints first; say so until the run reports its end.
      this.stopRequested.add(this.run.runId);
      actions.onStop(this.run.runId);
      this.showStop(this.run);
    });
    this.facts = el('dl', { className: 'facts' });
    this.progress = el('vscode-progress-bar', { attrs: { 'aria-label': 'Run progress' } }) as HTMLElement & { value?: number; max: number };
    this.progress.max = 100;
    this.progressText = el('div', { className: 'progress-text' });
    this.error = el('p', { className: 'run-error', attrs: { role: 'alert' } });
    this.root.append(
      el('div', { className: 'title-row' }, [this.name, this.tags, this.badge, el('span', { className: 'spacer' }), this.stop]),
      this.runSelectWrap,
      this.facts,
      this.progress,
      this.progressText,
      this.error,
    );
    container.appendChild(this.root);
  }

  private showStop(run: RunViewState): void {
    const stopping = run.state === 'stopping' || (this.stopRequested.has(run.runId) && isActive(run.state));
    setHidden(this.stop, !isActive(run.state));
    this.stop.toggleAttribute('disabled', stopping);
    setText(this.stop, stopping ? 'Stopping…' : 'Stop');
  }

  update(runs: RunViewState[], run: RunViewState | undefined): void {
    if (!this.gate.changed([runs, run])) return;
    this.run = run;
    const ids = runs.map((r) => `${r.runId}\t${runLabel(r, runs)}\t${r.state}`).join('\n');
    if (ids !== this.runIds) {
      this.runIds = ids;
      this.runSelect.replaceChildren(
        ...runs
          .slice()
          .reverse()
          .map((r) => el('vscode-option', { text: `${runLabel(r, runs)} — ${r.state}`, attrs: { value: r.runId } })),
      );
    }
    setHidden(this.runSelectWrap, runs.length < 2);
    if (run && this.runSelect.value !== run.runId) this.runSelect.value = run.runId;
    setHidden(this.stop, !run || !isActive(run.state)); // nothing to stop before the first run
    // No run: no header at all (an empty title, a badge and a progress track would say nothing).
    setHidden(this.root, !run);
    if (!run) return;
    const meta = run.meta;
    setText(this.name, runDisplayName(run));
    // A renamed run still says which config it ran.
    if (run.label?.label && meta?.name) this.name.title = `config: ${meta.name}`;
    else this.name.removeAttribute('title');
    setText(this.tags, runTagsText(run));
    setHidden(this.tags, !this.tags.textContent);
    setText(this.badge, run.state);
    const badgeClass = `state-badge state-${run.state}`;
    if (this.badge.className !== badgeClass) this.badge.className = badgeClass;
    this.showStop(run);

    const last = latestMetrics(run);
    const p = run.progress;
    const epochs = p?.epochs ?? meta?.epochs;
    const epoch = p?.epoch ?? last?.epoch;
    const running = isActive(run.state);
    const facts: Array<[string, string, string]> = this.compact
      ? [
          ['Model', meta?.model ?? '–', 'model'],
          ['α', fmtNum(currentAlpha(run)), 'alpha'],
          ['Test acc', fmtPct(last?.testAcc), 'test-acc'],
        ]
      : [
          ['Model', meta ? `${meta.model} (${fmtInt(meta.params)} params)` : '–', 'model'],
          ['Data', meta ? `${meta.dataset} · ${fmtInt(meta.trainSize)} train / ${fmtInt(meta.testSize)} test` : '–', 'data'],
          ['α', fmtNum(currentAlpha(run)), 'alpha'],
          ['Backend', meta ? backendFact(meta) : '–', 'backend'],
          ['Epoch', epoch !== undefined ? `${epoch} / ${epochs ?? '?'}` : '–', 'epoch'],
          ['img/s', fmtInt(running ? (p?.imgPerSec ?? last?.imgPerSec) : last?.imgPerSec), 'img-s'],
          ['ETA', running ? fmtDuration(p?.etaSec) : run.state === 'completed' ? 'done' : '–', 'eta'],
        ];
    // The same facts every time: their text changes in place (a new list each progress event re-lays the header).
    if (this.facts.childElementCount !== facts.length) {
      this.facts.replaceChildren(
        ...facts.map(([label, , key]) => el('div', { className: 'fact', attrs: { 'data-fact': key } }, [el('dt', { text: label }), el('dd')])),
      );
    }
    facts.forEach(([, value], i) => setText(this.facts.children[i].lastElementChild!, value));
    const frac = progressFraction(run);
    setHidden(this.progress, !running && run.state !== 'queued');
    // A data.download comes before the run starts: its bytes are the progress then.
    const download = !meta && running ? run.download : undefined;
    if (download && download.total > 0) this.progress.value = Math.round((1000 * download.bytes) / download.total) / 10;
    else if (run.state === 'starting' || run.state === 'queued') {
      this.progress.value = undefined;
      this.progress.removeAttribute('value');
    } else this.progress.value = Math.round(frac * 1000) / 10;
    setText(
      this.progressText,
      download
        ? `Downloading ${download.dataset}: ${(download.bytes / 1e6).toFixed(1)} / ${(download.total / 1e6).toFixed(1)} MB`
        : running && p
        ? `Epoch ${p.epoch}/${p.epochs} · batch ${p.batch}/${p.batches}` +
            (this.compact ? ` · ${fmtInt(p.imgPerSec)} img/s · ETA ${fmtDuration(p.etaSec)}` : '')
        : run.summary
          ? `${run.summary.epochsDone} epochs in ${fmtDuration(run.summary.seconds)}`
          : '',
    );
    setHidden(this.error, !run.error);
    setText(this.error, run.error ?? '');
  }
}

/** The backend and what it computes on: the GPU adapter, or the CPU threads. */
function backendFact(meta: RunMeta): string {
  if (meta.backendDevice) return `${meta.backend} · ${meta.backendDevice}`;
  return `${meta.backend}${meta.threads ? ` · ${meta.threads} thread${meta.threads === 1 ? '' : 's'}` : ''}`;
}

/**
 * A run's name (and tags) in a picker; runs that share a name add what tells them apart: their start time (to
 * the second) and alpha, so two runs of one config never read alike.
 */
export function runLabel(run: RunViewState, runs: RunViewState[]): string {
  const name = runDisplayName(run);
  const tags = runTagsText(run);
  const named = tags ? `${name} · ${tags}` : name;
  if (runs.filter((r) => runDisplayName(r) === name).length < 2) return named;
  const started = run.meta?.startedAt ? run.meta.startedAt.replace('T', ' ').slice(0, 19) : run.runId;
  return `${named} · started ${started} · α ${fmtNum(currentAlpha(run))}`;
}
