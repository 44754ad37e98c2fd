// The webview side of the host channel. acquireVsCodeApi may be called only once per page.
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';

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

export function post(message: WebviewToHost): void {
  api.postMessage(message);
}

export function loadPersisted<T>(): Partial<T> {
  const state = api.getState();
  return state && typeof state === 'object' ? (state as Partial<T>) : {};
}

export function savePersisted<T>(state: T): void {
  api.setState(state);
}

export function onHostMessage(handler: (message: HostToWebview | { type: string }) => void): void {
  window.addEventListener('message', (e: MessageEvent) => {
    const data: unknown = e.data;
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') {
      handler(data as HostToWebview);
    }
  });
}
