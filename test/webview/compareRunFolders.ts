/* eslint-disable @typescript-eslint/no-explicit-any -- fixture events are untyped JSON */
// Real run folders for the compare tests, written by the engine's own RunWriter from the recorded engine events
// of a real small-cnn MNIST run (test/fixtures/events/mnist-small-cnn-recorded.json). Two more runs are derived
// from it with other alpha/seed and reshaped selectivity, so that the runs differ visibly.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RunWriter } from '../../src/engine/runStore';
import type { CompareRun, HostToCompare } from '../../src/protocol/webviews/compare';
import type { Browser, Page } from 'playwright-core';
import { renderWebviewHtml, surfaceAssets } from '../../src/host/webviews/node/webviewHtml';
import { loadFixture } from './harness';

const NONCE = 'compareTestNonce';


export interface Variant {
  name: string;
  alpha: number | string;
  seed: number;
  /** Reshapes each unit's SI (values stay in [0, 1]). */
  si: (v: number, unit: number) => number;
  /** Shifts accuracies. */
  acc: number;
  /** Stop after this many epochs (a run that was stopped early). */
  epochs?: number;
}

export const VARIANTS: Variant[] = [
  { name: 'alpha+1', alpha: 1, seed: 1, si: (v) => v, acc: 0 },
  { name: 'alpha-1', alpha: -1, seed: 2, si: (v) => v * 0.4, acc: 0.02 },
  { name: 'alpha-sched', alpha: '0*1 5*2', seed: 3, si: (v, u) => Math.min(1, Math.sqrt(v) * 0.9 + (u % 3) * 0.03), acc: -0.15, epochs: 2 },
];

/** Facts of the recorded run the variants derive from (the fixture may be re-recorded). */
export function recorded(): { epochs: number; finalTestAcc: number; backend: string; name: string } {
  const events: any[] = loadFixture('mnist-small-cnn-recorded.json');
  const summary = events.find((e) => e.type === 'runFinished').summary;
  return {
    epochs: events.filter((e) => e.type === 'epoch').length,
    finalTestAcc: summary.finalTestAcc,
    backend: events.find((e) => e.type === 'runStarted').meta.backend,
    name: events.find((e) => e.type === 'runStarted').meta.name,
  };
}

function decode(v: any): any {
  if (Array.isArray(v)) return v.map(decode);
  if (v && typeof v === 'object') {
    if (typeof v.$typed === 'string') return (globalThis as any)[v.$typed].from(v.data);
    const out: any = {};
    for (const k of Object.keys(v)) out[k] = decode(v[k]);
    return out;
  }
  return v;
}

/** Writes one run folder per variant under a fresh temp folder; returns their (runId, dir). */
export async function writeRunFolders(variants: Variant[] = VARIANTS): Promise<Array<{ runId: string; dir: string }>> {
  const events: any[] = decode(loadFixture('mnist-small-cnn-recorded.json'));
  const root = mkdtempSync(path.join(tmpdir(), 'sl-compare-'));
  const out: Array<{ runId: string; dir: string }> = [];
  for (const variant of variants) {
    const runId = `${variant.name}-20261126-000000`;
    const dir = path.join(root, runId);
    const writer = RunWriter.startNew(dir);
    const started = events.find((e) => e.type === 'runStarted');
    const last = variant.epochs ?? Infinity;
    const alphaAt = (epoch: number) => (typeof variant.alpha === 'number' ? variant.alpha : epoch <= 1 ? 0 : 5);
    await writer.writeConfig({ ...started.config, name: variant.name, selectivity: { ...started.config.selectivity, alpha: variant.alpha }, train: { ...started.config.train, seed: variant.seed } });
    await writer.writeMeta({ ...started.meta, runId, runDir: dir, name: variant.name });
    const scaled = new Map<number, { networkSI: number; layers: any[] }>();
    for (const e of events) {
      if (e.type === 'selectivity' && e.epoch <= last) {
        const layers = e.layers.map((l: any) => ({ ...l, si: Float32Array.from(l.si, (v: number, u: number) => variant.si(v, u)) }));
        const means = layers.map((l: any) => l.si.reduce((a: number, b: number) => a + b, 0) / l.units);
        const networkSI = means.reduce((a: number, b: number) => a + b, 0) / means.length;
        scaled.set(e.epoch, { networkSI, layers: layers.map((l: any, i: number) => ({ layer: l.layer, units: l.units, meanSI: means[i] })) });
        const hist = events.find((h) => h.type === 'classResponses' && h.epoch === e.epoch)?.layers ?? [];
        await writer.writeSelectivity(e.epoch, networkSI, layers, hist);
      }
    }
    const metrics: any[] = [];
    for (const e of events) {
      if (e.type !== 'epoch' || e.metrics.epoch > last) continue;
      const s = scaled.get(e.metrics.epoch);
      const m = {
        ...e.metrics,
        alpha: alphaAt(e.metrics.epoch),
        testAcc: e.metrics.testAcc + variant.acc,
        trainAcc: e.metrics.trainAcc + variant.acc,
        networkSI: s?.networkSI ?? NaN,
        layers: s?.layers ?? e.metrics.layers,
      };
      metrics.push(m);
      await writer.appendMetrics(m);
    }
    const final = metrics[metrics.length - 1];
    await writer.writeSummary({
      runId,
      state: variant.epochs ? 'stopped' : 'completed',
      epochsDone: final.epoch,
      finalTestAcc: final.testAcc,
      finalNetworkSI: final.networkSI,
      bestTestAcc: Math.max(...metrics.map((m) => m.testAcc)),
      layers: final.layers,
      seconds: 12.5,
    });
    await writer.close();
    out.push({ runId, dir });
  }
  return out;
}

/** The compare message as the harness page takes it (typed arrays as {$typed, data}). */
export function encodeForPage(message: HostToCompare): unknown {
  return {
    ...message,
    runs: message.runs.map((r: CompareRun) => ({
      ...r,
      selectivity: r.selectivity && {
        ...r.selectivity,
        layers: r.selectivity.layers.map((l) => ({ ...l, si: { $typed: 'Float32Array', data: Array.from(l.si) } })),
      },
    })),
  };
}

/** The page the host serves for the compare panel, with VS Code's theme variables and API stood in. */
export function comparePage(base: string): string {
  const assets = surfaceAssets('compare');
  const html = renderWebviewHtml({
    cspSource: base,
    scriptUri: `${base}/${assets.script}`,
    styleUri: `${base}/${assets.style}`,
    surface: 'compare',
    nonce: NONCE,
  });
  return html
    .replace('</head>', `<link rel="stylesheet" href="${base}/test/webview/harness-theme.css"></head>`)
    .replace(`<script nonce="${NONCE}"`, `<script nonce="${NONCE}" src="${base}/test/webview/harness-stub.js"></script>\n    <script nonce="${NONCE}"`);
}

export async function openCompare(b: Browser, base: string, theme = 'vscode-dark', width = 1100): Promise<Page> {
  const page = await b.newPage({ viewport: { width, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${base}/host/compare.html?surface=compare&theme=${theme}`);
  await page.waitForFunction(() => (globalThis as any).__posted?.some((m: { type: string }) => m.type === 'ready'));
  return page;
}
