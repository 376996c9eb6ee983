/** The evaluation and interpretability report of a training run (`marquee report`). */
export { buildSections, writeReport, type WrittenReport } from './build.ts';
export { loadReportInputs, readEvaluationResiduals, EVALUATION_FILE } from './load.ts';
export {
  DEFAULT_REPORT_OPTIONS,
  type Figure,
  type ReportInputs,
  type ReportOptions,
  type Section,
} from './sections/types.ts';
export { renderSvg } from './render/svg.ts';
