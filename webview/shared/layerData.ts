// The per-unit arrays the host sends only on request (src/protocol/webviews/core.ts): one layer's class means at
// an epoch, one unit's class histograms. Each is asked for once, kept in a small cache (least recently used
// dropped first) and handed out as the same object every time, so the views' change gates stay quiet.
import { classMeansTrimmed, siTrimmed } from '../../src/protocol/runView';
import type { LayerClassHistograms, LayerSelectivity } from '../../src/protocol/selectivity';
import type { LayerData, LayerDataRequest } from '../../src/protocol/webviews/core';

export type Availability = 'ready' | 'loading' | 'missing';

export interface LayerLookup {
  /** The layer with every array when `status` is 'ready'; else what is held (SI may be there, class means not). */
  layer?: LayerSelectivity;
  status: Availability;
  missing?: string;
}

export interface UnitHistogramsLookup {
  histograms?: LayerClassHistograms;
  status: Availability;
  missing?: string;
}

const MAX_LAYERS = 8;
const MAX_UNITS = 64;

class Lru<V> {
  private map = new Map<string, V>();
  constructor(private readonly max: number) {}
  get(key: string): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }
  set(key: string, v: V): void {
    this.map.delete(key);
    this.map.set(key, v);
    while (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
  clear(prefix?: string): void {
    if (prefix === undefined) this.map.clear();
    else for (const k of [...this.map.keys()]) if (k.startsWith(prefix)) this.map.delete(k);
  }
}

export class LayerDataCache {
  private layers = new Lru<LayerData>(MAX_LAYERS);
  private units = new Lru<LayerData>(MAX_UNITS);
  private pending = new Set<string>();
  private post: ((request: LayerDataRequest) => void) | undefined;

  /** Requests go nowhere until a channel is connected (a page without a host just shows what it holds). */
  connect(post: (request: LayerDataRequest) => void): void {
    this.post = post;
  }

  /** The layer at `epoch` with what a view needs: SI alone (the side bar) or its class means too (the panel). */
  layer(runId: string, epoch: number, held: LayerSelectivity, needs: 'si' | 'classMeans'): LayerLookup {
    if (!siTrimmed(held) && (needs === 'si' || !classMeansTrimmed(held))) return { layer: held, status: 'ready' };
    const key = `${runId}\n${epoch}\n${held.layer}`;
    const answer = this.layers.get(key);
    const partial = siTrimmed(held) ? undefined : held;
    if (answer?.selectivity) return { layer: answer.selectivity, status: 'ready' };
    if (answer) return { layer: partial, status: 'missing', missing: answer.missing };
    this.ask(key, { type: 'requestLayer', runId, epoch, layer: held.layer });
    return { layer: partial, status: this.post ? 'loading' : 'missing', missing: this.post ? undefined : 'No host to load them from.' };
  }

  unitHistograms(runId: string, epoch: number, layer: string, unit: number): UnitHistogramsLookup {
    const key = `${runId}\n${epoch}\n${layer}\n${unit}`;
    const answer = this.units.get(key);
    if (answer?.histograms) return { histograms: answer.histograms, status: 'ready' };
    if (answer) return { status: 'missing', missing: answer.missing };
    this.ask(key, { type: 'requestUnitHistograms', runId, epoch, layer, unit });
    return { status: this.post ? 'loading' : 'missing' };
  }

  /** Takes in an answer; true when it was asked for (the views redraw). */
  handle(m: LayerData): boolean {
    const key = m.unit === undefined ? `${m.runId}\n${m.epoch}\n${m.layer}` : `${m.runId}\n${m.epoch}\n${m.layer}\n${m.unit}`;
    if (!this.pending.delete(key)) return false;
    (m.unit === undefined ? this.layers : this.units).set(key, m);
    return true;
  }

  /** Forget a run's answers (it started again) or everything (a new snapshot). */
  clear(runId?: string): void {
    const prefix = runId === undefined ? undefined : `${runId}\n`;
    this.layers.clear(prefix);
    this.units.clear(prefix);
    for (const k of [...this.pending]) if (prefix === undefined || k.startsWith(prefix)) this.pending.delete(k);
  }

  private ask(key: string, request: LayerDataRequest): void {
    if (!this.post || this.pending.has(key)) return;
    this.pending.add(key);
    this.post(request);
  }
}
