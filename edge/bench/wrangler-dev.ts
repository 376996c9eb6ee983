/**
 * `npm run bench:edge:dev [-- --runs N] [--requests N] [--trained DIR]`: the hybrid top-10 target measured the way
 * an operator would reproduce it by hand. The benchmark's trained model (tools/trained-model.ts, built once into
 * .bench/) is published with the real CLI (`marquee publish --store r2-local:// --persist-to …`), `wrangler dev`
 * serves it from that local R2 (what `npm run dev` runs), and autocannon sends sequential top-10 requests over
 * HTTP to users spread over the id range. Prints p50 / p99 and workerd's CPU per request for each run, their
 * medians, and the top-10 overlap of the answers with the offline ranking of the same version (two-stage when the
 * model has a preference head, as the default training gives it).
 */
import {
  loadAverage,
  makeTempDir,
  removeDir,
  startWranglerDev,
  type WranglerDev,
} from '../../tools/edge-harness.ts';
import { expectedTopN, fixtureFromRun, type Fixture } from '../../tools/edge-fixtures.ts';
import { DEFAULT_TRAINED_DIR, marquee, trainedRun } from '../../tools/trained-model.ts';
import { median } from '../../shared/src/kernels/stats.ts';
import { drive, fmt, runBench, type Run, type Scenario } from './load.ts';

interface Args {
  runs: number;
  requests: number;
  trained: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { runs: 3, requests: 300, trained: DEFAULT_TRAINED_DIR };
  const count = (flag: string, text: string | undefined, max: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > max) {
      throw new Error(`${flag} must be a whole number from 1 to ${max} (got ${text ?? 'nothing'})`);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--runs') args.runs = count(flag, argv[++i], 20);
    else if (flag === '--requests') args.requests = count(flag, argv[++i], 100_000);
    else if (flag === '--trained' && argv[i + 1] !== undefined) args.trained = argv[++i] as string;
    else throw new Error(`unknown flag ${flag} (expected --runs N, --requests N, --trained DIR)`);
  }
  return args;
}

/** Mean top-10 overlap of the served answers with the offline ranking of the version, over `users`. */
async function overlap(dev: WranglerDev, fixture: Fixture, users: number[]): Promise<number> {
  let sum = 0;
  for (const u of users) {
    const res = await fetch(new URL(`/v1/users/${fixture.userIds[u]}/recommendations?limit=10`, dev.url));
    const body = (await res.json()) as { items?: { movieId: number }[] };
    const truth = new Set(expectedTopN(fixture, u, 10).movieIds);
    sum += (body.items ?? []).filter((item) => truth.has(item.movieId)).length / 10;
  }
  return sum / users.length;
}

async function main(args: Args): Promise<void> {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const run = await trainedRun(args.trained, out);
  const fixture = await fixtureFromRun(run, 'offline');
  const { numUsers, numMovies, dim, hidden } = fixture.options;
  out(
    `model: ${run} (hybrid, ${numMovies} movies × ${dim}, hidden ${hidden.join('-')}, ${numUsers} users; ` +
      `ranking ${JSON.stringify(fixture.plan ?? 'exhaustive (no preference head)')})`,
  );
  const persist = await makeTempDir('marquee-dev-bench-');
  try {
    await marquee(
      ['publish', '--run', run, '--store', 'r2-local://marquee-models', '--persist-to', persist].concat([
        '--channel',
        'stable',
        '--similar-k',
        '0',
      ]),
      out,
    );
    const dev = await startWranglerDev(persist);
    try {
      const users = Array.from({ length: Math.ceil(numUsers / 7) }, (_, k) => k * 7);
      const scenario: Scenario = {
        name: 'top-10, trained hybrid, wrangler dev',
        request: (i) => ({
          path: `/v1/users/${fixture.userIds[users[i % users.length] as number]}/recommendations?limit=10`,
        }),
      };
      await drive(dev, scenario, { connections: 1, amount: 30 }); // the version's load, warm-up
      const runs: Run[] = [];
      for (let r = 0; r < args.runs; r++) {
        const result = await drive(
          dev,
          scenario,
          { connections: 1, amount: args.requests },
          30 + r * args.requests,
        );
        runs.push(result);
        out(
          `  run ${r + 1}: p50 / p99 ${fmt(result.p50)} / ${fmt(result.p99)} ms; workerd CPU ` +
            `${fmt(result.cpuPerRequest, 1)} ms/request${result.failures ? `; ${result.failures} failed` : ''}`,
        );
      }
      out(
        `${scenario.name}: median over ${runs.length} runs of p50 / p99: ` +
          `${fmt(median(runs.map((r) => r.p50)))} / ${fmt(median(runs.map((r) => r.p99)))} ms (target p50 ≤ 4, p99 ≤ 12)`,
      );
      const floor: Scenario = {
        name: 'GET /healthz (the HTTP floor under wrangler dev)',
        request: () => ({ path: '/healthz' }),
      };
      await drive(dev, floor, { connections: 1, amount: 30 });
      const floorRun = await drive(dev, floor, { connections: 1, amount: args.requests });
      out(
        `${floor.name}: p50 / p99 ${fmt(floorRun.p50)} / ${fmt(floorRun.p99)} ms; workerd CPU ` +
          `${fmt(floorRun.cpuPerRequest, 1)} ms/request`,
      );
      out(
        `top-10 overlap with the offline ranking (60 users): ${fmt(await overlap(dev, fixture, users.slice(0, 60)), 4)}`,
      );
      const models = (await (await fetch(new URL('/v1/models', dev.url))).json()) as {
        models: { ranking: unknown }[];
      };
      out(`/v1/models ranking: ${JSON.stringify(models.models[0]?.ranking)}`);
    } finally {
      await dev.dispose();
    }
  } finally {
    await removeDir(persist);
  }
  out(`load average at the end: ${fmt(await loadAverage())}`);
}

await runBench(parseArgs, main);
