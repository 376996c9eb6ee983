/**
 * The smallest useful ONNX model (IR 8, opset 17): one Identity node y = x over float32 [1], encoded with the
 * export's `encodeModel` (trainer/src/export/onnx/proto.ts). Creating a session on it starts ORT's wasm backend
 * (see runtime.ts). test/edge-runtime.test.ts decodes it and runs it in onnxruntime-node, so the bytes stay honest.
 */
export const PROBE_MODEL: Uint8Array = Uint8Array.from(
  atob(
    'CAgSDG1hcnF1ZWUtZWRnZRoHcHJvYmUgMTpFChoKAXgSAXkaCGlkZW50aXR5IghJZGVudGl0eRIFcHJvYmVaDwoBeBIKCggIARIECgIIAWIPCgF5EgoKCAgBEgQKAggBQgQKABAR',
  ),
  (ch) => ch.charCodeAt(0),
);
