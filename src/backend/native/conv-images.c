/*
 * The blas backend's large convolutions, natively: whole images on each of `threads` threads
 * (the caller and threads - 1 POSIX threads, taking images from a shared counter), each
 * unfolding its image with kernels.c's im2col and calling the library's cblas_sgemm with the
 * library on one thread, on the tensors' own arrays. These are the operations of the wasm
 * instance's parts (src/backend/wasm/blas-parts.ts) in the same order, without copying the
 * operands into the shared wasm memory and back: the same bits, on any thread count.
 *
 * The weight gradient sums its images in fixed chunks of `chunk` images (each chunk's partial in
 * image order, then the partials in chunk order, in float32), as blas-parts.ts does.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include "../wasm/simd.h"

#define GEOMETRY_PARAMS                                                                                   \
  int n, int groups, int outChannels, int channels, int height, int width, int kh, int kw, int sh, int sw, \
      int ph, int pw, int dh, int dw, int outH, int outW
#define GEOMETRY n, groups, outChannels, channels, height, width, kh, kw, sh, sw, ph, pw, dh, dw, outH, outW

/* kernels.c's batch unfold and fold (nb = 1 here: one image's columns [group][ckk][plane]). */
void im2col_batch(const float *x, float *cols, int i0, int nb, GEOMETRY_PARAMS);
void col2im_batch(float *cols, float *gx, int i0, int nb, GEOMETRY_PARAMS);

typedef void (*Sgemm)(int order, int transA, int transB, int m, int n, int k, float alpha, const float *a, int lda,
                      const float *b, int ldb, float beta, float *c, int ldc);
static Sgemm sgemm;
enum { ROW_MAJOR = 101, NO = 111, T = 112 };

/*
 * Binds cblas_sgemm of `library`, the path koffi opened (dlopen gives back that same instance,
 * whose thread count the caller sets). 1 when found.
 */
EXPORT(conv_images_bind)
int conv_images_bind(const char *library) {
  void *h = dlopen(library, RTLD_NOW | RTLD_LOCAL);
  if (!h) return 0;
  sgemm = (Sgemm)dlsym(h, "cblas_sgemm");
  return sgemm != 0;
}

typedef struct {
  int kind; /* 0 forward, 1 input gradient, 2 weight gradient */
  const float *x, *w, *gy;
  float *y, *gx, *partials;
  float beta;
  int units, chunk;
  atomic_int next, done;
  int g[16]; /* the geometry, as GEOMETRY_PARAMS */
} Job;

/* Columns buffers kept between calls: a fresh one costs page faults worth more than its unfold. */
static pthread_mutex_t spareLock = PTHREAD_MUTEX_INITIALIZER;
#define SPARES 16
static float *spare[SPARES];
static size_t spareLen[SPARES];

static float *take_buffer(size_t len) {
  float *p = 0;
  pthread_mutex_lock(&spareLock);
  for (int i = 0; i < SPARES; i++) {
    if (spare[i] && spareLen[i] >= len) {
      p = spare[i];
      spare[i] = 0;
      break;
    }
  }
  pthread_mutex_unlock(&spareLock);
  return p ? p : malloc(len * sizeof(float));
}

static void give_buffer(float *p, size_t len) {
  pthread_mutex_lock(&spareLock);
  for (int i = 0; i < SPARES && p; i++) {
    if (!spare[i]) {
      spare[i] = p;
      spareLen[i] = len;
      p = 0;
    }
  }
  pthread_mutex_unlock(&spareLock);
  free(p);
}

static void run_unit(Job *j, int u, float *cols) {
  const int *g = j->g;
  const int n = g[0], groups = g[1], outChannels = g[2], channels = g[3], height = g[4], width = g[5], kh = g[6], kw = g[7];
  const int sh = g[8], sw = g[9], ph = g[10], pw = g[11], dh = g[12], dw = g[13], outH = g[14], outW = g[15];
  const int og = outChannels / groups, ckk = channels * kh * kw, plane = outH * outW;
  if (j->kind == 0) {
    im2col_batch(j->x, cols, u, 1, GEOMETRY);
    for (int gi = 0; gi < groups; gi++)
      sgemm(ROW_MAJOR, NO, NO, og, plane, ckk, 1.0f, j->w + (size_t)gi * og * ckk, ckk, cols + (size_t)gi * ckk * plane, plane,
            j->beta, j->y + ((size_t)u * outChannels + gi * og) * plane, plane);
  } else if (j->kind == 1) {
    for (int gi = 0; gi < groups; gi++)
      sgemm(ROW_MAJOR, T, NO, ckk, plane, og, 1.0f, j->w + (size_t)gi * og * ckk, ckk, j->gy + ((size_t)u * outChannels + gi * og) * plane, plane,
            0.0f, cols + (size_t)gi * ckk * plane, plane);
    col2im_batch(cols, j->gx, u, 1, GEOMETRY);
  } else {
    float *part = j->partials + (size_t)u * outChannels * ckk;
    const int first = u * j->chunk, end = first + j->chunk < n ? first + j->chunk : n;
    for (int i = first; i < end; i++) {
      im2col_batch(j->x, cols, i, 1, GEOMETRY);
      for (int gi = 0; gi < groups; gi++)
        sgemm(ROW_MAJOR, NO, T, og, ckk, plane, 1.0f, j->gy + ((size_t)i * outChannels + gi * og) * plane, plane, cols + (size_t)gi * ckk * plane, plane,
              i == first ? 0.0f : 1.0f, part + (size_t)gi * og * ckk, ckk);
    }
  }
}

static void *work(void *arg) {
  Job *j = arg;
  const int *g = j->g;
  const size_t colsLen = (size_t)g[1] * g[3] * g[6] * g[7] * g[14] * g[15];
  float *cols = take_buffer(colsLen);
  if (!cols) return 0; /* out of memory: the other threads take this one's units */
  for (int u; (u = atomic_fetch_add(&j->next, 1)) < j->units;) {
    run_unit(j, u, cols);
    atomic_fetch_add(&j->done, 1);
  }
  give_buffer(cols, colsLen);
  return 0;
}

/* Runs every unit of `j` on up to `threads` threads; 0 when memory ran out before all were done. */
static int run_job(Job *j, int threads) {
  pthread_t helpers[7];
  int started = 0;
  if (threads > 8) threads = 8;
  for (; started < threads - 1 && started < j->units - 1; started++)
    if (pthread_create(&helpers[started], 0, work, j) != 0) break;
  work(j);
  for (int i = 0; i < started; i++) pthread_join(helpers[i], 0);
  return atomic_load(&j->done) == j->units;
}

#define SET_GEOMETRY(j)                                                                                                 \
  do {                                                                                                                  \
    int values[16] = {GEOMETRY};                                                                                        \
    memcpy((j).g, values, sizeof values);                                                                               \
  } while (0)

/* y = conv(x, w) (+ y, the bias already there, when hasBias): image i's columns, then its GEMMs. 0 when out of memory. */
EXPORT(conv_images_forward)
int conv_images_forward(const float *x, const float *w, float *y, int hasBias, int threads, GEOMETRY_PARAMS) {
  Job j = {.kind = 0, .x = x, .w = w, .y = y, .beta = hasBias ? 1.0f : 0.0f, .units = n};
  atomic_init(&j.next, 0);
  atomic_init(&j.done, 0);
  SET_GEOMETRY(j);
  return run_job(&j, threads);
}

/* gx (zeroed by the caller) += fold(W^T gy_i) for each image (images write disjoint planes). 0 when out of memory. */
EXPORT(conv_images_input_grad)
int conv_images_input_grad(const float *gy, const float *w, float *gx, int threads, GEOMETRY_PARAMS) {
  Job j = {.kind = 1, .gy = gy, .w = w, .gx = gx, .units = n};
  atomic_init(&j.next, 0);
  atomic_init(&j.done, 0);
  SET_GEOMETRY(j);
  return run_job(&j, threads);
}

/* gw = the sum over images of gy_i unfold(x_i)^T, in chunks of `chunk` images; 0 when out of memory. */
EXPORT(conv_images_weight_grad)
int conv_images_weight_grad(const float *x, const float *gy, float *gw, int chunk, int threads, GEOMETRY_PARAMS) {
  const int parts = (n + chunk - 1) / chunk;
  const size_t wLen = (size_t)outChannels * channels * kh * kw;
  float *partials = malloc((size_t)parts * wLen * sizeof(float));
  if (!partials) return 0;
  Job j = {.kind = 2, .x = x, .gy = gy, .partials = partials, .units = parts, .chunk = chunk};
  atomic_init(&j.next, 0);
  atomic_init(&j.done, 0);
  SET_GEOMETRY(j);
  if (!run_job(&j, threads)) {
    free(partials);
    return 0;
  }
  memcpy(gw, partials, wLen * sizeof(float));
  for (int c = 1; c < parts; c++)
    for (size_t k = 0; k < wLen; k++) gw[k] += partials[c * wLen + k];
  free(partials);
  return 1;
}
