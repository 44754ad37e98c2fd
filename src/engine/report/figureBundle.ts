// The two built bundles the report needs. dist/figures.js (from src/figures, DOM-free) is evaluated here in a bare
// VM context to draw the sweep figures as SVG text; the engine imports only its types, because src/figures needs
// d3, which Node cannot require (it is bundled by esbuild instead). dist/report.js (webview/report) is the report
// page's own script, inlined into the self-contained HTML.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { FigureSvg } from '../../figures/sweepFigures';
import type { FiguresApi } from '../../figures/bundle';
import type { SweepReportData } from '../../protocol/sweep';
import { EngineError } from '../errors';
import { packageRoot } from '../packageRoot';

export type ExportedFigure = FigureSvg;

function bundlePath(name: 'figures.js' | 'report.js'): string {
  return path.join(packageRoot(), 'dist', name);
}

function readBundle(name: 'figures.js' | 'report.js'): string {
  const file = bundlePath(name);
  if (!existsSync(file)) {
    throw new EngineError('INTERNAL', `The report bundle ${file} is missing; build it with \`npm run build\`.`, { file });
  }
  return readFileSync(file, 'utf8');
}

/** The report page's script (dist/report.js), for inlining into the HTML report. */
export function readReportBundle(): string {
  return readBundle('report.js');
}

let api: FiguresApi | undefined;

function figuresApi(): FiguresApi {
  if (api) return api;
  const context: Record<string, unknown> = { console };
  context.globalThis = context;
  context.self = context;
  vm.runInNewContext(readBundle('figures.js'), context, { filename: bundlePath('figures.js') });
  const loaded = context.SelectivityLensFigures as FiguresApi | undefined;
  if (!loaded?.figureSvgs) throw new EngineError('INTERNAL', `${bundlePath('figures.js')} does not define the sweep figures.`);
  return (api = loaded);
}

/** Every figure of the report as standalone SVG (light background, dark text). */
export function exportFigureSvgs(data: SweepReportData): ExportedFigure[] {
  // Round-trip through JSON: the VM has its own Array/Object prototypes.
  const figures = figuresApi().figureSvgs(JSON.parse(JSON.stringify(data)) as SweepReportData, { fg: '#1f1f1f', bg: '#ffffff' });
  return JSON.parse(JSON.stringify(figures)) as ExportedFigure[];
}
