import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { genreMask } from '../../../shared/src/schemas/genres.ts';
import { randomSplit } from '../data/split/index.ts';
import { randomTable } from '../../../tools/split-tables.ts';
import { randomWeights } from '../../../tools/random-weights.ts';
import { buildSections, writeReport } from './build.ts';
import { DEFAULT_REPORT_OPTIONS, type ReportInputs } from './sections/types.ts';

const GENRE_SETS = [
  ['Comedy'],
  ['Drama', 'Romance'],
  ['Action', 'Sci-Fi'],
  ['Horror'],
  ['Children', 'Animation'],
];

function syntheticInputs(arch: 'dcf' | 'hybrid'): ReportInputs {
  const table = randomTable(3, 80, 40, 30);
  table.movieInfo = {
    titles: Array.from({ length: 40 }, (_, m) => (m === 0 ? 'Bread & <Roses>' : `Film ${m}`)),
    genres: Uint32Array.from({ length: 40 }, (_, m) => genreMask(GENRE_SETS[m % GENRE_SETS.length] ?? [])),
    years: Int32Array.from({ length: 40 }, (_, m) => (m % 3 === 0 ? 0 : 1990 + m)),
  };
  table.userInfo = {
    ages: Int32Array.from({ length: 80 }, (_, u) => (u % 4 === 0 ? 0 : 18 + (u % 40))),
    genders: Array.from({ length: 80 }, () => ''),
    occupations: new Array<string>(80).fill(''),
    likedGenres: new Uint32Array(80),
    dislikedGenres: new Uint32Array(80),
  };
  const weights = randomWeights({ arch, numUsers: 80, numMovies: 40, dim: 8, hidden: [16, 8], seed: 5 });
  weights.mu = 3.5;
  return {
    runName: 'runs/synthetic',
    weights,
    history: [1, 2, 3].map((epoch) => ({
      epoch,
      loss: 1.2 / epoch,
      val_rmse: 1 - epoch / 20,
      val_mae: 0.8 - epoch / 30,
      lr: 0.001,
    })),
    metrics: {
      'test.rmse': 0.95,
      'test.mae': 0.75,
      'test.ndcg@10': 0.2,
      'test.precision@10': 0.1,
      'test.recall@10': 0.15,
      'test.coverage@10': 0.4,
      'baselines.global-mean.rmse': 1.1,
      'baselines.global-mean.mae': 0.9,
    },
    config: { epochs: 3 },
    table,
    split: randomSplit(table, 0.2, 1),
  };
}

const options = { ...DEFAULT_REPORT_OPTIONS, umapEpochs: 50 };

describe('buildSections', () => {
  it('builds every section with figures for a dcf and a hybrid model', () => {
    for (const arch of ['dcf', 'hybrid'] as const) {
      const sections = buildSections(syntheticInputs(arch), options);
      expect(sections.map((s) => s.id)).toEqual([
        'training',
        'comparison',
        'ranking',
        'errors',
        'biases',
        'embeddings',
        'segments',
        'recommendations',
      ]);
      const ids = sections.flatMap((s) => s.figures.map((f) => f.id));
      expect(ids).toContain('movie-map-umap');
      expect(ids).toContain('segments-silhouette');
      expect(new Set(ids).size).toBe(ids.length);
      const biases = sections.find((s) => s.id === 'biases');
      expect(biases?.html).toContain(arch === 'hybrid' ? 'dot product' : 'MLP');
    }
  });

  it('refuses weights that do not match the data', () => {
    const inputs = syntheticInputs('dcf');
    inputs.weights = randomWeights({
      arch: 'dcf',
      numUsers: 79,
      numMovies: 40,
      dim: 8,
      hidden: [8],
      seed: 1,
    });
    expect(() => buildSections(inputs, options)).toThrow(/79 users × 40 movies but the data has 80 × 40/);
  });
});

describe('writeReport', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes a self-contained page and one SVG per figure', async () => {
    const out = await mkdtemp(join(tmpdir(), 'marquee-report-'));
    dirs.push(out);
    const written = await writeReport(out, syntheticInputs('dcf'), options, new Date('2024-01-02T03:04:05Z'));
    const html = await readFile(written.index, 'utf8');
    const files = (await readdir(join(out, 'figures'))).sort();
    const ids = written.sections.flatMap((s) => s.figures.map((f) => f.id));
    expect(files).toEqual(ids.map((id) => `${id}.svg`).sort());
    for (const id of ids) expect(html).toContain(`data-figure="${id}"`);
    expect(html.match(/<svg/g)?.length).toBe(ids.length);
    // No external resources: the only URLs are XML namespace names.
    const urls = html.match(/(?:src|href)="(?!#)[^"]*"/g) ?? [];
    expect(urls).toEqual([]);
    expect(html).not.toMatch(/<script/);
    expect(html).toContain('Bread &amp; &lt;Roses&gt;');
    expect(html).toContain('2024-01-02T03:04:05.000Z');
    expect(html).toContain('global-mean');
    const svg = await readFile(join(out, 'figures', 'movie-map-pca.svg'), 'utf8');
    expect(svg).toMatch(/<title>Film \d+/);
  });
});
