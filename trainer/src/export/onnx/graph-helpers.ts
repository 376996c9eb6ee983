/**
 * Small constructors for the pieces of an ONNX graph: initializers, graph inputs/outputs and nodes. They keep
 * the serving-graph builder readable and are generic enough for any float/int64 graph.
 */
import {
  AttributeType,
  DataType,
  type OnnxAttribute,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './proto.ts';

/** ONNX stores raw tensor data little-endian; typed-array bytes are copied as-is only on little-endian hosts. */
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function rawBytes(data: Float32Array | BigInt64Array): Uint8Array {
  if (!littleEndianHost) throw new Error('ONNX export needs a little-endian host');
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function checkSize(name: string, dims: readonly number[], length: number): void {
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new RangeError(`tensor ${name}: dims [${dims.join(', ')}] need ${expected} values (got ${length})`);
  }
}

/**
 * A float32 initializer.
 * @param dims tensor shape; the product must equal data.length
 * @throws RangeError when dims and data disagree
 */
export function floatTensor(name: string, dims: readonly number[], data: Float32Array): OnnxTensor {
  checkSize(name, dims, data.length);
  return { name, dataType: DataType.FLOAT, dims: [...dims], rawData: rawBytes(data) };
}

/**
 * An int64 initializer from safe integers.
 * @throws RangeError when dims and data disagree
 */
export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): OnnxTensor {
  checkSize(name, dims, data.length);
  return {
    name,
    dataType: DataType.INT64,
    dims: [...dims],
    rawData: rawBytes(BigInt64Array.from(data, (v) => BigInt(v))),
  };
}

/**
 * A typed graph input or output.
 * @param dims sizes, or names for dimensions that vary per call (e.g. "B")
 */
export function tensorValueInfo(
  name: string,
  elemType: number,
  dims: readonly (number | string)[],
): OnnxValueInfo {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** An INT (number) or INTS (number[]) attribute. */
function attribute(name: string, value: number | readonly number[]): OnnxAttribute {
  return typeof value === 'number'
    ? { name, type: AttributeType.INT, i: value }
    : { name, type: AttributeType.INTS, ints: [...value] };
}

/**
 * A node of the default ONNX domain, named after its first output (unique in a graph where every value is
 * produced once).
 */
export function node(
  opType: string,
  input: readonly string[],
  output: readonly string[],
  attributes: Record<string, number | readonly number[]> = {},
): OnnxNode {
  return {
    name: output[0] ?? opType,
    opType,
    input: [...input],
    output: [...output],
    attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
  };
}

/**
 * An If node: `cond` (bool, one element) picks which branch computes `output`. Each branch is a subgraph
 * without inputs that reads values of the enclosing graph by name and has one output per entry of `output`
 * (same order, same element type; shapes may differ between the branches).
 */
export function ifNode(
  cond: string,
  output: readonly string[],
  thenBranch: OnnxGraph,
  elseBranch: OnnxGraph,
): OnnxNode {
  for (const [which, branch] of [
    ['then', thenBranch],
    ['else', elseBranch],
  ] as const) {
    if (branch.output.length !== output.length) {
      throw new RangeError(
        `If ${output[0] ?? ''}: the ${which} branch has ${branch.output.length} outputs (expected ${output.length})`,
      );
    }
  }
  return {
    ...node('If', [cond], output),
    attribute: [
      { name: 'then_branch', type: AttributeType.GRAPH, g: thenBranch },
      { name: 'else_branch', type: AttributeType.GRAPH, g: elseBranch },
    ],
  };
}
