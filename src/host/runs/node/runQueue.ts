// First-in first-out queue with a concurrency limit: at most `limit` items active, the rest wait.
// Pure (no processes) so the scheduling rules are tested on their own.

export class RunQueue<T> {
  private readonly waiting: T[] = [];
  private readonly active = new Set<T>();

  constructor(
    private limit: number,
    /** Called when an item gets a slot. */
    private readonly start: (item: T) => void,
  ) {
    this.limit = sanitizeLimit(limit);
  }

  get activeItems(): T[] {
    return [...this.active];
  }

  get waitingItems(): T[] {
    return [...this.waiting];
  }

  enqueue(item: T): 'started' | 'queued' {
    this.waiting.push(item);
    this.pump();
    return this.active.has(item) ? 'started' : 'queued';
  }

  /** Remove a waiting item; returns false when it is not waiting (already active or unknown). */
  cancelWaiting(item: T): boolean {
    const i = this.waiting.indexOf(item);
    if (i < 0) return false;
    this.waiting.splice(i, 1);
    return true;
  }

  /** An active item finished: free its slot and start the next. */
  release(item: T): void {
    if (this.active.delete(item)) this.pump();
  }

  setLimit(limit: number): void {
    this.limit = sanitizeLimit(limit);
    this.pump();
  }

  private pump(): void {
    while (this.active.size < this.limit && this.waiting.length > 0) {
      const next = this.waiting.shift() as T;
      this.active.add(next);
      this.start(next);
    }
  }
}

function sanitizeLimit(n: number): number {
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}
