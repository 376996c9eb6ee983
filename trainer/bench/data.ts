/**
 * `npm run bench:data [-- --presets small,standard,large] [--runs 5] [--ratings FILE] [--keep]`
 *
 * 1. Generation: times `marquee generate --preset <p>` for each preset (a child process each).
 * 2. Loading: loads the standard preset's ratings.csv (or --ratings FILE) in fresh child processes and reports,
 *    as medians over --runs children: load throughput (ratings/s) on a cold process, warm throughput, the full
 *    directory load with side files, and peak memory above the process baseline in bytes per rating
 *    (max RSS after the load minus RSS before it, after a GC — an upper bound on what the load itself costs).
 * Targets (issue 2): ≥ 1M ratings/s, ≤ 40 bytes per rating.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../../shared/src/kernels/stats.ts';
import { loadRatings } from '../src/data/load/index.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'trainer/bin/marquee.js');
const SELF = fileURLToPath(import.meta.url);
const PRESETS = ['small', 'standard', 'large'];

interface ChildResult {
  count: number;
  coldMs: number;
  warmMs: number[];
  dirMs: number;
  baselineRssKb: number;
  maxRssBeforeKb: number;
  maxRssAfterKb: number;
}

interface Args {
  presets: string[];
  runs: number;
  ratings?: string;
  keep: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { presets: [...PRESETS], runs: 5, keep: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--presets') args.presets = value().split(',').filter(Boolean);
    else if (flag === '--runs') args.runs = Math.max(1, Number(value()) || 1);
    else if (flag === '--ratings') args.ratings = resolve(value());
    else if (flag === '--keep') args.keep = true;
    else throw new Error(`unknown flag ${flag} (expected --presets, --runs, --ratings, --keep)`);
  }
  const bad = args.presets.filter((p) => !PRESETS.includes(p));
  if (bad.length > 0) throw new Error(`unknown preset ${bad.join(', ')} (expected ${PRESETS.join(', ')})`);
  return args;
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string; ms: number }> {
  return new Promise((done, fail) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? 1, stdout, stderr, ms: performance.now() - t0 }));
  });
}

const fmt = (n: number, digits = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells.map((x, c) => (c === 0 ? x.padEnd(widths[c]!) : x.padStart(widths[c]!))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Child mode: measure one cold load (memory + time), warm loads, and the directory load with side files. */
async function child(file: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const baselineRssKb = process.memoryUsage().rss / 1024;
  const maxRssBeforeKb = process.resourceUsage().maxRSS;
  let t0 = performance.now();
  const { table: t } = await loadRatings(file, { sideInfo: false });
  const coldMs = performance.now() - t0;
  const maxRssAfterKb = process.resourceUsage().maxRSS;
  const warmMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    t0 = performance.now();
    await loadRatings(file, { sideInfo: false });
    warmMs.push(performance.now() - t0);
  }
  t0 = performance.now();
  await loadRatings(dirname(file));
  const dirMs = performance.now() - t0;
  const result: ChildResult = {
    count: t.count,
    coldMs,
    warmMs,
    dirMs,
    baselineRssKb,
    maxRssBeforeKb,
    maxRssAfterKb,
  };
  process.stdout.write(JSON.stringify(result));
}

async function benchGeneration(presets: string[], root: string): Promise<Map<string, string>> {
  const dirs = new Map<string, string>();
  const rows: string[][] = [];
  for (const preset of presets) {
    const out = join(root, preset);
    process.stderr.write(`generating ${preset} ...\n`);
    const r = await run([CLI, 'generate', '--preset', preset, '--out', out]);
    if (r.code !== 0) {
      rows.push([preset, 'failed', '', '', (r.stderr.trim().split('\n')[0] ?? '').slice(0, 60)]);
      continue;
    }
    dirs.set(preset, out);
    const count = Number(/ratings:\s*([\d,]+)/.exec(r.stdout)?.[1]?.replace(/,/g, '') ?? NaN);
    const bytes = (await stat(join(out, 'ratings.csv'))).size;
    rows.push([preset, fmt(count), fmt(r.ms / 1000, 1), fmt(count / (r.ms / 1000)), fmt(bytes / 2 ** 20, 1)]);
  }
  console.log('\nGeneration (marquee generate, one process per preset)\n');
  console.log(table(['preset', 'ratings', 'time s', 'ratings/s', 'ratings.csv MiB'], rows));
  return dirs;
}

async function benchLoad(file: string, runs: number): Promise<void> {
  const results: ChildResult[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await run(['--expose-gc', '--import', 'tsx', SELF, '--child', file]);
    if (r.code !== 0) throw new Error(`load child failed:\n${r.stderr}`);
    results.push(JSON.parse(r.stdout) as ChildResult);
  }
  const n = results[0]!.count;
  const perRun = results.map((r) => ({
    cold: n / (r.coldMs / 1000),
    warm: n / (median(r.warmMs) / 1000),
    dir: n / (r.dirMs / 1000),
    peakBytes: ((r.maxRssAfterKb - r.baselineRssKb) * 1024) / n,
    startupSlackBytes: ((r.maxRssBeforeKb - r.baselineRssKb) * 1024) / n,
  }));
  const med = (k: keyof (typeof perRun)[number]) => median(perRun.map((r) => r[k]));
  console.log(`\nLoading ${file} (${fmt(n)} ratings; median of ${runs} fresh processes)\n`);
  console.log(
    table(
      ['measure', 'median', 'min', 'max', 'target'],
      [
        ['load ratings.csv, cold process (ratings/s)', 'cold', '≥ 1,000,000'],
        ['load ratings.csv, warm (ratings/s)', 'warm', ''],
        ['load directory + movies/users.csv (ratings/s)', 'dir', ''],
        ['peak RSS above baseline (bytes/rating)', 'peakBytes', '≤ 40'],
      ].map(([label, key, target]) => {
        const xs = perRun.map((r) => r[key as keyof (typeof perRun)[number]]);
        const digits = key === 'peakBytes' ? 1 : 0;
        return [
          label!,
          fmt(median(xs), digits),
          fmt(Math.min(...xs), digits),
          fmt(Math.max(...xs), digits),
          target!,
        ];
      }),
    ),
  );
  console.log(
    `\nbaseline RSS ${fmt(median(results.map((r) => r.baselineRssKb)) / 1024, 1)} MiB; max RSS before the load ` +
      `exceeded it by ${fmt(med('startupSlackBytes'), 1)} B/rating (start-up peak, not counted).`,
  );
}

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--child') return child(argv[1]!);
  const args = parseArgs(argv);
  const root = await mkdtemp(join(tmpdir(), 'marquee-bench-data-'));
  try {
    const dirs = await benchGeneration(args.presets, root);
    const target =
      args.ratings ??
      (dirs.has('standard') ? join(dirs.get('standard')!, 'ratings.csv') : undefined) ??
      [...dirs.values()].map((d) => join(d, 'ratings.csv')).pop();
    if (target === undefined) {
      console.log('\nno ratings.csv to load (generation failed and no --ratings FILE given).');
      return;
    }
    if (!args.ratings && !dirs.has('standard'))
      console.log('\n(standard preset not generated; loading another)');
    await benchLoad(target, args.runs);
  } finally {
    if (args.keep) console.log(`\nkept ${root}`);
    else await rm(root, { recursive: true, force: true });
  }
}

await main(process.argv.slice(2));
