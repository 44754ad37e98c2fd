// Writes a sweep's report folder: index.html (self-contained), figures/*.svg (+ *.png when headless Chromium is
// available), runs.csv, layers.csv, alpha-stats.csv, report-data.json and tensorboard/<run>/events.out.tfevents.*.
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { SWEEP_FILES, type SweepReportData } from '../../protocol/sweep';
import { collectSweep } from './collect';
import { alphaStatsCsv, layersCsv, runsCsv } from './csv';
import { exportFigureSvgs, readReportBundle } from './figureBundle';
import { reportHtml } from './html';
import { screenshotFigures } from './chromium';
import { writeRunTensorBoard } from './tensorboard';

export interface ReportOptions {
  /** Report folder (default <sweepDir>/report). */
  outDir?: string;
  /** PNG screenshots through headless Chromium when available (default true). */
  png?: boolean;
  tensorboard?: boolean;
}

export interface ReportResult {
  outDir: string;
  html: string;
  svgs: string[];
  pngs: string[];
  csvs: string[];
  tensorboard: string[];
  data: SweepReportData;
  warnings: string[];
}

export async function writeSweepReport(sweepDir: string, options: ReportOptions = {}): Promise<ReportResult> {
  const dir = path.resolve(sweepDir);
  const outDir = path.resolve(options.outDir ?? path.join(dir, SWEEP_FILES.reportDir));
  const { runs, data, warnings: readWarnings } = collectSweep(dir);
  const bundle = readReportBundle();
  mkdirSync(path.join(outDir, 'figures'), { recursive: true });
  const warnings: string[] = [...readWarnings];

  const csvs = [
    ['runs.csv', runsCsv(runs, data.layers)],
    ['layers.csv', layersCsv(runs, data.layers)],
    ['alpha-stats.csv', alphaStatsCsv(data)],
  ].map(([name, text]) => {
    const file = path.join(outDir, name);
    writeFileSync(file, text);
    return file;
  });
  writeFileSync(path.join(outDir, 'report-data.json'), JSON.stringify(data, null, 2) + '\n');

  const figures = exportFigureSvgs(data);
  const svgs = figures.map((f) => {
    const file = path.join(outDir, 'figures', `${f.key}.svg`);
    writeFileSync(file, `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n`);
    return file;
  });

  const tensorboard: string[] = [];
  if (options.tensorboard !== false) {
    for (const r of runs) {
      if (r.metrics.length === 0) continue;
      tensorboard.push(writeRunTensorBoard(r, path.join(outDir, 'tensorboard')));
    }
  }

  const rel = (f: string) => path.relative(outDir, f).split(path.sep).join('/');
  const files = [
    ...csvs.map((f) => ({ href: rel(f), label: path.basename(f) })),
    { href: 'report-data.json', label: 'report-data.json' },
    ...svgs.map((f) => ({ href: rel(f), label: path.basename(f) })),
    ...(tensorboard.length ? [{ href: 'tensorboard/', label: 'tensorboard/ (tensorboard --logdir this folder)' }] : []),
  ];
  const html = path.join(outDir, 'index.html');
  writeFileSync(
    html,
    reportHtml({ data, bundle, figures, files, configs: runs.map((r) => ({ name: r.name, config: r.config })) }),
  );

  let pngs: string[] = [];
  if (options.png !== false) {
    try {
      pngs = await screenshotFigures(html, (key) => path.join(outDir, 'figures', `${key}.png`));
      if (pngs.length === 0) warnings.push('PNG figures skipped: headless Chromium (playwright-core) is not available.');
    } catch (e) {
      warnings.push(`PNG figures skipped: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  return { outDir, html, svgs, pngs, csvs, tensorboard, data, warnings };
}
