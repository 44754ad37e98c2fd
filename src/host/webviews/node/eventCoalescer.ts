// Batches engine events for the webviews: at most one delivery per `intervalMs`. Progress events of a run
// replace that run's earlier pending progress (only the newest matters); every other event (epoch,
// selectivity, classResponses, runFinished...) is kept, in order. Plain Node: no vscode.
import type { EngineEvent } from '../../../protocol/events';

export class EventCoalescer {
  private pending: EngineEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private lastFlush = 0;

  constructor(
    private intervalMs: number,
    private readonly deliver: (events: EngineEvent[]) => void,
    private readonly now: () => number = Date.now,
  ) {}

  setInterval(ms: number): void {
    this.intervalMs = Math.max(0, ms);
  }

  push(e: EngineEvent): void {
    if (e.type === 'log' || e.type === 'hello') return; // the log channel has these; the views do not draw them
    // Only the latest of these counts: a newer one replaces a pending one of the same run.
    if (e.type === 'progress' || e.type === 'dataDownload') {
      const i = this.pending.findIndex((p) => p.type === e.type && p.runId === e.runId);
      if (i >= 0) this.pending.splice(i, 1);
    }
    this.pending.push(e);
    this.schedule();
  }

  /** Deliver whatever is pending now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.lastFlush = this.now();
    this.deliver(batch);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = [];
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastFlush + this.intervalMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }
}
