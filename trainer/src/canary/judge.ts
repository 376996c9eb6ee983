/**
 * `canary judge` end to end: read channels.json, read the events and serving rollups of the window since the
 * current canary step began, tally both arms, decide, and (on request) apply the decision through the channel
 * writes of store/channels.ts.
 *
 * The window starts at channels.json's `updated`: every step of a canary is a write of channels.json, so that is
 * when the current split began, and each step is judged on traffic it saw itself. `--since` overrides it.
 */
import { MarqueeError, UsageError } from '../../../shared/src/errors.ts';
import type { Channels } from '../../../shared/src/schemas/channels.ts';
import {
  EVENTS_PREFIX,
  METRICS_PREFIX,
  MetricsRollupSchema,
  StoredEventSchema,
  dropDuplicateEvents,
} from '../../../shared/src/schemas/events.ts';
import {
  readChannels,
  setChannels,
  withCanary,
  withoutCanary,
  withStable,
  type ChannelPointers,
} from '../store/channels.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { readManifest } from '../store/versions.ts';
import { decide, type Decision, type JudgeThresholds, type Verdict } from './decide.ts';
import { keysInWindow, mergeInvalid, readNdjson, type InvalidLines } from './event-files.ts';
import { offlineRows, type OfflineRow } from './offline.ts';
import { tallyOnline, type ArmName, type OnlineTally } from './online.ts';
import { tallyServing, type ServingTally } from './serving.ts';

/** What to judge. */
export interface JudgeRequest {
  /** The model store (channels.json, manifests). */
  store: ObjectStore;
  /** The events bucket. */
  events: ObjectStore;
  thresholds: JudgeThresholds;
  /** Window start; default channels.json `updated`. */
  since?: Date;
  /** Window end; default now. */
  until?: Date;
}

/** Everything the judge saw and decided; `--json` prints it. */
export interface JudgeReport extends Omit<Verdict, 'decision'> {
  decision: Decision;
  /** channels.json as read (null when the store has none). */
  channels: Channels | null;
  window: { since: string; until: string; start: 'flag' | 'channels.updated' };
  online: Record<ArmName, OnlineTally>;
  serving: Record<ArmName, ServingTally>;
  offline: OfflineRow[];
  input: {
    eventFiles: number;
    metricsFiles: number;
    /** Events in the window, duplicates dropped. */
    events: number;
    /** Events dropped as redeliveries of one already counted (same client id, or the same stored line). */
    duplicates: number;
    rollups: number;
    invalid: InvalidLines;
  };
  thresholds: JudgeThresholds;
  /** Set by `applyDecision`. */
  applied: boolean;
}

/** channels.json changed between judging and applying. */
export class ChannelsChanged extends MarqueeError {
  override name = 'ChannelsChanged';
}

const inWindow = (iso: string, since: Date, until: Date): boolean => {
  const t = Date.parse(iso);
  return t >= since.getTime() && t <= until.getTime();
};

/**
 * Judges the store's canary.
 * @throws UsageError when --since is after --until; ArtifactError for a bad channels.json or manifest;
 *   StorageError from either store
 */
export async function judgeCanary(req: JudgeRequest): Promise<JudgeReport> {
  const { thresholds } = req;
  const until = req.until ?? new Date();
  const channels = await readChannels(req.store);
  const none = (reason: string): JudgeReport => ({
    decision: 'none',
    reasons: [reason],
    channels,
    window: { since: until.toISOString(), until: until.toISOString(), start: 'channels.updated' },
    online: { stable: emptyOnline(), canary: emptyOnline() },
    serving: tallyServing([], { stable: '', canary: '' }, until, until),
    quality: [],
    guards: [],
    missing: { stable: { impressions: 0, requests: 0 }, canary: { impressions: 0, requests: 0 } },
    offline: [],
    input: {
      eventFiles: 0,
      metricsFiles: 0,
      events: 0,
      duplicates: 0,
      rollups: 0,
      invalid: { count: 0, samples: [] },
    },
    thresholds,
    applied: false,
  });
  if (channels === null) return none(`no channels.json in ${req.store.uri}: nothing is served yet`);
  if (channels.canary === null) return none(`no canary: ${channels.stable} serves everyone`);
  const canary = channels.canary;
  const since = req.since ?? new Date(channels.updated);
  if (since.getTime() > until.getTime()) {
    throw new UsageError(
      `--since: the window starts (${since.toISOString()}) after it ends (${until.toISOString()})`,
    );
  }
  const arms = { stable: channels.stable, canary: canary.version };

  const eventKeys = await keysInWindow(req.events, EVENTS_PREFIX, since, until);
  const metricKeys = await keysInWindow(req.events, METRICS_PREFIX, since, until);
  const events = await readNdjson(req.events, eventKeys, StoredEventSchema);
  const rollups = await readNdjson(req.events, metricKeys, MetricsRollupSchema);
  // Queues deliver at least once: a redelivered event would count twice for its arm.
  const { events: windowEvents, duplicates } = dropDuplicateEvents(
    events.items.filter((e) => inWindow(e.received, since, until)),
  );
  const online = tallyOnline(windowEvents, arms, thresholds.goodRating);
  const serving = tallyServing(rollups.items, arms, since, until);
  const verdict = decide(canary.percent, online, serving, thresholds);
  const [stableManifest, canaryManifest] = await Promise.all([
    readManifest(req.store, channels.stable),
    readManifest(req.store, canary.version),
  ]);
  return {
    ...verdict,
    channels,
    window: {
      since: since.toISOString(),
      until: until.toISOString(),
      start: req.since === undefined ? 'channels.updated' : 'flag',
    },
    online,
    serving,
    offline: offlineRows(stableManifest, canaryManifest),
    input: {
      eventFiles: eventKeys.length,
      metricsFiles: metricKeys.length,
      events: windowEvents.length,
      duplicates,
      rollups: serving.stable.rollups + serving.canary.rollups,
      invalid: mergeInvalid(events.invalid, rollups.invalid),
    },
    thresholds,
    applied: false,
  };
}

function emptyOnline(): OnlineTally {
  return { impressions: 0, clicked: 0, watched: 0, ratings: 0, goodRatings: 0 };
}

/** The pointers a decision leads to, or null when it changes nothing. */
export function pointersAfter(report: JudgeReport): ChannelPointers | null {
  const { channels } = report;
  if (channels === null || channels.canary === null) return null;
  switch (report.decision) {
    case 'rollback':
      return withoutCanary(channels);
    case 'promote':
      return withStable(channels, channels.canary.version);
    case 'promote-step':
      return withCanary(channels, channels.canary.version, report.nextPercent as number);
    default:
      return null;
  }
}

/**
 * Applies the decision with one write of channels.json, after checking channels.json is still what was judged.
 * @returns the new channels.json, or null when the decision changes nothing (hold, none)
 * @throws ChannelsChanged when channels.json changed since the judge read it; errors of setChannels
 */
export async function applyDecision(store: ObjectStore, report: JudgeReport): Promise<Channels | null> {
  const next = pointersAfter(report);
  if (next === null) return null;
  const now = await readChannels(store);
  if (JSON.stringify(now) !== JSON.stringify(report.channels)) {
    throw new ChannelsChanged(
      `channels.json in ${store.uri} changed since it was judged (updated ${now?.updated ?? 'never'}, judged ` +
        `${report.channels?.updated}); nothing applied. Judge again.`,
    );
  }
  const written = await setChannels(store, next);
  report.applied = true;
  return written;
}
