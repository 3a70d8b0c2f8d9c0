/**
 * Encoders for the ONNX messages a feed-forward classifier needs (onnx.proto, IR version 7):
 * ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto. Field numbers
 * are onnx.proto's. Tensors carry their values as little-endian raw_data.
 */
import { ProtoWriter } from './protobuf.ts';

/** TensorProto.DataType values used here. */
export const DataType = { FLOAT: 1, INT64: 7 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

export interface Tensor {
  name: string;
  dims: readonly number[];
  /** FLOAT tensors from numbers (rounded to float32); INT64 tensors from integers. */
  type: DataTypeCode;
  values: ArrayLike<number>;
}

export type AttributeValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'ints'; value: readonly number[] }
  | { type: 'string'; value: string };

export interface Node {
  opType: string;
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attributes?: Record<string, AttributeValue>;
}

/** A tensor-typed graph input or output; a string dim is symbolic (e.g. "N"). */
export interface ValueInfo {
  name: string;
  elemType: DataTypeCode;
  shape: readonly (number | string)[];
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  docString?: string;
}

export interface Model {
  graph: Graph;
  /** Default-domain opset version. */
  opset: number;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
  /** Free-form key/value metadata (ModelProto.metadata_props). */
  metadata?: Record<string, string>;
}

function tensorBytes(t: Tensor): Uint8Array {
  const n = t.dims.reduce((a, b) => a * b, 1);
  if (t.values.length !== n) throw new RangeError(`onnx: tensor "${t.name}" has ${t.values.length} values for dims [${t.dims.join(', ')}]`);
  if (t.type === DataType.FLOAT) {
    const f = Float32Array.from(t.values);
    return new Uint8Array(littleEndian(f.buffer, 4));
  }
  const b = new BigInt64Array(n);
  for (let i = 0; i < n; i++) {
    const v = t.values[i];
    if (!Number.isSafeInteger(v)) throw new RangeError(`onnx: tensor "${t.name}" value ${v} is not an integer`);
    b[i] = BigInt(v);
  }
  return new Uint8Array(littleEndian(b.buffer, 8));
}

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndian(buf: ArrayBufferLike, width: number): ArrayBuffer {
  const out = new Uint8Array(buf.byteLength);
  out.set(new Uint8Array(buf));
  if (!HOST_LITTLE_ENDIAN) for (let i = 0; i < out.length; i += width) out.subarray(i, i + width).reverse();
  return out.buffer;
}

function writeTensor(w: ProtoWriter, t: Tensor): void {
  w.packedInts(1, t.dims); // dims
  w.int(2, t.type); // data_type
  w.string(8, t.name); // name
  w.bytes(9, tensorBytes(t)); // raw_data
}

function writeAttribute(w: ProtoWriter, name: string, a: AttributeValue): void {
  w.string(1, name);
  switch (a.type) {
    case 'float': w.float(2, a.value); w.int(20, 1); break;
    case 'int': w.int(3, a.value); w.int(20, 2); break;
    case 'string': w.string(4, a.value); w.int(20, 3); break;
    case 'ints': w.packedInts(8, a.value); w.int(20, 7); break;
  }
}

function writeNode(w: ProtoWriter, n: Node): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  if (n.name) w.string(3, n.name);
  w.string(4, n.opType);
  for (const [k, v] of Object.entries(n.attributes ?? {})) w.message(5, (a) => writeAttribute(a, k, v));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, v.elemType);
      tt.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: Graph): void {
  for (const n of g.nodes) w.message(1, (m) => writeNode(m, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (m) => writeTensor(m, t));
  if (g.docString) w.string(10, g.docString);
  for (const v of g.inputs) w.message(11, (m) => writeValueInfo(m, v));
  for (const v of g.outputs) w.message(12, (m) => writeValueInfo(m, v));
}

/** The serialised ModelProto. */
export function encodeModel(m: Model): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, m.irVersion ?? 7); // ir_version (7 = opsets up to 13+ are readable by every runtime since 2020)
  w.string(2, m.producerName ?? 'moodscape');
  if (m.producerVersion) w.string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (g) => writeGraph(g, m.graph));
  w.message(8, (o) => { o.string(1, ''); o.int(2, m.opset); }); // opset_import: default domain
  for (const [k, v] of Object.entries(m.metadata ?? {})) w.message(14, (p) => { p.string(1, k); p.string(2, v); });
  return w.finish();
}
