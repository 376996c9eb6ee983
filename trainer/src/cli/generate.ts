import { Command } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';

/** `marquee generate` (placeholder until the generator lands). */
export function generateCommand(): Command {
  return new Command('generate').description('Generate a synthetic rating data set.').action(() => {
    throw new UsageError('generate is not available yet.');
  });
}
