// The host side of the webview benchmark: what the extension posts to a live webview for the synthetic run. It
// keeps the run with the host's own reducer (as RunCatalog does), sends events through the router's
// eventForWebview and answers the page's requests with answerLayerRequest, so the bytes counted are the
// extension's. BENCH_RAW=1 forwards every event whole instead (how the host worked before issue 13).
import type { EngineEvent } from '../../src/protocol/events';
import { applyEvent, createRunViewState, type RunViewState } from '../../src/protocol/runView';
import type { LayerDataRequest, LiveSurface, ShowLayer } from '../../src/protocol/webviews/core';
import { answerLayerRequest, eventForWebview } from '../../src/host/webviews/node/webviewFeed';
import { epochEvents, RUN_ID, runStarted } from './syntheticRun';
import { messageBytes } from './transfer';

const RAW = process.env.BENCH_RAW === '1';

export class BenchHost {
  private epoch = 0;
  private run: RunViewState = createRunViewState(RUN_ID);
  private shows: ShowLayer | undefined;

  constructor(readonly surface: LiveSurface) {}

  /** The first snapshot (no runs yet) and the run's start. */
  start(): unknown[] {
    return [{ type: 'snapshot', surface: this.surface, runs: [] }, ...this.post([runStarted()])];
  }

  /** The next epoch's messages. */
  nextEpoch(): unknown[] {
    return this.post(epochEvents(++this.epoch));
  }

  /** Replies to what the page posted. */
  answer(message: { type: string }): unknown[] {
    if (message.type === 'showLayer') this.shows = message as ShowLayer;
    if (message.type !== 'requestLayer' && message.type !== 'requestUnitHistograms') return [];
    return [answerLayerRequest(this.run, message as LayerDataRequest)];
  }

  bytesOf(messages: unknown[]): number {
    return messages.reduce<number>((sum, m) => sum + messageBytes(m), 0);
  }

  private post(events: EngineEvent[]): unknown[] {
    for (const e of events) this.run = applyEvent(this.run, e);
    return events.map((event) => ({ type: 'event', event: RAW ? event : eventForWebview(event, this.shows) }));
  }
}
