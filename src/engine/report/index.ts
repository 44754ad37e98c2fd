// The sweep report: collect a sweep folder's runs into report data (what the panel's Sweep tab draws) and write
// the report folder (HTML, CSVs, figures, TensorBoard events). No tfjs: the host may import it.
export { collectSweep, collectSweepReport, type CollectedRun, type CollectedSweep } from './collect';
export { writeSweepReport } from './writeReport';
export { baselineFor, summarizeAnalyses } from './analysesSummary';
