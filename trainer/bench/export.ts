/**
 * `npm run bench:export [-- --presets standard,large] [--runs 3]`
 *
 * Export time and artifact sizes at the sizes of the generator's presets (users × movies, ratings at the
 * preset's density, 80 % used for training). The model is RANDOM ModelWeights of the default architecture
 * (dim 64, hidden 128-64-32) with synthetic metadata: training a large model first would take far longer than
 * the export, and export cost depends only on the shapes, not on the learned values.
 *
 * Prints, per preset: median wall time of buildVersion over --runs builds (and of its two costliest stages,
 * similar.bin's all-pairs scan and the ONNX graph), the time to write the version directory and to read it back
 * verified (sizes, sha256, every table decoded), and each file's size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { l2NormalizeRows } from '../../shared/src/kernels/vectors.ts';
import { median } from '../../shared/src/kernels/stats.ts';
import { PRESETS, PRESET_NAMES, type PresetName } from '../src/data/generate/presets.ts';
import { buildVersion, type BuiltVersion } from '../src/export/artifacts/build-version.ts';
import { DEFAULT_SIMILAR_K, similarMovies } from '../src/export/artifacts/similar.ts';
import { syntheticInput } from '../../tools/synthetic-input.ts';
import { readVersionDir, writeVersionDir } from '../src/export/artifacts/version-dir.ts';
import { buildServingOnnx } from '../src/export/onnx/serving-graph.ts';

interface Args {
  presets: PresetName[];
  runs: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { presets: ['standard', 'large'], runs: 3 };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--presets') {
      const names = value.split(',').filter(Boolean);
      const bad = names.filter((p) => !(PRESET_NAMES as readonly string[]).includes(p));
      if (bad.length > 0)
        throw new Error(`unknown preset ${bad.join(', ')} (expected ${PRESET_NAMES.join(', ')})`);
      args.presets = names as PresetName[];
    } else if (flag === '--runs') args.runs = Math.max(1, Math.floor(Number(value)) || 1);
    else throw new Error(`unknown flag ${flag} (expected --presets, --runs)`);
  }
  return args;
}

async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

async function benchPreset(preset: PresetName, runs: number): Promise<void> {
  const size = PRESETS[preset];
  const ratingsPerUser = Math.round(size.density * size.movies);
  const input = syntheticInput({
    users: size.users,
    movies: size.movies,
    ratingsPerUser,
    dim: 64,
    hidden: [128, 64, 32],
    seed: 42,
  });
  const { dim, numMovies } = input.weights;
  console.log(
    `\n${preset}: ${size.users.toLocaleString()} users × ${size.movies.toLocaleString()} movies, ` +
      `${input.trainRows.length.toLocaleString()} training ratings, dim ${dim}, hidden 128-64-32 ` +
      `(random weights, synthetic metadata)`,
  );
  const builds: number[] = [];
  let built: BuiltVersion | undefined;
  for (let r = 0; r < runs; r++) {
    const t = await timed(() => buildVersion(input));
    builds.push(t.ms);
    built = t.value;
  }
  const norm = l2NormalizeRows(input.weights.movieEmb, numMovies, dim);
  const similar = await timed(() => similarMovies(norm, numMovies, dim, DEFAULT_SIMILAR_K));
  const onnx = await timed(() => buildServingOnnx(input.weights));
  const out = await mkdtemp(join(tmpdir(), 'marquee-bench-export-'));
  try {
    const version = built as BuiltVersion;
    const write = await timed(() => writeVersionDir(out, version));
    const read = await timed(() => readVersionDir(write.value));
    console.log(`  buildVersion       ${sec(median(builds))} (median of ${runs})`);
    console.log(
      `    of which similar.bin (${numMovies} × ${numMovies} × ${dim} scan, K=${DEFAULT_SIMILAR_K}) ${sec(similar.ms)}`,
    );
    console.log(`    of which model.onnx (fold BN, precompute movie half, encode) ${sec(onnx.ms)}`);
    console.log(`  write directory    ${sec(write.ms)}`);
    console.log(`  read back verified ${sec(read.ms)} (sha256 + decode of every file)`);
    let total = 0;
    for (const [name, entry] of Object.entries(version.manifest.files).sort(
      (a, b) => b[1].bytes - a[1].bytes,
    )) {
      console.log(`  ${name.padEnd(15)} ${mb(entry.bytes).padStart(10)}`);
      total += entry.bytes;
    }
    console.log(`  ${'total'.padEnd(15)} ${mb(total).padStart(10)}   (+ manifest.json)`);
    console.log(`  rss after: ${mb(process.memoryUsage().rss)}`);
  } finally {
    await rm(out, { recursive: true, force: true });
  }
}

const args = parseArgs(process.argv.slice(2));
console.log('Export benchmark: wall times on this machine (2 shared cores; expect noise).');
for (const preset of args.presets) await benchPreset(preset, preset === 'large' ? 1 : args.runs);
