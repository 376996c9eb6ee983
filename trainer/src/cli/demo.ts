import { Command } from 'commander';
import { UsageError } from '../../../shared/src/errors.ts';

/** `marquee demo` (placeholder). */
export function demoCommand(): Command {
  return new Command('demo').description('Run the end-to-end demo.').action(() => {
    throw new UsageError('demo is not available yet.');
  });
}
