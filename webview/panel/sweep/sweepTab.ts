// The panel's Sweep tab: every sweep the host knows, its runs' status live from sweep events, and the sweep
// figures (from the host's report data when sent, else built from the index as runs finish).
import type { SweepEvent, SweepIndex, SweepReportData, SweepRunEntry } from '../../../src/protocol/sweep';
import { buildReportData, reportRunsFromIndex } from '../../../src/protocol/sweepStats';
import type { HostToSweepTab, SweepTabToHost } from '../../../src/protocol/webviews/panel';
import { renderSweepFigures } from '../../shared/sweepFigureView';
import type { HostChannel } from '../../shared/vscodeApi';

export interface SweepMount {
  /** Applies a host message meant for the Sweep tab. */
  handle(message: HostToSweepTab): void;
}

interface SweepEntry {
  sweepDir: string;
  index: SweepIndex;
  report?: SweepReportData;
  layerSI: Record<string, Record<string, number>>;
}

const STATUS_ORDER: SweepRunEntry['status'][] = ['running', 'queued', 'completed', 'failed', 'stopped'];

export function mountSweep(container: HTMLElement, post: HostChannel<'panel'>['post']): SweepMount {
  const sweeps = new Map<string, SweepEntry>();
  let active: string | undefined;
  const root = document.createElement('div');
  root.className = 'sl-sweep';
  container.appendChild(root);

  const render = () => {
    root.textContent = '';
    const entry = active ? sweeps.get(active) : undefined;
    if (!entry) {
      const p = document.createElement('p');
      p.className = 'empty-state';
      p.textContent = 'No sweep loaded. Start a sweep config (kind: "sweep") to compare alphas here.';
      root.appendChild(p);
      return;
    }
    if (sweeps.size > 1) {
      const select = document.createElement('select');
      select.className = 'sl-sweep-select';
      for (const s of sweeps.values()) {
        const o = document.createElement('option');
        o.value = s.sweepDir;
        o.textContent = s.index.name;
        o.selected = s.sweepDir === active;
        select.appendChild(o);
      }
      select.addEventListener('change', () => {
        active = select.value;
        render();
      });
      root.appendChild(select);
    }
    const header = document.createElement('div');
    header.className = 'sl-sweep-header';
    const counts = new Map<string, number>();
    for (const r of entry.index.runs) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    const title = document.createElement('h3');
    title.textContent = `Sweep ${entry.index.name} (${entry.index.state})`;
    const status = document.createElement('p');
    status.className = 'sl-sweep-counts';
    status.textContent = STATUS_ORDER.filter((s) => counts.get(s))
      .map((s) => `${counts.get(s)} ${s}`)
      .join(' · ');
    header.append(title, status);
    const buttons: Array<[string, SweepTabToHost]> =
      entry.index.state === 'running'
        ? [['Stop sweep', { type: 'stopSweep', sweepDir: entry.sweepDir }]]
        : [
            ['Resume sweep', { type: 'resumeSweep', sweepDir: entry.sweepDir, retryFailed: false }],
            ...(counts.get('failed')
              ? ([['Retry failed runs', { type: 'resumeSweep', sweepDir: entry.sweepDir, retryFailed: true }]] as Array<[string, SweepTabToHost]>)
              : []),
            ['Open report', { type: 'openSweepReport', sweepDir: entry.sweepDir }],
            // Ablation, CKA to alpha = 0, dimensionality and robustness of each completed run, for the figures below.
            ...(counts.get('completed') ? ([['Analyse runs', { type: 'analyzeSweep', sweepDir: entry.sweepDir }]] as Array<[string, SweepTabToHost]>) : []),
          ];
    for (const [label, message] of buttons) {
      const b = document.createElement('vscode-button');
      b.textContent = label;
      b.addEventListener('click', () => post(message));
      header.appendChild(b);
    }
    // The finished runs of this sweep side by side in the Compare panel.
    const finished = entry.index.runs.filter((r) => r.status === 'completed' || r.status === 'stopped');
    if (finished.length >= 2) {
      const compare = document.createElement('vscode-button');
      compare.textContent = 'Compare runs';
      compare.className = 'sl-sweep-compare';
      compare.addEventListener('click', () => post({ type: 'compareRuns', runIds: finished.map((r) => r.runId) }));
      header.appendChild(compare);
    }
    root.appendChild(header);
    const figures = document.createElement('div');
    root.appendChild(figures);
    const data =
      entry.report ??
      buildReportData({
        sweepName: entry.index.name,
        sweepDir: entry.sweepDir,
        runs: reportRunsFromIndex(entry.index, entry.layerSI),
      });
    renderSweepFigures(figures, data);
    root.appendChild(runTable(entry.index, (runId) => post({ type: 'selectRun', runId })));
  };

  const onEvent = (e: SweepEvent) => {
    if (e.type === 'sweepStarted') {
      sweeps.set(e.sweepDir, { sweepDir: e.sweepDir, index: e.index, layerSI: sweeps.get(e.sweepDir)?.layerSI ?? {} });
      active = e.sweepDir;
    } else {
      const entry = sweeps.get(e.sweepDir);
      if (!entry) return;
      if (e.type === 'sweepRunState') {
        const i = entry.index.runs.findIndex((r) => r.name === e.run.name);
        if (i >= 0) entry.index.runs[i] = e.run;
        if (e.summary?.layers) {
          entry.layerSI[e.run.name] = Object.fromEntries(e.summary.layers.map((l) => [l.layer, l.meanSI]));
        }
        entry.report = undefined;
      } else if (e.type === 'sweepFinished') {
        entry.index.state = e.state;
      }
    }
    render();
  };

  render();
  return {
    handle(m: HostToSweepTab) {
      switch (m.type) {
        case 'sweepSnapshot':
          for (const s of m.sweeps) sweeps.set(s.sweepDir, { ...s, layerSI: {} });
          active = m.activeSweepDir ?? active ?? m.sweeps[0]?.sweepDir;
          render();
          break;
        case 'sweepEvent':
          onEvent(m.event);
          break;
        case 'sweepReport': {
          const entry = sweeps.get(m.data.sweepDir);
          if (entry) entry.report = m.data;
          active = m.data.sweepDir;
          if (!entry) {
            // A report for a sweep not seen live: show it on its own.
            sweeps.set(m.data.sweepDir, {
              sweepDir: m.data.sweepDir,
              report: m.data,
              layerSI: {},
              index: { version: 1, kind: 'sweep', sweepId: m.data.sweepName, name: m.data.sweepName, createdAt: m.data.generatedAt, updatedAt: m.data.generatedAt, state: 'completed', parallel: 1, axes: [], runs: [] },
            });
          }
          render();
          break;
        }
        default: {
          const _exhaustive: never = m;
          void _exhaustive;
        }
      }
    },
  };
}

function runTable(index: SweepIndex, select: (runId: string) => void): HTMLElement {
  const table = document.createElement('table');
  table.className = 'sl-sweep-runs';
  const head = table.createTHead().insertRow();
  for (const h of ['run', 'status', 'alpha', 'seed', 'test acc', 'network SI']) {
    const th = document.createElement('th');
    th.textContent = h;
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const r of index.runs) {
    const row = body.insertRow();
    row.className = `sl-sweep-run status-${r.status}`;
    const cells = [
      r.name,
      r.status + (r.error ? `: ${r.error}` : ''),
      String(r.alpha),
      String(r.seed),
      r.finalTestAcc !== undefined ? `${(100 * r.finalTestAcc).toFixed(2)}%` : '',
      r.finalNetworkSI !== undefined ? r.finalNetworkSI.toFixed(3) : '',
    ];
    for (const c of cells) row.insertCell().textContent = c;
    row.addEventListener('click', () => select(r.runId));
  }
  return table;
}
