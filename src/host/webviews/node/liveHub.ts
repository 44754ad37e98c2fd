// Connects the webviews that follow the live run stream (the editor panel and the side-bar view) to the host:
// the snapshot messages when a webview says 'ready', then batched 'event' messages. A webview that is hidden
// loses its page, so it is marked not ready until it says 'ready' again. Each connection is typed by its surface,
// so only that surface's messages can be posted to it. Plain Node: works against the small WebviewLike surface
// of vscode.Webview.
import type { EngineEvent } from '../../../protocol/events';
import { hasMessageType, type LiveSurface } from '../../../protocol/webviews/core';
import type { LiveToHost, ToWebview } from '../../../protocol/webviews';
import type { HostToPanelExtras } from '../../../protocol/webviews/panel';
import type { ShowLayer } from '../../../protocol/webviews/core';
import { eventForWebview } from './webviewFeed';

export interface WebviewLike {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => unknown): { dispose(): unknown };
}

export interface LiveHubSource {
  /** The messages that make a fresh page of each surface whole (the run snapshot first). */
  snapshot: { [S in LiveSurface]: (runId: string | undefined) => Array<ToWebview<S>> };
  /** Messages from webviews other than 'ready'. */
  handle(message: LiveToHost, from: AnyLiveConnection): void | Promise<void>;
  onError?(err: unknown): void;
}

export class LiveConnection<S extends LiveSurface> {
  ready = false;
  /** The layer and unit this webview shows live: their arrays go with each event (eventForWebview). */
  shows: ShowLayer | undefined;
  private readonly subscription: { dispose(): unknown };

  constructor(
    readonly webview: WebviewLike,
    readonly surface: S,
    private readonly hub: LiveHub,
    /** Run this webview shows (the panel follows the selected run). */
    public runId: string | undefined,
  ) {
    this.subscription = webview.onDidReceiveMessage((m) => this.hub.receive(this, m));
  }

  post(message: ToWebview<S>): void {
    // A closed webview rejects; nothing to do about it.
    void Promise.resolve(this.webview.postMessage(message)).then(undefined, () => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.hub.detach(this);
  }
}

/** A connection of either live surface. */
export type AnyLiveConnection = LiveConnection<LiveSurface>;

export function isPanelConnection(c: AnyLiveConnection): c is LiveConnection<'panel'> {
  return c.surface === 'panel';
}

export class LiveHub {
  private readonly connections = new Set<AnyLiveConnection>();

  constructor(private readonly source: LiveHubSource) {}

  attach<S extends LiveSurface>(webview: WebviewLike, surface: S, runId?: string): LiveConnection<S> {
    const c = new LiveConnection(webview, surface, this, runId);
    this.connections.add(c);
    return c;
  }

  detach(c: AnyLiveConnection): void {
    this.connections.delete(c);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Called by connections with whatever the webview posted. */
  receive(from: AnyLiveConnection, raw: unknown): void {
    if (!hasMessageType(raw)) return;
    const message = raw as LiveToHost;
    if (message.type === 'ready') {
      from.ready = true;
      this.sendSnapshot(from);
      return;
    }
    if (message.type === 'selectRun') from.runId = message.runId;
    if (message.type === 'showLayer') {
      from.shows = message;
      return;
    }
    try {
      const result = this.source.handle(message, from);
      if (result && typeof result.then === 'function') result.then(undefined, (e) => this.source.onError?.(e));
    } catch (e) {
      this.source.onError?.(e);
    }
  }

  /** The webview's page went away (hidden): it will say 'ready' again when shown. */
  markNotReady(c: AnyLiveConnection): void {
    c.ready = false;
  }

  /**
   * The webview is shown again. A page VS Code recreates says 'ready' itself; one it kept (a view hidden only
   * for a moment) never would, and would miss every event from then on, so it is sent a snapshot now. A
   * snapshot that reaches a page still loading is harmless: its 'ready' brings another.
   */
  markVisible(c: AnyLiveConnection): void {
    if (c.ready) return;
    c.ready = true;
    this.sendSnapshot(c);
  }

  sendSnapshot(c: AnyLiveConnection): void {
    if (!c.ready) return;
    const messages = isPanelConnection(c) ? this.source.snapshot.panel(c.runId) : this.source.snapshot.sidebar(c.runId);
    for (const m of messages) c.post(m);
  }

  /** Re-send snapshots to every ready webview (after runs were loaded from disk or removed). */
  resnapshotAll(): void {
    for (const c of this.connections) this.sendSnapshot(c);
  }

  broadcastEvents(events: EngineEvent[]): void {
    for (const c of this.connections) {
      if (!c.ready) continue;
      for (const event of events) c.post({ type: 'event', event: eventForWebview(event, c.shows) });
    }
  }

  /** A Sweep-tab or analyses message to every ready panel. */
  broadcastToPanels(message: HostToPanelExtras): void {
    for (const c of this.connections) if (c.ready && isPanelConnection(c)) c.post(message);
  }

  setActiveRun(runId: string): void {
    for (const c of this.connections) {
      c.runId = runId;
      if (c.ready) c.post({ type: 'setActiveRun', runId });
    }
  }
}
