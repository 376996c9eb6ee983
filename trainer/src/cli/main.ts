/**
 * The `marquee` command line: one program with a subcommand per job. Errors Marquee raises on purpose (bad flags,
 * bad data, corrupt artifacts, storage failures) print one clear message and exit with the error's `exitCode`: 2,
 * or 3 for a candidate the pipeline's gate refused. Anything else is a bug and prints its stack with exit code 1.
 */
import { Command, CommanderError } from 'commander';
import { ERROR_EXIT_CODE, MarqueeError } from '../../../shared/src/errors.ts';
import { generateCommand } from './generate.ts';
import { dataCommand } from './data.ts';
import { demoCommand } from './demo.ts';
import { evaluateCommand } from './evaluate.ts';
import { recommendCommand } from './recommend.ts';
import { similarCommand } from './similar.ts';
import { exportCommand } from './export.ts';
import { publishCommand } from './publish.ts';
import { channelCommand } from './channel.ts';
import { reportCommand } from './report.ts';
import { trainCommand } from './train.ts';
import { canaryCommand } from './canary.ts';
import { pipelineCommand } from './pipeline.ts';

/** Builds the program; exported so tests can inspect it without spawning a process. */
export function buildProgram(): Command {
  const program = new Command('marquee')
    .description(
      'Marquee: deep collaborative-filtering movie recommendations, trained in batch, served at the edge.',
    )
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  // Registered commands. Each factory lives in its own file beside this one.
  program.addCommand(demoCommand());
  program.addCommand(generateCommand());
  program.addCommand(dataCommand());
  program.addCommand(trainCommand());
  program.addCommand(evaluateCommand());
  program.addCommand(recommendCommand());
  program.addCommand(similarCommand());
  program.addCommand(exportCommand());
  program.addCommand(publishCommand());
  program.addCommand(channelCommand());
  program.addCommand(reportCommand());
  program.addCommand(canaryCommand());
  program.addCommand(pipelineCommand());
  for (const cmd of program.commands) applyExitOverride(cmd);
  return program;
}

function applyExitOverride(cmd: Command): void {
  cmd.exitOverride().showHelpAfterError('(run with --help for usage)');
  for (const sub of cmd.commands) applyExitOverride(sub);
}

/** Runs the CLI with `argv` (without node and script) and returns the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? 0 : ERROR_EXIT_CODE;
    }
    if (err instanceof MarqueeError) {
      process.stderr.write(`marquee: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `marquee: unexpected error (this is a bug):\n${(err as Error)?.stack ?? String(err)}\n`,
    );
    return 1;
  }
}
