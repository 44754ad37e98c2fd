// How runs read in the tree, the status bar and progress notifications. Plain Node: no vscode.
import type { RunViewState } from '../protocol/webview';
import { runFacts } from './runViewStore';

export function formatDuration(sec: number): string {
  const s = Math.max(0, Math.round(sec));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  const mm = h ? String(m).padStart(2, '0') : String(m);
  return `${h ? `${h}:` : ''}${mm}:${String(r).padStart(2, '0')}`;
}

/** "epoch 3/10 · batch 40/469 · 512 img/s · ETA 1:23" */
export function progressText(s: RunViewState): string {
  if (s.state === 'queued') return 'queued';
  if (s.state === 'starting') return 'starting the engine…';
  if (s.state === 'stopping') return 'stopping after this batch…';
  const p = s.progress;
  if (!p) return s.state;
  const parts = [`epoch ${p.epoch}/${p.epochs}`, `batch ${p.batch}/${p.batches}`];
  if (Number.isFinite(p.imgPerSec) && p.imgPerSec > 0) parts.push(`${Math.round(p.imgPerSec)} img/s`);
  if (Number.isFinite(p.etaSec) && p.etaSec > 0) parts.push(`ETA ${formatDuration(p.etaSec)}`);
  return parts.join(' · ');
}

/** Tree item description: "α=-1 · ep 3/10 · acc 97.1% · SI 0.231". */
export function runDescription(s: RunViewState): string {
  const f = runFacts(s);
  const parts: string[] = [];
  if (f.alpha !== undefined) parts.push(`α=${formatNumber(f.alpha)}`);
  else if (typeof s.meta === 'undefined' && s.state === 'queued') parts.push('queued');
  if (f.epoch !== undefined && f.epoch > 0) parts.push(f.epochs ? `ep ${f.epoch}/${f.epochs}` : `ep ${f.epoch}`);
  if (f.testAcc !== undefined && Number.isFinite(f.testAcc)) parts.push(`acc ${(f.testAcc * 100).toFixed(1)}%`);
  if (f.networkSI !== undefined && Number.isFinite(f.networkSI)) parts.push(`SI ${f.networkSI.toFixed(3)}`);
  return parts.join(' · ');
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
