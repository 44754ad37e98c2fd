// The hub with a plain object standing in for vscode.Webview's two methods (the vscode module is not loadable
// outside VS Code; the real webview is exercised by the e2e tests).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EngineEvent } from '../../../../../src/protocol/events';
import type { LiveToHost } from '../../../../../src/protocol/webviews';
import type { HostToPanel } from '../../../../../src/protocol/webviews/panel';
import { LiveHub, type WebviewLike } from '../../../../../src/host/webviews/node/liveHub';

function page() {
  const posted: HostToPanel[] = [];
  let listener: ((m: unknown) => unknown) | undefined;
  const webview: WebviewLike = {
    postMessage: async (m) => {
      posted.push(m as HostToPanel);
      return true;
    },
    onDidReceiveMessage: (l) => {
      listener = l;
      return { dispose: () => (listener = undefined) };
    },
  };
  return { webview, posted, say: (m: LiveToHost) => listener?.(m) };
}

test('snapshot on ready, events only to ready webviews, messages routed to the host', () => {
  const handled: string[] = [];
  const hub = new LiveHub({
    snapshot: {
      panel: (runId) => [
        { type: 'snapshot', surface: 'panel', runs: [], activeRunId: runId },
        { type: 'sweepSnapshot', sweeps: [] },
      ],
      sidebar: (runId) => [{ type: 'snapshot', surface: 'sidebar', runs: [], activeRunId: runId }],
    },
    handle: (m) => {
      handled.push(m.type);
    },
  });
  const panel = page();
  const side = page();
  const pc = hub.attach(panel.webview, 'panel', 'r1');
  hub.attach(side.webview, 'sidebar');
  const ev: EngineEvent = { v: 1, type: 'epoch', runId: 'r1', metrics: {} as never };
  hub.broadcastEvents([ev]);
  assert.equal(panel.posted.length + side.posted.length, 0, 'nothing before ready');
  panel.say({ type: 'ready' });
  assert.deepEqual(panel.posted[0], { type: 'snapshot', surface: 'panel', runs: [], activeRunId: 'r1' });
  assert.equal((panel.posted[1] as { type: string }).type, 'sweepSnapshot');
  hub.broadcastEvents([ev]);
  assert.deepEqual(panel.posted.at(-1), { type: 'event', event: ev });
  assert.equal(side.posted.length, 0);
  side.say({ type: 'openPanel', runId: 'r1' });
  side.say({ type: 'stopRun', runId: 'r1' });
  assert.deepEqual(handled, ['openPanel', 'stopRun']);
  hub.markNotReady(pc);
  hub.broadcastEvents([ev]);
  assert.equal(panel.posted.filter((m) => m.type === 'event').length, 1, 'a hidden page gets nothing until ready again');
  // Shown again: a page VS Code kept is brought up to date at once (a recreated one says 'ready' itself).
  const before = panel.posted.length;
  hub.markVisible(pc);
  assert.deepEqual(panel.posted.slice(before).map((m) => m.type), ['snapshot', 'sweepSnapshot']);
  hub.markVisible(pc);
  assert.equal(panel.posted.length, before + 2, 'a page that is ready is not sent the snapshot twice');
  hub.broadcastEvents([ev]);
  assert.equal(panel.posted.filter((m) => m.type === 'event').length, 2);
  pc.dispose();
  assert.equal(hub.size, 1);
});

test('a failing handler is reported, not thrown', async () => {
  const errors: unknown[] = [];
  const hub = new LiveHub({
    snapshot: { panel: () => [{ type: 'snapshot', surface: 'panel', runs: [] }], sidebar: () => [{ type: 'snapshot', surface: 'sidebar', runs: [] }] },
    handle: async () => {
      throw new Error('boom');
    },
    onError: (e) => errors.push(e),
  });
  const p = page();
  hub.attach(p.webview, 'sidebar');
  p.say({ type: 'stopRun', runId: 'x' });
  p.say({ junk: true } as never);
  await new Promise((r) => setImmediate(r));
  assert.equal(errors.length, 1);
});
