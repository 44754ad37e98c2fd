/* global window, document, sessionStorage, location, MessageEvent, requestAnimationFrame, URLSearchParams */
// Stands in for the VS Code webview host: acquireVsCodeApi, theme classes, and a way for tests to post
// host messages (with typed arrays revived from the JSON fixtures).
(function () {
  const params = new URLSearchParams(location.search);
  // The host's own HTML sets the surface itself; harness.html takes it from the query.
  if (params.get('surface') || !document.body.dataset.surface) document.body.dataset.surface = params.get('surface') || 'panel';
  document.body.classList.add(params.get('theme') || 'vscode-dark');
  window.__posted = [];
  window.__cspViolations = [];
  window.__errors = [];
  document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  window.addEventListener('error', (e) => window.__errors.push(String(e.message)));

  let state = JSON.parse(sessionStorage.getItem('vscodeState') || 'null');
  let acquired = false;
  window.acquireVsCodeApi = function () {
    if (acquired) throw new Error('An instance of the VS Code API has already been acquired');
    acquired = true;
    return {
      postMessage: (m) => window.__posted.push(JSON.parse(JSON.stringify(m))),
      getState: () => state,
      setState: (s) => {
        state = s;
        sessionStorage.setItem('vscodeState', JSON.stringify(s));
      },
    };
  };

  const TYPED = { Float32Array, Int32Array, Uint32Array, Float64Array, Uint8Array };
  function revive(v) {
    if (ArrayBuffer.isView(v)) return v;
    if (Array.isArray(v)) return v.map(revive);
    if (v && typeof v === 'object') {
      if (typeof v.$typed === 'string') return TYPED[v.$typed].from(v.data);
      if (v.$num === 'NaN') return NaN;
      const out = {};
      for (const k of Object.keys(v)) out[k] = revive(v[k]);
      return out;
    }
    return v;
  }

  const themes = ['vscode-dark', 'vscode-light', 'vscode-high-contrast', 'vscode-high-contrast-light'];
  window.harness = {
    revive,
    send(message) {
      window.dispatchEvent(new MessageEvent('message', { data: revive(message) }));
    },
    sendEvents(events) {
      for (const event of events) this.send({ type: 'event', event });
    },
    /**
     * Resolves after the app's next render (it renders on animation frames), and after what it is still building
     * off the main thread (an aria-busy part, e.g. the heatmap's image) has been drawn.
     */
    async frame() {
      const twoFrames = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r())));
      await twoFrames();
      const busy = () => document.querySelector('[aria-busy="true"]');
      if (!busy()) return;
      for (let i = 0; i < 500 && busy(); i++) await new Promise((r) => window.setTimeout(r, 2));
      if (busy()) throw new Error('the page was still busy after 1 s');
      await twoFrames();
    },
    setTheme(cls) {
      document.body.classList.remove(...themes);
      document.body.classList.add(cls);
    },
    /** A ResNet50-sized layer: `units` x `classes` class means with a known top unit. */
    bigLayerEvent(runId, epoch, units, classes) {
      const si = new Float32Array(units);
      const preferred = new Int32Array(units);
      const classMeans = new Float32Array(units * classes);
      let s = 7;
      const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
      for (let u = 0; u < units; u++) {
        const p = u % classes;
        for (let c = 0; c < classes; c++) classMeans[u * classes + c] = rand() * (c === p ? 4 : 1);
        preferred[u] = p;
        si[u] = rand();
      }
      return { v: 1, type: 'selectivity', runId, epoch, networkSI: 0.3, layers: [{ layer: 'layer4.2.relu3', units, classes, si, preferred, classMeans }] };
    },
  };
})();
