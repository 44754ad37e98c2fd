// Connects webviews (the editor panel and the sidebar view) to the run state: a 'snapshot' when a webview
// says 'ready', then batched 'event' messages. A webview that is hidden loses its page, so it is marked not
// ready until it says 'ready' again. Plain Node: works against the small WebviewLike surface of vscode.Webview.
import type { EngineEvent } from '../protocol/events';
import type { HostToWebview, WebviewToHost } from '../protocol/webview';
import type { Surface as HtmlSurface } from './webviewHtml';

/** The surfaces fed by the live run stream (the compare panel has its own feed). */
export type Surface = Exclude<HtmlSurface, 'compare'>;

export interface WebviewLike {
  postMessage(message: unknown): PromiseLike<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => unknown): { dispose(): unknown };
}

export interface LiveHubSource {
  /** The snapshot a webview of this surface gets. */
  snapshot(surface: Surface, runId: string | undefined): HostToWebview;
  /** Messages from webviews other than 'ready'. */
  handle(message: WebviewToHost, from: LiveConnection): void | Promise<void>;
  /** Extra messages sent after each snapshot (e.g. sweep state for the sweep tab). */
  extraAfterSnapshot?(surface: Surface): unknown[];
  onError?(err: unknown): void;
}

export class LiveConnection {
  ready = false;
  private readonly subscription: { dispose(): unknown };

  constructor(
    readonly webview: WebviewLike,
    readonly surface: Surface,
    private readonly hub: LiveHub,
    /** Run this webview shows (the panel follows the selected run). */
    public runId: string | undefined,
  ) {
    this.subscription = webview.onDidReceiveMessage((m) => this.hub.receive(this, m));
  }

  post(message: HostToWebview | unknown): void {
    // A closed webview rejects; nothing to do about it.
    void Promise.resolve(this.webview.postMessage(message)).then(undefined, () => undefined);
  }

  dispose(): void {
    this.subscription.dispose();
    this.hub.detach(this);
  }
}

export class LiveHub {
  private readonly connections = new Set<LiveConnection>();

  constructor(private readonly source: LiveHubSource) {}

  attach(webview: WebviewLike, surface: Surface, runId?: string): LiveConnection {
    const c = new LiveConnection(webview, surface, this, runId);
    this.connections.add(c);
    return c;
  }

  detach(c: LiveConnection): void {
    this.connections.delete(c);
  }

  get size(): number {
    return this.connections.size;
  }

  /** Called by connections with whatever the webview posted. */
  receive(from: LiveConnection, raw: unknown): void {
    if (!isWebviewMessage(raw)) return;
    if (raw.type === 'ready') {
      from.ready = true;
      this.sendSnapshot(from);
      return;
    }
    if (raw.type === 'selectRun') from.runId = raw.runId;
    try {
      const result = this.source.handle(raw, from);
      if (result && typeof result.then === 'function') result.then(undefined, (e) => this.source.onError?.(e));
    } catch (e) {
      this.source.onError?.(e);
    }
  }

  /** The webview's page went away (hidden): it will say 'ready' again when shown. */
  markNotReady(c: LiveConnection): void {
    c.ready = false;
  }

  sendSnapshot(c: LiveConnection): void {
    if (!c.ready) return;
    c.post(this.source.snapshot(c.surface, c.runId));
    for (const extra of this.source.extraAfterSnapshot?.(c.surface) ?? []) c.post(extra);
  }

  /** Re-send snapshots to every ready webview (after runs were loaded from disk or removed). */
  resnapshotAll(): void {
    for (const c of this.connections) this.sendSnapshot(c);
  }

  broadcastEvents(events: EngineEvent[]): void {
    for (const c of this.connections) {
      if (!c.ready) continue;
      for (const event of events) c.post({ type: 'event', event } satisfies HostToWebview);
    }
  }

  /** Any message to every ready webview of the given surfaces. */
  broadcast(message: unknown, surfaces: Surface[] = ['panel', 'sidebar']): void {
    for (const c of this.connections) if (c.ready && surfaces.includes(c.surface)) c.post(message);
  }

  setActiveRun(runId: string): void {
    for (const c of this.connections) {
      c.runId = runId;
      if (c.ready) c.post({ type: 'setActiveRun', runId } satisfies HostToWebview);
    }
  }
}

function isWebviewMessage(m: unknown): m is WebviewToHost {
  return typeof m === 'object' && m !== null && typeof (m as { type?: unknown }).type === 'string';
}
