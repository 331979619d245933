/* gemm_bench — the int8 GEMM micro-benchmark (issue 6): every kernel set this build and CPU have, on the
 * GEMM shapes of all-MiniLM-L6-v2 (hidden 384, FFN 1536) and ALBERT-base (hidden 768, FFN 3072), for 16
 * and 128 rows. Prints time per call, GMAC/s and the fraction of the core's int8 peak, one thread.
 *
 * The peak is (int8 MACs per cycle of the set's best exact instruction sequence) x (the clock measured
 * here with a chain of dependent adds, one per cycle on every core this targets):
 *   avx2        32: two vpmaddwd (or vpmaddubsw + vpmaddwd pairs) per cycle x 16 MACs (Zen 2/3, Skylake+).
 *   avxvnni     64: two ymm vpdpbusd per cycle x 32 MACs (Alder Lake P-core).
 *   avx512vnni 128: two zmm vpdpbusd per cycle x 64 MACs (server cores with two 512-bit FMA ports; client
 *                   parts with one port peak at half that).
 *   neon        16: two 128-bit smlal per cycle x 8 MACs; neondot 64: two sdot x 32; i8mm 128: two smmla x 64.
 *   scalar       -: no peak printed.
 * Times (thread CPU time, so time-sharing with other processes is left out, though not their use of the
 * caches): a warm-up call, then `--trials` trials each of enough calls to last `--min-ms`; the median trial.
 * The clock comes from the fastest of 5 trials. Compare sets within one run (ratios), not across runs.
 *
 * Where a set has its own 7-bit activation GEMM (avx2: gemm_qd7_f32), a second row "<isa>/qd7" times it
 * with its quantizer on the same shape, and "x qd8" is its speed over the set's qd8 GEMM.
 *
 * Usage: gemm_bench [--isa NAME] [--rows M] [--trials N] [--min-ms MS] [--json PATH] [--act gelu] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dispatch.h"
#include "kernels.h"
#include "packing.h"

typedef struct shape {
  const char *model, *name;
  size_t n, k;
} shape;

static const shape shapes[] = {
    {"minilm", "qkv/out 384x384", 384, 384},        {"minilm", "ffn-up 1536x384", 1536, 384},
    {"minilm", "ffn-down 384x1536", 384, 1536},     {"albert", "qkv/out 768x768", 768, 768},
    {"albert", "ffn-up 3072x768", 3072, 768},       {"albert", "ffn-down 768x3072", 768, 3072},
};

/* The CPU time of this thread: on a shared machine it leaves out the time other processes hold the core. */
static double now_seconds(void) {
  struct timespec t;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Clock in GHz from a chain of dependent adds (one per cycle); 0 when this target has no such loop. */
static double measure_clock_ghz(void) {
#if defined(__x86_64__) || defined(__aarch64__) || defined(__arm__)
  double best = 0.0;
  for (int trial = 0; trial < 5; trial++) {
    unsigned long value = 0;
    const long iterations = 200000; /* x 100 adds */
    const double start = now_seconds();
    for (long i = 0; i < iterations; i++) {
#if defined(__x86_64__)
      __asm__ volatile(".rept 100\n\taddq $1, %0\n\t.endr" : "+r"(value));
#else
      __asm__ volatile(".rept 100\n\tadd %0, %0, #1\n\t.endr" : "+r"(value));
#endif
    }
    const double ghz = (double)iterations * 100.0 / (now_seconds() - start) / 1e9;
    if (ghz > best) best = ghz; /* the fastest trial: the one least disturbed by other processes */
  }
  return best;
#else
  return 0.0;
#endif
}

static double peak_macs_per_cycle(const char *isa) {
  static const struct {
    const char *isa;
    double macs;
  } peaks[] = {{"avx2", 32}, {"avxvnni", 64}, {"avx512vnni", 128}, {"neon", 16}, {"neondot", 64}, {"i8mm", 128}};
  for (size_t i = 0; i < sizeof peaks / sizeof peaks[0]; i++)
    if (strcmp(peaks[i].isa, isa) == 0) return peaks[i].macs;
  return 0.0;
}

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

typedef struct problem {
  size_t m, n, k, kp;
  float *x, *a_scale, *w_scale, *bias, *y;
  int8_t *a, *w_packed;
  int32_t *a_zero_point, *w_sums;
} problem;

static void *alloc64(size_t bytes) { return aligned_alloc(64, tern_round_up(bytes > 0 ? bytes : 1, 64)); }

static int problem_init(problem *p, size_t m, size_t n, size_t k) {
  memset(p, 0, sizeof *p);
  p->m = m, p->n = n, p->k = k, p->kp = tern_round_up(k, TERN_PACK_KR);
  int8_t *w = malloc(n * k);
  p->x = alloc64(m * k * sizeof(float)), p->a = alloc64(m * p->kp), p->a_scale = alloc64(m * sizeof(float));
  p->a_zero_point = alloc64(m * sizeof(int32_t)), p->w_packed = alloc64(tern_round_up(n, TERN_PACK_NR) * p->kp);
  p->w_scale = alloc64(n * sizeof(float)), p->w_sums = alloc64(n * sizeof(int32_t)), p->bias = alloc64(n * sizeof(float));
  p->y = alloc64(m * n * sizeof(float));
  if (!w || !p->x || !p->a || !p->a_scale || !p->a_zero_point || !p->w_packed || !p->w_scale || !p->w_sums ||
      !p->bias || !p->y) {
    free(w);
    return 0;
  }
  unsigned state = 12345u;
  for (size_t i = 0; i < m * k; i++) state = state * 1664525u + 1013904223u, p->x[i] = (float)(state >> 8) / 16777216.0f - 0.5f;
  for (size_t j = 0; j < n; j++) {
    int32_t sum = 0;
    for (size_t i = 0; i < k; i++) {
      state = state * 1664525u + 1013904223u;
      w[j * k + i] = (int8_t)((int)((state >> 8) % 255u) - 127);
      sum += w[j * k + i];
    }
    p->w_sums[j] = sum, p->w_scale[j] = 0.001f, p->bias[j] = 0.01f;
  }
  memset(p->w_packed, 0, tern_round_up(n, TERN_PACK_NR) * p->kp);
  tern_pack_16x4(w, n, k, p->w_packed);
  free(w);
  return 1;
}

static void problem_free(problem *p) {
  free(p->x), free(p->a), free(p->a_scale), free(p->a_zero_point), free(p->w_packed), free(p->w_scale), free(p->w_sums);
  free(p->bias), free(p->y);
}

/* Median seconds per call of the qd8 GEMM (quantize = 0) or of the qd8 row quantizer (quantize = 1); with
 * bits = 7 the 7-bit pair (quantize_qd7, gemm_qd7_f32). */
static double time_kernel(const tern_kernels *set, problem *p, int bits, int quantize, tern_activation act,
                          int trials, double min_seconds) {
  double times[64];
  if (trials > 64) trials = 64;
  const tern_quantize_qd8_fn quantize_rows = bits == 7 ? set->quantize_qd7 : set->quantize_qd8;
  const tern_gemm_qd8_f32_fn gemm = bits == 7 ? set->gemm_qd7_f32 : set->gemm_qd8_f32;
  quantize_rows(p->m, p->k, p->x, p->k, p->a, p->kp, p->a_scale, p->a_zero_point);
  long calls = 1;
  for (int t = -1; t < trials; t++) { /* trial -1 warms up and sizes the trials */
    const double start = now_seconds();
    for (long c = 0; c < calls; c++) {
      if (quantize)
        quantize_rows(p->m, p->k, p->x, p->k, p->a, p->kp, p->a_scale, p->a_zero_point);
      else
        gemm(p->m, p->n, p->k, p->a, p->kp, p->a_scale, p->a_zero_point, p->w_packed, p->w_scale, p->w_sums, p->bias,
             p->y, p->n, act);
    }
    const double per_call = (now_seconds() - start) / (double)calls;
    if (t < 0) {
      calls = (long)ceil(min_seconds / (per_call > 1e-9 ? per_call : 1e-9));
      if (calls < 1) calls = 1;
    } else {
      times[t] = per_call;
    }
  }
  qsort(times, (size_t)trials, sizeof times[0], compare_doubles);
  return times[trials / 2];
}

int main(int argc, char **argv) {
  const char *only_isa = NULL, *json_path = NULL;
  size_t only_rows = 0;
  int trials = 5;
  double min_ms = 30.0;
  tern_activation act = TERN_ACT_IDENTITY;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--isa") == 0 && i + 1 < argc) only_isa = argv[++i];
    else if (strcmp(argv[i], "--rows") == 0 && i + 1 < argc) only_rows = (size_t)strtoul(argv[++i], NULL, 10);
    else if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc) trials = atoi(argv[++i]);
    else if (strcmp(argv[i], "--min-ms") == 0 && i + 1 < argc) min_ms = atof(argv[++i]);
    else if (strcmp(argv[i], "--json") == 0 && i + 1 < argc) json_path = argv[++i];
    else if (strcmp(argv[i], "--act") == 0 && i + 1 < argc && strcmp(argv[i + 1], "gelu") == 0) act = TERN_ACT_GELU_ERF, i++;
    else {
      fprintf(stderr, "usage: %s [--isa NAME] [--rows M] [--trials N] [--min-ms MS] [--json PATH] [--act gelu]\n",
              argv[0]);
      return 2;
    }
  }
  if (trials < 1) trials = 1;
  FILE *json = NULL;
  if (json_path != NULL && (json = fopen(json_path, "w")) == NULL) {
    fprintf(stderr, "gemm_bench: cannot write %s\n", json_path);
    return 1;
  }
  const double ghz = measure_clock_ghz();
  printf("clock %.3f GHz (dependent-add loop, thread CPU time), one thread, qd8 GEMM (quantize excluded), act %s\n", ghz,
         act == TERN_ACT_IDENTITY ? "identity" : "gelu-erf");
  printf("isa/qd7: the 7-bit activation GEMM (tern_session_options.activation_bits = 7) where the set has its own;\n"
         "x qd8: its speed over the same set's qd8 GEMM on the same shape\n");
  printf("%-10s %-6s %-18s %5s %10s %8s %7s %10s %6s\n", "isa", "model", "shape (NxK)", "M", "us/call", "GMAC/s",
         "%peak", "quant us", "x qd8");
  if (json) fprintf(json, "{\"clock_ghz\": %.4f, \"results\": [", ghz);
  int first_json = 1;
  const size_t row_counts[] = {16, 128};
  const char *const *names = tern_kernels_names();
  for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
    for (size_t r = 0; r < 2; r++) {
      if (only_rows != 0 && only_rows != row_counts[r]) continue;
      problem p;
      if (!problem_init(&p, row_counts[r], shapes[s].n, shapes[s].k)) {
        fprintf(stderr, "gemm_bench: out of memory\n");
        return 1;
      }
      for (size_t i = 0; names[i] != NULL; i++) {
        const tern_kernels *set = tern_kernels_by_name(names[i]);
        if (set == NULL || (only_isa != NULL && strcmp(only_isa, names[i]) != 0)) continue;
        const double scalar_scale = strcmp(names[i], "scalar") == 0 ? 0.2 : 1.0; /* slow: fewer calls */
        double qd8_seconds = 0.0;
        for (int bits = 8; bits >= 7; bits--) {
          if (bits == 7 && set->gemm_qd7_f32 == set->gemm_qd8_f32) continue; /* the same kernel */
          const double seconds = time_kernel(set, &p, bits, 0, act, trials, min_ms * 1e-3 * scalar_scale);
          const double quant_seconds = time_kernel(set, &p, bits, 1, act, trials, min_ms * 1e-3 * 0.2);
          if (bits == 8) qd8_seconds = seconds;
          const double gmacs = (double)p.m * (double)p.n * (double)p.k / seconds / 1e9;
          const double peak = peak_macs_per_cycle(names[i]) * ghz;
          char peak_text[16] = "-", label[32], speedup[16] = "-";
          if (peak > 0.0) snprintf(peak_text, sizeof peak_text, "%.1f", 100.0 * gmacs / peak);
          snprintf(label, sizeof label, "%s%s", names[i], bits == 7 ? "/qd7" : "");
          if (bits == 7) snprintf(speedup, sizeof speedup, "%.2f", qd8_seconds / seconds);
          printf("%-10s %-6s %-18s %5zu %10.1f %8.2f %7s %10.2f %6s\n", label, shapes[s].model, shapes[s].name, p.m,
                 seconds * 1e6, gmacs, peak_text, quant_seconds * 1e6, speedup);
          if (json) {
            fprintf(json,
                    "%s\n  {\"isa\": \"%s\", \"activation_bits\": %d, \"model\": \"%s\", \"m\": %zu, \"n\": %zu, "
                    "\"k\": %zu, \"us\": %.3f, \"gmacs\": %.4f, \"peak_gmacs\": %.4f, \"quantize_us\": %.3f, "
                    "\"speedup_vs_qd8\": %.4f}",
                    first_json ? "" : ",", names[i], bits, shapes[s].model, p.m, p.n, p.k, seconds * 1e6, gmacs, peak,
                    quant_seconds * 1e6, bits == 7 ? qd8_seconds / seconds : 1.0);
            first_json = 0;
          }
        }
      }
      problem_free(&p);
    }
  if (json) {
    fprintf(json, "\n]}\n");
    fclose(json);
  }
  return 0;
}
