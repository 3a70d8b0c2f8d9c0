/**
 * The few protocol-buffers wire-format pieces an ONNX file needs, written by hand (no protobuf
 * package): varints, 64-bit varints for int64 fields, length-delimited bytes/strings/messages,
 * packed repeated int64. Fields are emitted in the order the caller writes them; proto3 readers
 * accept any order.
 */

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(extra: number): void {
    if (this.len + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  /** An unsigned varint of a non-negative safe integer (or a bigint for the full 64-bit range). */
  varint(v: number | bigint): void {
    if (typeof v === 'number' && v < 0) throw new RangeError(`protobuf: varint of negative ${v}`);
    let x = typeof v === 'bigint' ? BigInt.asUintN(64, v) : BigInt(checkedInt(v));
    while (x >= 0x80n) {
      this.byte(Number(x & 0x7fn) | 0x80);
      x >>= 7n;
    }
    this.byte(Number(x));
  }

  private tag(field: number, wire: number): void {
    this.varint(field * 8 + wire);
  }

  /** An int32/int64/enum/bool field (negative values use the 10-byte two's-complement form). */
  int(field: number, v: number | bigint): void {
    this.tag(field, WIRE_VARINT);
    this.varint(typeof v === 'bigint' ? v : v < 0 ? BigInt.asUintN(64, BigInt(checkedInt(v))) : v);
  }

  bytes(field: number, data: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(data.length);
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(field: number, s: string): void {
    this.bytes(field, new TextEncoder().encode(s));
  }

  /** An embedded message, built by `build` on a fresh writer. */
  message(field: number, build: (w: ProtoWriter) => void): void {
    const w = new ProtoWriter();
    build(w);
    this.bytes(field, w.finish());
  }

  /** A 32-bit float field (wire type 5, little-endian). */
  float(field: number, v: number): void {
    this.tag(field, 5);
    this.ensure(4);
    new DataView(this.buf.buffer, this.buf.byteOffset + this.len, 4).setFloat32(0, v, true);
    this.len += 4;
  }

  /** A packed repeated int64 field. */
  packedInts(field: number, values: readonly (number | bigint)[]): void {
    const w = new ProtoWriter();
    for (const v of values) w.varint(typeof v === 'bigint' ? BigInt.asUintN(64, v) : v < 0 ? BigInt.asUintN(64, BigInt(checkedInt(v))) : v);
    this.bytes(field, w.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function checkedInt(v: number): number {
  if (!Number.isSafeInteger(v)) throw new RangeError(`protobuf: ${v} is not a safe integer`);
  return v;
}
