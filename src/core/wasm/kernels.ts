/**
 * The MLP's dense-layer kernels in WebAssembly SIMD (f64x2), hand-assembled with builder.ts.
 *
 * Every kernel computes exactly the sums of its TypeScript twin in classify/mlp/ (dense.ts,
 * dropout.ts, train.ts), in the same order per output value: the SIMD lanes run over independent
 * outputs (units in the forward pass, inputs in the two backward kernels), never inside one sum,
 * and f64x2.mul/f64x2.add round like the scalar `*`/`+` (WebAssembly has no implicit FMA). So the results are bit-for-bit those of the
 * TypeScript kernels. Odd widths are handled by computing a full vector and storing only lane 0
 * (the other lane reads a neighbouring value of the same buffer, or its padding, and is dropped),
 * so every buffer handed to a kernel needs one spare float64 after its end: `F64Arena` adds it.
 *
 * All pointers and strides are byte offsets into the instance's memory.
 */
import { encodeModule, F64, FuncBuilder, I32, V128 } from './builder.ts';

type Store = 'full' | 'lane0' | { ifFull: () => void };

/**
 * forward(a, nIn, wt, ws, b, out, nOut, rows): out[r][j] = b[j] + Σ_i a[r][i]·wt[i][j], the sum
 * over i in order from the bias. wt is the kernel transposed ([in][out], row stride ws bytes,
 * ws ≥ 8·(nOut rounded up to even)), so a vector load takes two units' weights for one input.
 * Tiles of 4 rows × 2·VM units (VM = 2, 8 accumulators: ≈14–16 GFLOP/s on 256-row batches; VM =
 * 3 or 4 spill and measured slower), then 4 rows × 2, then single rows.
 */
function forwardFn(VM = 2): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, I32, I32, I32]);
  const [A, NIN, WT, WS, B, OUT, NOUT, ROWS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local(I32), j = f.local(I32), rowIn = f.local(I32), rowOut = f.local(I32);
  const pa = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const pw = f.local(I32), end = f.local(I32), pz = f.local(I32);
  const acc = Array.from({ length: 4 }, () => Array.from({ length: VM }, () => f.local(V128)));
  const w = Array.from({ length: VM }, () => f.local(V128)), x = f.local(V128);
  f.get(NIN).i32(3).shl().set(rowIn);
  f.get(NOUT).i32(3).shl().set(rowOut);

  const tile = (R: number, V: number, store: 'full' | 'runtime'): void => {
    f.get(A).get(r).get(rowIn).mul().add().set(pa[0]);
    for (let q = 1; q < R; q++) f.get(pa[q - 1]).get(rowIn).add().set(pa[q]);
    f.get(pa[0]).get(rowIn).add().set(end);
    f.get(WT).get(j).i32(3).shl().add().set(pw);
    for (let q = 0; q < R; q++) for (let v = 0; v < V; v++) f.get(B).get(j).i32(3).shl().add().vLoad(16 * v).set(acc[q][v]);
    f.block().loop();
    f.get(pa[0]).get(end).geS().brIf(1);
    for (let v = 0; v < V; v++) f.get(pw).vLoad(16 * v).set(w[v]);
    for (let q = 0; q < R; q++) {
      f.get(pa[q]).vLoadSplat().set(x);
      for (let v = 0; v < V; v++) f.get(acc[q][v]).get(x).get(w[v]).f64x2Mul().f64x2Add().set(acc[q][v]);
      f.get(pa[q]).i32(8).add().set(pa[q]);
    }
    f.get(pw).get(WS).add().set(pw);
    f.br(0).end().end();
    for (let q = 0; q < R; q++) {
      f.get(OUT).get(r).i32(q).add().get(rowOut).mul().add().get(j).i32(3).shl().add().set(pz);
      if (store === 'full') for (let v = 0; v < V; v++) f.get(pz).get(acc[q][v]).vStore(16 * v);
      else {
        f.get(j).i32(2).add().get(NOUT).leS().if_();
        f.get(pz).get(acc[q][0]).vStore();
        f.else_();
        f.get(pz).get(acc[q][0]).vStoreLane64(0);
        f.end();
      }
    }
  };
  const units = (R: number): void => {
    f.i32(0).set(j);
    f.block().loop();
    f.get(j).i32(2 * VM).add().get(NOUT).gtS().brIf(1); // j + 2·VM > nOut
    tile(R, VM, 'full');
    f.get(j).i32(2 * VM).add().set(j).br(0).end().end();
    f.block().loop();
    f.get(j).get(NOUT).geS().brIf(1);
    tile(R, 1, 'runtime');
    f.get(j).i32(2).add().set(j).br(0).end().end();
  };
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).i32(4).add().get(ROWS).gtS().brIf(1);
  units(4);
  f.get(r).i32(4).add().set(r).br(0).end().end();
  f.block().loop();
  f.get(r).get(ROWS).geS().brIf(1);
  units(1);
  f.get(r).i32(1).add().set(r).br(0).end().end();
  return f;
}

/**
 * gradWeights(a, nIn, dz, nOut, rows, g): g[j][i] += Σ_r dz[r][j]·a[r][i] (g is the layer's
 * kernel gradient, [out][in]), rows taken four at a time (g += d0·a0 + d1·a1 + d2·a2 + d3·a3, in
 * that order) and then one by one, as denseGradWeights does. Vectors run over i; the deltas of
 * 4 rows × UM units stay in registers while the inputs stream past (UM = 2; 3 and 4 measured the
 * same, ≈12–13 GFLOP/s).
 */
function gradWeightsFn(UM = 2): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, I32]);
  const [A, NIN, DZ, NOUT, ROWS, G] = [0, 1, 2, 3, 4, 5];
  const r = f.local(I32), j = f.local(I32), rowIn = f.local(I32), rowOut = f.local(I32), endV = f.local(I32);
  const pa = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const pg = Array.from({ length: UM }, () => f.local(I32));
  const d = Array.from({ length: 4 }, () => Array.from({ length: UM }, () => f.local(V128)));
  const x = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)], t = f.local(V128);
  f.get(NIN).i32(3).shl().set(rowIn);
  f.get(NOUT).i32(3).shl().set(rowOut);

  const body = (R: number, U: number, store: 'full' | 'lane0'): void => {
    for (let q = 0; q < R; q++) f.get(pa[q]).vLoad().set(x[q]);
    for (let u = 0; u < U; u++) {
      f.get(d[0][u]).get(x[0]).f64x2Mul().set(t);
      for (let q = 1; q < R; q++) f.get(t).get(d[q][u]).get(x[q]).f64x2Mul().f64x2Add().set(t);
      f.get(pg[u]);
      f.get(pg[u]).vLoad().get(t).f64x2Add();
      if (store === 'full') f.vStore(); else f.vStoreLane64(0);
    }
  };
  const rowTile = (R: number, U: number): void => {
    for (let q = 0; q < R; q++) for (let u = 0; u < U; u++) {
      f.get(DZ).get(r).i32(q).add().get(rowOut).mul().add().get(j).i32(3).shl().add().vLoadSplat(8 * u).set(d[q][u]);
    }
    f.get(A).get(r).get(rowIn).mul().add().set(pa[0]);
    for (let q = 1; q < R; q++) f.get(pa[q - 1]).get(rowIn).add().set(pa[q]);
    f.get(G).get(j).get(rowIn).mul().add().set(pg[0]);
    for (let u = 1; u < U; u++) f.get(pg[u - 1]).get(rowIn).add().set(pg[u]);
    f.get(pa[0]).get(NIN).i32(-2).and().i32(3).shl().add().set(endV);
    f.block().loop();
    f.get(pa[0]).get(endV).geS().brIf(1);
    body(R, U, 'full');
    for (let q = 0; q < R; q++) f.get(pa[q]).i32(16).add().set(pa[q]);
    for (let u = 0; u < U; u++) f.get(pg[u]).i32(16).add().set(pg[u]);
    f.br(0).end().end();
    f.get(NIN).i32(1).and().if_();
    body(R, U, 'lane0');
    f.end();
  };
  const rowsLoop = (U: number): void => {
    f.i32(0).set(r);
    f.block().loop();
    f.get(r).i32(4).add().get(ROWS).gtS().brIf(1);
    rowTile(4, U);
    f.get(r).i32(4).add().set(r).br(0).end().end();
    f.block().loop();
    f.get(r).get(ROWS).geS().brIf(1);
    rowTile(1, U);
    f.get(r).i32(1).add().set(r).br(0).end().end();
  };
  f.i32(0).set(j);
  f.block().loop();
  f.get(j).i32(UM).add().get(NOUT).gtS().brIf(1);
  rowsLoop(UM);
  f.get(j).i32(UM).add().set(j).br(0).end().end();
  f.block().loop();
  f.get(j).get(NOUT).geS().brIf(1);
  rowsLoop(1);
  f.get(j).i32(1).add().set(j).br(0).end().end();
  return f;
}

/**
 * gradInput(a, nIn, dz, nOut, rows, w, dp, keepScale): dp[r][i] = a[r][i] > 0 ?
 * keepScale·Σ_j dz[r][j]·w[j][i] : 0, the unit sum in groups of four (t += d0·w0 + d1·w1 + d2·w2 +
 * d3·w3) then the leftover units, as denseGradInput does. w is the kernel, [out][in]; vectors run
 * over i, tiles of 4 rows × 2·VM inputs (VM = 2 measured ≈10 % ahead of 1), then 4 rows × 2.
 */
function gradInputFn(VM = 2): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, I32, I32, F64]);
  const [A, NIN, DZ, NOUT, ROWS, W, DP, KS] = [0, 1, 2, 3, 4, 5, 6, 7];
  const r = f.local(I32), j = f.local(I32), rowIn = f.local(I32), rowOut = f.local(I32), pi = f.local(I32), endV = f.local(I32);
  const j4 = f.local(I32), pw = f.local(I32), delta = f.local(I32);
  const pa = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const pd = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const acc = Array.from({ length: 4 }, () => Array.from({ length: VM }, () => f.local(V128)));
  const w = Array.from({ length: 4 }, () => Array.from({ length: VM }, () => f.local(V128)));
  const t = Array.from({ length: VM }, () => f.local(V128)), ks = f.local(V128), dd = f.local(V128);
  f.get(NIN).i32(3).shl().set(rowIn);
  f.get(NOUT).i32(3).shl().set(rowOut);
  f.get(NOUT).i32(-4).and().set(j4);
  f.get(DP).get(A).sub().set(delta);
  f.get(KS).f64x2Splat().set(ks);
  f.get(NIN).i32(-2).and().i32(3).shl().set(endV);

  const body = (R: number, V: number, store: 'full' | 'lane0'): void => {
    for (let q = 0; q < R; q++) for (let v = 0; v < V; v++) f.vZero().set(acc[q][v]);
    f.get(W).get(pi).add().set(pw);
    f.get(DZ).get(r).get(rowOut).mul().add().set(pd[0]);
    for (let q = 1; q < R; q++) f.get(pd[q - 1]).get(rowOut).add().set(pd[q]);
    f.i32(0).set(j);
    f.block().loop();
    f.get(j).get(j4).geS().brIf(1);
    for (let u = 0; u < 4; u++) for (let v = 0; v < V; v++) {
      f.get(pw);
      if (u > 0) f.get(rowIn).i32(u).mul().add();
      f.vLoad(16 * v).set(w[u][v]);
    }
    for (let q = 0; q < R; q++) {
      for (let u = 0; u < 4; u++) {
        f.get(pd[q]).vLoadSplat(8 * u).set(dd);
        for (let v = 0; v < V; v++) {
          if (u === 0) f.get(dd).get(w[0][v]).f64x2Mul().set(t[v]);
          else f.get(t[v]).get(dd).get(w[u][v]).f64x2Mul().f64x2Add().set(t[v]);
        }
      }
      for (let v = 0; v < V; v++) f.get(acc[q][v]).get(t[v]).f64x2Add().set(acc[q][v]);
      f.get(pd[q]).i32(32).add().set(pd[q]);
    }
    f.get(pw).get(rowIn).i32(2).shl().add().set(pw);
    f.get(j).i32(4).add().set(j).br(0).end().end();
    f.block().loop();
    f.get(j).get(NOUT).geS().brIf(1);
    for (let v = 0; v < V; v++) f.get(pw).vLoad(16 * v).set(w[0][v]);
    for (let q = 0; q < R; q++) {
      f.get(pd[q]).vLoadSplat().set(dd);
      for (let v = 0; v < V; v++) f.get(acc[q][v]).get(dd).get(w[0][v]).f64x2Mul().f64x2Add().set(acc[q][v]);
      f.get(pd[q]).i32(8).add().set(pd[q]);
    }
    f.get(pw).get(rowIn).add().set(pw);
    f.get(j).i32(1).add().set(j).br(0).end().end();
    for (let q = 0; q < R; q++) for (let v = 0; v < V; v++) {
      f.get(pa[q]).get(pi).add().get(delta).add();
      f.get(acc[q][v]).get(ks).f64x2Mul();
      f.get(pa[q]).get(pi).add().vLoad(16 * v).vZero().f64x2Gt();
      f.vAnd();
      if (store === 'full') f.vStore(16 * v); else f.vStoreLane64(0, 16 * v);
    }
  };
  const rowTile = (R: number): void => {
    f.get(A).get(r).get(rowIn).mul().add().set(pa[0]);
    for (let q = 1; q < R; q++) f.get(pa[q - 1]).get(rowIn).add().set(pa[q]);
    f.i32(0).set(pi);
    if (VM > 1) {
      f.block().loop();
      f.get(pi).i32(16 * VM).add().get(endV).gtS().brIf(1);
      body(R, VM, 'full');
      f.get(pi).i32(16 * VM).add().set(pi).br(0).end().end();
    }
    f.block().loop();
    f.get(pi).get(endV).geS().brIf(1);
    body(R, 1, 'full');
    f.get(pi).i32(16).add().set(pi).br(0).end().end();
    f.get(NIN).i32(1).and().if_();
    body(R, 1, 'lane0');
    f.end();
  };
  f.i32(0).set(r);
  f.block().loop();
  f.get(r).i32(4).add().get(ROWS).gtS().brIf(1);
  rowTile(4);
  f.get(r).i32(4).add().set(r).br(0).end().end();
  f.block().loop();
  f.get(r).get(ROWS).geS().brIf(1);
  rowTile(1);
  f.get(r).i32(1).add().set(r).br(0).end().end();
  return f;
}

/**
 * dropoutRelu(z, len, p, keepScale, st, scratch): ReLU then inverted dropout in place, exactly
 * classify/mlp/dropout.ts' dropoutRelu: one xoshiro128** draw u (state: four i32 at st, advanced) per positive
 * value, in index order; z ← z·keepScale where z > 0 and u ≥ p, else 0. Branch-free, in three
 * passes so the generator's dependency chain stays short: count the positive values, draw that
 * many raw 32-bit outputs into scratch (int32, room for len + 1), then apply them in order to the
 * positive values (the read index advances by 1 per positive value; the product's bits are
 * and-ed with all ones or zero). A one-pass version keeping each new state under a bit mask
 * measured ≈20 % slower in isolation (3.4 vs 4.2 ns per value; within noise end to end); one
 * with selects ≈2.5× slower (V8 turned them into branches, which the random patterns mispredict).
 */
function dropoutReluFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, F64, F64, I32, I32]);
  const [Z, LEN, P, KS, ST, SCR] = [0, 1, 2, 3, 4, 5];
  const a = f.local(I32), b = f.local(I32), c = f.local(I32), d = f.local(I32), t = f.local(I32);
  const pz = f.local(I32), end = f.local(I32), cnt = f.local(I32), ps = f.local(I32), sEnd = f.local(I32), pos = f.local(I32), zi = f.local(F64);
  f.get(Z).get(LEN).i32(3).shl().add().set(end);
  // Pass 1: count.
  f.i32(0).set(cnt);
  f.get(Z).set(pz);
  f.block().loop();
  f.get(pz).get(end).geS().brIf(1);
  f.get(cnt).get(pz).f64Load().f64(0).f64Gt().add().set(cnt);
  f.get(pz).i32(8).add().set(pz).br(0).end().end();
  // Pass 2: draws.
  f.get(ST).i32Load(0).set(a).get(ST).i32Load(4).set(b).get(ST).i32Load(8).set(c).get(ST).i32Load(12).set(d);
  f.get(SCR).set(ps);
  f.get(SCR).get(cnt).i32(2).shl().add().set(sEnd);
  f.block().loop();
  f.get(ps).get(sEnd).geS().brIf(1);
  f.get(ps).get(b).i32(5).mul().i32(7).rotl().i32(9).mul().i32Store();
  f.get(b).i32(9).shl().set(t);
  f.get(c).get(a).xor().set(c);
  f.get(d).get(b).xor().set(d);
  f.get(b).get(c).xor().set(b);
  f.get(a).get(d).xor().set(a);
  f.get(c).get(t).xor().set(c);
  f.get(d).i32(11).rotl().set(d);
  f.get(ps).i32(4).add().set(ps).br(0).end().end();
  f.get(ST).get(a).i32Store(0).get(ST).get(b).i32Store(4).get(ST).get(c).i32Store(8).get(ST).get(d).i32Store(12);
  // Pass 3: apply.
  f.get(SCR).set(ps);
  f.get(Z).set(pz);
  f.block().loop();
  f.get(pz).get(end).geS().brIf(1);
  f.get(pz).f64Load().tee(zi).f64(0).f64Gt().set(pos);
  f.get(pz);
  f.get(zi).get(KS).f64Mul().i64ReinterpretF64();
  f.i64Zero().get(pos).get(ps).i32Load().f64ConvertI32U().f64(1 / 4294967296).f64Mul().get(P).f64Ge().and().i64ExtendI32U().i64Sub();
  f.i64And().f64ReinterpretI64();
  f.f64Store();
  f.get(ps).get(pos).i32(2).shl().add().set(ps);
  f.get(pz).i32(8).add().set(pz).br(0).end().end();
  return f;
}

/**
 * adam(th, g, m, v, n, alpha, c1, c2, eps): Keras' Adam step over n values (rounded up to even:
 * every buffer has its spare float64), m ← m + (g − m)·c1, v ← v + (g² − v)·c2,
 * θ ← θ − alpha·m / (√v + eps), each value exactly as classify/mlp/train.ts' scalar loop computes it.
 */
function adamFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32, F64, F64, F64, F64]);
  const [TH, G, M, V, N, ALPHA, C1, C2, EPS] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const o = f.local(I32), end = f.local(I32);
  const alpha = f.local(V128), c1 = f.local(V128), c2 = f.local(V128), eps = f.local(V128);
  const g = f.local(V128), mq = f.local(V128), vq = f.local(V128);
  f.get(ALPHA).f64x2Splat().set(alpha).get(C1).f64x2Splat().set(c1).get(C2).f64x2Splat().set(c2).get(EPS).f64x2Splat().set(eps);
  f.get(N).i32(3).shl().set(end);
  f.i32(0).set(o);
  f.block().loop();
  f.get(o).get(end).geS().brIf(1);
  f.get(G).get(o).add().vLoad().set(g);
  f.get(M).get(o).add().vLoad().set(mq);
  f.get(mq).get(g).get(mq).f64x2Sub().get(c1).f64x2Mul().f64x2Add().set(mq);
  f.get(V).get(o).add().vLoad().set(vq);
  f.get(vq).get(g).get(g).f64x2Mul().get(vq).f64x2Sub().get(c2).f64x2Mul().f64x2Add().set(vq);
  f.get(M).get(o).add().get(mq).vStore();
  f.get(V).get(o).add().get(vq).vStore();
  f.get(TH).get(o).add();
  f.get(TH).get(o).add().vLoad();
  f.get(alpha).get(mq).f64x2Mul().get(vq).f64x2Sqrt().get(eps).f64x2Add().f64x2Div();
  f.f64x2Sub().vStore();
  f.get(o).i32(16).add().set(o).br(0).end().end();
  return f;
}

/**
 * gradBias(dz, nOut, rows, gb): gb[j] += Σ_r dz[r][j], rows in order (as denseGradBias), two
 * units per vector with the running sums in a register.
 */
function gradBiasFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32]);
  const [DZ, NOUT, ROWS, GB] = [0, 1, 2, 3];
  const j = f.local(I32), pd = f.local(I32), end = f.local(I32), rowOut = f.local(I32), acc = f.local(V128);
  f.get(NOUT).i32(3).shl().set(rowOut);
  f.i32(0).set(j);
  f.block().loop();
  f.get(j).get(NOUT).geS().brIf(1);
  f.get(GB).get(j).i32(3).shl().add().vLoad().set(acc);
  f.get(DZ).get(j).i32(3).shl().add().set(pd);
  f.get(pd).get(ROWS).get(rowOut).mul().add().set(end);
  f.block().loop();
  f.get(pd).get(end).geS().brIf(1);
  f.get(acc).get(pd).vLoad().f64x2Add().set(acc);
  f.get(pd).get(rowOut).add().set(pd).br(0).end().end();
  f.get(GB).get(j).i32(3).shl().add().set(pd);
  f.get(j).i32(2).add().get(NOUT).leS().if_();
  f.get(pd).get(acc).vStore();
  f.else_();
  f.get(pd).get(acc).vStoreLane64(0);
  f.end();
  f.get(j).i32(2).add().set(j).br(0).end().end();
  return f;
}

/** transpose(w, nIn, nOut, wt, ws): wt[i][j] = w[j][i], wt's rows ws bytes apart. */
function transposeFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32]);
  const [W, NIN, NOUT, WT, WS] = [0, 1, 2, 3, 4];
  const pw = f.local(I32), end = f.local(I32), col = f.local(I32), colEnd = f.local(I32), pt = f.local(I32);
  f.get(W).set(pw);
  f.get(WT).set(col);
  f.get(WT).get(NOUT).i32(3).shl().add().set(colEnd);
  f.block().loop();
  f.get(col).get(colEnd).geS().brIf(1);
  f.get(col).set(pt);
  f.get(pw).get(NIN).i32(3).shl().add().set(end);
  f.block().loop();
  f.get(pw).get(end).geS().brIf(1);
  f.get(pt).get(pw).f64Load().f64Store();
  f.get(pw).i32(8).add().set(pw);
  f.get(pt).get(WS).add().set(pt).br(0).end().end();
  f.get(col).i32(8).add().set(col).br(0).end().end();
  return f;
}

/** relu(z, len): z ← z < 0 ? 0 : z in place (classify/mlp/dense.ts' reluInPlace), two values per pmax. */
function reluFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32]);
  const [Z, LEN] = [0, 1];
  const pz = f.local(I32), endV = f.local(I32);
  f.get(Z).set(pz);
  f.get(Z).get(LEN).i32(-2).and().i32(3).shl().add().set(endV);
  f.block().loop();
  f.get(pz).get(endV).geS().brIf(1);
  f.get(pz).get(pz).vLoad().vZero().f64x2Pmax().vStore();
  f.get(pz).i32(16).add().set(pz).br(0).end().end();
  f.get(LEN).i32(1).and().if_();
  f.get(pz).get(pz).vLoad().vZero().f64x2Pmax().vStoreLane64(0);
  f.end();
  return f;
}

/**
 * gather(x, d, order, rows, dst): dst[r] = x[order[r]] for rows r (d float64 each); order holds
 * int32 row indices. Two values per vector copy; an odd last value copied alone.
 */
function gatherFn(): FuncBuilder {
  const f = new FuncBuilder([I32, I32, I32, I32, I32]);
  const [X, D, ORDER, ROWS, DST] = [0, 1, 2, 3, 4];
  const po = f.local(I32), oEnd = f.local(I32), src = f.local(I32), pd = f.local(I32), row = f.local(I32), k = f.local(I32), kV = f.local(I32);
  f.get(D).i32(3).shl().set(row);
  f.get(D).i32(-2).and().i32(3).shl().set(kV);
  f.get(ORDER).set(po);
  f.get(ORDER).get(ROWS).i32(2).shl().add().set(oEnd);
  f.get(DST).set(pd);
  f.block().loop();
  f.get(po).get(oEnd).geS().brIf(1);
  f.get(X).get(po).i32Load().get(row).mul().add().set(src);
  f.i32(0).set(k);
  f.block().loop();
  f.get(k).get(kV).geS().brIf(1);
  f.get(pd).get(k).add().get(src).get(k).add().vLoad().vStore();
  f.get(k).i32(16).add().set(k).br(0).end().end();
  f.get(D).i32(1).and().if_();
  f.get(pd).get(kV).add().get(src).get(kV).add().f64Load().f64Store();
  f.end();
  f.get(pd).get(row).add().set(pd);
  f.get(po).i32(4).add().set(po).br(0).end().end();
  return f;
}

export interface WasmKernels {
  readonly memory: WebAssembly.Memory;
  forward(a: number, nIn: number, wt: number, ws: number, b: number, out: number, nOut: number, rows: number): void;
  gradWeights(a: number, nIn: number, dz: number, nOut: number, rows: number, g: number): void;
  gradInput(a: number, nIn: number, dz: number, nOut: number, rows: number, w: number, dp: number, keepScale: number): void;
  gradBias(dz: number, nOut: number, rows: number, gb: number): void;
  transpose(w: number, nIn: number, nOut: number, wt: number, ws: number): void;
  relu(z: number, len: number): void;
  gather(x: number, d: number, order: number, rows: number, dst: number): void;
  dropoutRelu(z: number, len: number, p: number, keepScale: number, state: number, scratch: number): void;
  adam(th: number, g: number, m: number, v: number, n: number, alpha: number, c1: number, c2: number, eps: number): void;
}

/** The kernels' module binary. */
export function kernelBytes(tiles: { forward?: number; gradWeights?: number; gradInput?: number } = {}): Uint8Array<ArrayBuffer> {
  return encodeModule([
    { name: 'forward', f: forwardFn(tiles.forward) },
    { name: 'gradWeights', f: gradWeightsFn(tiles.gradWeights) },
    { name: 'gradInput', f: gradInputFn(tiles.gradInput) },
    { name: 'dropoutRelu', f: dropoutReluFn() },
    { name: 'adam', f: adamFn() },
    { name: 'gradBias', f: gradBiasFn() },
    { name: 'transpose', f: transposeFn() },
    { name: 'relu', f: reluFn() },
    { name: 'gather', f: gatherFn() },
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * The kernel module, compiled once; null when this runtime has no WebAssembly or no SIMD (the
 * module then fails validation).
 */
function kernelModule(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  const bytes = kernelBytes();
  compiled = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  return compiled;
}

/** Whether the WebAssembly SIMD kernels can run here (feature-tested once). */
export function wasmSimdAvailable(): boolean {
  return kernelModule() !== null;
}

/**
 * A linear memory of at least `bytes` bytes with the kernels bound to it, or null without
 * WebAssembly SIMD (or for 2 GiB and more). Allocate float64 buffers in it with F64Arena.
 */
export function instantiateKernels(bytes: number): WasmKernels | null {
  const mod = kernelModule();
  if (!mod) return null;
  // Pointers are compared as signed i32, so the memory stays below 2 GiB; past that, or when the
  // runtime cannot allocate it, the caller falls back to TypeScript.
  if (!(bytes < 2 ** 31 - 65536)) return null;
  const pages = Math.max(1, Math.ceil(bytes / 65536));
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages });
  } catch {
    return null;
  }
  const inst = new WebAssembly.Instance(mod, { env: { memory } });
  const e = inst.exports as unknown as Omit<WasmKernels, 'memory'>;
  return { memory, forward: e.forward, gradWeights: e.gradWeights, gradInput: e.gradInput, dropoutRelu: e.dropoutRelu, adam: e.adam,
    gradBias: e.gradBias, transpose: e.transpose, relu: e.relu, gather: e.gather };
}

/** Bump allocator of float64 arrays (16-byte aligned, one spare zero float64 after each). */
export class F64Arena {
  private next = 16;
  /** Bytes needed for arrays of these lengths. */
  static bytesFor(lengths: readonly number[]): number {
    return lengths.reduce((s, n) => s + F64Arena.size(n), 16);
  }
  private static size(n: number): number { return (((n + 1) * 8 + 15) >> 4) << 4; }
  constructor(private readonly memory: WebAssembly.Memory) {}
  /** n int32 values (in a float64-sized, 16-byte aligned slot). */
  allocI32(n: number): Int32Array {
    const view = new Int32Array(this.memory.buffer, this.next, n);
    this.next += F64Arena.size((n + 1) >> 1);
    if (this.next > this.memory.buffer.byteLength) throw new Error('F64Arena: out of memory');
    return view;
  }
  alloc(n: number): Float64Array {
    const view = new Float64Array(this.memory.buffer, this.next, n);
    this.next += F64Arena.size(n);
    if (this.next > this.memory.buffer.byteLength) throw new Error('F64Arena: out of memory');
    return view;
  }
}
