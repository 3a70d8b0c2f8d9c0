/**
 * A tiny WebAssembly binary writer: just enough to hand-assemble the numeric kernels of
 * kernels.ts (one imported memory, functions of i32/f64 parameters, i32/f64/v128 locals, the
 * control instructions, scalar and f64x2 SIMD arithmetic). No text format, no toolchain: the
 * bytes are written directly (LEB128 integers, little-endian floats, length-prefixed sections).
 */

export const I32 = 0x7f, F64 = 0x7c, V128 = 0x7b;
export type ValType = typeof I32 | typeof F64 | typeof V128;

export function uleb(n: number, out: number[]): void {
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

export function sleb(n: number, out: number[]): void {
  for (;;) {
    const b = n & 0x7f;
    n = Math.floor(n / 128);
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return; }
    out.push(b | 0x80);
  }
}

/** Emits the body of one function; locals are declared through `local`. */
export class FuncBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValType[] = [];
  constructor(readonly params: readonly ValType[], readonly results: readonly ValType[] = []) {}

  local(t: ValType): number {
    this.localTypes.push(t);
    return this.params.length + this.localTypes.length - 1;
  }

  private op(...bytes: number[]): this { this.code.push(...bytes); return this; }
  private simd(opcode: number): this { this.code.push(0xfd); uleb(opcode, this.code); return this; }
  private memarg(align: number, offset: number): this { uleb(align, this.code); uleb(offset, this.code); return this; }

  // Control.
  block(): this { return this.op(0x02, 0x40); }
  loop(): this { return this.op(0x03, 0x40); }
  if_(): this { return this.op(0x04, 0x40); }
  else_(): this { return this.op(0x05); }
  end(): this { return this.op(0x0b); }
  br(depth: number): this { return this.op(0x0c, depth); }
  brIf(depth: number): this { return this.op(0x0d, depth); }
  // Locals and constants.
  get(i: number): this { this.code.push(0x20); uleb(i, this.code); return this; }
  set(i: number): this { this.code.push(0x21); uleb(i, this.code); return this; }
  tee(i: number): this { this.code.push(0x22); uleb(i, this.code); return this; }
  i32(n: number): this { this.code.push(0x41); sleb(n, this.code); return this; }
  // i32 arithmetic and comparisons.
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  ltS(): this { return this.op(0x48); }
  ne(): this { return this.op(0x47); }
  or(): this { return this.op(0x72); }
  i32WrapI64(): this { return this.op(0xa7); }
  gtS(): this { return this.op(0x4a); }
  and(): this { return this.op(0x71); }
  shl(): this { return this.op(0x74); }
  xor(): this { return this.op(0x73); }
  rotl(): this { return this.op(0x77); }
  select(): this { return this.op(0x1b); }
  i64ExtendI32U(): this { return this.op(0xad); }
  i64Sub(): this { return this.op(0x7d); }
  i64And(): this { return this.op(0x83); }
  i64Zero(): this { return this.op(0x42, 0x00); }
  i64ReinterpretF64(): this { return this.op(0xbd); }
  f64ReinterpretI64(): this { return this.op(0xbf); }
  i32Load(offset = 0): this { return this.op(0x28).memarg(2, offset); }
  i32Store(offset = 0): this { return this.op(0x36).memarg(2, offset); }
  leS(): this { return this.op(0x4c); }
  geS(): this { return this.op(0x4e); }
  eqz(): this { return this.op(0x45); }
  // Scalar f64.
  f64Load(offset = 0): this { return this.op(0x2b).memarg(3, offset); }
  f64Store(offset = 0): this { return this.op(0x39).memarg(3, offset); }
  f64Add(): this { return this.op(0xa0); }
  f64Sub(): this { return this.op(0xa1); }
  f64Lt(): this { return this.op(0x63); }
  f64Eq(): this { return this.op(0x61); }
  f64Mul(): this { return this.op(0xa2); }
  f64Div(): this { return this.op(0xa3); }
  f64Gt(): this { return this.op(0x64); }
  f64Ge(): this { return this.op(0x66); }
  f64ConvertI32U(): this { return this.op(0xb8); }
  f64(x: number): this {
    this.code.push(0x44);
    const b = new Uint8Array(new Float64Array([x]).buffer);
    for (let k = 0; k < 8; k++) this.code.push(b[k]);
    return this;
  }
  // v128 / f64x2.
  vLoad(offset = 0): this { return this.simd(0x00).memarg(3, offset); }
  vLoadSplat(offset = 0): this { return this.simd(0x0a).memarg(3, offset); }
  vStore(offset = 0): this { return this.simd(0x0b).memarg(3, offset); }
  /** Replaces lane `lane` (a f64) of the vector on the stack with the value at the address. */
  vLoadLane64(lane: number, offset = 0): this { return this.simd(0x57).memarg(3, offset).op(lane); }
  /** Stores lane `lane` (a f64) of the vector at the address. */
  vStoreLane64(lane: number, offset = 0): this { return this.simd(0x5b).memarg(3, offset).op(lane); }
  vZero(): this { this.simd(0x0c); for (let k = 0; k < 16; k++) this.code.push(0); return this; }
  vAnd(): this { return this.simd(0x4e); }
  f64x2Splat(): this { return this.simd(0x14); }
  f64x2ExtractLane(lane: number): this { return this.simd(0x21).op(lane); }
  f64x2ReplaceLane(lane: number): this { return this.simd(0x22).op(lane); }
  i64x2ExtractLane(lane: number): this { return this.simd(0x1d).op(lane); }
  /** A v128 constant of two f64 lanes. */
  vConstF64x2(a: number, b: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new Float64Array([a, b]).buffer);
    for (let i = 0; i < 16; i++) this.code.push(bytes[i]);
    return this;
  }
  /** A v128 constant of two i64 lanes (small non-negative integers). */
  vConstI64x2(a: number, b: number): this {
    this.simd(0x0c);
    const bytes = new Uint8Array(new BigInt64Array([BigInt(a), BigInt(b)]).buffer);
    for (let i = 0; i < 16; i++) this.code.push(bytes[i]);
    return this;
  }
  /** bitselect(a, b, mask): the bits of a where mask is 1, of b elsewhere. */
  vBitselect(): this { return this.simd(0x52); }
  f64x2Lt(): this { return this.simd(0x49); }
  f64x2Gt(): this { return this.simd(0x4a); }
  f64x2Add(): this { return this.simd(0xf0); }
  f64x2Sub(): this { return this.simd(0xf1); }
  f64x2Mul(): this { return this.simd(0xf2); }
  f64x2Div(): this { return this.simd(0xf3); }
  f64x2Sqrt(): this { return this.simd(0xef); }
  /** pmax(a, b) = a < b ? b : a (so pmax(z, 0) is `z < 0 ? 0 : z`, keeping −0 and NaN). */
  f64x2Pmax(): this { return this.simd(0xf7); }
  /** pmin(a, b) = b < a ? b : a. */
  f64x2Pmin(): this { return this.simd(0xf6); }

  /** Locals declaration + code + end, length-prefixed (a code-section entry). */
  encode(): number[] {
    const body: number[] = [];
    uleb(this.localTypes.length, body);
    for (const t of this.localTypes) { body.push(1, t); }
    // Appended in a loop: spreading a large body into push() overflows the call stack.
    for (const b of this.code) body.push(b);
    body.push(0x0b);
    const out: number[] = [];
    uleb(body.length, out);
    return out.concat(body);
  }
}

function section(id: number, content: number[], out: number[]): void {
  out.push(id);
  uleb(content.length, out);
  for (const b of content) out.push(b);
}

function name(s: string, out: number[]): void {
  uleb(s.length, out);
  for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
}

/**
 * A module importing memory env.memory (minPages) and exporting the given functions by name. With
 * `sharedMaxPages` the import is a shared memory of at most that many pages (threads proposal),
 * which worker threads can bind at the same time.
 */
export function encodeModule(funcs: ReadonlyArray<{ name: string; f: FuncBuilder }>, minPages = 1, sharedMaxPages?: number): Uint8Array<ArrayBuffer> {
  const out = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const types: number[] = [];
  uleb(funcs.length, types);
  for (const { f } of funcs) {
    types.push(0x60);
    uleb(f.params.length, types); types.push(...f.params);
    uleb(f.results.length, types); types.push(...f.results);
  }
  section(1, types, out);
  const imports: number[] = [1];
  name('env', imports); name('memory', imports);
  if (sharedMaxPages === undefined) {
    imports.push(0x02, 0x00); uleb(minPages, imports);
  } else {
    imports.push(0x02, 0x03); uleb(minPages, imports); uleb(sharedMaxPages, imports);
  }
  section(2, imports, out);
  const fsec: number[] = [];
  uleb(funcs.length, fsec);
  funcs.forEach((_, i) => uleb(i, fsec));
  section(3, fsec, out);
  const exps: number[] = [];
  uleb(funcs.length, exps);
  funcs.forEach(({ name: n }, i) => { name(n, exps); exps.push(0x00); uleb(i, exps); });
  section(7, exps, out);
  const code: number[] = [];
  uleb(funcs.length, code);
  for (const { f } of funcs) for (const b of f.encode()) code.push(b);
  section(10, code, out);
  return new Uint8Array(out);
}
