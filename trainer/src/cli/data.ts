import { Command } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';

/** `marquee data` (placeholder until the loaders land). */
export function dataCommand(): Command {
  const data = new Command('data').description('Inspect rating data sets.');
  data.command('stats <path>').action(() => {
    throw new UsageError('data stats is not available yet.');
  });
  return data;
}
