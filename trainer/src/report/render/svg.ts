/**
 * Renders Vega-Lite specs to standalone SVG strings in Node (vega's headless view, no canvas, no network), then
 * makes them safe and useful inside one HTML page: element ids are scoped per figure (several inline SVGs with
 * the same clip-path / gradient ids would otherwise clash), and every mark's accessible label becomes an SVG
 * `<title>`, which browsers show as a tooltip on hover without any script.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/**
 * Compiles and renders a Vega-Lite spec to SVG markup.
 * @param id short identifier of the figure (letters, digits, dashes): used to scope element ids
 * @throws Error when the spec does not compile (a bug in a chart builder)
 */
export async function renderSvg(spec: TopLevelSpec, id: string): Promise<string> {
  const compiled = compile(spec).spec;
  // A loader that refuses every URL: a figure must never depend on a network or file fetch.
  const loader = {
    load: () => Promise.reject(new Error('report figures use inline data only')),
    sanitize: () => Promise.reject(new Error('report figures use inline data only')),
    http: () => Promise.reject(new Error('report figures use inline data only')),
    file: () => Promise.reject(new Error('report figures use inline data only')),
  };
  const view = new View(parse(compiled), { renderer: 'none', loader: loader as never });
  try {
    const svg = await view.toSVG();
    return addHoverTitles(scopeIds(svg, id));
  } finally {
    view.finalize();
  }
}

/** Prefixes every `id="x"` and its references (`url(#x)`, `href="#x"`) with `prefix-`. */
export function scopeIds(svg: string, prefix: string): string {
  if (!/^[A-Za-z][\w-]*$/.test(prefix)) throw new RangeError(`scopeIds: bad id prefix "${prefix}"`);
  return svg
    .replace(/\bid="([^"]+)"/g, `id="${prefix}-$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}-$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}-$1"`);
}

/**
 * Gives every self-closing mark element that carries an `aria-label` (Vega writes one per data mark from the
 * `description` / `tooltip` encoding) a `<title>` child with the same text. The label is already XML-escaped.
 */
export function addHoverTitles(svg: string): string {
  return svg.replace(
    /<(path|rect|circle|line|text|image)\b([^>]*?\baria-label="([^"]*)"[^>]*?)\/>/g,
    (match, tag: string, attrs: string, label: string) =>
      attrs.includes('role="graphics-symbol"') ? `<${tag}${attrs}><title>${label}</title></${tag}>` : match,
  );
}
