// What the Run tab knows of each run's analyses: the results in its folder (asked of the host once per run)
// and the analyses computing now, with their progress and their result so far, which the views draw instead of
// the stored one while it computes.
import type { AnalysisKind, AnalysisResult, SimilarityResult } from '../../../src/protocol/analyses';
import type { HostToAnalyses } from '../../../src/protocol/webviews/panel';

export interface AnalysisJobView {
  running: boolean;
  what: string;
  done: number;
  partial?: AnalysisResult;
  /** Why the last one failed. */
  error?: string;
}

type ResultOf<K extends AnalysisKind> = Extract<AnalysisResult, { kind: K }>;

export class AnalysesState {
  /** Bumps on every change; views use it as a redraw key. */
  version = 0;
  private readonly stored = new Map<string, AnalysisResult[]>();
  private readonly jobs = new Map<string, AnalysisJobView>();
  private readonly asked = new Set<string>();

  /** True the first time a run is seen: the caller asks the host for its results. */
  needsRequest(runId: string): boolean {
    if (this.asked.has(runId)) return false;
    this.asked.add(runId);
    return true;
  }

  handle(m: HostToAnalyses): void {
    switch (m.type) {
      case 'analysisResults':
        this.stored.set(m.runId, m.results);
        break;
      case 'analysisProgress':
        this.jobs.set(key(m.runId, m.kind), { running: true, what: m.what, done: m.done, partial: m.partial ?? this.jobs.get(key(m.runId, m.kind))?.partial });
        break;
      case 'analysisFinished':
        this.jobs.set(key(m.runId, m.kind), { running: false, what: m.outcome, done: m.outcome === 'completed' ? 1 : 0, error: m.error });
        break;
      default: {
        const _exhaustive: never = m;
        void _exhaustive;
      }
    }
    this.version++;
  }

  job(runId: string, kind: AnalysisKind): AnalysisJobView | undefined {
    return this.jobs.get(key(runId, kind));
  }

  /** The result to draw: the one computing now (so far), else the stored one. */
  result<K extends Exclude<AnalysisKind, 'similarity'>>(runId: string, kind: K): ResultOf<K> | undefined {
    const job = this.job(runId, kind);
    if (job?.running && job.partial?.kind === kind) return job.partial as ResultOf<K>;
    return this.stored.get(runId)?.find((r): r is ResultOf<K> => r.kind === kind);
  }

  /** The run's similarity results, one per other run. */
  similarity(runId: string): SimilarityResult[] {
    return (this.stored.get(runId) ?? []).filter((r): r is SimilarityResult => r.kind === 'similarity');
  }
}

function key(runId: string, kind: AnalysisKind): string {
  return `${runId}\n${kind}`;
}
