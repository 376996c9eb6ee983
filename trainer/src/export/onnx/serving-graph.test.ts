import { describe, expect, it } from 'vitest';
import { ArtifactError, UsageError } from '../../../../shared/src/errors.ts';
import { precomputeMovieSide } from './movie-side.ts';
import { DataType, decodeModel, type OnnxModel, type OnnxValueInfo } from './proto.ts';
import { randomWeights } from '../../../../tools/random-weights.ts';
import { buildServingOnnx, IR_VERSION } from './serving-graph.ts';

const small = (arch: 'dcf' | 'hybrid') =>
  randomWeights({ arch, numUsers: 4, numMovies: 10, dim: 8, hidden: [16, 8, 4], seed: 1 });

function signature(v: OnnxValueInfo): [string, number, (number | string)[]] {
  const t = v.type.tensorType;
  return [v.name, t.elemType, t.shape.dim.map((d) => ('dimValue' in d ? d.dimValue : d.dimParam))];
}

function initializerDims(model: OnnxModel): Record<string, number[]> {
  return Object.fromEntries(model.graph.initializer.map((t) => [t.name, t.dims]));
}

describe('buildServingOnnx round trip', () => {
  for (const arch of ['dcf', 'hybrid'] as const) {
    it(`decodes to the contract's inputs, output, opset and initializers (${arch})`, () => {
      const w = small(arch);
      const model = decodeModel(buildServingOnnx(w));
      expect(model.irVersion).toBe(IR_VERSION);
      expect(model.opsetImport).toEqual([{ domain: '', version: 17 }]);
      expect(model.graph.input.map(signature)).toEqual([
        ['user_vec', DataType.FLOAT, ['U', 8]],
        ['user_bias', DataType.FLOAT, ['U']],
        ['pair_user', DataType.INT64, ['B']],
        ['pair_movie', DataType.INT64, ['B']],
      ]);
      expect(model.graph.output.map(signature)).toEqual([['rating', DataType.FLOAT, ['B']]]);
      const dims = initializerDims(model);
      expect(dims['movie_pre']).toEqual([10, 16]);
      expect(dims['movie_bias']).toEqual([10]);
      expect(dims['user_w1']).toEqual([8, 16]);
      expect(dims['movie_emb']).toEqual(arch === 'hybrid' ? [10, 8] : undefined);
      expect(model.metadataProps).toContainEqual({ key: 'marquee.arch', value: arch });
    });
  }

  it('stores movie_pre and movie_bias bytes equal to precomputeMovieSide', () => {
    const w = small('dcf');
    const side = precomputeMovieSide(w);
    const model = decodeModel(buildServingOnnx(w));
    const raw = (name: string): Float32Array => {
      const t = model.graph.initializer.find((i) => i.name === name);
      if (!t) throw new Error(`no initializer ${name}`);
      // Copy: decoded bytes are a Buffer view into the whole message, possibly unaligned.
      return new Float32Array(Uint8Array.from(t.rawData).buffer);
    };
    expect(Array.from(raw('movie_pre'))).toEqual(Array.from(side.moviePre));
    expect(Array.from(raw('movie_bias'))).toEqual(Array.from(side.movieBiasWithMu));
  });

  it('is a well-formed DAG: every node input exists before the node, every value is produced once', () => {
    for (const arch of ['dcf', 'hybrid'] as const) {
      const { graph } = decodeModel(buildServingOnnx(small(arch)));
      const known = new Set([...graph.input.map((i) => i.name), ...graph.initializer.map((i) => i.name)]);
      for (const n of graph.node) {
        for (const input of n.input) expect(known.has(input), `${n.name} reads ${input}`).toBe(true);
        // If branches read values of the enclosing graph that exist before the If node.
        for (const branch of n.attribute.flatMap((a) => (a.g ? [a.g] : []))) {
          const inBranch = new Set(known);
          for (const inner of branch.node) {
            for (const input of inner.input)
              expect(inBranch.has(input), `${inner.name} reads ${input}`).toBe(true);
            for (const output of inner.output) inBranch.add(output);
          }
          for (const output of branch.output) expect(inBranch.has(output.name)).toBe(true);
          expect(branch.output).toHaveLength(n.output.length);
        }
        for (const output of n.output) {
          expect(known.has(output), `${output} produced twice`).toBe(false);
          known.add(output);
        }
      }
      expect(known.has('rating')).toBe(true);
      expect(graph.node.some((n) => n.opType === 'BatchNormalization' || n.opType === 'Dropout')).toBe(false);
    }
  });

  it('has the U = 1 If branch by default and none with singleUserBranch: false', () => {
    const ops = (options: { singleUserBranch?: boolean }): string[] =>
      decodeModel(buildServingOnnx(small('hybrid'), options)).graph.node.map((n) => n.opType);
    expect(ops({}).filter((op) => op === 'If')).toHaveLength(1);
    const plain = ops({ singleUserBranch: false });
    expect(plain).not.toContain('If');
    // user_hidden, user_bias and user_vec (hybrid) plus movie_pre, movie_bias and movie_emb.
    expect(plain.filter((op) => op === 'Gather')).toHaveLength(6);
  });

  it('honours the opset option and rejects opsets outside 13..17 with a UsageError', () => {
    expect(decodeModel(buildServingOnnx(small('dcf'), { opset: 13 })).opsetImport[0]?.version).toBe(13);
    for (const opset of [12, 18, 16.5]) {
      expect(() => buildServingOnnx(small('dcf'), { opset })).toThrow(UsageError);
    }
    expect(() => buildServingOnnx(small('dcf'), { opset: 18 })).toThrow(
      /opset: expected an integer from 13 to 17 \(got 18\)/,
    );
  });
});

describe('buildServingOnnx on inconsistent weights', () => {
  const cases: [string, (w: ReturnType<typeof small>) => void, RegExp][] = [
    ['movieEmb', (w) => (w.movieEmb = w.movieEmb.subarray(1)), /movieEmb: expected 80 floats .*got 79/],
    ['movieBias', (w) => (w.movieBias = new Float32Array(9)), /movieBias: expected 10 floats/],
    ['userEmb', (w) => (w.userEmb = new Float32Array(3)), /userEmb: expected 32 floats/],
    ['hidden[1].W', (w) => (w.hidden[1]!.W = new Float32Array(5)), /hidden\[1\]\.W: expected 128 floats/],
    ['hidden[2].inSize', (w) => (w.hidden[2]!.inSize = 9), /hidden\[2\]\.inSize: expected 8 \(got 9\)/],
    [
      'hidden[0].bn.gamma',
      (w) => (w.hidden[0]!.bn!.gamma = new Float32Array(2)),
      /hidden\[0\]\.bn\.gamma: expected 16/,
    ],
    [
      'out.outSize',
      (w) => (w.out = { ...w.out, outSize: 2, W: new Float32Array(8), b: new Float32Array(2) }),
      /out\.outSize: expected 1/,
    ],
    ['movieEmb NaN', (w) => (w.movieEmb[3] = Number.NaN), /movieEmb\[3\]: expected a finite number/],
    ['dim', (w) => (w.dim = 0), /dim: expected a positive integer \(got 0\)/],
  ];
  for (const [name, corrupt, message] of cases) {
    it(`names ${name}`, () => {
      const w = small('hybrid');
      corrupt(w);
      expect(() => buildServingOnnx(w)).toThrow(ArtifactError);
      expect(() => buildServingOnnx(w)).toThrow(message);
    });
  }
});
