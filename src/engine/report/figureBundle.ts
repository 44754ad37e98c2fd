// Loads the browser bundle dist/report.js (webview/report.ts): its text is inlined into the HTML report, and it
// is evaluated here in a bare VM context to draw the same figures as SVG text (the figure code needs no DOM).
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vm from 'node:vm';
import type { SweepReportData } from '../../protocol/sweep';
import { EngineError } from '../errors';
import { packageRoot } from '../sweep/packageRoot';

export interface ExportedFigure {
  id: string;
  key: string;
  group: string;
  title: string;
  svg: string;
  points: number;
}

interface ReportApi {
  figureSvgs(data: SweepReportData, theme?: { fg?: string; bg?: string; font?: string }): ExportedFigure[];
}

export function reportBundlePath(): string {
  return path.join(packageRoot(), 'dist', 'report.js');
}

export function readReportBundle(): string {
  const file = reportBundlePath();
  if (!existsSync(file)) {
    throw new EngineError('INTERNAL', `The report figure bundle ${file} is missing; build it with \`npm run build\`.`, {
      file,
    });
  }
  return readFileSync(file, 'utf8');
}

let api: ReportApi | undefined;

function reportApi(): ReportApi {
  if (api) return api;
  const context: Record<string, unknown> = { console };
  context.globalThis = context;
  context.self = context;
  vm.runInNewContext(readReportBundle(), context, { filename: reportBundlePath() });
  const loaded = context.SelectivityLensReport as ReportApi | undefined;
  if (!loaded?.figureSvgs) throw new EngineError('INTERNAL', `${reportBundlePath()} does not define the sweep figures.`);
  return (api = loaded);
}

/** Every figure of the report as standalone SVG (light background, dark text). */
export function exportFigureSvgs(data: SweepReportData): ExportedFigure[] {
  // Round-trip through JSON: the VM has its own Array/Object prototypes.
  const figures = reportApi().figureSvgs(JSON.parse(JSON.stringify(data)), { fg: '#1f1f1f', bg: '#ffffff' });
  return JSON.parse(JSON.stringify(figures)) as ExportedFigure[];
}
