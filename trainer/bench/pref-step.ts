/**
 * Micro-benchmark of the preference loss (trainer/src/train/preference.ts) on the training backend: milliseconds
 * per step for batch 1024 × dim 64 and several sampled-movie counts. `npx tsx trainer/bench/pref-step.ts`.
 */
import { createRng, fillNormal } from '../../shared/src/kernels/prng.ts';
import { median } from '../../shared/src/kernels/stats.ts';
import { selectBackend } from '../src/model/backend.ts';
import { PreferenceLoss } from '../src/train/preference.ts';

const B = 1024;
const d = 64;
await selectBackend('wasm');
const rng = createRng(1, 1);
const normal = (n: number) => {
  const a = new Float32Array(n);
  fillNormal(a, 0.3, rng);
  return a;
};
for (const S of [32, 64, 128, 256]) {
  const loss = new PreferenceLoss(B, S, d);
  const batch = {
    B,
    S,
    dim: d,
    users: normal(B * d),
    movies: normal(B * d),
    movieIds: Int32Array.from({ length: B }, () => rng.below(2000)),
    negatives: normal(S * d),
    negativeIds: Int32Array.from({ length: S }, () => rng.below(2000)),
    gate: new Float32Array(d).fill(1),
    posBias: normal(B),
    negBias: normal(S),
    negCorrection: normal(S),
  };
  for (let i = 0; i < 20; i++) loss.run(batch, 1);
  const times: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    for (let i = 0; i < 50; i++) loss.run(batch, 1);
    times.push((performance.now() - t) / 50);
  }
  console.log(`S ${S}: ${median(times).toFixed(2)} ms/step (median of 5 × 50 steps)`);
}
