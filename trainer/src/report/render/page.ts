/**
 * The report page: one self-contained HTML document (inline CSS and SVG, no script, no external resource), so it
 * opens from disk, offline, in any browser.
 */
import type { Section } from '../sections/types.ts';
import { escapeHtml } from './html.ts';

/** What the page header shows. */
export interface PageHeader {
  title: string;
  /** Key facts as (label, value) pairs: run, data, split, model, ... */
  facts: [string, string][];
  generatedAt: string;
}

const STYLE = `
:root { color-scheme: light; --fg: #1d232b; --dim: #5d6673; --line: #e3e6ea; --accent: #4c78a8; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: #f6f7f9; }
header { background: #1d2733; color: #fff; padding: 24px 32px 16px; }
header h1 { margin: 0 0 8px; font-size: 26px; }
header dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 0; font-size: 14px; }
header dt { color: #a9b4c2; } header dd { margin: 0; }
nav { position: sticky; top: 0; z-index: 1; background: #fff; border-bottom: 1px solid var(--line); padding: 8px 32px; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 18px; white-space: nowrap; }
main { padding: 8px 32px 48px; max-width: 1400px; }
section { margin-top: 28px; }
h2 { font-size: 21px; margin: 0 0 4px; border-bottom: 2px solid var(--accent); display: inline-block; padding-bottom: 2px; }
h3 { font-size: 16px; margin: 18px 0 4px; }
p.intro { color: var(--dim); max-width: 980px; margin: 6px 0 14px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
figure { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px 14px; overflow-x: auto; }
figure.wide { grid-column: 1 / -1; }
figure h3 { margin: 0 0 6px; font-size: 15px; }
figure svg { max-width: 100%; height: auto; display: block; }
figcaption { color: var(--dim); font-size: 13px; margin-top: 6px; }
table { border-collapse: collapse; background: #fff; margin: 12px 16px 12px 0; font-size: 13.5px; border: 1px solid var(--line); }
caption { text-align: left; font-weight: 600; padding: 6px 0; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.best { background: #e3f1e0; font-weight: 600; }
.tables { display: flex; flex-wrap: wrap; align-items: flex-start; }
.dim { color: var(--dim); }
p.note { color: var(--dim); font-size: 13px; }
.user-example { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 4px 16px 8px; margin: 12px 0; }
details { margin-top: 28px; } pre { background: #fff; border: 1px solid var(--line); padding: 12px; overflow-x: auto; font-size: 12.5px; }
`;

/**
 * Assembles the page.
 * @param svgs rendered SVG markup by figure id (every figure of every section must have one)
 * @param appendix optional extra markup at the end (already escaped)
 * @throws RangeError when a figure has no SVG
 */
export function renderPage(
  header: PageHeader,
  sections: Section[],
  svgs: ReadonlyMap<string, string>,
  appendix = '',
): string {
  const nav = sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join('');
  const body = sections.map((s) => renderSection(s, svgs)).join('\n');
  const facts = header.facts.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(header.title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${escapeHtml(header.title)}</h1>
<dl>${facts}<dt>generated</dt><dd>${escapeHtml(header.generatedAt)}</dd></dl>
</header>
<nav>${nav}</nav>
<main>
${body}
${appendix}
</main>
</body>
</html>
`;
}

function renderSection(section: Section, svgs: ReadonlyMap<string, string>): string {
  const figures = section.figures.map((f) => {
    const svg = svgs.get(f.id);
    if (svg === undefined) throw new RangeError(`renderPage: figure "${f.id}" was not rendered`);
    return `<figure id="fig-${f.id}" class="chart${f.wide === true ? ' wide' : ''}" data-figure="${f.id}">
<h3>${escapeHtml(f.title)}</h3>
${svg}
<figcaption>${escapeHtml(f.caption)}</figcaption>
</figure>`;
  });
  return `<section id="${section.id}">
<h2>${escapeHtml(section.title)}</h2>
<p class="intro">${escapeHtml(section.intro)}</p>
${figures.length > 0 ? `<div class="figures">\n${figures.join('\n')}\n</div>` : ''}
${section.html ?? ''}
</section>`;
}
