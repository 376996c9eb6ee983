/**
 * Small HTML builders for the report page: escaping, number formatting and tables. The page is static markup;
 * everything a reader sees is produced here or by the inline SVG figures.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A number with `digits` decimals, "–" for missing or non-finite values. */
export function fmt(value: number | undefined, digits = 3): string {
  return value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** A signed number with `digits` decimals (e.g. "+0.12", "−0.40"). */
export function signed(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '–';
  const s = Math.abs(value).toFixed(digits);
  return value < 0 ? `−${s}` : `+${s}`;
}

/** A share in [0, 1] as a percentage with `digits` decimals. */
export function pct(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : '–';
}

/** Whole numbers with thousands separators. */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '–';
}

/** A table cell: plain text (escaped) or pre-built markup. */
export type Cell = string | { html: string; className?: string };

/**
 * An HTML table. Text cells are escaped; `{html}` cells are inserted as given (callers build them from escaped
 * parts). `numeric` columns are right-aligned.
 */
export function htmlTable(
  headers: string[],
  rows: Cell[][],
  options: { numeric?: number[]; caption?: string } = {},
): string {
  const numeric = new Set(options.numeric ?? []);
  const cls = (i: number, extra?: string): string => {
    const names = [numeric.has(i) ? 'num' : '', extra ?? ''].filter((x) => x !== '').join(' ');
    return names === '' ? '' : ` class="${names}"`;
  };
  const head = headers.map((h, i) => `<th${cls(i)}>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row
          .map((c, i) =>
            typeof c === 'string'
              ? `<td${cls(i)}>${escapeHtml(c)}</td>`
              : `<td${cls(i, c.className)}>${c.html}</td>`,
          )
          .join('')}</tr>`,
    )
    .join('\n');
  const caption = options.caption === undefined ? '' : `<caption>${escapeHtml(options.caption)}</caption>`;
  return `<table>${caption}<thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
