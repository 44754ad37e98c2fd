import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, renderWebviewHtml, surfaceAssets } from '../../../../../src/host/webviews/node/webviewHtml';

const input = {
  cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
  scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/sidebar.js',
  styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/sidebar.css',
  surface: 'sidebar' as const,
  nonce: 'abc123',
};

test('each surface loads its own bundle and stylesheet', () => {
  assert.deepEqual(surfaceAssets('panel'), { script: 'dist/panel.js', style: 'dist/panel.css' });
  assert.deepEqual(surfaceAssets('compare'), { script: 'dist/compare.js', style: 'dist/compare.css' });
});

test('the HTML loads one nonce script with the surface, and nothing inline', () => {
  const html = renderWebviewHtml(input);
  assert.match(html, /<body data-surface="sidebar">/);
  assert.match(html, /<script nonce="abc123" src="https:\/\/file\+\.vscode-resource\.vscode-cdn\.net\/ext\/dist\/sidebar\.js" data-surface="sidebar"><\/script>/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  assert.match(html, /<link rel="stylesheet" href="[^"]+sidebar\.css">/);
  assert.match(renderWebviewHtml({ ...input, surface: 'panel', runId: 'r"1' }), /data-surface="panel" data-run-id="r&quot;1"/);
});

test('the CSP allows only the nonce script and local resources', () => {
  const csp = contentSecurityPolicy(input.cspSource, 'n1');
  const parts = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
  assert.deepEqual(parts['default-src'], ["'none'"]);
  assert.deepEqual(parts['script-src'], ["'nonce-n1'"]);
  assert.deepEqual(parts['style-src'], [input.cspSource]);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|https?:\/\/(?!file\+)/);
  const html = renderWebviewHtml(input);
  assert.ok(html.includes(`content="${contentSecurityPolicy(input.cspSource, 'abc123')}"`));
});

test('nonces are fresh and alphanumeric', () => {
  const a = makeNonce();
  assert.match(a, /^[A-Za-z0-9]{16,}$/);
  assert.notEqual(a, makeNonce());
});
