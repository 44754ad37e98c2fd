// Bundles the browser code: one bundle per webview surface (webview/<surface>/main.ts -> dist/<surface>.js and,
// from the stylesheets it imports, dist/<surface>.css), the HTML sweep report's script (dist/report.js, inlined
// into the report by the engine) and the sweep figures alone (dist/figures.js, evaluated by the engine in a bare
// VM context to export them as .svg files). The host and the engine load these by name.
import { build } from 'esbuild';
import process from 'node:process';

const common = {
  bundle: true,
  format: 'iife',
  target: 'es2022',
  logLevel: 'warning',
};

await Promise.all([
  // The webview surfaces: entry names become output names (dist/panel.js + dist/panel.css, ...).
  build({
    ...common,
    entryPoints: {
      panel: 'webview/panel/main.ts',
      sidebar: 'webview/sidebar/main.ts',
      compare: 'webview/compare/main.ts',
    },
    platform: 'browser',
    outdir: 'dist',
    sourcemap: true,
    minify: process.env.NODE_ENV === 'production',
  }),
  // Inlined into a self-contained HTML file: small, no source map, no stylesheet (the engine writes the page's CSS).
  build({
    ...common,
    entryPoints: ['webview/report/main.ts'],
    platform: 'browser',
    outfile: 'dist/report.js',
    sourcemap: false,
    minify: true,
  }),
  // No DOM: runs in the engine's VM context as well as it would in a page.
  build({
    ...common,
    entryPoints: ['src/figures/bundle.ts'],
    platform: 'neutral',
    mainFields: ['module', 'main'],
    outfile: 'dist/figures.js',
    sourcemap: false,
    minify: true,
  }),
]);
