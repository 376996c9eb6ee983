/**
 * `marquee export --run RUNDIR --out DIR`: builds every artifact of a model version from a training run and
 * writes it to DIR/<version>/ (layout: docs/artifacts.md).
 */
import { Command } from 'commander';
import { buildVersion } from '../export/artifacts/build-version.ts';
import { versionInputFromRun } from '../export/artifacts/from-run.ts';
import { writeVersionDir } from '../export/artifacts/version-dir.ts';
import { addExportOptions, exportOptions } from './publish.ts';

interface ExportFlags {
  run: string;
  out: string;
  force?: boolean;
  similarK: number;
  int8: boolean;
}

/** `marquee export`. */
export function exportCommand(): Command {
  const cmd = new Command('export')
    .description('Export a trained model as a version directory: model.onnx, serving tables, manifest.json.')
    .requiredOption('--run <dir>', 'training run directory')
    .requiredOption('--out <dir>', 'where to write <version>/')
    .option('--force', 'replace DIR/<version> if it exists');
  addExportOptions(cmd);
  cmd.action(async (flags: ExportFlags) => {
    const started = performance.now();
    const built = await buildVersion(await versionInputFromRun(flags.run, exportOptions(flags)));
    const dir = await writeVersionDir(flags.out, built, flags.force === true);
    const total = Object.values(built.manifest.files).reduce((s, f) => s + f.bytes, 0);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    process.stdout.write(`exported ${built.id} to ${dir} (${(total / 1e6).toFixed(2)} MB) in ${seconds} s\n`);
    for (const [name, f] of Object.entries(built.manifest.files)) {
      process.stdout.write(
        `  ${name.padEnd(15)} ${String(f.bytes).padStart(12)} bytes  sha256 ${f.sha256.slice(0, 16)}…\n`,
      );
    }
  });
  return cmd;
}
