// The Run tab's Analyses card: ablation, dimensionality, robustness and similarity of the run on screen, each
// with its compute / progress / cancel strip, drawn from the run folder's results or, while one computes,
// from its result so far.
import type { AnalysisKind } from '../../../src/protocol/analyses';
import { ANALYSIS_LABELS } from '../../../src/protocol/analyses';
import { el } from '../../shared/dom';
import type { HostChannel } from '../../shared/vscodeApi';
import { AblationView } from './ablationView';
import { AnalysisControl } from './analysisControl';
import type { AnalysesState } from './analysesState';
import { DimensionalityView, RobustnessView } from './measuresView';
import { SimilarityView } from './similarityView';

export class AnalysesSection {
  readonly root: HTMLElement;
  private readonly controls = new Map<AnalysisKind, AnalysisControl>();
  private readonly ablation: AblationView;
  private readonly dimensionality: DimensionalityView;
  private readonly robustness: RobustnessView;
  private readonly similarity: SimilarityView;
  private runId: string | undefined;

  constructor(container: HTMLElement, private readonly state: AnalysesState, post: HostChannel<'panel'>['post'], redraw: () => void) {
    this.root = el('section', { className: 'card analyses', attrs: { 'aria-label': 'Analyses' } }, [el('h3', { className: 'section-title', text: 'Analyses' })]);
    container.appendChild(this.root);
    const part = (kind: AnalysisKind): HTMLElement => {
      const box = el('div', { className: 'analysis-part', attrs: { 'data-analysis-part': kind } }, [el('h4', { className: 'subhead', text: ANALYSIS_LABELS[kind] })]);
      this.root.appendChild(box);
      this.controls.set(
        kind,
        new AnalysisControl(
          box,
          kind,
          () => this.runId && post({ type: 'runAnalysis', runId: this.runId, kind }),
          () => this.runId && post({ type: 'cancelAnalysis', runId: this.runId, kind }),
        ),
      );
      return box;
    };
    this.ablation = new AblationView(part('ablation'), redraw);
    this.dimensionality = new DimensionalityView(part('dimensionality'));
    this.robustness = new RobustnessView(part('robustness'));
    this.similarity = new SimilarityView(part('similarity'), redraw);
  }

  update(runId: string): void {
    this.runId = runId;
    const s = this.state;
    const ablation = s.result(runId, 'ablation');
    const dimensionality = s.result(runId, 'dimensionality');
    const robustness = s.result(runId, 'robustness');
    const similarity = s.similarity(runId);
    const has: Record<Exclude<AnalysisKind, 'topInputs'>, boolean> = { ablation: !!ablation, dimensionality: !!dimensionality, robustness: !!robustness, similarity: similarity.length > 0 };
    for (const [kind, control] of this.controls) control.update(s.job(runId, kind), has[kind as keyof typeof has]);
    this.ablation.update(ablation, !!s.job(runId, 'ablation')?.running);
    this.dimensionality.update(dimensionality);
    this.robustness.update(robustness);
    this.similarity.update(similarity);
  }
}
