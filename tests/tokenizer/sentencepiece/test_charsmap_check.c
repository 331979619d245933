/* test_charsmap_check.c — the linear charsmap check (runtime/src/tokenizer/charsmap.c) against the
 * straightforward one it replaced: ask every reachable node for each of its 255 possible labels, a
 * breadth-first pass for the shortest key per node (growth) and a depth-first pass for the longest key and
 * cycles. On the real charsmaps of the test models, on randomly corrupted copies and on a forged cycle,
 * both must accept or reject alike and, when they accept, agree on the longest key and the growth. The
 * blob is also loaded from an odd address (the copying path) and every lookup compared.
 *
 *   test_charsmap_check MODEL.model...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sp_test_util.h"
#include "allocator.h"
#include "tokenizer/charsmap.h"
#include "../../kernels/test_util.h"

static int accepted, rejected;

typedef struct reference_result {
  int ok;
  size_t max_key_bytes, max_ratio;
} reference_result;

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t reference_child(const uint32_t *units, uint32_t n, uint32_t pos, uint32_t c) {
  uint32_t child = (pos ^ tern_darts_offset(units[pos])) ^ c;
  return child < n && tern_darts_label(units[child]) == c ? child : UINT32_MAX;
}

/* The quadratic check the loader used before (sentencepiece.c, charsmap_validate), kept as the oracle. */
static reference_result reference_check(const uint8_t *blob, uint32_t size) {
  reference_result r = {0, 0, 0};
  uint32_t trie_size = le32(blob), n = trie_size / 4;
  const char *replacements = (const char *)blob + 4 + trie_size;
  uint32_t replacements_size = size - 4 - trie_size;
  uint32_t *units = malloc(sizeof(uint32_t) * n);
  for (uint32_t i = 0; i < n; i++) units[i] = le32(blob + 4 + 4 * (size_t)i);
  uint8_t *state = calloc(n, 1);
  uint32_t *depth = malloc(sizeof(uint32_t) * n), *queue = malloc(sizeof(uint32_t) * 2 * (size_t)n);
  size_t head = 0, tail = 0, max_ratio = 0;
  int ok = 1;
  queue[tail++] = 0;
  state[0] = 1;
  depth[0] = 0;
  while (head < tail && ok) {
    uint32_t pos = queue[head++];
    for (uint32_t c = 1; c < 256 && ok; c++) {
      uint32_t child = reference_child(units, n, pos, c);
      if (child == UINT32_MAX || state[child]) continue;
      state[child] = 1;
      depth[child] = depth[pos] + 1;
      queue[tail++] = child;
      if (!tern_darts_has_leaf(units[child])) continue;
      uint32_t leaf = child ^ tern_darts_offset(units[child]);
      if (leaf >= n || tern_darts_value(units[leaf]) >= replacements_size) {
        ok = 0;
        break;
      }
      const char *s = replacements + tern_darts_value(units[leaf]);
      size_t escaped = 0;
      for (size_t i = 0; s[i]; i++) escaped += s[i] == ' ' ? 3 : 1;
      size_t ratio = (escaped + depth[child] - 1) / depth[child];
      if (ratio > max_ratio) max_ratio = ratio;
    }
  }
  size_t top = 0;
  if (ok) queue[0] = 0, queue[1] = 1, top = 1, state[0] = 2, depth[0] = 0;
  while (top && ok) {
    uint32_t *frame = &queue[2 * (top - 1)];
    uint32_t pos = frame[0];
    if (frame[1] == 256) {
      state[pos] = 3;
      top--;
      if (top && depth[pos] + 1 > depth[queue[2 * (top - 1)]]) depth[queue[2 * (top - 1)]] = depth[pos] + 1;
      continue;
    }
    uint32_t child = reference_child(units, n, pos, frame[1]++);
    if (child == UINT32_MAX) continue;
    if (state[child] == 2) {
      ok = 0;
    } else if (state[child] == 3) {
      if (depth[child] + 1 > depth[pos]) depth[pos] = depth[child] + 1;
    } else {
      state[child] = 2;
      depth[child] = 0;
      queue[2 * top] = child, queue[2 * top + 1] = 1, top++;
    }
  }
  r.ok = ok;
  if (ok) r.max_key_bytes = depth[0], r.max_ratio = max_ratio;
  free(units);
  free(state);
  free(depth);
  free(queue);
  return r;
}

/* Loads the blob at a 4-byte aligned and at an odd address; both must agree with the reference. */
static void compare(const char *what, const uint8_t *blob, uint32_t size, const char *sample, size_t sample_len) {
  reference_result want = reference_check(blob, size);
  if (want.ok) accepted++;
  else rejected++;
  uint8_t *aligned = malloc(size), *odd_block = malloc(size + 8), *odd = odd_block + 5;
  memcpy(aligned, blob, size);
  memcpy(odd, blob, size);
  tern_charsmap in_place, copied;
  char err[256];
  tern_status s1 = tern_charsmap_load(&tern_libc_allocator, aligned, size, &in_place, err, sizeof err);
  EXPECT(s1 == (want.ok ? TERN_OK : TERN_ERR_BAD_TOKENIZER), "%s: status %d, reference %s (%s)", what, (int)s1,
        want.ok ? "accepts" : "rejects", err);
  if (s1 == TERN_OK) {
    EXPECT(in_place.units_copy == NULL, "%s: an aligned blob is read in place", what);
    EXPECT(in_place.max_key_bytes == want.max_key_bytes && in_place.max_ratio == want.max_ratio,
          "%s: longest key %zu, ratio %zu; reference %zu, %zu", what, in_place.max_key_bytes, in_place.max_ratio,
          want.max_key_bytes, want.max_ratio);
  }
  tern_status s2 = tern_charsmap_load(&tern_libc_allocator, odd, size, &copied, err, sizeof err);
  EXPECT(s2 == s1, "%s: status %d at an odd address, %d aligned", what, (int)s2, (int)s1);
  if (s1 == TERN_OK && s2 == TERN_OK) {
    EXPECT(copied.units_copy != NULL && copied.max_key_bytes == in_place.max_key_bytes &&
              copied.max_ratio == in_place.max_ratio,
          "%s: the copy differs", what);
    for (size_t i = 0; i < sample_len; i++) {
      uint32_t v1 = 0, v2 = 0;
      size_t n1 = tern_charsmap_longest(&in_place, (const uint8_t *)sample + i, sample_len - i, &v1);
      size_t n2 = tern_charsmap_longest(&copied, (const uint8_t *)sample + i, sample_len - i, &v2);
      if (n1 != n2 || (n1 && v1 != v2)) {
        EXPECT(0, "%s: lookup at byte %zu: %zu/%u aligned, %zu/%u copied", what, i, n1, v1, n2, v2);
        break;
      }
    }
    tern_charsmap_free(&tern_libc_allocator, &copied);
  }
  if (s1 == TERN_OK) tern_charsmap_free(&tern_libc_allocator, &in_place);
  free(aligned);
  free(odd_block);
}

/* A child X of a child A of the root, re-pointed so that A is among X's children: A -> X -> A. */
static int forge_cycle(uint8_t *blob) {
  uint32_t n = le32(blob) / 4;
  uint32_t *units = malloc(sizeof(uint32_t) * n);
  for (uint32_t i = 0; i < n; i++) units[i] = le32(blob + 4 + 4 * (size_t)i);
  int done = 0;
  for (uint32_t ca = 1; ca < 256 && !done; ca++) {
    uint32_t a = reference_child(units, n, 0, ca);
    if (a == UINT32_MAX) continue;
    for (uint32_t cx = 1; cx < 256 && !done; cx++) {
      uint32_t x = reference_child(units, n, a, cx);
      if (x == UINT32_MAX) continue;
      uint32_t offset = x ^ a ^ ca; /* base(x) ^ ca == a */
      if (offset >= (1u << 21)) continue;
      uint32_t unit = (units[x] & 0x1FFu) | offset << 10;
      for (int k = 0; k < 4; k++) blob[4 + 4 * (size_t)x + k] = (uint8_t)(unit >> (8 * k));
      done = 1;
    }
  }
  free(units);
  return done;
}

int main(int argc, char **argv) {
  const char *sample =
      "Hello, World! ｆｕｌｌｗｉｄｔｈ ＡＢＣ１２３ ﬁ ﬂ ½ ① ㍿ Ⅻ café naïve Å Ω ｶﾀｶﾅ \t\r\n \xc2\xa0 x\xe2\x80\x8by ";
  for (int a = 1; a < argc; a++) {
    sp_test_model model = sp_test_load_model(argv[a], 0);
    const uint8_t *blob = model.spec.precompiled_charsmap;
    const uint32_t size = model.spec.precompiled_charsmap_size;
    EXPECT(size > 4, "%s: no charsmap", argv[a]);
    if (size <= 4) continue;
    compare(argv[a], blob, size, sample, strlen(sample));
    uint8_t *bad = malloc(size);
    uint32_t seed = 2024, trie_size = le32(blob);
    for (int round = 0; round < 40; round++) {
      memcpy(bad, blob, size);
      for (int k = 0; k < 6; k++) {
        seed = seed * 1103515245u + 12345u;
        uint32_t at = 4 + (round % 2 ? (seed >> 8) % 4096 : (seed >> 8) % trie_size);
        bad[at] = (uint8_t)(seed >> 3);
      }
      char what[512];
      snprintf(what, sizeof what, "%s corrupted %d", argv[a], round);
      compare(what, bad, size, sample, strlen(sample));
    }
    memcpy(bad, blob, size);
    EXPECT(forge_cycle(bad), "%s: no place for a cycle", argv[a]);
    EXPECT(!reference_check(bad, size).ok, "%s: the reference accepts the forged cycle", argv[a]);
    compare("forged cycle", bad, size, sample, strlen(sample));
    free(bad);
    sp_test_free_model(&model);
  }
  if (test_failures) fprintf(stderr, "%d failures\n", test_failures);
  else printf("charsmap check agrees with the reference on %d model(s): %d blobs accepted, %d rejected\n", argc - 1,
              accepted, rejected);
  return test_failures ? 1 : 0;
}
