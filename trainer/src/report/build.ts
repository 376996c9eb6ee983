/**
 * The report pipeline: sections (numbers + chart specs + tables) → SVG figures → one HTML page, written to
 * `<out>/index.html` with every figure also saved as `<out>/figures/<id>.svg`.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describeScale } from '../data/load/index.ts';
import { escapeHtml, fmt } from './render/html.ts';
import { renderPage, type PageHeader } from './render/page.ts';
import { renderSvg } from './render/svg.ts';
import { biasesSection } from './sections/biases.ts';
import { comparisonSection } from './sections/comparison.ts';
import { reportContext } from './sections/context.ts';
import { embeddingsSection } from './sections/embeddings.ts';
import { errorsSection } from './sections/errors.ts';
import { rankingSection } from './sections/ranking.ts';
import { recommendationsSection } from './sections/recommendations.ts';
import { segmentsSection } from './sections/segments.ts';
import { trainingSection } from './sections/training.ts';
import {
  DEFAULT_REPORT_OPTIONS,
  type ReportInputs,
  type ReportOptions,
  type Section,
} from './sections/types.ts';

/**
 * Computes every section of the report (no I/O).
 * @throws RangeError when the run's weights do not match its data
 */
export function buildSections(
  inputs: ReportInputs,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
): Section[] {
  const ctx = reportContext(inputs);
  const segments = segmentsSection(ctx, options);
  return [
    trainingSection(inputs),
    comparisonSection(inputs),
    rankingSection(ctx, options),
    errorsSection(ctx),
    biasesSection(ctx, options),
    embeddingsSection(ctx, options),
    segments.section,
    recommendationsSection(ctx, options, segments.segmentation),
  ];
}

/** What `writeReport` wrote. */
export interface WrittenReport {
  /** Path of index.html. */
  index: string;
  /** Paths of the figure SVGs, in page order. */
  figures: string[];
  sections: Section[];
}

/**
 * Builds the report and writes `<outDir>/index.html` and `<outDir>/figures/<id>.svg`. Each file is written to a
 * temporary name and renamed, so a reader never sees a half-written page.
 */
export async function writeReport(
  outDir: string,
  inputs: ReportInputs,
  options: ReportOptions = DEFAULT_REPORT_OPTIONS,
  now: Date = new Date(),
): Promise<WrittenReport> {
  const sections = buildSections(inputs, options);
  const svgs = new Map<string, string>();
  for (const figure of sections.flatMap((s) => s.figures)) {
    if (svgs.has(figure.id)) throw new RangeError(`two figures share the id "${figure.id}"`);
    svgs.set(figure.id, await renderSvg(figure.spec, figure.id));
  }
  const figureDir = join(outDir, 'figures');
  await mkdir(figureDir, { recursive: true });
  const figures: string[] = [];
  for (const [id, svg] of svgs) {
    const path = join(figureDir, `${id}.svg`);
    await writeAtomic(path, `<?xml version="1.0" encoding="UTF-8"?>\n${svg}\n`);
    figures.push(path);
  }
  const index = join(outDir, 'index.html');
  await writeAtomic(index, renderPage(pageHeader(inputs, now), sections, svgs, appendix(inputs)));
  return { index, figures, sections };
}

function pageHeader(inputs: ReportInputs, now: Date): PageHeader {
  const { weights: w, table, split, metrics } = inputs;
  const hidden = w.hidden.map((l) => l.outSize).join('-') || 'none';
  const headline = ['rmse', 'mae']
    .map((m) =>
      metrics[`test.${m}`] === undefined ? '' : `${m.toUpperCase()} ${fmt(metrics[`test.${m}`], 4)}`,
    )
    .filter((s) => s !== '')
    .join(', ');
  return {
    title: 'Marquee model report',
    facts: [
      ['run', inputs.runName],
      [
        'data',
        `${table.source.format} ${table.source.path}: ${table.count.toLocaleString('en-US')} ratings, ${table.userIds.length.toLocaleString('en-US')} users, ${table.movieIds.length.toLocaleString('en-US')} movies, ${describeScale(table.scale)}`,
      ],
      [
        'split',
        `${split.description}: ${split.train.length.toLocaleString('en-US')} train / ${split.test.length.toLocaleString('en-US')} test`,
      ],
      ['model', `${w.arch}, embeddings ${w.dim}, MLP ${hidden}`],
      ...(headline === '' ? [] : [['test', headline] as [string, string]]),
    ],
    generatedAt: now.toISOString(),
  };
}

function appendix(inputs: ReportInputs): string {
  if (inputs.config === undefined) return '';
  return `<details><summary>Training configuration</summary><pre>${escapeHtml(JSON.stringify(inputs.config, null, 2))}</pre></details>`;
}

async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}
