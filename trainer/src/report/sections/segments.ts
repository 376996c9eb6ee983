/**
 * Section "User segments": k-means on user embeddings with k chosen by silhouette, each segment profiled by size,
 * mean rating, favourite genres and age.
 */
import { chooseClusters } from '../analysis/clustering.ts';
import { pcaProject } from '../analysis/projection.ts';
import { REPORT_STREAM, sampleIndices, takeRows } from '../analysis/sample.ts';
import { profileSegments, UNCLUSTERED, type SegmentProfile } from '../analysis/segments.ts';
import { embeddingMapChart, segmentGenreChart, silhouetteChart } from '../charts/embeddings.ts';
import { CATEGORY_COLORS } from '../charts/theme.ts';
import { count, escapeHtml, fmt, htmlTable, pct } from '../render/html.ts';
import type { ReportContext } from './context.ts';
import type { ReportOptions, Section } from './types.ts';

/** Users drawn on the segment map. */
const MAP_USERS = 1500;

/** Segments of the clustered users: profile plus display name, largest segment first. */
export interface NamedSegment extends SegmentProfile {
  name: string;
}

/** The result of segmenting users, also used by the recommendation examples. */
export interface Segmentation {
  /** Segment index (into `segments`) of every user, or UNCLUSTERED. */
  segmentOf: Int32Array;
  segments: NamedSegment[];
}

export function segmentsSection(
  ctx: ReportContext,
  options: ReportOptions,
): { section: Section; segmentation?: Segmentation } {
  const { weights: w, table } = ctx.inputs;
  const users = Int32Array.from(
    Array.from(ctx.userCounts.keys()).filter((u) => (ctx.userCounts[u] as number) > 0),
  );
  const title = 'User segments';
  if (users.length < 4) {
    return {
      section: {
        id: 'segments',
        title,
        intro: 'Too few users with training ratings to cluster.',
        figures: [],
      },
    };
  }
  const matrix = takeRows(w.userEmb, w.dim, users);
  const clustering = chooseClusters(matrix, users.length, w.dim, {
    seed: options.seed,
    fitSample: options.clusterFitUsers,
    silhouetteSample: options.silhouetteUsers,
  });
  const best = clustering.scores.find((x) => x.k === clustering.k)?.silhouette ?? NaN;
  const labels = new Int32Array(w.numUsers).fill(UNCLUSTERED);
  users.forEach((u, i) => (labels[u] = clustering.labels[i] as number));
  const profiles = profileSegments({
    labels,
    k: clustering.k,
    users: table.users,
    movies: table.movies,
    ratings: table.ratings,
    ...(table.movieInfo === undefined ? {} : { movieGenres: table.movieInfo.genres }),
    ...(table.userInfo === undefined ? {} : { ages: table.userInfo.ages }),
  });
  // Name segments by size so "segment 1" is always the largest.
  const order = [...profiles].sort((a, b) => b.users - a.users || a.cluster - b.cluster);
  const rank = new Int32Array(clustering.k);
  order.forEach((p, i) => (rank[p.cluster] = i));
  const segments: NamedSegment[] = order.map((p, i) => ({ ...p, name: `segment ${i + 1}` }));
  const segmentOf = labels.map((c) => (c === UNCLUSTERED ? UNCLUSTERED : (rank[c] as number)));

  const mapRows = sampleIndices(users.length, MAP_USERS, options.seed, REPORT_STREAM.users);
  const pca = pcaProject(takeRows(matrix, w.dim, mapRows), mapRows.length, w.dim);
  const points = Array.from(mapRows, (row, i) => {
    const u = users[row] as number;
    const seg = segments[segmentOf[u] as number] as NamedSegment;
    return {
      x: pca.coords[2 * i] as number,
      y: pca.coords[2 * i + 1] as number,
      group: seg.name,
      label: `user ${table.userIds[u]} · ${seg.name} · ${count(ctx.userCounts[u] as number)} ratings`,
    };
  });
  const cells = segments.flatMap((s) =>
    s.genres.map((g) => ({ segment: s.name, genre: g.genre, lift: g.lift, share: g.share })),
  );
  const [pc1 = 0, pc2 = 0] = pca.explained;
  const figures = [
    {
      id: 'segments-silhouette',
      title: 'Choosing k',
      caption: `Mean silhouette width of k-means clusterings of the user embeddings for k = 2…10 (measured on ${count(clustering.silhouetteRows)} sampled users; seed ${options.seed}). The highest wins: k = ${clustering.k}.`,
      spec: silhouetteChart(clustering.scores, clustering.k),
    },
    {
      id: 'segments-map',
      title: 'User embeddings by segment, PCA',
      caption: `${count(points.length)} users projected on the first two principal components of the user embeddings (${pct(pc1 + pc2)} of their variance).`,
      spec: embeddingMapChart(points, { x: `PC1 (${pct(pc1)})`, y: `PC2 (${pct(pc2)})` }, 'segment', {
        domain: segments.map((s) => s.name),
        range: segments.map((_, i) => CATEGORY_COLORS[i % CATEGORY_COLORS.length] as string),
      }),
    },
    ...(cells.length > 0
      ? [
          {
            id: 'segments-genres',
            title: 'Genre preferences by segment',
            caption:
              'Lift = a segment’s share of ratings on a genre ÷ everyone’s share: red above 1 (over-represented), blue below.',
            spec: segmentGenreChart(cells),
            wide: true,
          },
        ]
      : []),
  ];
  return {
    section: {
      id: 'segments',
      title,
      intro: `${count(users.length)} users with training ratings fall into ${clustering.k} segments (k-means on user embeddings, k chosen by silhouette). ${structureNote(best)}`,
      figures,
      html: segmentTable(segments),
    },
    segmentation: { segmentOf, segments },
  };
}

/**
 * How to read the chosen silhouette, after Kaufman & Rousseeuw's rule of thumb: above 0.5 a reasonable
 * structure, 0.25–0.5 a weak one, below 0.25 no substantial structure (the segments are slices of a continuum).
 */
export function structureNote(silhouette: number): string {
  const s = fmt(silhouette, 3);
  if (!(silhouette >= 0.25)) {
    return `Mean silhouette ${s} (< 0.25): the users do not form well-separated groups, so read the segments as slices of a continuum rather than distinct audiences.`;
  }
  if (silhouette < 0.5) return `Mean silhouette ${s}: a weak but real group structure.`;
  return `Mean silhouette ${s}: clearly separated groups.`;
}

function segmentTable(segments: NamedSegment[]): string {
  return htmlTable(
    ['segment', 'users', 'share', 'ratings', 'mean rating', 'favourite genres (share, lift)', 'mean age'],
    segments.map((s) => [
      s.name,
      count(s.users),
      pct(s.userShare),
      count(s.ratings),
      fmt(s.meanRating, 2),
      {
        html:
          s.favouriteGenres.length === 0
            ? '–'
            : s.favouriteGenres
                .map(
                  (g) =>
                    `${escapeHtml(g.genre)} <span class="dim">(${pct(g.share)}, ×${g.lift.toFixed(2)})</span>`,
                )
                .join(', '),
      },
      s.ageKnown > 0 ? `${fmt(s.meanAge, 1)} (${count(s.ageKnown)} known)` : 'unknown',
    ]),
    { numeric: [1, 2, 3, 4] },
  );
}
