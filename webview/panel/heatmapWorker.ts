// Builds heatmap images off the main thread: a new epoch of a 2,048-unit layer is 400k class means to scale and
// colour, work that would otherwise hold up the page's frame. The Worker runs from a blob: URL (the webview CSP's
// worker-src) made of heatmapPixels' own source; where no Worker can start, the same function runs in the page.
import { heatmapPixels, type HeatmapPixels, type HeatmapPixelsJob } from './heatmapPixels';

/** Buffers kept for reuse: the shown layer's size and the one before (switching back and forth between two layers). */
const SPARE_BUFFERS = 2;

export class HeatmapBuilder {
  private worker: Worker | undefined;
  private nextId = 0;
  private waiting = new Map<number, { job: HeatmapPixelsJob; done: (result: HeatmapPixels) => void }>();
  /** Class-means buffers the Worker has finished with, newest first. */
  private spare: ArrayBuffer[] = [];

  constructor() {
    try {
      // The class means' buffer goes back with the pixels, for the next epoch's copy.
      const source = `const heatmapPixels = ${heatmapPixels.toString()};
self.onmessage = (e) => {
  const means = e.data.job.classMeans.buffer;
  const r = heatmapPixels(e.data.job);
  self.postMessage({ id: e.data.id, result: r, spare: means }, [r.pixels.buffer, means]);
};`;
      const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
      this.worker = new Worker(url);
      URL.revokeObjectURL(url);
      this.worker.onmessage = (e: MessageEvent<{ id: number; result: HeatmapPixels; spare?: ArrayBuffer }>) => {
        if (e.data.spare) this.spare = [e.data.spare, ...this.spare].slice(0, SPARE_BUFFERS);
        const asked = this.waiting.get(e.data.id);
        this.waiting.delete(e.data.id);
        asked?.done(e.data.result);
      };
      this.worker.onerror = () => this.fallBack();
    } catch {
      this.worker = undefined;
    }
  }

  /** Where images are built: 'worker', or 'page' where no Worker could start (or one failed). */
  get where(): 'worker' | 'page' {
    return this.worker ? 'worker' : 'page';
  }

  /** The job's pixels, built in the Worker (or in the page when there is none). */
  build(job: HeatmapPixelsJob): Promise<HeatmapPixels> {
    if (!this.worker) return Promise.resolve(heatmapPixels(job));
    const id = this.nextId++;
    // A compact copy, handed over rather than cloned: the class means may be a view into a larger message buffer,
    // all of which a structured clone would copy. The copy goes into a buffer the Worker handed back: a fresh 1.6 MB
    // one each epoch (2,048 units x 200 classes) costs the page more than the copy itself.
    const bytes = job.classMeans.byteLength;
    const at = this.spare.findIndex((b) => b.byteLength === bytes);
    const buffer = at >= 0 ? this.spare.splice(at, 1)[0] : new ArrayBuffer(bytes);
    const classMeans = new Float32Array(buffer);
    classMeans.set(job.classMeans);
    return new Promise((done) => {
      this.waiting.set(id, { job, done });
      this.worker!.postMessage({ id, job: { ...job, classMeans } }, [classMeans.buffer]);
    });
  }

  /** The Worker failed (blocked or crashed): what it held is built here, and so is everything after. */
  private fallBack(): void {
    this.worker?.terminate();
    this.worker = undefined;
    const held = [...this.waiting.values()];
    this.waiting.clear();
    for (const { job, done } of held) done(heatmapPixels(job));
  }
}
