// The webview side of the host channel, typed by surface: a surface posts only its own ToHost<S> messages and
// hears its own ToWebview<S>. acquireVsCodeApi may be called only once per page (one bundle, one surface).
import type { SurfaceMessages, ToHost, ToWebview } from '../../src/protocol/webviews';
import { hasMessageType } from '../../src/protocol/webviews/core';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi =
  typeof acquireVsCodeApi === 'function'
    ? acquireVsCodeApi()
    : // Opened outside VS Code (e.g. a plain browser): keep working, talk to nobody.
      { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };

export interface HostChannel<S extends keyof SurfaceMessages> {
  post(message: ToHost<S>): void;
  /**
   * Calls `handler` with each message from the host that has a string `type`. Which types exist is the handler's
   * exhaustive switch; a type it does not know (a newer host) falls to its default and is ignored.
   */
  onMessage(handler: (message: ToWebview<S>) => void): void;
}

export function hostChannel<S extends keyof SurfaceMessages>(): HostChannel<S> {
  return {
    post: (message) => api.postMessage(message),
    onMessage: (handler) => {
      window.addEventListener('message', (e: MessageEvent) => {
        const data: unknown = e.data;
        // The one unchecked step: the host is trusted to send this surface's messages.
        if (hasMessageType(data)) handler(data as ToWebview<S>);
      });
    },
  };
}

export function loadPersisted<T>(): Partial<T> {
  const state = api.getState();
  return state && typeof state === 'object' ? (state as Partial<T>) : {};
}

export function savePersisted<T>(state: T): void {
  api.setState(state);
}
