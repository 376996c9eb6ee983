/**
 * Section "Movie embedding space": the most-rated movies' embeddings projected to 2-D by PCA and by UMAP,
 * coloured by primary genre, titles on hover.
 */
import { genreNames } from '../../../../shared/src/schemas/genres.ts';
import { foldRareLabels, NO_GENRE, OTHER_GENRES, primaryGenres } from '../analysis/primary-genre.ts';
import { categoryColors } from '../charts/theme.ts';
import { pcaProject, umapProject } from '../analysis/projection.ts';
import { takeRows } from '../analysis/sample.ts';
import { embeddingMapChart, explainedVarianceChart, type MapPoint } from '../charts/embeddings.ts';
import { count, pct } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { ReportOptions, Section } from './types.ts';

/** Principal components shown in the explained-variance chart. */
const SHOWN_COMPONENTS = 10;

/** The `max` movies with the most training ratings (at least one), ascending by index. */
export function mostRated(counts: Int32Array, max: number): Int32Array {
  const rated = Array.from(counts.keys()).filter((m) => (counts[m] as number) > 0);
  rated.sort((a, b) => (counts[b] as number) - (counts[a] as number) || a - b);
  return Int32Array.from(rated.slice(0, max)).sort();
}

export function embeddingsSection(ctx: ReportContext, options: ReportOptions): Section {
  const w = ctx.inputs.weights;
  const movies = mostRated(ctx.movieCounts, options.mapMovies);
  const intro = `${count(movies.length)} most-rated movies of ${count(w.numMovies)} (embedding size ${w.dim}).`;
  if (movies.length < 4) {
    return {
      id: 'embeddings',
      title: 'Movie embedding space',
      intro: `${intro} Too few movies to draw a map.`,
      figures: [],
    };
  }
  const matrix = takeRows(w.movieEmb, w.dim, movies);
  const masks = ctx.inputs.table.movieInfo?.genres;
  // Genre frequencies come from the whole catalogue, not just the drawn movies.
  const primary = masks === undefined ? undefined : primaryGenres(masks);
  const groups = foldRareLabels(Array.from(movies, (m) => primary?.[m] ?? NO_GENRE));
  const colors = categoryColors(groups, [OTHER_GENRES, NO_GENRE]);
  const labels = Array.from(movies, (m) => {
    const genres = masks === undefined ? '' : ` — ${genreNames(masks[m] as number).join(', ')}`;
    return `${ctx.movieName(m)}${genres} · ${count(ctx.movieCounts[m] as number)} ratings`;
  });
  const points = (coords: Float64Array): MapPoint[] =>
    labels.map((label, i) => ({
      x: coords[2 * i] as number,
      y: coords[2 * i + 1] as number,
      group: groups[i] as string,
      label,
    }));
  const pca = pcaProject(matrix, movies.length, w.dim);
  const umap = umapProject(matrix, movies.length, w.dim, { seed: options.seed, nEpochs: options.umapEpochs });
  const [pc1 = 0, pc2 = 0] = pca.explained;
  return {
    id: 'embeddings',
    title: 'Movie embedding space',
    intro: `${intro} Colour = primary genre (the movie’s least common genre; rare genres folded into “Other”). Hover a point for its title.`,
    figures: [
      {
        id: 'movie-map-pca',
        title: 'Movie embeddings, PCA',
        caption: `The first two principal components explain ${pct(pc1)} and ${pct(pc2)} of the embedding variance (${pct(pc1 + pc2)} together).`,
        spec: embeddingMapChart(
          points(pca.coords),
          { x: `PC1 (${pct(pc1)})`, y: `PC2 (${pct(pc2)})` },
          'primary genre',
          colors,
        ),
      },
      {
        id: 'movie-map-umap',
        title: 'Movie embeddings, UMAP',
        caption: `UMAP (15 neighbours, ${options.umapEpochs} epochs, seed ${options.seed}) keeps local neighbourhoods: nearby movies are ones the model treats alike. Distances between far clusters mean little.`,
        spec: embeddingMapChart(points(umap.coords), { x: 'UMAP 1', y: 'UMAP 2' }, 'primary genre', colors),
      },
      {
        id: 'pca-explained-variance',
        title: 'Explained variance by component',
        caption:
          'How spread out the information in the embeddings is: a steep drop means a few directions dominate.',
        spec: explainedVarianceChart(pca.explained.slice(0, SHOWN_COMPONENTS)),
      },
    ],
  };
}
