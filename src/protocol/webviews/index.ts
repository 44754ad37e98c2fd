// Every webview surface's messages, each way, by surface: the host and the webview apps type their channel
// with these, so a message a surface does not understand cannot be sent to it.
import type { CompareToHost, HostToCompare } from './compare';
import type { LiveSurface } from './core';
import type { HostToPanel, PanelToHost } from './panel';
import type { HostToSidebar, SidebarToHost } from './sidebar';

export interface SurfaceMessages {
  panel: { toWebview: HostToPanel; toHost: PanelToHost };
  sidebar: { toWebview: HostToSidebar; toHost: SidebarToHost };
  compare: { toWebview: HostToCompare; toHost: CompareToHost };
}

export type ToWebview<S extends keyof SurfaceMessages> = SurfaceMessages[S]['toWebview'];
export type ToHost<S extends keyof SurfaceMessages> = SurfaceMessages[S]['toHost'];

/** What a live surface (panel or side bar) may send. */
export type LiveToHost = ToHost<LiveSurface>;
