import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ArtifactError, DataError, UsageError } from '../../../../shared/src/errors.ts';
import {
  parseProfile,
  parseUserRecord,
  parseUsersHeader,
  profileRange,
  recordRange,
} from '../../../../shared/src/formats/users-bin.ts';
import { decodeVersion } from '../../../../shared/src/formats/version.ts';
import { ARTIFACT_FILES } from '../../../../shared/src/schemas/manifest.ts';
import { holdout } from '../../data/split/holdout.ts';
import { buildVersion } from './build-version.ts';
import { syntheticInput } from '../../../../tools/synthetic-input.ts';
import { readVersionDir, writeVersionDir } from './version-dir.ts';

const created = new Date('2026-01-02T03:04:05.678Z');
const input = syntheticInput({ users: 60, movies: 40, ratingsPerUser: 12, untrainedUsers: 3, seed: 7 });
const built = await buildVersion({ ...input, created, similarK: 5 });
const decoded = decodeVersion(built.manifest, built.files);
const { table, trainRows, weights } = input;

describe('buildVersion', () => {
  it('names the version by build time and fingerprints', () => {
    expect(built.id).toMatch(/^20260102-030405-[0-9a-f]{8}$/);
    expect(built.manifest.version).toBe(built.id);
    expect(built.manifest.dims).toEqual({ users: 57, movies: 40, dim: 16, similarK: 5 });
    expect(built.manifest.counts.untrainedUsers).toBe(3);
    expect(built.manifest.counts.trainRatings).toBe(trainRows.length);
    expect([...built.files.keys()].sort()).toEqual(Object.keys(built.manifest.files).sort());
  });

  it('is deterministic, and the id changes with the training data', async () => {
    const again = await buildVersion({ ...input, created, similarK: 5 });
    expect(again.id).toBe(built.id);
    for (const [name, bytes] of built.files) expect(again.files.get(name)).toEqual(bytes);
    const ratings = table.ratings.slice();
    ratings[trainRows[0] as number] = 5 - ((ratings[trainRows[0] as number] as number) % 4);
    const changed = await buildVersion({ ...input, table: { ...table, ratings }, created, similarK: 5 });
    expect(changed.manifest.fingerprints.weights).toBe(built.manifest.fingerprints.weights);
    expect(changed.manifest.fingerprints.data).not.toBe(built.manifest.fingerprints.data);
    expect(changed.id).not.toBe(built.id);
  });

  it('writes each trained user with their vector, bias and every distinct movie they rated', () => {
    const { users, seen } = decoded;
    const trained = new Set(Array.from(trainRows, (r) => table.users[r] as number));
    const expected = new Map<number, Set<number>>();
    for (let r = 0; r < table.count; r++) {
      const u = table.users[r] as number;
      if (!trained.has(u)) continue;
      const id = table.userIds[u] as number;
      if (!expected.has(id)) expected.set(id, new Set());
      expected.get(id)?.add(table.movies[r] as number);
    }
    expect([...users.ids]).toEqual([...expected.keys()].sort((a, b) => a - b));
    users.ids.forEach((id, k) => {
      const u = (id - 1) / 2; // synthetic ids are 1 + 2u
      const list = seen.subarray(
        users.seenOffsets[k] as number,
        (users.seenOffsets[k] as number) + (users.seenCounts[k] as number),
      );
      expect([...list]).toEqual([...(expected.get(id) as Set<number>)].sort((a, b) => a - b));
      expect(users.bias[k]).toBe(weights.userBias[u]);
      expect(users.vecs.subarray(k * 16, (k + 1) * 16)).toEqual(
        weights.userEmb.subarray(u * 16, (u + 1) * 16),
      );
    });
    const pairs = [...expected.values()].reduce((n, movies) => n + movies.size, 0);
    expect(built.manifest.counts.seen).toBe(pairs);
    expect(pairs).toBeGreaterThan(trainRows.length); // the held-out rows are in too
  });

  it("lists a user's training, validation and test movies alike, in seen.bin and in their users.bin profile", async () => {
    // The run's layout: the split's training side holds the rows fitted and the validation hold-out; the test
    // rows are the rest of the table.
    const { validation } = holdout(trainRows, table, 0.3, 5);
    const isTrain = new Uint8Array(table.count);
    for (const r of trainRows) isTrain[r] = 1;
    type Sides = Record<'fit' | 'validation' | 'test', Set<number>>;
    const sides = new Map<number, Sides>();
    const sideOf = (u: number): Sides => {
      if (!sides.has(u)) sides.set(u, { fit: new Set(), validation: new Set(), test: new Set() });
      return sides.get(u) as Sides;
    };
    for (const r of validation) sideOf(table.users[r] as number).validation.add(table.movies[r] as number);
    const isValidation = new Set(validation);
    for (let r = 0; r < table.count; r++) {
      const side = sideOf(table.users[r] as number);
      if (!isTrain[r]) side.test.add(table.movies[r] as number);
      else if (!isValidation.has(r)) side.fit.add(table.movies[r] as number);
    }
    // Users with a movie seen only in validation and one seen only in test: the lists that used to be wrong.
    const only = (mine: Set<number>, ...others: Set<number>[]) =>
      [...mine].some((m) => others.every((o) => !o.has(m)));
    const users = [...sides.entries()].filter(
      ([, s]) => s.fit.size > 0 && only(s.validation, s.fit, s.test) && only(s.test, s.fit, s.validation),
    );
    expect(users.length).toBeGreaterThan(3);

    const usersBin = built.files.get(ARTIFACT_FILES.users) as Uint8Array;
    const header = parseUsersHeader(usersBin);
    for (const [u, s] of users) {
      const k = decoded.users.ids.indexOf(table.userIds[u] as number);
      expect(k).toBeGreaterThanOrEqual(0);
      const pointer = {
        seenOffset: decoded.users.seenOffsets[k] as number,
        seenCount: decoded.users.seenCounts[k] as number,
      };
      const all = [...new Set([...s.fit, ...s.validation, ...s.test])].sort((a, b) => a - b);
      const fromSeenBin = decoded.seen.subarray(pointer.seenOffset, pointer.seenOffset + pointer.seenCount);
      expect([...fromSeenBin]).toEqual(all);
      const r = profileRange(header, k, pointer.seenOffset, pointer.seenCount);
      const profile = parseProfile(header, usersBin.slice(r.offset, r.offset + r.length), {
        ...pointer,
        numMovies: 40,
      });
      expect([...profile.seen]).toEqual(all);
    }
  });

  it('leaves users without training rows out of users.bin, though they have test rows', () => {
    // syntheticInput's untrainedUsers: 3 gives users 0..2 test rows only.
    for (const u of [0, 1, 2]) {
      expect(table.users.subarray(0, table.count).includes(u)).toBe(true);
      expect(decoded.users.ids.includes(table.userIds[u] as number)).toBe(false);
    }
  });

  it("gives users.bin each user's profile: their record, then the same movies as seen.bin", () => {
    const users = built.files.get(ARTIFACT_FILES.users) as Uint8Array;
    const header = parseUsersHeader(users);
    expect(header.profiles).toBeDefined();
    const { seenOffsets, seenCounts } = decoded.users;
    decoded.users.ids.forEach((_, k) => {
      const pointer = { seenOffset: seenOffsets[k] as number, seenCount: seenCounts[k] as number };
      const r = profileRange(header, k, pointer.seenOffset, pointer.seenCount);
      const profile = parseProfile(header, users.slice(r.offset, r.offset + r.length), {
        ...pointer,
        numMovies: 40,
      });
      const record = recordRange(header, k);
      expect(profile.record).toEqual(
        parseUserRecord(header, users.slice(record.offset, record.offset + record.length)),
      );
      expect([...profile.seen]).toEqual([
        ...decoded.seen.subarray(pointer.seenOffset, pointer.seenOffset + pointer.seenCount),
      ]);
    });
  });

  it('refuses (decodeVersion) a users.bin whose profile list is valid on its own but not seen.bin', () => {
    const users = (built.files.get(ARTIFACT_FILES.users) as Uint8Array).slice();
    const header = parseUsersHeader(users);
    const { seenOffsets, seenCounts } = decoded.users;
    const k = decoded.users.ids.findIndex((_, i) => {
      const last = (seenOffsets[i] as number) + (seenCounts[i] as number) - 1;
      return (decoded.seen[last] as number) < 39;
    });
    const r = profileRange(header, k, seenOffsets[k] as number, seenCounts[k] as number);
    new DataView(users.buffer).setInt32(r.offset + r.length - 4, 39, true); // still ascending, still a movie
    const files = new Map(built.files).set(ARTIFACT_FILES.users, users);
    expect(() => decodeVersion(built.manifest, files)).toThrow(
      new RegExp(`users.bin: profile of record ${k}: seen entry \\d+ is 39, seen.bin has \\d+`),
    );
  });

  it('ranks popularity by training count, then mean, overall and per genre', () => {
    const { overall } = decoded.popularity;
    const counts = decoded.moviesMeta.ratingCounts;
    const fromTrain = new Array<number>(40).fill(0);
    for (const r of trainRows) fromTrain[table.movies[r] as number]! += 1;
    expect(counts).toEqual(fromTrain);
    for (let i = 1; i < overall.length; i++) {
      expect(counts[overall[i - 1] as number]).toBeGreaterThanOrEqual(counts[overall[i] as number] as number);
    }
    const g = 3;
    const offsets = decoded.popularity.genreOffsets;
    const genre = [...decoded.popularity.genreMovies.subarray(offsets[g], offsets[g + 1])];
    expect(genre).toEqual([...overall].filter((m) => ((table.movieInfo?.genres[m] as number) >>> g) & 1));
  });

  it('precomputes the same neighbours a brute-force cosine scan finds', () => {
    const { norm } = decoded.movies;
    const sim = decoded.similar;
    expect(sim?.k).toBe(5);
    for (const m of [0, 17, 39]) {
      const scored = Array.from({ length: 40 }, (_, j) => {
        let s = 0;
        for (let i = 0; i < 16; i++) s += (norm[m * 16 + i] as number) * (norm[j * 16 + i] as number);
        return { j, s: Math.fround(s) };
      })
        .filter(({ j }) => j !== m)
        .sort((a, b) => b.s - a.s || a.j - b.j)
        .slice(0, 5);
      expect([...(sim?.indices.subarray(m * 5, m * 5 + 5) ?? [])]).toEqual(scored.map((x) => x.j));
    }
  });

  it('writes movie metadata in dense order', () => {
    const meta = decoded.moviesMeta;
    expect(meta.ids).toEqual([...table.movieIds]);
    expect(meta.titles[3]).toBe('Movie 3');
    expect(meta.years[0]).toBeNull(); // year 0 = unknown
  });

  it('refuses a model that does not match the data', async () => {
    const other = syntheticInput({ users: 61, movies: 40, ratingsPerUser: 2 });
    await expect(buildVersion({ ...input, weights: other.weights })).rejects.toThrow(DataError);
    const nan = {
      ...input.weights,
      movieBias: input.weights.movieBias.map((v, i) => (i === 2 ? Number.NaN : v)),
    };
    await expect(buildVersion({ ...input, weights: nan })).rejects.toThrow(ArtifactError);
  });
});

describe('version directories', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('writes DIR/<version>, reads it back verified, and refuses to overwrite without force', async () => {
    const out = await mkdtemp(join(tmpdir(), 'marquee-export-'));
    dirs.push(out);
    const dir = await writeVersionDir(out, built);
    expect(dir).toBe(join(out, built.id));
    const back = await readVersionDir(dir);
    for (const [name, bytes] of built.files) expect(back.files.get(name)).toEqual(bytes);
    await expect(writeVersionDir(out, built)).rejects.toThrow(UsageError);
    await expect(writeVersionDir(out, built, true)).resolves.toBe(dir);
    await writeFile(join(dir, 'seen.bin'), new Uint8Array(8));
    await expect(readVersionDir(dir)).rejects.toThrow(
      new RegExp(`${dir}/seen.bin: size 8 bytes does not match`),
    );
  });
});
