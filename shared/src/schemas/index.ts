/** Schemas of the JSON artifacts (manifest.json, movies.json, channels.json) and the genre vocabulary. */
export { CLASSIC_GENRE_COUNT, GENRES, genreIndex, genreMask, genreNames } from './genres.ts';
export type { Genre } from './genres.ts';
export {
  ARTIFACT_FILES,
  MANIFEST_FILE,
  MANIFEST_SCHEMA_VERSION,
  ManifestSchema,
  REQUIRED_FILES,
  VERSION_ID_PATTERN,
  VersionIdSchema,
  parseManifest,
} from './manifest.ts';
export type { FileEntry, Manifest } from './manifest.ts';
export { MOVIES_META_FILE, MoviesMetaSchema, parseMoviesMeta } from './movies.ts';
export type { MoviesMeta } from './movies.ts';
export {
  BUCKETS,
  CHANNELS_FILE,
  CHANNEL_HISTORY_MAX,
  ChannelsSchema,
  bucketOf,
  parseChannels,
  resolveVersion,
} from './channels.ts';
export type { ChannelName, Channels } from './channels.ts';
export { jsonBytes, parseArtifact, parseJsonBytes } from './parse.ts';
export {
  EVENTS_PREFIX,
  EVENTS_SCHEMA_VERSION,
  EventsBatchSchema,
  FeedbackEventSchema,
  LATENCY_BOUNDS_MS,
  MAX_EVENTS_BODY_BYTES,
  MAX_EVENTS_PER_BATCH,
  METRICS_PREFIX,
  MetricsRollupSchema,
  StoredEventSchema,
  eventsKey,
  histogramQuantile,
  latencyBucket,
} from './events.ts';
export type { EventsBatch, FeedbackEvent, MetricsRollup, StoredEvent } from './events.ts';
