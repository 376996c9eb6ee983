/** The judge's report as text for the terminal: a table of both arms, the tests, the guards and the reasons. */
import type { JudgeReport } from './judge.ts';

const rate = (x: number, n: number): string => (n > 0 ? `${((100 * x) / n).toFixed(2)} %` : '-');
const num = (x: number | undefined, digits = 4): string =>
  x === undefined || Number.isNaN(x) ? '-' : Number.isInteger(x) ? String(x) : x.toFixed(digits);

function table(rows: string[][]): string[] {
  const widths = (rows[0] ?? []).map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) =>
    r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join('  '),
  );
}

/** The decision line, the arms table, tests, guards and reasons. */
export function formatReport(report: JudgeReport): string {
  const { channels, online: o, serving: s } = report;
  const head =
    `canary judge: ${report.decision}` +
    (report.decision === 'promote-step' ? ` -> ${report.nextPercent} %` : '');
  if (channels === null || channels.canary === null) return `${head}\n${report.reasons.join('\n')}\n`;
  const w = report.window;
  const lines = [
    head,
    `stable ${channels.stable}; canary ${channels.canary.version} at ${channels.canary.percent} %`,
    `window ${w.since} .. ${w.until} (start: ${w.start === 'flag' ? '--since' : 'channels.json updated'}); ` +
      `${report.input.eventFiles} event files, ${report.input.metricsFiles} metrics files, ` +
      `${report.input.events} events, ${report.input.rollups} rollups`,
    ...(report.input.duplicates > 0
      ? [
          `dropped ${report.input.duplicates} duplicate events (redelivered: same client id or same stored line)`,
        ]
      : []),
    ...(report.input.invalid.count > 0
      ? [`skipped ${report.input.invalid.count} invalid lines, e.g. ${report.input.invalid.samples[0] ?? ''}`]
      : []),
    '',
    ...table([
      ['', 'stable', 'canary'],
      ['impressions', num(o.stable.impressions), num(o.canary.impressions)],
      [
        'click-through',
        rate(o.stable.clicked, o.stable.impressions),
        rate(o.canary.clicked, o.canary.impressions),
      ],
      [
        'watch-through',
        rate(o.stable.watched, o.stable.impressions),
        rate(o.canary.watched, o.canary.impressions),
      ],
      ['ratings of shown movies', num(o.stable.ratings), num(o.canary.ratings)],
      [
        'rating hit rate',
        rate(o.stable.goodRatings, o.stable.ratings),
        rate(o.canary.goodRatings, o.canary.ratings),
      ],
      ['requests', num(s.stable.requests), num(s.canary.requests)],
      ['5xx rate', rate(s.stable.status5xx, s.stable.requests), rate(s.canary.status5xx, s.canary.requests)],
      ['p99 latency (ms)', num(s.stable.p99Ms), num(s.canary.p99Ms)],
      ...report.offline.map((r) => [`offline ${r.metric}`, num(r.stable), num(r.canary)]),
    ]),
    '',
    'quality (one-sided two-proportion z-tests, Bonferroni over the tests run):',
    ...report.quality.map((q) => `  ${q.metric}: ${q.note}`),
    'guards:',
    ...report.guards.map((g) => `  ${g.guard}: ${g.failed ? 'FAILED: ' : ''}${g.note}`),
    'reasons:',
    ...report.reasons.map((r) => `  - ${r}`),
  ];
  return `${lines.join('\n')}\n`;
}
