// Bundles the browser app (webview/) into dist/webview.js for the webview panels.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const entry = 'webview/main.ts';
if (!existsSync(entry)) {
  console.log('webview: no entry yet, skipped');
} else {
  await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile: 'dist/webview.js',
    sourcemap: true,
    minify: process.env.NODE_ENV === 'production',
    logLevel: 'warning',
  });
}

// Engineer 8 (sweeps), additive: the figure bundle inlined into the self-contained HTML sweep report and
// evaluated by the engine to export SVG figures (src/engine/report/figureBundle.ts). One IIFE, no imports.
if (existsSync('webview/report.ts')) {
  await build({
    entryPoints: ['webview/report.ts'],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    outfile: 'dist/report.js',
    sourcemap: false,
    minify: true,
    logLevel: 'warning',
  });
}
