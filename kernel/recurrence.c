// The whole recurrence of one layer (every time step, forward and backward) as one WebAssembly
// call with 128-bit SIMD. Built by `npm run build:kernel` into src/core/kernel/recurrenceWasm.ts,
// twice: once with plain SIMD128 and once with relaxed SIMD; the wrapper loads the second where
// the engine validates it.
//
// Why: per time step, tfjs costs tens of microseconds of op dispatch and copies around each
// matmul, which dominated training time. Here a step is one blocked matmul and one gate loop,
// with nothing leaving the module until the sequence is done.
//
// Layouts are row-major and time-major, as in recurrentStack.ts: position p = t * B + b.
// PyTorch's gate order (LSTM i,f,g,o; GRU r,z,n) and equations; a masked (padded) row carries its
// state through unchanged and passes its gradient straight back.

#include <stdint.h>
#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

enum { CELL_RNN = 0, CELL_LSTM = 1, CELL_GRU = 2 };
enum { ACT_TANH = 0, ACT_RELU = 1, ACT_SIGMOID = 2 };

typedef v128_t f4;

static inline f4 splat(float x) { return wasm_f32x4_splat(x); }
// c + a * b, the multiply-add of every matmul. The relaxed-SIMD build (-mrelaxed-simd) fuses it
// where the processor has FMA: one instruction and one rounding instead of two of each, which
// the matmul-bound steps of training feel directly. Every matmul goes through it, so within one build every path (a batch of
// one or of many, one thread or two) still adds the same products in the same order.
#ifdef __wasm_relaxed_simd__
static inline f4 madd(f4 a, f4 b, f4 c) { return wasm_f32x4_relaxed_madd(a, b, c); }
#else
static inline f4 madd(f4 a, f4 b, f4 c) { return wasm_f32x4_add(c, wasm_f32x4_mul(a, b)); }
#endif

// Loads and stores of n (1..4) floats; lanes past n read as 0 and are not written.
static inline f4 load_n(const float *p, int n) {
  if (n >= 4) return wasm_v128_load(p);
  float t[4] = {0, 0, 0, 0};
  for (int i = 0; i < n; i++) t[i] = p[i];
  return wasm_v128_load(t);
}

static inline void store_n(float *p, f4 v, int n) {
  if (n >= 4) {
    wasm_v128_store(p, v);
    return;
  }
  float t[4];
  wasm_v128_store(t, v);
  for (int i = 0; i < n; i++) p[i] = t[i];
}

// exp(x) in float32, Cephes' expf: 2^n * e^r with |r| <= ln2/2 and a degree-6 polynomial, about
// 1 ulp. Inputs are clamped so the result stays finite (sigmoid and tanh saturate long before).
// The clamp is pmin/pmax, one instruction each on x64, where V8 spends about seven on min/max's
// NaN and signed-zero rules that a clamp against constants never needs. n is rounded by adding
// and taking back 1.5 * 2^23 (round to nearest even, as nearest does), and 2^n is built from
// the same sum's low bits: V8 lowers nearest and a saturating truncation to several instructions
// each. The values are the same as with min, max, nearest and trunc_sat, bit for bit.
static inline f4 v_exp(f4 x) {
  x = wasm_f32x4_pmin(wasm_f32x4_pmax(x, splat(-87.3f)), splat(88.3f));
  const f4 magic = splat(12582912.0f);
  f4 shifted = wasm_f32x4_add(wasm_f32x4_mul(x, splat(1.44269504088896341f)), magic);
  f4 n = wasm_f32x4_sub(shifted, magic);
  f4 r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, splat(0.693359375f)));
  r = wasm_f32x4_add(r, wasm_f32x4_mul(n, splat(2.12194440e-4f)));
  f4 r2 = wasm_f32x4_mul(r, r);
  f4 p = splat(1.9875691500e-4f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.3981999507e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(8.3334519073e-3f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(4.1665795894e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(1.6666665459e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), splat(5.0000001201e-1f));
  p = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(p, r2), r), splat(1.0f));
  // 2^n, built in the exponent bits: shifted's low bits hold n + 2^22 (as an integer), and n is
  // in [-126, 127] after the clamp.
  v128_t bits = wasm_i32x4_shl(wasm_i32x4_sub(shifted, wasm_i32x4_splat(0x4B400000 - 127)), 23);
  return wasm_f32x4_mul(p, bits);
}

static inline f4 v_sigmoid(f4 x) {
  return wasm_f32x4_div(splat(1.0f), wasm_f32x4_add(splat(1.0f), v_exp(wasm_f32x4_neg(x))));
}

// tanh from exp(-2|x|), which never overflows: tanh|x| = (1 - e) / (1 + e). Near 0 the
// difference loses relative (not absolute) accuracy; the odd polynomial keeps small |x| exact.
static inline f4 v_tanh(f4 x) {
  f4 a = wasm_f32x4_abs(x);
  f4 e = v_exp(wasm_f32x4_mul(a, splat(-2.0f)));
  f4 big = wasm_f32x4_div(wasm_f32x4_sub(splat(1.0f), e), wasm_f32x4_add(splat(1.0f), e));
  // Cephes tanhf for |x| < 0.625.
  f4 z = wasm_f32x4_mul(x, x);
  f4 p = splat(-5.70498872745e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(2.06390887954e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(-5.37397155531e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(1.33314422036e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, z), splat(-3.33332819422e-1f));
  f4 small = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, z), a), a);
  f4 y = wasm_v128_bitselect(small, big, wasm_f32x4_lt(a, splat(0.625f)));
  // Copy the sign of x back.
  return wasm_v128_or(y, wasm_v128_and(x, wasm_i32x4_splat((int32_t)0x80000000)));
}

static inline f4 v_activate(f4 x, int act) {
  if (act == ACT_RELU) return wasm_f32x4_max(x, splat(0.0f));
  if (act == ACT_SIGMOID) return v_sigmoid(x);
  return v_tanh(x);
}

// The derivative, from the activation's output y.
static inline f4 v_slope(f4 y, int act) {
  if (act == ACT_RELU) return wasm_v128_and(wasm_f32x4_gt(y, splat(0.0f)), splat(1.0f));
  if (act == ACT_SIGMOID) return wasm_f32x4_mul(y, wasm_f32x4_sub(splat(1.0f), y));
  return wasm_f32x4_sub(splat(1.0f), wasm_f32x4_mul(y, y));
}

// One row of C: c[j] (+)= sum_k a[k * acs] * B[k, j]. A row has no neighbours to share B's
// loads with, so it keeps eight running sums of 4 (32 columns) instead of two: with two, each
// add waited for the one before it. Each sum still adds k in order, so the result is the same
// to the bit.
static void gemm_row(int N, int K, const float *a, int acs, const float *B, int ldb, float *c,
                     int accumulate) {
  int j = 0;
  for (; j + 32 <= N; j += 32) {
    f4 s[8];
    for (int q = 0; q < 8; q++) s[q] = accumulate ? wasm_v128_load(c + j + 4 * q) : splat(0.0f);
    const float *x = a;
    const float *b = B + j;
    for (int k = 0; k < K; k++, x += acs, b += ldb) {
      f4 v = splat(x[0]);
      for (int q = 0; q < 8; q++) s[q] = madd(v, wasm_v128_load(b + 4 * q), s[q]);
    }
    for (int q = 0; q < 8; q++) wasm_v128_store(c + j + 4 * q, s[q]);
  }
  for (; j + 8 <= N; j += 8) {
    f4 s0 = accumulate ? wasm_v128_load(c + j) : splat(0.0f);
    f4 s1 = accumulate ? wasm_v128_load(c + j + 4) : splat(0.0f);
    const float *x = a;
    const float *b = B + j;
    for (int k = 0; k < K; k++, x += acs, b += ldb) {
      f4 v = splat(x[0]);
      s0 = madd(v, wasm_v128_load(b), s0);
      s1 = madd(v, wasm_v128_load(b + 4), s1);
    }
    wasm_v128_store(c + j, s0), wasm_v128_store(c + j + 4, s1);
  }
  for (; j < N; j++) {
    float s = accumulate ? c[j] : 0.0f;
    for (int k = 0; k < K; k++) s += a[k * acs] * B[k * ldb + j];
    c[j] = s;
  }
}

// C[i, j] (+)= sum_k A(i, k) * B[k, j], where A(i, k) = A[i * ars + k * acs] (so A may be read
// transposed) and B, C are row-major with leading dimensions ldb, ldc. 4x8 register blocks; the
// rows past the last whole block of 4 go one at a time through gemm_row.
static void gemm(int M, int N, int K, const float *A, int ars, int acs, const float *B, int ldb,
                 float *C, int ldc, int accumulate) {
  const int M4 = M - M % 4;
  int j = 0;
  for (; j + 8 <= N; j += 8) {
    for (int i = 0; i < M4; i += 4) {
      float *c0 = C + i * ldc + j, *c1 = c0 + ldc, *c2 = c1 + ldc, *c3 = c2 + ldc;
      f4 z = splat(0.0f);
      f4 s00 = accumulate ? wasm_v128_load(c0) : z, s01 = accumulate ? wasm_v128_load(c0 + 4) : z;
      f4 s10 = accumulate ? wasm_v128_load(c1) : z, s11 = accumulate ? wasm_v128_load(c1 + 4) : z;
      f4 s20 = accumulate ? wasm_v128_load(c2) : z, s21 = accumulate ? wasm_v128_load(c2 + 4) : z;
      f4 s30 = accumulate ? wasm_v128_load(c3) : z, s31 = accumulate ? wasm_v128_load(c3 + 4) : z;
      const float *a = A + i * ars;
      const float *b = B + j;
      for (int k = 0; k < K; k++, a += acs, b += ldb) {
        f4 b0 = wasm_v128_load(b), b1 = wasm_v128_load(b + 4);
        f4 x0 = splat(a[0]), x1 = splat(a[ars]), x2 = splat(a[2 * ars]), x3 = splat(a[3 * ars]);
        s00 = madd(x0, b0, s00);
        s01 = madd(x0, b1, s01);
        s10 = madd(x1, b0, s10);
        s11 = madd(x1, b1, s11);
        s20 = madd(x2, b0, s20);
        s21 = madd(x2, b1, s21);
        s30 = madd(x3, b0, s30);
        s31 = madd(x3, b1, s31);
      }
      wasm_v128_store(c0, s00), wasm_v128_store(c0 + 4, s01);
      wasm_v128_store(c1, s10), wasm_v128_store(c1 + 4, s11);
      wasm_v128_store(c2, s20), wasm_v128_store(c2 + 4, s21);
      wasm_v128_store(c3, s30), wasm_v128_store(c3 + 4, s31);
    }
  }
  for (; j < N; j++) {
    for (int i = 0; i < M4; i++) {
      float s = accumulate ? C[i * ldc + j] : 0.0f;
      for (int k = 0; k < K; k++) s += A[i * ars + k * acs] * B[k * ldb + j];
      C[i * ldc + j] = s;
    }
  }
  for (int i = M4; i < M; i++) gemm_row(N, K, A + i * ars, acs, B, ldb, C + i * ldc, accumulate);
}

// W^T for a batch of one, in panels of PANEL columns: panel p is W's rows PANEL*p.. as a
// contiguous [K, PANEL] block, and the columns past the last whole panel follow as [K, rest].
// A step then streams each panel straight through; read from a plain W^T, a panel's rows lie G
// floats apart (it paid at hidden 256; at 128 the eight sums alone did as well).
enum { PANEL = 32 };

static void transpose(const float *x, int rows, int cols, float *out);

// Each panel is the transpose of PANEL rows of W, so it is built with the 4x4-block transpose:
// element by element, packing a GRU 128's W_hh took longer than the step it serves.
static void pack_panels(const float *w, int G, int K, float *out) {
  const int whole = G / PANEL * PANEL;
  for (int p = 0; p < whole; p += PANEL) transpose(w + p * K, PANEL, K, out + p * K);
  if (whole < G) transpose(w + whole * K, G - whole, K, out + whole * K);
}

// c [G] = x [K] W^T with W packed by pack_panels; each sum adds k in order, as gemm does.
static void gemv_panels(int G, int K, const float *x, const float *packed, float *c) {
  const int whole = G / PANEL * PANEL;
  for (int p = 0; p < whole; p += PANEL) {
    f4 s[8];
    for (int q = 0; q < 8; q++) s[q] = splat(0.0f);
    const float *b = packed + p * K;
    for (int k = 0; k < K; k++, b += PANEL) {
      f4 v = splat(x[k]);
      for (int q = 0; q < 8; q++) s[q] = madd(v, wasm_v128_load(b + 4 * q), s[q]);
    }
    for (int q = 0; q < 8; q++) wasm_v128_store(c + p + 4 * q, s[q]);
  }
  if (whole < G) gemm_row(G - whole, K, x, 1, packed + whole * K, G - whole, c + whole, 0);
}

// out [cols, rows] = x^T, in 4x4 blocks of shuffles (a scalar transpose's strided stores cost
// as much as a small matmul), then the ragged edges one by one.
static void transpose(const float *x, int rows, int cols, float *out) {
  int r = 0;
  for (; r + 4 <= rows; r += 4) {
    int c = 0;
    for (; c + 4 <= cols; c += 4) {
      const float *p = x + r * cols + c;
      f4 a = wasm_v128_load(p), b = wasm_v128_load(p + cols);
      f4 e = wasm_v128_load(p + 2 * cols), f = wasm_v128_load(p + 3 * cols);
      f4 ab0 = wasm_i32x4_shuffle(a, b, 0, 4, 1, 5), ab1 = wasm_i32x4_shuffle(a, b, 2, 6, 3, 7);
      f4 ef0 = wasm_i32x4_shuffle(e, f, 0, 4, 1, 5), ef1 = wasm_i32x4_shuffle(e, f, 2, 6, 3, 7);
      float *q = out + c * rows + r;
      wasm_v128_store(q, wasm_i64x2_shuffle(ab0, ef0, 0, 2));
      wasm_v128_store(q + rows, wasm_i64x2_shuffle(ab0, ef0, 1, 3));
      wasm_v128_store(q + 2 * rows, wasm_i64x2_shuffle(ab1, ef1, 0, 2));
      wasm_v128_store(q + 3 * rows, wasm_i64x2_shuffle(ab1, ef1, 1, 3));
    }
    for (; c < cols; c++)
      for (int k = r; k < r + 4; k++) out[c * rows + k] = x[k * cols + c];
  }
  for (; r < rows; r++)
    for (int c = 0; c < cols; c++) out[c * rows + r] = x[r * cols + c];
}

static void copy(const float *from, float *to, int n) { __builtin_memcpy(to, from, n * 4); }

// y[j] += x[j] for a row of n; the bias adds and the token-gradient scatter.
static void add_row(const float *x, float *y, int n) {
  for (int j = 0; j < n; j += 4) {
    int m = n - j < 4 ? n - j : 4;
    store_n(y + j, wasm_f32x4_add(load_n(y + j, m), load_n(x + j, m)), m);
  }
}

// Adds the bias [cols] to each of `rows` rows of x.
static void add_bias(const float *bias, float *x, int rows, int cols) {
  for (int r = 0; r < rows; r++) add_row(bias, x + r * cols, cols);
}

static void column_sums(const float *x, int rows, int cols, float *out) {
  for (int c = 0; c < cols; c++) out[c] = 0;
  for (int r = 0; r < rows; r++) add_row(x + r * cols, out, cols);
}

// ---- One step of each cell, over the B rows of one time step -------------------------------

typedef struct {
  int cell, act, B, H;
} Dims;

static int gates_of(int cell) { return cell == CELL_LSTM ? 4 : cell == CELL_GRU ? 3 : 1; }

// gx, gh: [B, G] pre-activations (gh includes b_hh); writes h (and c) of this step. `saved`
// points at the step's block of the first saved array; the arrays are `stride` floats apart.
static void cell_forward(const Dims *d, const float *gx, const float *gh, const float *mask,
                         const float *hp, const float *cp, float *h, float *c, float *saved,
                         int stride) {
  const int H = d->H, G = gates_of(d->cell) * H;
  for (int b = 0; b < d->B; b++) {
    const int row = b * H;
    if (mask[b] == 0) {
      copy(hp + row, h + row, H);
      if (c) copy(cp + row, c + row, H);
      continue;
    }
    const float *x = gx + b * G, *r = gh + b * G;
    for (int j = 0; j < H; j += 4) {
      const int n = H - j < 4 ? H - j : 4, k = row + j;
      if (d->cell == CELL_RNN) {
        f4 y = v_activate(wasm_f32x4_add(load_n(x + j, n), load_n(r + j, n)), d->act);
        store_n(h + k, y, n);
      } else if (d->cell == CELL_GRU) {
        f4 rg = v_sigmoid(wasm_f32x4_add(load_n(x + j, n), load_n(r + j, n)));
        f4 z = v_sigmoid(wasm_f32x4_add(load_n(x + H + j, n), load_n(r + H + j, n)));
        f4 ghn = load_n(r + 2 * H + j, n);
        f4 nn = v_tanh(wasm_f32x4_add(load_n(x + 2 * H + j, n), wasm_f32x4_mul(rg, ghn)));
        // ATen's order of operations: h' = n + z * (h - n).
        f4 out = wasm_f32x4_add(nn, wasm_f32x4_mul(z, wasm_f32x4_sub(load_n(hp + k, n), nn)));
        store_n(h + k, out, n);
        if (saved) {
          store_n(saved + k, rg, n);
          store_n(saved + stride + k, z, n);
          store_n(saved + 2 * stride + k, nn, n);
          store_n(saved + 3 * stride + k, ghn, n);
        }
      } else {
        f4 i = v_sigmoid(wasm_f32x4_add(load_n(x + j, n), load_n(r + j, n)));
        f4 f = v_sigmoid(wasm_f32x4_add(load_n(x + H + j, n), load_n(r + H + j, n)));
        f4 g = v_tanh(wasm_f32x4_add(load_n(x + 2 * H + j, n), load_n(r + 2 * H + j, n)));
        f4 o = v_sigmoid(wasm_f32x4_add(load_n(x + 3 * H + j, n), load_n(r + 3 * H + j, n)));
        f4 c0 = load_n(cp + k, n);
        f4 cn = wasm_f32x4_add(wasm_f32x4_mul(f, c0), wasm_f32x4_mul(i, g));
        f4 tc = v_tanh(cn);
        store_n(c + k, cn, n);
        store_n(h + k, wasm_f32x4_mul(o, tc), n);
        if (saved) {
          store_n(saved + k, i, n);
          store_n(saved + stride + k, f, n);
          store_n(saved + 2 * stride + k, g, n);
          store_n(saved + 3 * stride + k, o, n);
          store_n(saved + 4 * stride + k, tc, n);
          store_n(saved + 5 * stride + k, c0, n);
        }
      }
    }
  }
}

// Given g = dL/dh_t (and dc = dL/dc_t, updated in place to dL/dc_{t-1}), writes the gate
// gradients dgx, dgh ([B, G]) and the part of dL/dh_{t-1} that bypasses W_hh into `direct`.
static void cell_backward(const Dims *d, const float *g, float *dc, const float *saved,
                          int stride, const float *hp, const float *mask, float *dgx, float *dgh,
                          float *direct) {
  const int H = d->H, G = gates_of(d->cell) * H;
  const f4 one = splat(1.0f);
  for (int b = 0; b < d->B; b++) {
    const int row = b * H;
    float *x = dgx + b * G, *r = dgh + b * G;
    if (mask[b] == 0) {
      copy(g + row, direct + row, H);
      for (int q = 0; q < G; q++) x[q] = r[q] = 0;
      continue;
    }
    for (int j = 0; j < H; j += 4) {
      const int n = H - j < 4 ? H - j : 4, k = row + j;
      f4 gj = load_n(g + k, n);
      if (d->cell == CELL_RNN) {
        f4 pre = wasm_f32x4_mul(gj, v_slope(load_n(saved + k, n), d->act));
        store_n(x + j, pre, n);
        store_n(r + j, pre, n);
        store_n(direct + k, splat(0.0f), n);
      } else if (d->cell == CELL_GRU) {
        f4 rg = load_n(saved + k, n), z = load_n(saved + stride + k, n);
        f4 nn = load_n(saved + 2 * stride + k, n), ghn = load_n(saved + 3 * stride + k, n);
        f4 dn = wasm_f32x4_mul(wasm_f32x4_mul(gj, wasm_f32x4_sub(one, z)),
                               wasm_f32x4_sub(one, wasm_f32x4_mul(nn, nn)));
        f4 dz = wasm_f32x4_mul(wasm_f32x4_mul(gj, wasm_f32x4_sub(load_n(hp + k, n), nn)),
                               wasm_f32x4_mul(z, wasm_f32x4_sub(one, z)));
        f4 dr = wasm_f32x4_mul(wasm_f32x4_mul(dn, ghn), wasm_f32x4_mul(rg, wasm_f32x4_sub(one, rg)));
        store_n(x + j, dr, n);
        store_n(x + H + j, dz, n);
        store_n(x + 2 * H + j, dn, n);
        store_n(r + j, dr, n);
        store_n(r + H + j, dz, n);
        store_n(r + 2 * H + j, wasm_f32x4_mul(dn, rg), n);
        store_n(direct + k, wasm_f32x4_mul(gj, z), n);
      } else {
        f4 i = load_n(saved + k, n), f = load_n(saved + stride + k, n);
        f4 gg = load_n(saved + 2 * stride + k, n), o = load_n(saved + 3 * stride + k, n);
        f4 tc = load_n(saved + 4 * stride + k, n), c0 = load_n(saved + 5 * stride + k, n);
        f4 dct = wasm_f32x4_add(load_n(dc + k, n),
                                wasm_f32x4_mul(wasm_f32x4_mul(gj, o),
                                               wasm_f32x4_sub(one, wasm_f32x4_mul(tc, tc))));
        f4 di = wasm_f32x4_mul(wasm_f32x4_mul(dct, gg), wasm_f32x4_mul(i, wasm_f32x4_sub(one, i)));
        f4 df = wasm_f32x4_mul(wasm_f32x4_mul(dct, c0), wasm_f32x4_mul(f, wasm_f32x4_sub(one, f)));
        f4 dg = wasm_f32x4_mul(wasm_f32x4_mul(dct, i), wasm_f32x4_sub(one, wasm_f32x4_mul(gg, gg)));
        f4 dO = wasm_f32x4_mul(wasm_f32x4_mul(gj, tc), wasm_f32x4_mul(o, wasm_f32x4_sub(one, o)));
        store_n(x + j, di, n), store_n(r + j, di, n);
        store_n(x + H + j, df, n), store_n(r + H + j, df, n);
        store_n(x + 2 * H + j, dg, n), store_n(r + 2 * H + j, dg, n);
        store_n(x + 3 * H + j, dO, n), store_n(r + 3 * H + j, dO, n);
        store_n(dc + k, wasm_f32x4_mul(dct, f), n);
        store_n(direct + k, splat(0.0f), n);
      }
    }
  }
}

// ---- Whole layers ------------------------------------------------------------------------

// W_ih x_t + b_ih at every position, [P, G]: a row lookup of W_ih^T for tokens, one matmul for
// dense inputs. A token of -1 is an input of zeros (occlusion blanks a step that way, without
// a dense copy of every one-hot row). `wihT` is scratch for W_ih^T, [I, G].
static void project(int P, int G, int I, const int32_t *tokens, const float *x, const float *wih,
                    const float *bih, float *wihT, float *gx) {
  transpose(wih, G, I, wihT);
  if (tokens) {
    for (int p = 0; p < P; p++) {
      if (tokens[p] >= 0) copy(wihT + tokens[p] * G, gx + p * G, G);
      else __builtin_memset(gx + p * G, 0, G * 4);
    }
  } else {
    gemm(P, G, I, x, I, 1, wihT, G, gx, G, 0);
  }
  add_bias(bih, gx, P, G);
}

// One layer forward over T steps. hs must directly follow h0 in memory ([h0; hs] is every
// step's previous state, which the backward pass reads as one matrix). saved may be null
// (inference); otherwise it holds savedCount arrays of [T, B, H]. Scratch: gx [T*B*G],
// gh [B*G], wT [max(H, I) * G].
EXPORT(layer_forward)
void layer_forward(int cell, int act, int T, int B, int H, int I, const int32_t *tokens,
                   const float *x, const float *wih, const float *whh, const float *bih,
                   const float *bhh, const float *mask, const float *h0, const float *c0, float *hs,
                   float *cs, float *saved, float *gx, float *gh, float *wT) {
  const Dims d = {cell, act, B, H};
  const int G = gates_of(cell) * H, BH = B * H, stride = T * BH;
  project(T * B, G, I, tokens, x, wih, bih, wT, gx);
  const int one = B == 1;
  if (one) pack_panels(whh, G, H, wT);
  else transpose(whh, G, H, wT);
  for (int t = 0; t < T; t++) {
    const float *hp = t == 0 ? h0 : hs + (t - 1) * BH;
    const float *cp = cs ? (t == 0 ? c0 : cs + (t - 1) * BH) : 0;
    // Only rows from the first to the last valid one are multiplied: a masked row carries its
    // state and never reads gh. Rows that start late (occlusion's, from a shared prefix) or end
    // early (a batch sorted by length) then cost nothing while they wait.
    const float *m = mask + t * B;
    int lo = 0, hi = B - 1;
    while (lo < B && m[lo] == 0) lo++;
    while (hi >= lo && m[hi] == 0) hi--;
    if (lo <= hi) {
      if (one) gemv_panels(G, H, hp, wT, gh);
      else gemm(hi - lo + 1, G, H, hp + lo * H, H, 1, wT, G, gh + lo * G, G, 0);
      add_bias(bhh, gh + lo * G, hi - lo + 1, G);
    }
    cell_forward(&d, gx + t * B * G, gh, mask + t * B, hp, cp, hs + t * BH, cs ? cs + t * BH : 0,
                 saved ? saved + t * BH : 0, stride);
  }
}

// One layer backward. dout: dL/dhs [T*B*H] from above. Writes the four weight gradients,
// dL/dx when dx is not null (layers after the first), and ||dL/dh_t|| over valid rows into
// norms[T]. Scratch: dgx, dgh [T*B*G], g, direct, dc [B*H].
EXPORT(layer_backward)
void layer_backward(int cell, int act, int T, int B, int H, int I, const int32_t *tokens,
                    const float *x, const float *wih, const float *whh, const float *mask,
                    const float *h0, const float *hs, const float *saved, const float *dout,
                    float *dwih, float *dwhh, float *dbih, float *dbhh, float *dx, float *norms,
                    float *dgx, float *dgh, float *g, float *direct, float *dc) {
  const Dims d = {cell, act, B, H};
  const int G = gates_of(cell) * H, BH = B * H, P = T * B, stride = T * BH;
  // A vanilla cell's activation is its state, so it saves nothing and reads hs instead.
  if (cell == CELL_RNN) saved = hs;
  for (int k = 0; k < BH; k++) direct[k] = 0, dc[k] = 0;
  // `direct` holds what reaches h_t from step t+1, both around and through W_hh.
  for (int t = T - 1; t >= 0; t--) {
    const float *m = mask + t * B;
    float squares = 0;
    for (int b = 0; b < B; b++) {
      for (int j = 0; j < H; j++) {
        const int k = b * H + j;
        const float v = dout[t * BH + k] + direct[k];
        g[k] = v;
        if (m[b] != 0) squares += v * v;
      }
    }
    norms[t] = __builtin_sqrtf(squares);
    const float *hp = t == 0 ? h0 : hs + (t - 1) * BH;
    cell_backward(&d, g, dc, saved + t * BH, stride, hp, m, dgx + t * B * G, dgh + t * B * G,
                  direct);
    if (t > 0) gemm(B, H, G, dgh + t * B * G, G, 1, whh, H, direct, H, 1);
  }
  // Weight gradients, each one matmul over all positions; h0 directly precedes hs.
  gemm(G, H, P, dgh, 1, G, h0, H, dwhh, H, 0);
  column_sums(dgh, P, G, dbhh);
  column_sums(dgx, P, G, dbih);
  if (tokens) {
    // dW_ih^T by rows (a scatter of each position's gate gradients), then transposed.
    float *rows = dgh;  // free now: reuse as [I, G] scratch
    for (int k = 0; k < I * G; k++) rows[k] = 0;
    for (int p = 0; p < P; p++)
      if (tokens[p] >= 0) add_row(dgx + p * G, rows + tokens[p] * G, G);
    transpose(rows, I, G, dwih);
  } else {
    gemm(G, I, P, dgx, 1, G, x, I, dwih, I, 0);
  }
  if (dx) gemm(P, I, G, dgx, G, 1, wih, I, dx, I, 0);
}

// ---- The linear head ----------------------------------------------------------------------

// y [N, C] = x [N, W] w^T + b, with w [C, W] as nn.Linear stores it. Scratch wT: [W, C].
EXPORT(linear_forward)
void linear_forward(int N, int C, int W, const float *x, const float *w, const float *b, float *y,
                    float *wT) {
  transpose(w, C, W, wT);
  gemm(N, C, W, x, W, 1, wT, C, y, C, 0);
  add_bias(b, y, N, C);
}

// From dy [N, C]: dx = dy w [N, W], dw = dy^T x [C, W], db = column sums of dy.
EXPORT(linear_backward)
void linear_backward(int N, int C, int W, const float *x, const float *w, const float *dy,
                     float *dx, float *dw, float *db) {
  gemm(N, W, C, dy, C, 1, w, W, dx, W, 0);
  gemm(C, W, N, dy, 1, C, x, W, dw, W, 0);
  column_sums(dy, N, C, db);
}

// ---- Reading a head's logits ------------------------------------------------------------

// Per row of logits [N, C]: the sum of exp(logit - max) (sums[N]; the log-sum-exp is max +
// log(sum), taken by the caller, which has a log), the next id's logit minus the max (gaps[N];
// NaN where next is -1), and the k largest logits' ids and probabilities, best first (ties: the
// lower id first). `e` is scratch [C + 4]. In float32 with v_exp (about 1 ulp): reading 10,000
// rows of 65 took 40 ms in JavaScript, most of it Math.exp.
EXPORT(read_rows)
void read_rows(int N, int C, int k, const float *logits, const int32_t *next, float *sums,
               float *gaps, int32_t *top_ids, float *top_p, float *e) {
  for (int row = 0; row < N; row++) {
    const float *x = logits + row * C;
    float max = x[0];
    for (int c = 1; c < C; c++) max = x[c] > max ? x[c] : max;
    for (int c = 0; c < C; c += 4) {
      const int n = C - c < 4 ? C - c : 4;
      store_n(e + c, v_exp(wasm_f32x4_sub(load_n(x + c, n), splat(max))), n);
    }
    float sum = 0;
    for (int c = 0; c < C; c++) sum += e[c];
    sums[row] = sum;
    gaps[row] = next[row] >= 0 ? x[next[row]] - max : __builtin_nanf("");
    int32_t *ids = top_ids + row * k;
    for (int r = 0; r < k; r++) ids[r] = -1;
    // Insertion into the k kept so far: k is small, so this beats sorting C values per row.
    for (int c = 0; c < C; c++) {
      const float value = x[c];
      if (ids[k - 1] >= 0 && value <= x[ids[k - 1]]) continue;
      int slot = k - 1;
      for (; slot > 0 && (ids[slot - 1] < 0 || x[ids[slot - 1]] < value); slot--) ids[slot] = ids[slot - 1];
      ids[slot] = c;
    }
    for (int r = 0; r < k; r++) top_p[row * k + r] = e[ids[r]] / sum;
  }
}

// ---- Principal components --------------------------------------------------------------

// The upper triangle (j >= i) of X^T X for the rows of X [R, D] less their mean [D], in float64,
// into scatter [D * D]. Rows are taken four at a time, centred into `block` [4 * D], so the
// triangle is read and written a quarter as often; each entry adds the four rows' products in
// row order, as pca.ts did in JavaScript, so the sums are the same to the bit. Entries just
// below the diagonal may be written too, and mean nothing.
EXPORT(upper_scatter)
void upper_scatter(int R, int D, const double *x, const double *mean, double *scatter,
                   double *block) {
  for (int k = 0; k < D * D; k++) scatter[k] = 0;
  for (int first = 0; first < R; first += 4) {
    const int count = R - first < 4 ? R - first : 4;
    for (int r = 0; r < 4; r++)
      for (int d = 0; d < D; d++) block[r * D + d] = r < count ? x[(first + r) * D + d] - mean[d] : 0;
    const double *b0 = block, *b1 = block + D, *b2 = block + 2 * D, *b3 = block + 3 * D;
    for (int i = 0; i < D; i++) {
      const v128_t a0 = wasm_f64x2_splat(b0[i]), a1 = wasm_f64x2_splat(b1[i]);
      const v128_t a2 = wasm_f64x2_splat(b2[i]), a3 = wasm_f64x2_splat(b3[i]);
      double *row = scatter + i * D;
      int j = i & ~1;
      for (; j + 2 <= D; j += 2) {
        v128_t s = wasm_v128_load(row + j);
        s = wasm_f64x2_add(s, wasm_f64x2_mul(a0, wasm_v128_load(b0 + j)));
        s = wasm_f64x2_add(s, wasm_f64x2_mul(a1, wasm_v128_load(b1 + j)));
        s = wasm_f64x2_add(s, wasm_f64x2_mul(a2, wasm_v128_load(b2 + j)));
        s = wasm_f64x2_add(s, wasm_f64x2_mul(a3, wasm_v128_load(b3 + j)));
        wasm_v128_store(row + j, s);
      }
      if (j < D) row[j] = row[j] + b0[i] * b0[j] + b1[i] * b1[j] + b2[i] * b2[j] + b3[i] * b3[j];
    }
  }
}

// All eigenvalues and eigenvectors of a symmetric n x n matrix, in float64: Householder
// reduction to tridiagonal form, then the QL algorithm with implicit shifts (EISPACK's tred2 and
// tql2, after Bowdler, Martin, Reinsch and Wilkinson in the Handbook for Automatic Computation,
// vol. II). ml-matrix runs the same two procedures in 48 ms for the State space's 128 x 128
// covariance, most of the fit: its matrices are reached through get and set calls.
//
// `a` [n * n] holds the matrix on entry (only its values matter, rows or columns alike) and
// eigenvector k in row k on return (a[k * n + i] is its component i); d [n] the eigenvalues, in
// no particular order; e [n] is scratch. V(i, j), the Handbook's eigenvector matrix (vectors in
// columns), is stored transposed, so the inner loops, which walk down its columns, are
// sequential in memory.
#define V(i, j) a[(j) * n + (i)]

static double magnitude(double x) { return x < 0 ? -x : x; }

// sqrt(x^2 + y^2) without overflow or underflow on the way.
static double hypotenuse(double x, double y) {
  x = magnitude(x), y = magnitude(y);
  if (x < y) {
    const double t = x;
    x = y, y = t;
  }
  if (x == 0) return 0;
  const double q = y / x;
  return x * __builtin_sqrt(1 + q * q);
}

static void tridiagonalize(int n, double *a, double *d, double *e) {
  for (int j = 0; j < n; j++) d[j] = V(n - 1, j);
  for (int i = n - 1; i > 0; i--) {
    double scale = 0, h = 0;
    for (int k = 0; k < i; k++) scale += magnitude(d[k]);
    if (scale == 0) {
      e[i] = d[i - 1];
      for (int j = 0; j < i; j++) {
        d[j] = V(i - 1, j);
        V(i, j) = 0;
        V(j, i) = 0;
      }
    } else {
      // The Householder vector that zeroes row i left of the subdiagonal, in d.
      for (int k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      double f = d[i - 1], g = __builtin_sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (int j = 0; j < i; j++) e[j] = 0;
      // e = A u (the lower triangle of A, held in V).
      for (int j = 0; j < i; j++) {
        f = d[j];
        V(j, i) = f;
        g = e[j] + V(j, j) * f;
        for (int k = j + 1; k <= i - 1; k++) {
          g += V(k, j) * d[k];
          e[k] += V(k, j) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (int j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const double hh = f / (h + h);
      for (int j = 0; j < i; j++) e[j] -= hh * d[j];
      // A -= u q^T + q u^T.
      for (int j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (int k = j; k <= i - 1; k++) V(k, j) -= f * e[k] + g * d[k];
        d[j] = V(i - 1, j);
        V(i, j) = 0;
      }
    }
    d[i] = h;
  }
  // The product of the reflections, into V.
  for (int i = 0; i < n - 1; i++) {
    V(n - 1, i) = V(i, i);
    V(i, i) = 1;
    const double h = d[i + 1];
    if (h != 0) {
      for (int k = 0; k <= i; k++) d[k] = V(k, i + 1) / h;
      for (int j = 0; j <= i; j++) {
        double g = 0;
        for (int k = 0; k <= i; k++) g += V(k, i + 1) * V(k, j);
        for (int k = 0; k <= i; k++) V(k, j) -= g * d[k];
      }
    }
    for (int k = 0; k <= i; k++) V(k, i + 1) = 0;
  }
  for (int j = 0; j < n; j++) {
    d[j] = V(n - 1, j);
    V(n - 1, j) = 0;
  }
  V(n - 1, n - 1) = 1;
  e[0] = 0;
}

static void diagonalize(int n, double *a, double *d, double *e) {
  for (int i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  const double eps = 0x1p-52;
  double f = 0, largest = 0;
  for (int l = 0; l < n; l++) {
    // The first negligible subdiagonal entry at or after l splits off a block.
    const double size = magnitude(d[l]) + magnitude(e[l]);
    if (size > largest) largest = size;
    int m = l;
    while (m < n - 1 && magnitude(e[m]) > eps * largest) m++;
    if (m > l) {
      do {
        double g = d[l];
        double p = (d[l + 1] - g) / (2 * e[l]);
        double r = hypotenuse(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const double next = d[l + 1];
        double h = g - d[l];
        for (int i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        // The implicit QL sweep from m back to l, each plane rotation applied to V too.
        p = d[m];
        double c = 1, c2 = 1, c3 = 1, s = 0, s2 = 0;
        const double following = e[l + 1];
        for (int i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = hypotenuse(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          for (int k = 0; k < n; k++) {
            h = V(k, i + 1);
            V(k, i + 1) = s * V(k, i) + c * h;
            V(k, i) = c * V(k, i) - s * h;
          }
        }
        p = -s * s2 * c3 * following * e[l] / next;
        e[l] = s * p;
        d[l] = c * p;
      } while (magnitude(e[l]) > eps * largest);
    }
    d[l] += f;
    e[l] = 0;
  }
}

#undef V

EXPORT(symmetric_eigen)
void symmetric_eigen(int n, double *a, double *d, double *e) {
  tridiagonalize(n, a, d, e);
  diagonalize(n, a, d, e);
}

// ---- Adam ------------------------------------------------------------------------------------

// torch.optim.Adam's update of n weights, in float32 as PyTorch does it: m = lerp(m, g, 1 - b1),
// v = b2 v + (1 - b2) g^2, p -= step * m / (sqrt(v) / c2root + eps). g is scaled first
// (gradient clipping). The bias corrections come in folded into step and c2root, and 1 - b1,
// 1 - b2 come computed in double, as PyTorch's Python scalars are (in float32, 1 - 0.999f is
// off by 1e-5 relative).
EXPORT(adam_update)
void adam_update(int n, float *p, const float *g, float *m, float *v, float scale,
                 float one_minus_b1, float b2, float one_minus_b2, float step, float c2root,
                 float eps) {
  const f4 s = splat(scale), a1 = splat(one_minus_b1), B2 = splat(b2), a2 = splat(one_minus_b2);
  const f4 st = splat(step), c2 = splat(c2root), e = splat(eps);
  for (int i = 0; i < n; i += 4) {
    const int k = n - i < 4 ? n - i : 4;
    f4 gi = wasm_f32x4_mul(load_n(g + i, k), s);
    f4 mi = load_n(m + i, k);
    mi = wasm_f32x4_add(mi, wasm_f32x4_mul(a1, wasm_f32x4_sub(gi, mi)));
    f4 vi = wasm_f32x4_add(wasm_f32x4_mul(load_n(v + i, k), B2),
                           wasm_f32x4_mul(wasm_f32x4_mul(gi, gi), a2));
    f4 denom = wasm_f32x4_add(wasm_f32x4_div(wasm_f32x4_sqrt(vi), c2), e);
    store_n(m + i, mi, k);
    store_n(v + i, vi, k);
    store_n(p + i, wasm_f32x4_sub(load_n(p + i, k), wasm_f32x4_div(wasm_f32x4_mul(st, mi), denom)), k);
  }
}
