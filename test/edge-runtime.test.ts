// The probe model the Worker uses to start ORT's wasm backend (edge/src/inference/probe-model.ts) is a valid
// ONNX model that computes what it claims: checked with the export's decoder and onnxruntime-node.
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { PROBE_MODEL } from '../edge/src/inference/probe-model.ts';
import { decodeModel } from '../trainer/src/export/onnx/proto.ts';

describe('ORT probe model', () => {
  it('is one Identity node over float32 [1], IR 8 / opset 17', () => {
    const model = decodeModel(PROBE_MODEL);
    expect(model.irVersion).toBe(8);
    expect(model.opsetImport).toEqual([expect.objectContaining({ domain: '', version: 17 })]);
    expect(model.graph.node.map((n) => n.opType)).toEqual(['Identity']);
  });

  it('runs in onnxruntime-node and returns its input', async () => {
    const session = await ort.InferenceSession.create(PROBE_MODEL);
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.of(2.5), [1]) });
    expect(Array.from(out.y?.data as Float32Array)).toEqual([2.5]);
    await session.release();
  });
});
