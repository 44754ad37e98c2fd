/* eslint-disable @typescript-eslint/no-explicit-any -- page callbacks run in the browser */
// Webview benchmark (npm run bench:webview): the real dist bundles of the panel and the side bar in headless
// Chromium, fed a synthetic ResNet-50 / Tiny ImageNet run (bench/webview/syntheticRun.ts) through the host's own
// message path (bench/webview/benchHost.ts). For each interaction of issue 13's table it prints the main thread's
// work (Chromium's TaskDuration: script, style, layout, paint, GC) from the interaction until two frames later,
// including the host's replies to what the page asked for, median and worst over BENCH_REPEATS (default 10);
// and the bytes the host posted to the webview per epoch. Raw figures go to out/bench/webview-results.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import { ensureBundle, launchBrowser, ROOT, startServer } from '../test/webview/harness';
import { BenchHost } from './webview/benchHost';
import { BIG_LAYER, SMALL_LAYER } from './webview/syntheticRun';
import { pack, PAGE_INIT, startPackServer } from './webview/transfer';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 10);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 20);
/** BENCH_ROWS=big,unit,small,floor,picker,scrub,live: only those rows are repeated (the others' setup still runs). */
const ONLY = process.env.BENCH_ROWS?.split(',');
const repeats = (key: string): number => (!ONLY || ONLY.includes(key) ? REPEATS : 0);

type PackServer = Awaited<ReturnType<typeof startPackServer>>;

interface Row {
  what: string;
  ms: number[];
  bytesPerEpoch?: number[];
  /** The trace's events by name, summed over the repeats (thread ms). */
  parts: Map<string, number>;
}

/** One trace's main-thread ms and its events' ms by name. */
interface Timed {
  ms: number;
  parts: Map<string, number>;
}

/** What one interaction cost: main-thread ms above idle, bytes the host posted, and its trace events by name. */
interface Measured extends Timed {
  bytes: number;
}

function addParts(into: Map<string, number>, parts: Map<string, number>): void {
  for (const [k, v] of parts) into.set(k, (into.get(k) ?? 0) + v);
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  tdur?: number;
  args?: Record<string, unknown>;
}

/** Thread time of the top-level tasks on the marks' thread between 'bench-start' and 'bench-end', in ms, and of each event name. */
function mainThreadMs(events: TraceEvent[]): Timed {
  const start = events.find((e) => e.name === 'bench-start');
  const end = events.find((e) => e.name === 'bench-end');
  if (!start || !end) throw new Error('bench marks missing from the trace');
  let us = 0;
  const parts = new Map<string, number>();
  for (const e of events) {
    if (e.ph !== 'X' || e.pid !== start.pid || e.tid !== start.tid || e.ts <= start.ts || e.ts >= end.ts) continue;
    if (process.env.BENCH_BREAKDOWN === 'objects' && ['Layout', 'UpdateLayoutTree', 'Paint', 'PrePaint'].includes(e.name)) console.log(`    ${e.name} ${((e.tdur ?? e.dur ?? 0) / 1000).toFixed(2)} ${JSON.stringify(e.args).slice(0, 300)}`);
    if (e.name === 'RunTask') us += e.tdur ?? e.dur ?? 0;
    else parts.set(e.name, (parts.get(e.name) ?? 0) + (e.tdur ?? e.dur ?? 0) / 1000);
  }
  if (process.env.BENCH_BREAKDOWN && process.env.BENCH_BREAKDOWN !== 'rows') {
    console.log(`  ${(us / 1000).toFixed(1)} ms: ${[...parts].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
  }
  return { ms: us / 1000, parts };
}

/**
 * Installed in the page for BENCH_BREAKDOWN=mutations: `__mutations()` then says which DOM writes the action made,
 * counted by the card they fell in and by kind (an attribute's name, 'children' or 'text').
 */
function watchMutations(): void {
  const g = globalThis as any;
  g.__observer?.disconnect();
  const counts = new Map<string, number>();
  g.__observer = new g.MutationObserver((records: any[]) => {
    for (const r of records) {
      const node = r.target.nodeType === 1 ? r.target : r.target.parentElement;
      const card = node?.closest?.('.chart-card, .unit-view, .run-header, .toolbar, header, section');
      const title = card?.querySelector('.chart-title, h3')?.textContent;
      const where = card ? `${card.tagName.toLowerCase()}.${card.classList[0]}${title ? `(${title.slice(0, 16)})` : ''}` : 'page';
      const kind = r.type === 'attributes' ? r.attributeName : r.type === 'childList' ? 'children' : 'text';
      const key = `${where} ${kind}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
  });
  g.__observer.observe(g.document.body, { subtree: true, attributes: true, childList: true, characterData: true });
  g.__mutations = () => {
    for (const r of g.__observer.takeRecords()) void r;
    const text = [...counts].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ');
    g.__observer.disconnect();
    return text || 'none';
  };
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
}

let tracesWritten = 0;

class Surface {
  private cdp!: CDPSession;
  private seen = 0;
  private baseline = 0;

  constructor(
    readonly page: Page,
    private readonly host: BenchHost,
    private readonly packs: PackServer,
  ) {}

  async init(): Promise<void> {
    this.cdp = await this.page.context().newCDPSession(this.page);
    await this.cdp.send('Performance.enable');
    const idle: number[] = [];
    for (let i = 0; i < 8; i++) idle.push((await this.measureOnce(async () => undefined)).ms);
    this.baseline = quantile(idle, 0.5);
  }

  private async frames(): Promise<void> {
    await this.page.evaluate(() => (globalThis as any).harness.frame());
  }

  /**
   * The renderer main thread's CPU time (the trace's thread time of its tasks) between two marks around `act` and
   * two frames: script, style, layout, paint, GC. CPU time, not wall time: this machine is shared, and a task
   * that waits for a core would count its wait in wall time.
   */
  private async measureOnce(act: () => Promise<void>): Promise<Timed> {
    const browser = this.page.context().browser()!;
    await browser.startTracing(this.page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing'] });
    const mutations = process.env.BENCH_BREAKDOWN === 'mutations';
    if (mutations) await this.page.evaluate(watchMutations);
    await this.page.evaluate(() => (globalThis as any).performance.mark('bench-start'));
    await this.profiled(act);
    await this.frames();
    if (mutations) console.log(`  DOM writes: ${await this.page.evaluate(() => (globalThis as any).__mutations())}`);
    await this.page.evaluate(() => (globalThis as any).performance.mark('bench-end'));
    const trace = JSON.parse((await browser.stopTracing()).toString('utf8')) as { traceEvents: TraceEvent[] };
    // BENCH_TRACE=<path prefix>: each measured trace as a file, for a closer look (chrome://tracing, Perfetto).
    if (process.env.BENCH_TRACE) writeFileSync(`${process.env.BENCH_TRACE}-${++tracesWritten}.json`, JSON.stringify(trace));
    return mainThreadMs(trace.traceEvents);
  }

  /** Stages host messages in the page (not timed). */
  private async stage(messages: unknown[]): Promise<void> {
    this.packs.put(pack(messages));
    await this.page.evaluate((url) => (globalThis as any).__bench.stage(url), this.packs.url);
  }

  /** What the page posted since the last call. */
  private async posted(): Promise<any[]> {
    const all: any[] = await this.page.evaluate(() => (globalThis as any).__posted);
    const fresh = all.slice(this.seen);
    this.seen = all.length;
    return fresh;
  }

  /**
   * Times `act` plus the rounds of host replies it causes (each reply staged untimed, then delivered timed).
   * Returns main-thread ms above the idle baseline and the bytes the host posted.
   */
  async interaction(act: () => Promise<void>, staged: unknown[] = []): Promise<Measured> {
    let bytes = this.host.bytesOf(staged);
    if (staged.length) await this.stage(staged);
    const first = await this.measureOnce(act);
    const parts = first.parts;
    let ms = first.ms;
    for (let round = 0; round < 4; round++) {
      const asked = await this.posted();
      const replies = asked.flatMap((m) => this.host.answer(m));
      if (process.env.BENCH_BREAKDOWN) console.log(`  page posted: ${asked.map((m) => (m.type === 'showLayer' ? JSON.stringify(m) : m.type)).join(', ') || 'nothing'}`);
      if (replies.length === 0) break;
      bytes += this.host.bytesOf(replies);
      await this.stage(replies);
      const reply = await this.measureOnce(() => this.dispatch());
      ms += reply.ms;
      addParts(parts, reply.parts);
    }
    return { ms: Math.max(0, ms - this.baseline), bytes, parts };
  }

  dispatch(): Promise<void> {
    return this.page.evaluate(() => (globalThis as any).__bench.dispatch());
  }

  private profiling = false;
  private selfMs = new Map<string, number>();
  /** Time of the samples a function was on the stack of, itself included. */
  private totalMs = new Map<string, number>();

  /** CPU profile of the page's timed parts while `fn` runs (BENCH_PROFILE), added to the ones before. */
  async profile<T>(fn: () => Promise<T>): Promise<T> {
    this.profiling = true;
    await this.cdp.send('Profiler.enable');
    // 0.1 ms: the default 1 ms leaves a few samples per epoch.
    await this.cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    try {
      return await fn();
    } finally {
      this.profiling = false;
    }
  }

  /** The profiles' top functions by inclusive time, per repeat. */
  printProfile(repeats: number): void {
    const total = new Map(this.selfMs);
    for (const [k, v] of this.totalMs) total.set(k, (total.get(k) ?? 0) + v);
    console.log(`  ms per repeat (${repeats}): self, with callees, function`);
    for (const [k, v] of [...total].sort((a, b) => b[1] - a[1]).slice(0, 50)) console.log(`${((this.selfMs.get(k) ?? 0) / repeats).toFixed(2).padStart(8)}  ${(v / repeats).toFixed(2).padStart(8)}  ${k}`);
  }

  private async profiled(act: () => Promise<void>): Promise<void> {
    if (!this.profiling) return act();
    await this.cdp.send('Profiler.start');
    await act();
    await this.frames();
    const { profile } = await this.cdp.send('Profiler.stop');
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    const dt = profile.timeDeltas ?? [];
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
    const keyOf = (id: number) => {
      const f = byId.get(id)!.callFrame;
      return `${f.functionName || '(anon)'} ${path.basename(f.url)}:${f.lineNumber}`;
    };
    (profile.samples ?? []).forEach((id, i) => {
      const ms = (dt[i] ?? 0) / 1000;
      const self = keyOf(id);
      this.selfMs.set(self, (this.selfMs.get(self) ?? 0) + ms);
      // Inclusive time: every function on the sample's stack, once.
      const onStack = new Set<string>();
      for (let at: number | undefined = parent.get(id); at !== undefined; at = parent.get(at)) onStack.add(keyOf(at));
      onStack.delete(self);
      for (const k of onStack) this.totalMs.set(k, (this.totalMs.get(k) ?? 0) + ms);
    });
  }

  /** A new epoch arrives (timed with the replies it causes). */
  newEpoch(): Promise<Measured> {
    return this.interaction(() => this.dispatch(), this.host.nextEpoch());
  }

  /** Messages delivered untimed (setup). */
  async deliver(messages: unknown[]): Promise<void> {
    await this.interaction(() => this.dispatch(), messages);
  }

  pickLayer(layer: string): Promise<Measured> {
    return this.interaction(() =>
      this.page.evaluate((name) => {
        const select = (globalThis as any).document.querySelector('.layer-select');
        select.value = name;
        select.dispatchEvent(new (globalThis as any).Event('change'));
      }, layer),
    );
  }

  scrubTo(index: number): Promise<Measured> {
    return this.interaction(() =>
      this.page.evaluate((i) => {
        const input = (globalThis as any).document.querySelector('input.scrubber');
        input.value = String(i);
        input.dispatchEvent(new (globalThis as any).Event('input'));
      }, index),
    );
  }
}

async function openSurface(browser: Awaited<ReturnType<typeof launchBrowser>>, url: string, surface: 'panel' | 'sidebar', packs: PackServer): Promise<Surface> {
  // bypassCSP lets the page fetch the staged messages from the pack server; the app itself is unchanged.
  const context = await browser.newContext({ bypassCSP: true, viewport: surface === 'panel' ? { width: 1280, height: 1000 } : { width: 320, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.addInitScript(PAGE_INIT);
  await page.goto(`${url}/test/webview/harness.html?surface=${surface}&theme=vscode-dark`);
  // Where the time goes: BENCH_HIDE=<selector> takes a part of the page out (display: none).
  if (process.env.BENCH_HIDE) await page.addStyleTag({ content: `${process.env.BENCH_HIDE} { display: none !important; }` });
  // What a style change would save: BENCH_STYLE=<css> adds those rules to the page.
  if (process.env.BENCH_STYLE) await page.addStyleTag({ content: process.env.BENCH_STYLE });
  await page.waitForFunction(() => (globalThis as any).__posted.some((m: { type: string }) => m.type === 'ready'));
  const host = new BenchHost(surface);
  const s = new Surface(page, host, packs);
  await s.init();
  await s.deliver(host.start());
  for (let i = 0; i < HISTORY; i++) await s.deliver(host.nextEpoch());
  return s;
}

async function main(): Promise<void> {
  ensureBundle();
  const { server, url } = await startServer();
  const packs = await startPackServer();
  const browser = await launchBrowser();
  const rows: Row[] = [];
  let panelSurface: Surface | undefined;
  const row = (what: string): Row => {
    const r: Row = { what, ms: [], bytesPerEpoch: [], parts: new Map() };
    rows.push(r);
    return r;
  };
  const record = (r: Row, m: Measured): void => {
    r.ms.push(m.ms);
    r.bytesPerEpoch?.push(m.bytes);
    addParts(r.parts, m.parts);
  };
  try {
    const panel = await openSurface(browser, url, 'panel', packs);
    panelSurface = panel;
    await panel.pickLayer(BIG_LAYER);
    // The timed parts of every repeat of the row BENCH_PROFILE names, printed after the table.
    const profiled = <T>(name: string, fn: () => Promise<T>): Promise<T> => (process.env.BENCH_PROFILE === name ? panel.profile(fn) : fn());
    const big = row('new epoch, 2,048-unit layer shown');
    for (let i = 0; i < repeats('big'); i++) {
      record(big, await profiled('big', () => panel.newEpoch()));
    }

    // The unit's class-response view: the top unit of the heatmap.
    await panel.interaction(() => panel.page.click('.heat-canvas', { position: { x: 4, y: 1 } }));
    const unit = row('same, with the unit\'s class-response view open');
    for (let i = 0; i < repeats('unit'); i++) {
      record(unit, await profiled('unit', () => panel.newEpoch()));
    }
    await panel.interaction(() => panel.page.click('.unit-view vscode-button[aria-label="Close unit view"]'));

    await panel.pickLayer(SMALL_LAYER);
    const small = row('new epoch, a 64-unit layer shown (49 per-layer curves redrawn)');
    for (let i = 0; i < repeats('small'); i++) {
      record(small, await profiled('small', () => panel.newEpoch()));
    }

    // The floor: a progress event changes only the header's text.
    const floor = row('(floor) a progress event, header text only');
    delete floor.bytesPerEpoch;
    for (let i = 0; i < repeats('floor'); i++) {
      const progress = { type: 'event', event: { v: 1, type: 'progress', runId: 'bench-resnet50', epoch: 99, epochs: 1000, batch: i + 1, batches: 782, imgPerSec: 180 + i, etaSec: 1000 - i } };
      record(floor, await panel.interaction(() => panel.dispatch(), [progress]));
    }

    const picker = row('layer picker to the 2,048-unit layer');
    for (let i = 0; i < repeats('picker'); i++) {
      record(picker, await profiled('picker', () => panel.pickLayer(BIG_LAYER)));
      await panel.pickLayer(SMALL_LAYER);
    }

    await panel.pickLayer(BIG_LAYER);
    const epochs = HISTORY + repeats('big') + repeats('unit') + repeats('small');
    const scrub = row('epoch scrub where class means exist');
    // The two epochs before the newest: their class means are still held (or, once fetched, cached).
    for (let i = 0; i < repeats('scrub'); i++) record(scrub, await profiled('scrub', () => panel.scrubTo(epochs - 2 - (i % 2))));

    if (repeats('live') > 0) {
      const sidebar = await openSurface(browser, url, 'sidebar', packs);
      await sidebar.pickLayer(BIG_LAYER);
      const live = row('side-bar Live view, 2,048-unit layer');
      for (let i = 0; i < repeats('live'); i++) {
        record(live, await sidebar.newEpoch());
      }
    }
  } finally {
    await browser.close();
    server.close();
    packs.server.close();
  }

  console.log('| what | main-thread work, median / worst | host-to-webview bytes per epoch |');
  console.log('|---|---|---|');
  for (const r of rows.filter((x) => x.ms.length > 0)) {
    const bytes = r.bytesPerEpoch?.length ? `${(quantile(r.bytesPerEpoch!, 0.5) / 1e6).toFixed(2)} MB` : '';
    console.log(`| ${r.what} | ${quantile(r.ms, 0.5).toFixed(1)} / ${Math.max(...r.ms).toFixed(1)} ms | ${bytes} |`);
  }
  if (process.env.BENCH_BREAKDOWN === 'rows') {
    // Where each row's time goes, by trace event (nested events overlap: Paint is inside a RunTask, and so on).
    for (const r of rows.filter((x) => x.ms.length > 0)) {
      const top = [...r.parts].sort((a, b) => b[1] - a[1]).slice(0, 12);
      console.log(`${r.what}, ms per repeat: ${top.map(([k, v]) => `${k} ${(v / r.ms.length).toFixed(2)}`).join(', ')}`);
    }
  }
  if (process.env.BENCH_PROFILE) panelSurface?.printProfile(repeats(process.env.BENCH_PROFILE));
  const out = path.join(ROOT, 'out', 'bench');
  mkdirSync(out, { recursive: true });
  writeFileSync(path.join(out, 'webview-results.json'), JSON.stringify({ date: new Date().toISOString(), repeats: REPEATS, history: HISTORY, rows }, null, 2));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
