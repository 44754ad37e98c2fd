// The HTML sweep report page: no messages; the engine writes the report data into the page and the page's
// script (dist/report.js) draws the figures from it.
import type { SweepReportData } from '../sweep';

/** Element ids the engine writes and the report page reads. */
export const REPORT_PAGE = {
  /** <script type="application/json"> holding the SweepReportData. */
  dataId: 'sweep-report-data',
  /** Where the page draws the figures (the engine puts static SVGs there for readers without script). */
  figuresId: 'sweep-figures',
} as const;

/** What the report page is given. */
export type ReportPageData = SweepReportData;
