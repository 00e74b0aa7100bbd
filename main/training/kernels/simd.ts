// A few WebAssembly SIMD loops for the wasm backend, assembled here at run time (no toolchain in
// the build) into a small module that imports tfjs-backend-wasm's own memory, so they read and
// write tensors in place. They cover what XNNPACK, as tfjs 4.22 exposes it, does badly in
// training: a product A^T B of two row-major operands sharing their long axis (a filter gradient:
// XNNPACK would first transpose or repack all of dy), the im2col matrix feeding it, and the
// max-pooling gradient. The product runs at about the speed of XNNPACK's own convolutions (the
// same 4 x 8 register tiles of splat-multiply-add). Nothing here checks bounds: each caller checks
// that the tensors it passes have the sizes the loops will walk, and takes its other path when
// this returns null (no SIMD in this WebAssembly engine, or a tfjs build whose memory is hidden).

/** The exported loops; pointers are byte offsets into the wasm heap. */
export interface SimdKernels {
  /**
   * out[taps, co] += A[rows, taps]^T B[rows, co] for row-major A and B (co a multiple of 4), in
   * blocks of rows that stay in cache and tiles of 4 x 8; strides in bytes.
   */
  atb(a: number, b: number, out: number, rows: number, taps: number, co: number, aStride: number, bStride: number, outStride: number): void;
  /**
   * The im2col matrix of `images` NHWC images of H x W x C (strides sh, sw; top/left padding):
   * one row of kh*kw*C floats per output pixel, zero where a tap falls outside the image.
   */
  im2col(x: number, out: number, images: number, H: number, W: number, C: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  /** c[rows, N] = a[rows, K] b[K, N] for row-major operands (N a multiple of 4); strides in bytes. */
  ab(a: number, b: number, c: number, rows: number, K: number, N: number, aStride: number, bStride: number, cStride: number): void;
  /** The transpose of im2col (C a multiple of 4): adds each row's taps back into a zeroed dx. */
  col2im(cols: number, dx: number, images: number, H: number, W: number, C: number, oh: number, ow: number, kh: number, kw: number, sh: number, sw: number, top: number, left: number): void;
  /**
   * One output row of 2x2 / stride 2 max-pool gradients over `cols` windows of `c4` x 4 channels:
   * each dy value goes to its window's first maximum, the other three get 0.
   */
  maxPoolGrad2x2Row(x0: number, x1: number, dy: number, dx0: number, dx1: number, cols: number, c4: number): void;
}

const I32 = 0x7f;
const V128 = 0x7b;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const str = (s: string): number[] => [...uleb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];

/** A function body under construction: a thin emitter over the instructions these loops use. */
class Body {
  readonly code: number[] = [];
  readonly locals: number[] = [];
  constructor(readonly params: number) {}
  local(type: number): number {
    this.locals.push(type);
    return this.params + this.locals.length - 1;
  }
  get(i: number): this { return this.op(0x20, ...uleb(i)); }
  set(i: number): this { return this.op(0x21, ...uleb(i)); }
  i32(n: number): this { return this.op(0x41, ...sleb(n)); }
  add(): this { return this.op(0x6a); }
  sub(): this { return this.op(0x6b); }
  mul(): this { return this.op(0x6c); }
  /** local[i] += n */
  bump(i: number, n: number | { local: number }): this {
    this.get(i);
    if (typeof n === 'number') this.i32(n);
    else this.get(n.local);
    return this.add().set(i);
  }
  simd(opcode: number, ...imm: number[]): this { return this.op(0xfd, ...uleb(opcode), ...imm); }
  /** v128.load / v128.store with a constant byte offset (alignment hint 1 = none assumed). */
  load(offset = 0): this { return this.simd(0x00, 0, ...uleb(offset)); }
  store(offset = 0): this { return this.simd(0x0b, 0, ...uleb(offset)); }
  loadSplat(offset = 0): this { return this.simd(0x09, 0, ...uleb(offset)); }
  op(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  /** for (local[i] = 0; local[i] < local[limit]; local[i] += step) body */
  forUp(i: number, limit: number, step: number, body: () => void): this {
    this.i32(0).set(i);
    this.op(0x02, 0x40, 0x03, 0x40);
    this.get(i).get(limit).op(0x4e, 0x0d, 1); // i32.ge_s, br_if 1
    body();
    this.bump(i, step);
    this.op(0x0c, 0, 0x0b, 0x0b);
    return this;
  }
  /** Pushes min(local[a], local[b] or constant) (signed). */
  min(a: number, b: { local: number } | number): this {
    const pushB = (): void => void (typeof b === 'number' ? this.i32(b) : this.get(b.local));
    this.get(a);
    pushB();
    this.get(a);
    pushB();
    return this.op(0x48, 0x1b); // i32.lt_s, select
  }
  /** if (popped i32) { then } */
  when(then: () => void): this {
    this.op(0x04, 0x40);
    then();
    return this.op(0x0b);
  }
  /** while (local[counter] > 0) { body; local[counter]-- } */
  countdown(counter: number, body: () => void): this {
    this.op(0x02, 0x40, 0x03, 0x40); // block, loop
    this.get(counter).op(0x45, 0x0d, 1); // i32.eqz, br_if 1 (out of the block)
    body();
    this.bump(counter, -1);
    this.op(0x0c, 0, 0x0b, 0x0b); // br 0 (the loop), end loop, end block
    return this;
  }
  encode(): number[] {
    const groups = this.locals.map((t) => [1, t]);
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

const F32X4 = { add: 0xe4, mul: 0xe6, gt: 0x44 } as const;
const V = { and: 0x4e, andnot: 0x4f, or: 0x50, bitselect: 0x52 } as const;

function atbTileBody(tileRows: number, vecs: number): Body {
  // params: a, b, out, rows, aStride, bStride, outStride
  const f = new Body(7);
  const [a, b, out, rows, aStride, bStride, outStride] = [0, 1, 2, 3, 4, 5, 6];
  const acc: number[][] = [];
  const bv: number[] = [];
  const rowPtr: number[] = [];
  for (let t = 0; t < tileRows; t++) {
    rowPtr.push(f.local(I32));
    acc.push(Array.from({ length: vecs }, () => f.local(V128)));
  }
  for (let v = 0; v < vecs; v++) bv.push(f.local(V128));
  const s = f.local(V128);
  for (let t = 0; t < tileRows; t++) {
    f.get(out).get(outStride).i32(t).mul().add().set(rowPtr[t]!);
    for (let v = 0; v < vecs; v++) f.get(rowPtr[t]!).load(16 * v).set(acc[t]![v]!);
  }
  f.countdown(rows, () => {
    for (let v = 0; v < vecs; v++) f.get(b).load(16 * v).set(bv[v]!);
    for (let t = 0; t < tileRows; t++) {
      f.get(a).loadSplat(4 * t).set(s);
      for (let v = 0; v < vecs; v++) f.get(acc[t]![v]!).get(s).get(bv[v]!).simd(F32X4.mul).simd(F32X4.add).set(acc[t]![v]!);
    }
    f.bump(a, { local: aStride }).bump(b, { local: bStride });
  });
  for (let t = 0; t < tileRows; t++) for (let v = 0; v < vecs; v++) f.get(rowPtr[t]!).get(acc[t]![v]!).store(16 * v);
  return f;
}

/** Rows of A and B per pass over all tiles: 256 rows of up to a few hundred floats stay in cache. */
const ATB_BLOCK = 256;

function atbBody(tileIndex: (t: number, v: number) => number, TR: number, TV: number): Body {
  // params: a, b, out, rows, taps, co, aStride, bStride, outStride. out[taps, co] += A[rows, taps]^T B[rows, co]
  // over blocks of rows, tiles of up to TR taps x 4*TV channels (co a multiple of 4).
  const f = new Body(9);
  const [a, b, out, rows, taps, co, aStride, bStride, outStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r0, n, t0, T, c0, Vn, rest] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.forUp(r0, rows, ATB_BLOCK, () => {
    f.get(rows).get(r0).sub().set(rest);
    f.min(rest, ATB_BLOCK).set(n);
    // Taps in tiles of up to TR, balanced (9 taps: 3 + 3 + 3, not 4 + 4 + 1, whose last tile
    // would load two vectors of B for each single splat of A).
    f.i32(0).set(t0);
    f.op(0x02, 0x40, 0x03, 0x40).get(t0).get(taps).op(0x4e, 0x0d, 1);
    {
      f.get(taps).get(t0).sub().set(rest);
      f.get(rest).i32(TR - 1).add().i32(TR).op(0x6e).set(T); // tiles left = ceil(rest / TR)
      f.get(rest).get(T).add().i32(1).sub().get(T).op(0x6e).set(T); // T = ceil(rest / tiles left)
      f.forUp(c0, co, 4 * TV, () => {
        f.get(co).get(c0).sub().i32(2).op(0x76).set(rest); // (co - c0) >> 2 vectors left
        f.min(rest, TV).set(Vn);
        for (let t = 1; t <= TR; t++) {
          for (let v = 1; v <= TV; v++) {
            f.get(T).i32(t).op(0x46).get(Vn).i32(v).op(0x46).op(0x71); // T == t && Vn == v
            f.when(() => {
              f.get(a).get(r0).get(aStride).mul().add().get(t0).i32(4).mul().add();
              f.get(b).get(r0).get(bStride).mul().add().get(c0).i32(4).mul().add();
              f.get(out).get(t0).get(outStride).mul().add().get(c0).i32(4).mul().add();
              f.get(n).get(aStride).get(bStride).get(outStride).op(0x10, ...uleb(tileIndex(t, v)));
            });
          }
        }
      });
      f.get(t0).get(T).add().set(t0);
      f.op(0x0c, 0, 0x0b, 0x0b);
    }
  });
  return f;
}

function im2colBody(): Body {
  // params: x, out, images, H, W, C, oh, ow, kh, kw, sh, sw, top, left. Row (b, i, j) of out holds
  // x[b, i*sh + p - top, j*sw + r - left, c] for taps (p, r, c) in order, zero outside the image.
  const f = new Body(14);
  const [x, out, images, H, W, C, oh, ow, kh, kw, sh, sw, top, left] = Array.from({ length: 14 }, (_, i) => i) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const [b, i, j, p, r, h, w, o, k, src, cb, cb16] = Array.from({ length: 12 }, () => f.local(I32)) as [number, number, number, number, number, number, number, number, number, number, number, number];
  f.get(out).set(o);
  f.get(C).i32(4).mul().set(cb); // bytes per pixel
  f.get(cb).i32(-16).op(0x71).set(cb16); // whole vectors of them
  f.forUp(b, images, 1, () => {
    f.forUp(i, oh, 1, () => {
      f.forUp(j, ow, 1, () => {
        f.forUp(p, kh, 1, () => {
          f.get(i).get(sh).mul().get(p).add().get(top).sub().set(h);
          f.forUp(r, kw, 1, () => {
            f.get(j).get(sw).mul().get(r).add().get(left).sub().set(w);
            f.get(h).get(H).op(0x49).get(w).get(W).op(0x49).op(0x71); // (h <u H) & (w <u W)
            f.op(0x04, 0x40); // if inside: copy the pixel's channels
            f.get(b).get(H).mul().get(h).add().get(W).mul().get(w).add().get(cb).mul().get(x).add().set(src);
            f.forUp(k, cb16, 16, () => void f.get(o).get(k).add().get(src).get(k).add().load().store());
            f.get(cb16).set(k);
            f.op(0x02, 0x40, 0x03, 0x40).get(k).get(cb).op(0x4e, 0x0d, 1);
            f.get(o).get(k).add().get(src).get(k).add().op(0x2a, 2, 0).op(0x38, 2, 0); // f32.load, f32.store
            f.bump(k, 4).op(0x0c, 0, 0x0b, 0x0b);
            f.op(0x05); // else: zeros
            f.get(o).i32(0).get(cb).op(0xfc, 0x0b, 0x00); // memory.fill
            f.op(0x0b);
            f.bump(o, { local: cb });
          });
        });
      });
    });
  });
  return f;
}

function abTileBody(tileRows: number, vecs: number): Body {
  // params: a, b, c, K, aStride, bStride, cStride. c[t, v*4 ..] = sum over k of a[t, k] * b[k, v*4 ..]
  // for a tile of `tileRows` rows of a and c by `vecs` vectors of 4 columns.
  const f = new Body(7);
  const [a, b, c, K, aStride, bStride, cStride] = [0, 1, 2, 3, 4, 5, 6];
  const rowPtr = Array.from({ length: tileRows }, () => f.local(I32));
  const acc = Array.from({ length: tileRows }, () => Array.from({ length: vecs }, () => f.local(V128)));
  const bv = Array.from({ length: vecs }, () => f.local(V128));
  const s = f.local(V128);
  for (let t = 0; t < tileRows; t++) f.get(a).get(aStride).i32(t).mul().add().set(rowPtr[t]!);
  f.countdown(K, () => {
    for (let v = 0; v < vecs; v++) f.get(b).load(16 * v).set(bv[v]!);
    for (let t = 0; t < tileRows; t++) {
      f.get(rowPtr[t]!).loadSplat().set(s);
      for (let v = 0; v < vecs; v++) f.get(acc[t]![v]!).get(s).get(bv[v]!).simd(F32X4.mul).simd(F32X4.add).set(acc[t]![v]!);
      f.bump(rowPtr[t]!, 4);
    }
    f.bump(b, { local: bStride });
  });
  for (let t = 0; t < tileRows; t++) for (let v = 0; v < vecs; v++) f.get(c).get(cStride).i32(t).mul().add().get(acc[t]![v]!).store(16 * v);
  return f;
}

/** Rows of A per pass over all column tiles of C = A B: 64 rows of up to a few hundred floats stay in cache. */
const AB_BLOCK = 64;

function abBody(tileIndex: (t: number, v: number) => number, TR: number, TV: number): Body {
  // params: a, b, c, rows, K, N, aStride, bStride, cStride. c[rows, N] = a[rows, K] b[K, N] (N a multiple of 4).
  const f = new Body(9);
  const [a, b, c, rows, K, N, aStride, bStride, cStride] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [r0, end, c0, Vn, r, T, rest] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  f.forUp(r0, rows, AB_BLOCK, () => {
    f.get(r0).i32(AB_BLOCK).add().set(end);
    f.min(end, { local: rows }).set(end);
    f.forUp(c0, N, 4 * TV, () => {
      f.get(N).get(c0).sub().i32(2).op(0x76).set(rest);
      f.min(rest, TV).set(Vn);
      f.get(r0).set(r);
      f.op(0x02, 0x40, 0x03, 0x40).get(r).get(end).op(0x4e, 0x0d, 1); // while (r < end)
      f.get(end).get(r).sub().set(rest);
      f.min(rest, TR).set(T);
      for (let t = 1; t <= TR; t++) {
        for (let v = 1; v <= TV; v++) {
          f.get(T).i32(t).op(0x46).get(Vn).i32(v).op(0x46).op(0x71);
          f.when(() => {
            f.get(a).get(r).get(aStride).mul().add();
            f.get(b).get(c0).i32(4).mul().add();
            f.get(c).get(r).get(cStride).mul().add().get(c0).i32(4).mul().add();
            f.get(K).get(aStride).get(bStride).get(cStride).op(0x10, ...uleb(tileIndex(t, v)));
          });
        }
      }
      f.bump(r, TR).op(0x0c, 0, 0x0b, 0x0b);
    });
  });
  return f;
}

function col2imBody(): Body {
  // params: cols, dx, images, H, W, C, oh, ow, kh, kw, sh, sw, top, left (C a multiple of 4): the
  // transpose of im2col, dx[b, i*sh + p - top, j*sw + r - left, c] += cols[(b, i, j), (p, r, c)]
  // over taps inside the image. dx must start zeroed.
  const f = new Body(14);
  const [cols, dx, images, H, W, C, oh, ow, kh, kw, sh, sw, top, left] = Array.from({ length: 14 }, (_, i) => i) as [number, number, number, number, number, number, number, number, number, number, number, number, number, number];
  const [b, i, j, p, r, h, w, o, k, dst, cb] = Array.from({ length: 11 }, () => f.local(I32)) as [number, number, number, number, number, number, number, number, number, number, number];
  f.get(cols).set(o);
  f.get(C).i32(4).mul().set(cb);
  f.forUp(b, images, 1, () => {
    f.forUp(i, oh, 1, () => {
      f.forUp(j, ow, 1, () => {
        f.forUp(p, kh, 1, () => {
          f.get(i).get(sh).mul().get(p).add().get(top).sub().set(h);
          f.forUp(r, kw, 1, () => {
            f.get(j).get(sw).mul().get(r).add().get(left).sub().set(w);
            f.get(h).get(H).op(0x49).get(w).get(W).op(0x49).op(0x71);
            f.when(() => {
              f.get(b).get(H).mul().get(h).add().get(W).mul().get(w).add().get(cb).mul().get(dx).add().set(dst);
              f.forUp(k, cb, 16, () => void f.get(dst).get(k).add().get(dst).get(k).add().load().get(o).get(k).add().load().simd(F32X4.add).store());
            });
            f.bump(o, { local: cb });
          });
        });
      });
    });
  });
  return f;
}

function maxPoolGrad2x2Body(): Body {
  // params: x0, x1, dy, dx0, dx1, cols, c4. Per window and 4 channels, the cpu backend's rule:
  // m = -inf; for each candidate in row-major order, if (v > m) { m = v; winner = it }.
  const f = new Body(7);
  const [x0, x1, dy, dx0, dx1, cols, c4] = [0, 1, 2, 3, 4, 5, 6];
  const n = f.local(I32);
  const step = f.local(I32); // bytes from a window's left column to its right one: c4 * 16
  const v128 = (): number => f.local(V128);
  const [va, vb, vc, vd, m, ga, gb, gc, gd, g] = [v128(), v128(), v128(), v128(), v128(), v128(), v128(), v128(), v128(), v128()];
  const negInf = [0x00, 0x00, 0x80, 0xff];
  f.get(c4).i32(16).mul().set(step);
  f.countdown(cols, () => {
    f.get(c4).set(n);
    f.countdown(n, () => {
      f.get(x0).load().set(va).get(x0).get(step).add().load().set(vb);
      f.get(x1).load().set(vc).get(x1).get(step).add().load().set(vd);
      f.get(dy).load().set(g);
      // ga = a > -inf; m = ga ? a : -inf; gb = b > m; m = gb ? b : m; ...
      f.get(va).simd(0x0c, ...negInf, ...negInf, ...negInf, ...negInf).simd(F32X4.gt).set(ga);
      f.get(va).simd(0x0c, ...negInf, ...negInf, ...negInf, ...negInf).get(ga).simd(V.bitselect).set(m);
      f.get(vb).get(m).simd(F32X4.gt).set(gb);
      f.get(vb).get(m).get(gb).simd(V.bitselect).set(m);
      f.get(vc).get(m).simd(F32X4.gt).set(gc);
      f.get(vc).get(m).get(gc).simd(V.bitselect).set(m);
      f.get(vd).get(m).simd(F32X4.gt).set(gd);
      // The last candidate that beat the running maximum wins.
      f.get(dx1).get(step).add().get(g).get(gd).simd(V.and).store();
      f.get(gc).get(gd).simd(V.andnot).set(gc); // gc & ~gd
      f.get(dx1).get(g).get(gc).simd(V.and).store();
      f.get(gb).get(gc).get(gd).simd(V.or).simd(V.andnot).set(gb); // gb & ~(gc' | gd)
      f.get(dx0).get(step).add().get(g).get(gb).simd(V.and).store();
      f.get(ga).get(gb).get(gc).simd(V.or).get(gd).simd(V.or).simd(V.andnot).set(ga);
      f.get(dx0).get(g).get(ga).simd(V.and).store();
      for (const p of [x0, x1, dx0, dx1]) f.bump(p, 16);
      f.bump(dy, 16);
    });
    // Past this window's right column to the next window's left one.
    for (const p of [x0, x1, dx0, dx1]) f.bump(p, { local: step });
  });
  return f;
}

function assemble(TR: number, TV: number): Uint8Array<ArrayBuffer> {
  const fns: { name: string; body: Body; params: number }[] = [];
  for (let t = 1; t <= TR; t++) for (let v = 1; v <= TV; v++) fns.push({ name: `atb${t}x${v}`, body: atbTileBody(t, v), params: 7 });
  fns.push({ name: 'atb', body: atbBody((t, v) => (t - 1) * TV + (v - 1), TR, TV), params: 9 });
  fns.push({ name: 'im2col', body: im2colBody(), params: 14 });
  const abFirst = fns.length;
  for (let t = 1; t <= TR; t++) for (let v = 1; v <= TV; v++) fns.push({ name: `ab${t}x${v}`, body: abTileBody(t, v), params: 7 });
  fns.push({ name: 'ab', body: abBody((t, v) => abFirst + (t - 1) * TV + (v - 1), TR, TV), params: 9 });
  fns.push({ name: 'col2im', body: col2imBody(), params: 14 });
  fns.push({ name: 'maxPoolGrad2x2Row', body: maxPoolGrad2x2Body(), params: 7 });
  const arities = [...new Set(fns.map((f) => f.params))];
  const types = vec(arities.map((n) => [0x60, ...vec(Array.from({ length: n }, () => [I32])), 0]));
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]);
  const funcs = vec(fns.map((f) => uleb(arities.indexOf(f.params))));
  const exports = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const code = vec(fns.map((f) => f.body.encode()));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
}

/** Register tile of the products: rows x vectors of 4 (4 x 8 floats: 8 accumulators, 2 operand vectors, 1 splat). */
const TILE = { rows: 4, vecs: 2 };

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

function bind(module: WebAssembly.Module, memory: WebAssembly.Memory): SimdKernels {
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
  return { atb: e.atb!, im2col: e.im2col!, ab: e.ab!, col2im: e.col2im!, maxPoolGrad2x2Row: e.maxPoolGrad2x2Row! };
}

let enabled = true;

/** Turns the SIMD paths off (kernels take their XNNPACK/JS formulations), to measure or test those. */
export function setSimdKernelsEnabled(on: boolean): void {
  enabled = on;
}

/** The loops bound to the memory of this tfjs-backend-wasm instance, or null where that cannot work. */
export function simdKernels(backend: unknown): SimdKernels | null {
  if (!enabled) return null;
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } } | undefined)?.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  if (compiled === undefined) {
    const bytes = assemble(TILE.rows, TILE.vecs);
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (!compiled) return null;
  const kernels = bind(compiled, memory);
  instances.set(memory, kernels);
  return kernels;
}
