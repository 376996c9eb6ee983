/**
 * `marquee channel show|set-stable|set-canary|clear-canary|rollback --store URI`: reads or moves the pointers of
 * channels.json. Every change is one write of the whole file and refuses versions that are not published.
 */
import { Command } from 'commander';
import { bucketOf } from '../../../shared/src/schemas/channels.ts';
import {
  readChannels,
  setChannels,
  withCanary,
  withRollback,
  withStable,
  withoutCanary,
  type ChannelPointers,
} from '../store/channels.ts';
import type { ObjectStore } from '../store/object-store.ts';
import { listVersions } from '../store/versions.ts';
import { intFlag } from './flags.ts';
import { addStoreOptions, withStore, type StoreFlags } from './publish.ts';
import type { Channels } from '../../../shared/src/schemas/channels.ts';

function summary(c: Channels): string {
  const canary =
    c.canary === null
      ? 'none'
      : `${c.canary.version} (${c.canary.percent} % of users: buckets 0-${c.canary.percent - 1})`;
  const history = c.history.length === 0 ? 'none' : c.history.slice().reverse().join(', ');
  return `stable:  ${c.stable}\ncanary:  ${canary}\nprevious stable (newest first): ${history}\nupdated: ${c.updated}\n`;
}

/** A subcommand that computes new pointers from the current ones and writes them. */
function change(
  name: string,
  description: string,
  next: (current: Channels | null, args: string[], flags: { percent?: number }) => ChannelPointers,
  configure: (cmd: Command) => Command = (cmd) => cmd,
): Command {
  const cmd = configure(new Command(name).description(description));
  addStoreOptions(cmd);
  return cmd.action(async (...params: unknown[]) => {
    const flags = params[params.length - 2] as StoreFlags & { percent?: number };
    const args = params.slice(0, -2) as string[];
    await withStore(flags, async (store: ObjectStore) => {
      const channels = await setChannels(store, next(await readChannels(store), args, flags));
      process.stdout.write(`channels.json updated in ${store.uri}\n${summary(channels)}`);
    });
  });
}

/** `marquee channel`. */
export function channelCommand(): Command {
  const channel = new Command('channel').description(
    'Show or move the stable / canary pointers (channels.json) of a store.',
  );
  const show = new Command('show').description('Print channels.json and the published versions.');
  addStoreOptions(show).option('--user <id>', 'also say which version serves this user id');
  show.action(async (flags: StoreFlags & { user?: string }) => {
    await withStore(flags, async (store) => {
      const [channels, versions] = [await readChannels(store), await listVersions(store)];
      process.stdout.write(channels === null ? `no channels.json in ${store.uri} yet\n` : summary(channels));
      process.stdout.write(`versions (${versions.length}): ${versions.join(', ') || 'none'}\n`);
      if (flags.user !== undefined && channels !== null) {
        const b = bucketOf(flags.user);
        const canary = channels.canary !== null && b < channels.canary.percent;
        process.stdout.write(
          `user ${flags.user}: bucket ${b} -> ${canary ? `canary ${channels.canary?.version}` : `stable ${channels.stable}`}\n`,
        );
      }
    });
  });
  channel.addCommand(show);
  channel.addCommand(
    change(
      'set-stable',
      'Make VERSION the stable version (the old one is kept for rollback).',
      (c, [v]) => withStable(c, v as string),
      (cmd) => cmd.argument('<version>', 'a published version id'),
    ),
  );
  channel.addCommand(
    change(
      'set-canary',
      'Route --percent % of users (by a stable hash of their id) to VERSION.',
      (c, [v], flags) => withCanary(c, v as string, flags.percent as number),
      (cmd) =>
        cmd
          .argument('<version>', 'a published version id')
          .requiredOption('--percent <p>', 'share of users, 0-100', intFlag(0, 100)),
    ),
  );
  channel.addCommand(
    change('clear-canary', 'Stop the canary: everyone gets stable.', (c) => withoutCanary(c)),
  );
  channel.addCommand(
    change('rollback', 'Point stable back at the previous stable version.', (c) => withRollback(c)),
  );
  return channel;
}
