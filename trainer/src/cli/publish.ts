/**
 * `marquee publish`: builds a version from a training run (or takes an exported version directory) and publishes
 * it atomically to a store, optionally pointing a channel at it. Also holds the store flags every store command
 * shares.
 */
import { Command, Option } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';
import { buildVersion } from '../export/artifacts/build-version.ts';
import { versionInputFromRun, type ExportOptions } from '../export/artifacts/from-run.ts';
import { readVersionDir } from '../export/artifacts/version-dir.ts';
import { readChannels, setChannels, withCanary, withStable } from '../store/channels.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { openStore, STORE_URI_HELP } from '../store/open-store.ts';
import { publishVersion, type VersionBundle } from '../store/versions.ts';
import { intFlag } from './flags.ts';

/** Flags of every command that talks to a store. */
export interface StoreFlags {
  store: string;
  endpoint?: string;
  region?: string;
  persistTo?: string;
}

/** Adds --store, --endpoint, --region and --persist-to to a command. */
export function addStoreOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--store <uri>', `where versions live: ${STORE_URI_HELP}`)
    .option(
      '--endpoint <url>',
      's3: endpoint of an S3-compatible service (R2, MinIO), e.g. https://<account>.r2.cloudflarestorage.com',
    )
    .option('--region <region>', 's3: region (default $AWS_REGION, "auto" with --endpoint, else us-east-1)')
    .option('--persist-to <dir>', "r2-local: wrangler's --persist-to directory (default .wrangler/state)");
}

const schemeOf = (uri: string): string | undefined =>
  /^([a-z][a-z0-9+.-]*):\/\//i.exec(uri)?.[1]?.toLowerCase();

/**
 * Opens the store, checks it is usable, runs `fn`, and closes it.
 * @param otherStore the URI of a second store the command opens with the same flags (--events): --persist-to then
 *   applies to whichever of the two is r2-local://, and is an error only when neither is
 * @throws StorageError when the store is unreachable or refuses access; UsageError for flags that apply to no
 *   store; whatever fn throws
 */
export async function withStore<T>(
  flags: StoreFlags,
  fn: (store: ObjectStore) => Promise<T>,
  otherStore?: string,
): Promise<T> {
  const options: Parameters<typeof openStore>[1] = {};
  if (flags.endpoint !== undefined) options.endpoint = flags.endpoint;
  if (flags.region !== undefined) options.region = flags.region;
  if (flags.persistTo !== undefined) {
    if (otherStore === undefined || schemeOf(flags.store) === 'r2-local') options.persistTo = flags.persistTo;
    else if (schemeOf(otherStore) !== 'r2-local') {
      throw new UsageError(
        `--persist-to applies to r2-local:// stores only (got --store ${flags.store} and --events ${otherStore})`,
      );
    }
  }
  const store = await openStore(flags.store, options);
  try {
    await store.check();
    return await fn(store);
  } finally {
    await store.close();
  }
}

/** Adds the export tuning flags shared by export and publish. */
export function addExportOptions(cmd: Command): Command {
  return cmd
    .option(
      '--similar-k <k>',
      'neighbours per movie in similar.bin (0 = no similar.bin)',
      intFlag(0, 1000),
      50,
    )
    .option('--no-int8', 'leave the int8 copy of the normalized embeddings out of movies.bin');
}

/** The export options of parsed flags. */
export function exportOptions(flags: { similarK: number; int8: boolean }): ExportOptions {
  return { similarK: flags.similarK, int8: flags.int8 };
}

interface PublishFlags extends StoreFlags {
  run?: string;
  versionDir?: string;
  force?: boolean;
  channel?: 'stable' | 'canary';
  percent?: number;
  similarK: number;
  int8: boolean;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(2)} MB`;

async function bundleOf(flags: PublishFlags): Promise<VersionBundle> {
  if ((flags.run === undefined) === (flags.versionDir === undefined)) {
    throw new UsageError('give exactly one of --run RUNDIR or --version-dir DIR');
  }
  if (flags.versionDir !== undefined) return readVersionDir(flags.versionDir);
  return buildVersion(await versionInputFromRun(flags.run as string, exportOptions(flags)));
}

/** `marquee publish`. */
export function publishCommand(): Command {
  const cmd = new Command('publish').description(
    'Publish a model version to object storage: every file first, manifest.json last (atomic), then optionally ' +
      'point a channel at it.',
  );
  cmd.option('--run <dir>', 'training run directory to export and publish');
  cmd.option(
    '--version-dir <dir>',
    'a version directory written by `marquee export` (publishes the same bytes)',
  );
  addStoreOptions(cmd);
  addExportOptions(cmd);
  cmd
    .option('--force', 'replace the version if it already exists in the store')
    .addOption(
      new Option('--channel <channel>', 'point a channel at the new version').choices(['stable', 'canary']),
    )
    .option('--percent <p>', 'with --channel canary: share of users (0-100) routed to it', intFlag(0, 100))
    .action(async (flags: PublishFlags) => {
      if ((flags.channel === 'canary') !== (flags.percent !== undefined)) {
        throw new UsageError('--percent goes with --channel canary (and --channel canary needs --percent)');
      }
      const started = performance.now();
      const bundle = await bundleOf(flags);
      const id = bundle.manifest.version;
      await withStore(flags, async (store) => {
        process.stdout.write(`publishing ${id} to ${store.uri}\n`);
        await publishVersion(store, bundle, {
          force: flags.force === true,
          onFile: (file, bytes) => process.stdout.write(`  ${file.padEnd(15)} ${mb(bytes).padStart(10)}\n`),
        });
        if (flags.channel !== undefined) {
          const current = await readChannels(store);
          const next =
            flags.channel === 'stable'
              ? withStable(current, id)
              : withCanary(current, id, flags.percent as number);
          await setChannels(store, next);
          process.stdout.write(
            `  channel ${flags.channel} -> ${id}${flags.percent === undefined ? '' : ` (${flags.percent} %)`}\n`,
          );
        }
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stdout.write(`published ${id} in ${seconds} s\n`);
    });
  return cmd;
}
