// A few WebAssembly SIMD loops for the wasm backend, assembled here at run time (no toolchain in
// the build) into a small module that imports tfjs-backend-wasm's own memory, so they read and
// write tensors in place. They cover what XNNPACK, as tfjs 4.22 exposes it, does badly in
// training: a product A^T B of two row-major operands sharing their long axis (a first layer's
// filter gradient: XNNPACK would first repack or transpose millions of values for a 9 x 32
// result) and the max-pooling gradient. Each caller checks every pointer range against the
// tensors it owns before calling in, and falls back to its other path when this returns null
// (no SIMD in this WebAssembly engine, or a tfjs build whose memory is not reachable).

/** The exported loops; pointers are byte offsets into the wasm heap. */
export interface SimdKernels {
  /**
   * out[t, v*4 .. v*4+3] += sum over rows of a[row, t] * b[row, v*4 ..] for a tile of `rows` x
   * `tileRows` (1..4) by `vecs` (1..2) vectors of 4 floats; strides in bytes.
   */
  atbTile(tileRows: number, vecs: number, a: number, b: number, out: number, rows: number, aStride: number, bStride: number, outStride: number): void;
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

function assemble(): { bytes: Uint8Array<ArrayBuffer>; names: string[] } {
  const fns: { name: string; body: Body; params: number }[] = [];
  for (let t = 1; t <= 4; t++) for (let v = 1; v <= 2; v++) fns.push({ name: `atb${t}x${v}`, body: atbTileBody(t, v), params: 7 });
  fns.push({ name: 'maxPoolGrad2x2Row', body: maxPoolGrad2x2Body(), params: 7 });
  const types = vec([[0x60, ...vec(Array.from({ length: 7 }, () => [I32])), 0]]);
  const imports = vec([[...str('env'), ...str('memory'), 0x02, 0x00, 0x00]]);
  const funcs = vec(fns.map(() => [0]));
  const exports = vec(fns.map((f, i) => [...str(f.name), 0x00, ...uleb(i)]));
  const code = vec(fns.map((f) => f.body.encode()));
  const bytes = new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, types), ...section(2, imports), ...section(3, funcs), ...section(7, exports), ...section(10, code)]);
  return { bytes, names: fns.map((f) => f.name) };
}

let compiled: WebAssembly.Module | null | undefined;
const instances = new WeakMap<WebAssembly.Memory, SimdKernels>();

/** The loops bound to the memory of this tfjs-backend-wasm instance, or null where that cannot work. */
export function simdKernels(backend: unknown): SimdKernels | null {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } } | undefined)?.wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  const cached = instances.get(memory);
  if (cached) return cached;
  if (compiled === undefined) {
    const { bytes } = assemble();
    compiled = WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
  }
  if (!compiled) return null;
  const e = new WebAssembly.Instance(compiled, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
  const atb = [1, 2, 3, 4].map((t) => [1, 2].map((v) => e[`atb${t}x${v}`]!));
  const kernels: SimdKernels = {
    atbTile: (tileRows, vecs, a, b, out, rows, aStride, bStride, outStride) => atb[tileRows - 1]![vecs - 1]!(a, b, out, rows, aStride, bStride, outStride),
    maxPoolGrad2x2Row: e.maxPoolGrad2x2Row!,
  };
  instances.set(memory, kernels);
  return kernels;
}
