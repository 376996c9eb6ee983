/**
 * Console progress of a training run on stderr: a cli-progress bar per epoch (loss, validation RMSE, ratings/s,
 * ETA) on a terminal, and one summary line per epoch either way (logs and pipes get only those lines).
 */
import cliProgress from 'cli-progress';
import type { BatchProgress, EpochRecord, TrainHooks } from './loop.ts';

/** Formats ratings per second compactly, e.g. 41.2k. */
export function formatRate(perSecond: number): string {
  return perSecond >= 1000 ? `${(perSecond / 1000).toFixed(1)}k` : perSecond.toFixed(0);
}

/**
 * The line printed after an epoch. A refit epoch (NaN validation metrics: the validation rows are being trained
 * on) shows no validation figures.
 */
export function formatEpochLine(r: EpochRecord, maxEpochs: number, isBest: boolean, label = 'epoch'): string {
  const validation = Number.isNaN(r.valRmse)
    ? ''
    : `  val RMSE ${r.valRmse.toFixed(4)}${isBest ? ' *' : '  '}  val MAE ${r.valMae.toFixed(4)}`;
  return (
    `${label} ${r.epoch}/${maxEpochs}  loss ${r.trainLoss.toFixed(4)}${validation}  lr ${r.lr.toPrecision(3)}  ` +
    `${formatRate(r.samplesPerSec)} ratings/s  ${r.seconds.toFixed(1)} s` +
    (r.averaged === undefined ? '' : `  (average of ${r.averaged} snapshots)`)
  );
}

/**
 * Progress hooks writing to `stream`; the bar is drawn only when it is a terminal.
 * @param label what an epoch is called on its line ("epoch", "refit epoch")
 */
export function progressHooks(
  stream: NodeJS.WriteStream,
  maxEpochs: number,
  label = 'epoch',
): Required<Pick<TrainHooks, 'onEpochStart' | 'onBatch'>> & {
  onEpochEnd(record: EpochRecord, isBest: boolean): void;
  stop(): void;
} {
  const tty = stream.isTTY === true;
  let bar: cliProgress.SingleBar | undefined;
  let lastVal = '-';
  const stopBar = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    onEpochStart(epoch: number, batches: number) {
      if (!tty) return;
      bar = new cliProgress.SingleBar(
        {
          stream,
          format:
            `${label} ${epoch}/${maxEpochs} |{bar}| {percentage}% | loss {loss} | val RMSE {val} | ` +
            `{rate} ratings/s | ETA {eta_formatted}`,
          hideCursor: false,
          clearOnComplete: true,
          fps: 5,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(batches, 0, { loss: '-', val: lastVal, rate: '-' });
    },
    onBatch(p: BatchProgress) {
      bar?.update(p.batch, { loss: p.loss.toFixed(4), val: lastVal, rate: formatRate(p.samplesPerSec) });
    },
    onEpochEnd(record: EpochRecord, isBest: boolean) {
      stopBar();
      lastVal = Number.isNaN(record.valRmse) ? '-' : record.valRmse.toFixed(4);
      stream.write(`${formatEpochLine(record, maxEpochs, isBest, label)}\n`);
    },
    stop: stopBar,
  };
}
