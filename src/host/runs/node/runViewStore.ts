// The host's copy of every run's RunViewState: fed by engine events (live runs) and by run folders on disk
// (past runs), read by the Runs tree, the status bar and the webviews' 'snapshot'. Plain Node: no vscode.
import type { EngineEvent, RunState, RunSummary } from '../../../protocol/events';
import { applyEvent, createRunViewState, eventRunId, isTerminal, latestMetrics, latestSelectivity } from '../../../protocol/runView';
import type { RunViewState } from '../../../protocol/runView';
import { runDisplayName } from '../../../protocol/runName';
import type { RunLabel } from '../../../protocol/runStore';

/**
 * Apply one engine event with the shared reducer (src/protocol/runView.ts). A run we have not seen gets a
 * fresh state. A summary the host synthesized (crash, kill) knows little: it is filled from what the run
 * already reported.
 */
export function applyEngineEvent(state: RunViewState | undefined, e: EngineEvent): RunViewState | undefined {
  const runId = eventRunId(e);
  if (!runId) return state;
  const s = state ?? createRunViewState(runId);
  const event = e.type === 'runFinished' ? { ...e, summary: mergeSummary(s, e.summary) } : e;
  return applyEvent(s, event);
}

function mergeSummary(s: RunViewState, summary: RunSummary): RunSummary {
  const last = latestMetrics(s);
  const lastSI = latestSelectivity(s);
  return {
    ...summary,
    epochsDone: summary.epochsDone || (last?.epoch ?? 0),
    finalTestAcc: Number.isNaN(summary.finalTestAcc) && last ? last.testAcc : summary.finalTestAcc,
    finalNetworkSI: Number.isNaN(summary.finalNetworkSI) && lastSI ? lastSI.networkSI : summary.finalNetworkSI,
    bestTestAcc:
      Number.isNaN(summary.bestTestAcc) && s.metrics.length ? Math.max(...s.metrics.map((m) => m.testAcc)) : summary.bestTestAcc,
    layers: summary.layers.length ? summary.layers : (last?.layers ?? []),
  };
}

/** Facts the Runs tree and status bar show, from whatever the run state holds. */
export interface RunFacts {
  runId: string;
  state: RunState;
  name: string;
  alpha?: number;
  epoch?: number;
  epochs?: number;
  testAcc?: number;
  networkSI?: number;
  imgPerSec?: number;
  etaSec?: number;
  error?: string;
}

export function runFacts(s: RunViewState): RunFacts {
  const last = latestMetrics(s);
  const lastSI = [...s.selectivity].reverse().find((x) => Number.isFinite(x.networkSI));
  const siFromMetrics = [...s.metrics].reverse().find((m) => Number.isFinite(m.networkSI))?.networkSI;
  // A finished run's last progress event is stale (a stop ends mid-epoch): its finished epochs count.
  const progress = isTerminal(s.state) ? undefined : s.progress;
  return {
    runId: s.runId,
    state: s.state,
    name: runDisplayName(s),
    alpha: last?.alpha,
    epoch: progress?.epoch ?? last?.epoch ?? s.summary?.epochsDone,
    epochs: progress?.epochs ?? s.meta?.epochs,
    testAcc: last?.testAcc ?? finiteOrUndefined(s.summary?.finalTestAcc),
    networkSI: lastSI?.networkSI ?? siFromMetrics ?? finiteOrUndefined(s.summary?.finalNetworkSI),
    imgPerSec: progress?.imgPerSec,
    etaSec: progress?.etaSec,
    error: s.error ?? s.summary?.error,
  };
}

function finiteOrUndefined(x: number | undefined): number | undefined {
  return x !== undefined && Number.isFinite(x) ? x : undefined;
}

export class RunViewStore {
  private readonly runs = new Map<string, RunViewState>();
  private readonly listeners = new Set<(runId: string) => void>();

  onDidChange(listener: (runId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  apply(e: EngineEvent): void {
    const runId = eventRunId(e);
    if (!runId) return;
    const before = this.runs.get(runId);
    const next = applyEngineEvent(before, e);
    if (!next || next === before) return;
    this.runs.set(runId, next);
    this.fire(runId);
  }

  /** Put a run read from disk; a run that is live in this session keeps its live state. */
  putFromDisk(s: RunViewState, isLive: boolean): void {
    if (isLive && this.runs.has(s.runId)) return;
    this.runs.set(s.runId, s);
    this.fire(s.runId);
  }

  /** Host-side states the engine does not report (queued, stopping). */
  setState(runId: string, state: RunState): void {
    this.runs.set(runId, { ...(this.runs.get(runId) ?? createRunViewState(runId)), state });
    this.fire(runId);
  }

  /** The user renamed or tagged the run: kept across its events (the reducer carries it along). */
  setLabel(runId: string, label: RunLabel): void {
    const s = this.runs.get(runId);
    if (!s) return;
    this.runs.set(runId, { ...s, label });
    this.fire(runId);
  }

  delete(runId: string): void {
    if (this.runs.delete(runId)) this.fire(runId);
  }

  get(runId: string): RunViewState | undefined {
    return this.runs.get(runId);
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }

  all(): RunViewState[] {
    return [...this.runs.values()];
  }

  private fire(runId: string): void {
    for (const l of this.listeners) {
      try {
        l(runId);
      } catch {
        // keep the others going
      }
    }
  }
}
