// How runs read in the tree, the status bar and progress notifications. Plain Node: no vscode.
import { schedulerText, type SchedulerJob } from '../../../protocol/executor';
import { runDisplayName } from '../../../protocol/runName';
import { isTerminal, type RunViewState } from '../../../protocol/runView';
import { runFacts } from './runViewStore';

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** "downloading CIFAR-10 · 45.2 / 170.1 MB (27%)" */
export function downloadText(d: NonNullable<RunViewState['download']>): string {
  const pct = d.total > 0 ? ` (${Math.floor((100 * d.bytes) / d.total)}%)` : '';
  return `downloading ${d.dataset} · ${(d.bytes / 1e6).toFixed(1)} / ${(d.total / 1e6).toFixed(1)} MB${pct}`;
}

/** "epoch 3/10 · batch 40/469 · 512 img/s · ETA 1:23" */
export function progressText(s: RunViewState): string {
  if (s.state === 'queued') return 'queued';
  if (s.download && !s.meta && (s.state === 'starting' || s.state === 'running')) return downloadText(s.download);
  if (s.state === 'starting') return 'starting the engine…';
  if (s.state === 'stopping') return 'stopping after this batch…';
  const p = s.progress;
  if (!p) return s.state;
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `batch ${p.batch}/${p.batches}`];
  if (Number.isFinite(p.imgPerSec) && p.imgPerSec > 0) parts.push(`${Math.round(p.imgPerSec)} img/s`);
  if (Number.isFinite(p.etaSec) && p.etaSec > 0) parts.push(`ETA ${formatDuration(p.etaSec)}`);
  return parts.join(' · ');
}

/**
 * Tree item description: "α=-1 · ep 3/10 · acc 97.1% · SI 0.231", and for a run of a Slurm sweep that is not
 * finished, its job as the scheduler last saw it: "· Slurm 4211_7 PENDING (Priority)".
 */
export function runDescription(s: RunViewState, job?: SchedulerJob): string {
  const f = runFacts(s);
  const parts: string[] = [];
  if (f.alpha !== undefined) parts.push(`α=${formatNumber(f.alpha)}`);
  else if (typeof s.meta === 'undefined' && s.state === 'queued') parts.push('queued');
  if (s.download && !s.meta && !isTerminal(s.state)) parts.push(downloadText(s.download));
  if (f.epoch !== undefined && f.epoch > 0) parts.push(f.epochs ? `ep ${f.epoch}/${f.epochs}` : `ep ${f.epoch}`);
  if (f.testAcc !== undefined && Number.isFinite(f.testAcc)) parts.push(`acc ${(f.testAcc * 100).toFixed(1)}%`);
  if (f.networkSI !== undefined && Number.isFinite(f.networkSI)) parts.push(`SI ${f.networkSI.toFixed(3)}`);
  if (job && s.state !== 'completed') parts.push(schedulerText(job));
  return parts.join(' · ');
}

/**
 * What tells a run apart from others of the same name (two runs of one config read alike otherwise): its start
 * time to the second, e.g. "started 2026-12-02 03:24:17"; '' when no other run shares its name.
 */
export function sameNameSuffix(s: RunViewState, all: readonly RunViewState[]): string {
  const name = runDisplayName(s);
  if (!s.meta?.startedAt || all.filter((r) => runDisplayName(r) === name).length < 2) return '';
  return `started ${s.meta.startedAt.replace('T', ' ').slice(0, 19)}`;
}

/** Status bar text for a live run: "name ep 3/10 · 512 img/s · ETA 1:23". */
export function statusText(s: RunViewState): string {
  const f = runFacts(s);
  if (s.state === 'queued' || s.state === 'starting' || s.state === 'stopping') return `${f.name}: ${progressText(s)}`;
  const parts = [f.name];
  if (s.progress) parts.push(`ep ${s.progress.epoch}/${s.progress.epochs}`);
  if (f.imgPerSec !== undefined && f.imgPerSec > 0) parts.push(`${Math.round(f.imgPerSec)} img/s`);
  if (f.etaSec !== undefined && f.etaSec > 0) parts.push(`ETA ${formatDuration(f.etaSec)}`);
  return parts.join(' · ');
}

function formatNumber(x: number): string {
  return Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(3)));
}
