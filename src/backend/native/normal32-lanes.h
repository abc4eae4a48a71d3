/*
 * The body of normal32-lanes.c's kernel for LANES lanes of clang/gcc vector extensions,
 * compiled for TARGET (included once per width; NAMED(x) gives each width its own names).
 */

typedef uint32_t NAMED(vu) __attribute__((vector_size(4 * LANES)));
typedef int32_t NAMED(vi) __attribute__((vector_size(4 * LANES)));
typedef float NAMED(vf) __attribute__((vector_size(4 * LANES)));
typedef struct { NAMED(vu) a, b, c, d; } NAMED(lanes_t);
typedef float NAMED(pair_t) __attribute__((vector_size(8)));
#define pair_t NAMED(pair_t)
#define VU NAMED(vu)
#define VI NAMED(vi)
#define VF NAMED(vf)

/* Lane l at M^(2 SPAN l) x. */
TARGET static void NAMED(lanes_start)(const xo_t *x, NAMED(lanes_t) *L) {
  st128_t s = {{x->s0, x->s1, x->s2, x->s3}};
  for (int l = 0; l < LANES; l++) {
    st128_t j = l == 0 ? s : st_apply(jump[l - 1], s);
    L->a[l] = j.w[0];
    L->b[l] = j.w[1];
    L->c[l] = j.w[2];
    L->d[l] = j.w[3];
  }
}

/* One xoshiro128** output in each lane (xo_next, lane by lane). */
TARGET_INLINE VU NAMED(lanes_next)(NAMED(lanes_t) *L) {
  VU b5 = L->b * 5u;
  VU r = ((b5 << 7) | (b5 >> 25)) * 9u;
  VU t = L->b << 9;
  L->c ^= L->a;
  L->d ^= L->b;
  L->b ^= L->c;
  L->a ^= L->d;
  L->c ^= t;
  L->d = (L->d << 11) | (L->d >> 21);
  return r;
}

/*
 * The arithmetic of normal32.c's pairs4, lane by lane, in its pipeline's stages (stage_a,
 * stage_b, stage_c there): A from a lane step's outputs (a, b) up to the division, B up to the
 * square root and the angle's cos and sin, C the rest, then the stores.
 */
typedef struct { VF f, s, dk, z, t, zt; VU w; } NAMED(stage_a_t);
typedef struct { VF r2; VU cs, sn; } NAMED(stage_b_t);
#define stage_a_t NAMED(stage_a_t)
#define stage_b_t NAMED(stage_b_t)

TARGET_INLINE stage_a_t NAMED(stage_a)(VU a, VU b) {
  stage_a_t A;
  A.t = __builtin_convertvector((VI)(b << 2) >> 10, VF) * 0x1p-24f;
  A.w = b + (1u << 29);
  A.zt = A.t * A.t;
  VI bits = (VI)((VU)(__builtin_convertvector((VI)(a >> 8), VF) + 1.0f) + (uint32_t)(0x3f800000 - 0x3f3504f3 - (151 << 23)));
  A.dk = __builtin_convertvector(bits >> 23, VF);
  VF m = (VF)((bits & 0x7fffff) + 0x3f3504f3);
  A.f = m - 1.0f;
  A.s = A.f / (m + 1.0f);
  A.z = A.s * A.s;
  return A;
}

TARGET_INLINE stage_b_t NAMED(stage_b)(stage_a_t A) {
  stage_b_t B;
  VF R = L3 + A.z * L4;
  R = L2 + A.z * R;
  R = L1 + A.z * R;
  R = A.z * R;
  VF nlogm = A.s * (A.f - R) - A.f;
  VF nlg = A.dk * -LN2_HI + (nlogm + A.dk * -LN2_LO);
  B.r2 = nlg + nlg;
  VF zt = A.zt;
  VF ps = S7 + zt * S9;
  ps = S5 + zt * ps;
  ps = S3 + zt * ps;
  ps = S1 + zt * ps;
  VU sn = (VU)(A.t * ps);
  VF pc = C6 + zt * C8;
  pc = C4 + zt * pc;
  pc = C2 + zt * pc;
  VU cs = (VU)(1.0f + zt * pc);
  VU w1 = A.w << 1;
  VU swap = (VU)((VI)w1 >> 31);
  VU d = (cs ^ sn) & swap;
  B.cs = cs ^ d ^ ((A.w ^ w1) & 0x80000000u);
  B.sn = sn ^ d ^ (A.w & 0x80000000u);
  return B;
}

/*
 * Lane step k's elements: lane l's pair at 2 (l SPAN + k) and + 1 of o, mean + scale z
 * (addMean) or scale z (a second pass adds the array's elements), for the first `used` lanes.
 */
TARGET_INLINE void NAMED(scaled)(stage_b_t B, float scale, VF *t0, VF *t1) {
  VF r = (VF)SQRT(B.r2);
  *t0 = scale * (r * (VF)B.cs);
  *t1 = scale * (r * (VF)B.sn);
}

TARGET_INLINE void NAMED(stage_c)(stage_b_t B, int used, int addMean, float mean, float scale, float *o, int k) {
  VF t0, t1;
  NAMED(scaled)(B, scale, &t0, &t1);
  if (addMean) {
    t0 = mean + t0;
    t1 = mean + t1;
  }
  if (used == LANES) {
    /* each lane's pair from the registers as one 64-bit store (through memory, a wide store
       read back in 8-byte pieces missed store forwarding and took most of the time) */
#define STORE_PAIR(l) { pair_t q = __builtin_shufflevector(t0, t1, l, LANES + l); memcpy(o + 2 * ((l) * SPAN + k), &q, 8); }
    FOR_LANES(STORE_PAIR)
#undef STORE_PAIR
  } else {
    for (int l = 0; l < used; l++) {
      o[2 * (l * SPAN + k)] = t0[l];
      o[2 * (l * SPAN + k) + 1] = t1[l];
    }
  }
}

/*
 * The first `used` lanes' SPAN pairs each from x's state, into o (stage_c); x ends after the
 * lanes' pairs. The steps run as normal32.c's four-stage software pipeline: an iteration draws
 * step k and runs A of k - 1, B of k - 2 and C of k - 3, so that the long chain of one step (the
 * division, the polynomials, the square root) overlaps the others' (without it, 16 lanes ran no
 * faster than 8: the scheduler filled with one step's waiting operations).
 */
TARGET static void NAMED(lanes_run)(xo_t *x, int used, int addMean, float mean, float scale, float *o) {
  NAMED(lanes_t) L;
  NAMED(lanes_start)(x, &L);
  VU a = NAMED(lanes_next)(&L), b = NAMED(lanes_next)(&L);
  stage_a_t A = NAMED(stage_a)(a, b);
  a = NAMED(lanes_next)(&L), b = NAMED(lanes_next)(&L);
  stage_b_t B = NAMED(stage_b)(A);
  A = NAMED(stage_a)(a, b);
  a = NAMED(lanes_next)(&L), b = NAMED(lanes_next)(&L);
  for (int k = 3; k < SPAN; k++) {
    stage_b_t B1 = NAMED(stage_b)(A);
    NAMED(stage_c)(B, used, addMean, mean, scale, o, k - 3);
    A = NAMED(stage_a)(a, b);
    a = NAMED(lanes_next)(&L), b = NAMED(lanes_next)(&L);
    B = B1;
  }
  NAMED(stage_c)(B, used, addMean, mean, scale, o, SPAN - 3);
  B = NAMED(stage_b)(A);
  A = NAMED(stage_a)(a, b);
  NAMED(stage_c)(B, used, addMean, mean, scale, o, SPAN - 2);
  NAMED(stage_c)(NAMED(stage_b)(A), used, addMean, mean, scale, o, SPAN - 1);
  x->s0 = L.a[used - 1];
  x->s1 = L.b[used - 1];
  x->s2 = L.c[used - 1];
  x->s3 = L.d[used - 1];
}

/*
 * Pairs j, j + 1, ... to the end (fewer than MIN_LANES lanes' worth): their outputs drawn one by
 * one in the stream's order, LANES pairs side by side in the lanes (unused lanes compute on
 * zeros), elements 2j and 2j + 1 getting base + scale z0 and z1 below n.
 */
TARGET static void NAMED(pairs_tail)(xo_t *x, int j, const float *in, float *out, int n, int xkind, float mean, float scale) {
  const int pairs = (n + 1) / 2;
  for (; j < pairs; j += LANES) {
    const int used = pairs - j < LANES ? pairs - j : LANES;
    VU a = {0}, b = {0};
    for (int l = 0; l < used; l++) {
      a[l] = xo_next(x);
      b[l] = xo_next(x);
    }
    VF t0, t1;
    NAMED(scaled)(NAMED(stage_b)(NAMED(stage_a)(a, b)), scale, &t0, &t1);
    for (int l = 0; l < used; l++) {
      const int i = 2 * (j + l);
      out[i] = (xkind == 1 ? in[i] : mean) + t0[l];
      if (i + 1 < n) out[i + 1] = (xkind == 1 ? in[i + 1] : mean) + t1[l];
    }
  }
}

/*
 * The whole kernel (normal32_lanes's contract) on LANES lanes: blocks of LANES SPAN pairs, then
 * a last group of at least MIN_LANES whole lanes, then the pairs one by one. With xkind 1, each group's scale z
 * goes to `scratch` first and a second pass adds in[i] (base + scale z in that order, as
 * normal32.c rounds it), so in may be out. (Scaling into out itself and adding there was
 * slower: 1.14 against 0.9 ns a normal; the scratch stays in L2.)
 */
TARGET static void NAMED(normal32)(xo_t *x, const float *in, float *out, int n, int xkind, float mean, float scale, float *scratch) {
  int j = 0;
  while (j + MIN_LANES * SPAN <= n / 2) {
    int used = (n / 2 - j) / SPAN;
    if (used > LANES) used = LANES;
    float *o = xkind == 1 ? scratch : out + 2 * j;
    NAMED(lanes_run)(x, used, xkind != 1, mean, scale, o);
    if (xkind == 1) {
      const int len = 2 * used * SPAN;
      const float *xi = in + 2 * j;
      float *oi = out + 2 * j;
      for (int i = 0; i < len; i++) oi[i] = xi[i] + o[i];
    }
    j += used * SPAN;
  }
  NAMED(pairs_tail)(x, j, in, out, n, xkind, mean, scale);
}

#undef VU
#undef pair_t
#undef stage_a_t
#undef stage_b_t
#undef VI
#undef VF
