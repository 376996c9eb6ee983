/**
 * Encoding and decoding of ONNX ModelProto bytes with protobufjs and the vendored onnx.proto. The plain-object
 * types below mirror the proto messages (protobufjs' camelCase field names) for the subset the exporter writes.
 */
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/** TensorProto.DataType values used by Marquee. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;

/** AttributeProto.AttributeType values used by Marquee (GRAPH: the branches of an If node). */
export const AttributeType = { FLOAT: 1, INT: 2, GRAPH: 5, INTS: 7 } as const;

export interface OnnxTensor {
  name: string;
  dataType: number;
  dims: number[];
  /** Little-endian element bytes. */
  rawData: Uint8Array;
}

export interface OnnxAttribute {
  name: string;
  type: number;
  i?: number;
  f?: number;
  ints?: number[];
  /** A subgraph (GRAPH attributes); it may read any value of the enclosing graph by name. */
  g?: OnnxGraph;
}

export interface OnnxNode {
  name: string;
  opType: string;
  input: string[];
  output: string[];
  attribute: OnnxAttribute[];
}

/** A tensor dimension: a fixed size or a symbolic name such as "B". */
export type OnnxDim = { dimValue: number } | { dimParam: string };

export interface OnnxValueInfo {
  name: string;
  type: { tensorType: { elemType: number; shape: { dim: OnnxDim[] } } };
}

export interface OnnxGraph {
  name: string;
  node: OnnxNode[];
  initializer: OnnxTensor[];
  input: OnnxValueInfo[];
  output: OnnxValueInfo[];
}

export interface OnnxModel {
  irVersion: number;
  opsetImport: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString?: string;
  graph: OnnxGraph;
  metadataProps: { key: string; value: string }[];
}

let modelType: protobuf.Type | undefined;

/** The ModelProto type, parsed from onnx.proto on first use (no file I/O at import time). */
function modelProto(): protobuf.Type {
  modelType ??= protobuf
    .loadSync(fileURLToPath(new URL('./onnx.proto', import.meta.url)))
    .lookupType('onnx.ModelProto');
  return modelType;
}

/**
 * Serialises a model to ONNX protobuf bytes.
 * @throws Error when the object does not match the ModelProto schema (names the offending field)
 */
export function encodeModel(model: OnnxModel): Uint8Array {
  const type = modelProto();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`ONNX model does not match ModelProto: ${problem}`);
  return type.encode(model).finish();
}

/**
 * Parses ONNX protobuf bytes into plain objects (int64 fields as numbers, absent repeated fields as []). The
 * result is shaped like {@link OnnxModel} but unchecked beyond protobuf's wire format: fields the exporter always
 * writes may be missing in foreign files.
 * @throws Error when the bytes are not a valid protobuf message
 */
export function decodeModel(bytes: Uint8Array): OnnxModel {
  const type = modelProto();
  return type.toObject(type.decode(bytes), { longs: Number, arrays: true }) as OnnxModel;
}
