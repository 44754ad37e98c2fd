// Messages of the side-bar Live view: the run stream in, run actions and "open the panel" out.
import type { CoreToHost, OpenPanelRequest, RunActionToHost, RunStreamToWebview } from './core';

export type HostToSidebar = RunStreamToWebview;

export type SidebarToHost = CoreToHost | RunActionToHost | OpenPanelRequest;
