/**
 * A minimal reader of ONNX ModelProto bytes: the float initializers and the op types of the top-level graph's
 * nodes — what the wasm kernel needs to take the serving MLP's weights out of model.onnx. It walks the protobuf
 * wire format directly (varints and length-delimited fields, unknown fields skipped) so the Worker does not carry
 * a protobuf library or the .proto schema. Field numbers are those of onnx.proto (ModelProto.graph = 7,
 * GraphProto.node = 1 / initializer = 5, NodeProto.op_type = 4, TensorProto dims = 1, data_type = 2,
 * float_data = 4, name = 8, raw_data = 9, data_location = 14).
 */
import { ArtifactError } from '../../../../shared/src/errors.ts';

/** A float32 initializer. */
export interface FloatInitializer {
  dims: number[];
  /** Row-major values (a copy, 4-byte aligned). */
  data: Float32Array;
}

/** What the reader takes out of a model. */
export interface OnnxContents {
  /** Float32 initializers of the top-level graph by name (other element types are skipped). */
  floats: Map<string, FloatInitializer>;
  /** op_type of every top-level node, in graph order (subgraphs of If/Loop are not descended into). */
  opTypes: string[];
}

const WIRE_VARINT = 0;
const WIRE_I64 = 1;
const WIRE_LEN = 2;
const WIRE_I32 = 5;
const FLOAT = 1;
const EXTERNAL = 1;

/** One field of a message: its number, and its value as a number (varint) or bytes (length-delimited). */
type Visit = (field: number, value: number | Uint8Array) => void;

/** The varint at `pos` and the position after it (values up to 2^53 are exact). */
function readVarint(bytes: Uint8Array, pos: number, file: string): [number, number] {
  let result = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (pos >= bytes.length) throw new ArtifactError(file, 'truncated protobuf varint');
    const b = bytes[pos++] as number;
    result += (b & 0x7f) * scale;
    if (b < 0x80) return [result, pos];
    scale *= 128;
  }
  throw new ArtifactError(file, 'malformed protobuf varint (more than 10 bytes)');
}

/** Walks the fields of one protobuf message. Fixed-width scalars are skipped (none of ours are read). */
function readMessage(bytes: Uint8Array, file: string, visit: Visit): void {
  let pos = 0;
  while (pos < bytes.length) {
    let key: number;
    [key, pos] = readVarint(bytes, pos, file);
    const field = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === WIRE_VARINT) {
      let value: number;
      [value, pos] = readVarint(bytes, pos, file);
      visit(field, value);
    } else if (wire === WIRE_LEN) {
      let length: number;
      [length, pos] = readVarint(bytes, pos, file);
      if (pos + length > bytes.length) {
        throw new ArtifactError(
          file,
          `protobuf field ${field} runs past the end (${length} bytes at ${pos})`,
        );
      }
      visit(field, bytes.subarray(pos, pos + length));
      pos += length;
    } else if (wire === WIRE_I64) pos += 8;
    else if (wire === WIRE_I32) pos += 4;
    else throw new ArtifactError(file, `unsupported protobuf wire type ${wire} (field ${field})`);
  }
  if (pos !== bytes.length) throw new ArtifactError(file, 'protobuf message ends inside a field');
}

/** A repeated varint field: one value, or a packed run of them. */
function varints(value: number | Uint8Array, file: string): number[] {
  if (typeof value === 'number') return [value];
  const out: number[] = [];
  for (let pos = 0; pos < value.length;) {
    let v: number;
    [v, pos] = readVarint(value, pos, file);
    out.push(v);
  }
  return out;
}

/** Little-endian float32 bytes into an aligned Float32Array. */
function floatsOf(bytes: Uint8Array): Float32Array {
  const out = new Float32Array(bytes.length / 4);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function readTensor(bytes: Uint8Array, file: string): { name: string; init?: FloatInitializer } {
  let name = '';
  const dims: number[] = [];
  let dataType = 0;
  let raw: Uint8Array | undefined;
  let floatData: Uint8Array | undefined;
  let location = 0;
  readMessage(bytes, file, (field, value) => {
    if (field === 1) dims.push(...varints(value, file));
    else if (field === 2 && typeof value === 'number') dataType = value;
    else if (field === 4 && value instanceof Uint8Array) floatData = value;
    else if (field === 8 && value instanceof Uint8Array) name = new TextDecoder().decode(value);
    else if (field === 9 && value instanceof Uint8Array) raw = value;
    else if (field === 14 && typeof value === 'number') location = value;
  });
  if (dataType !== FLOAT) return { name };
  if (location === EXTERNAL) throw new ArtifactError(file, `initializer ${name} uses external data`);
  const bytesOf = raw ?? floatData ?? new Uint8Array(0);
  const count = dims.reduce((a, b) => a * b, 1);
  if (bytesOf.length !== count * 4) {
    throw new ArtifactError(
      file,
      `initializer ${name}: dims [${dims.join(', ')}] need ${count * 4} bytes of float32 (got ${bytesOf.length})`,
    );
  }
  return { name, init: { dims, data: floatsOf(bytesOf) } };
}

/**
 * Reads the float initializers and node op types of a model's top-level graph.
 * @param file the artifact's name, for error messages
 * @throws ArtifactError when the bytes are not a well-formed ModelProto with a graph
 */
export function readOnnx(file: string, bytes: Uint8Array): OnnxContents {
  let graph: Uint8Array | undefined;
  readMessage(bytes, file, (field, value) => {
    if (field === 7 && value instanceof Uint8Array) graph = value;
  });
  if (graph === undefined) throw new ArtifactError(file, 'has no graph (ModelProto field 7)');
  const floats = new Map<string, FloatInitializer>();
  const opTypes: string[] = [];
  readMessage(graph, file, (field, value) => {
    if (!(value instanceof Uint8Array)) return;
    if (field === 5) {
      const { name, init } = readTensor(value, file);
      if (init !== undefined) floats.set(name, init);
    } else if (field === 1) {
      let op = '';
      readMessage(value, file, (f, v) => {
        if (f === 4 && v instanceof Uint8Array) op = new TextDecoder().decode(v);
      });
      opTypes.push(op);
    }
  });
  return { floats, opTypes };
}
