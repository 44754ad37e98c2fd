// What the Run tab is told about a run's analyses: the results its folder holds, and an analysis's JSON lines
// turned into progress messages (a partial result rides along with the progress reached so far). Plain Node.
import type { AnalysisJsonLine, AnalysisKind, AnalysisResult } from '../../../protocol/analyses';
import type { HostToAnalyses } from '../../../protocol/webviews/panel';
import type { RunAnalyses } from '../../../engine/runStore';

/** Every result of a run folder, in a fixed order (similarity results last, by file). */
export function resultsMessage(runId: string, analyses: RunAnalyses): HostToAnalyses {
  const results: AnalysisResult[] = [];
  for (const r of [analyses.ablation, analyses.dimensionality, analyses.topInputs, analyses.robustness]) if (r) results.push(r);
  results.push(...analyses.similarity);
  return { type: 'analysisResults', runId, results };
}

/** Follows one analysis's lines and says what the page should see for each (nothing for the final result). */
export class AnalysisFeed {
  private what = 'starting';
  private done = 0;

  constructor(
    private readonly runId: string,
    private readonly kind: AnalysisKind,
  ) {}

  /** Progress so far as a fraction 0..1 (never going back). */
  get fraction(): number {
    return this.done;
  }

  get message(): string {
    return this.what;
  }

  onLine(line: AnalysisJsonLine): HostToAnalyses | undefined {
    const base = { type: 'analysisProgress' as const, runId: this.runId, kind: this.kind };
    switch (line.type) {
      case 'progress':
        this.what = line.what;
        this.done = Math.max(this.done, Math.min(1, line.done));
        return { ...base, what: this.what, done: this.done };
      case 'partial':
        return { ...base, what: this.what, done: this.done, partial: line.result };
      case 'result':
      case 'runResult':
        return undefined;
    }
  }
}
