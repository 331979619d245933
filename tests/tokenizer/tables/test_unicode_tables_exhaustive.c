/* Every code point 0..0x10FFFF through the compact lookups (three-level trie, shared pool, Hangul by
 * arithmetic) must reproduce the generators' source data: the same streams they hash, hashed here. */
#include <stdio.h>
#include <string.h>

#include "tokenizer/sentencepiece_albert.h"
#include "tokenizer/sentencepiece_albert_tables.h"
#include "tokenizer/unicode_tables.h"

typedef struct crc32 {
  uint32_t table[256];
  uint32_t value[3]; /* flags, decomposition, lowercase */
} crc32;

static void crc_init(crc32 *c) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t r = i;
    for (int k = 0; k < 8; k++) r = (r >> 1) ^ (0xEDB88320u & (0u - (r & 1u)));
    c->table[i] = r;
  }
  for (int i = 0; i < 3; i++) c->value[i] = 0xFFFFFFFFu;
}

static void crc_u32(crc32 *c, int which, uint32_t v) {
  for (int i = 0; i < 4; i++) c->value[which] = c->table[(c->value[which] ^ (v >> (8 * i))) & 0xFFu] ^ (c->value[which] >> 8);
}

static void crc_seq(crc32 *c, int which, const uint32_t *seq, unsigned n) {
  crc_u32(c, which, n);
  for (unsigned i = 0; i < n; i++) crc_u32(c, which, seq[i]);
}

static int report(const char *table, const crc32 *c, const uint32_t want[3]) {
  static const char *const names[3] = {"flags", "decomposition", "lowercase"};
  int failures = 0;
  for (int i = 0; i < 3; i++) {
    uint32_t got = c->value[i] ^ 0xFFFFFFFFu;
    if (got != want[i]) {
      fprintf(stderr, "%s %s: CRC-32 0x%08X, generator 0x%08X\n", table, names[i], got, want[i]);
      failures++;
    }
  }
  return failures;
}

static int check_wordpiece(crc32 *c) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    const tern_unicode_record *rec = tern_unicode_lookup(cp);
    crc_u32(c, 0, rec->flags);
    uint32_t hangul[3];
    unsigned n_hangul = tern_unicode_hangul_nfd(cp, hangul);
    if (n_hangul && rec->nfd_length) return fprintf(stderr, "U+%04X: Hangul with a table NFD\n", cp), 1;
    if (n_hangul) crc_seq(c, 1, hangul, n_hangul);
    else if (rec->nfd_length) crc_seq(c, 1, tern_unicode_pool + rec->nfd_offset, rec->nfd_length);
    else crc_u32(c, 1, 0);
    if (rec->lower_length) crc_seq(c, 2, tern_unicode_pool + rec->lower_offset, rec->lower_length);
    else crc_u32(c, 2, 0);
  }
  static const uint32_t want[3] = {TERN_UC_CRC_FLAGS, TERN_UC_CRC_NFD, TERN_UC_CRC_LOWER};
  return report("unicode_tables", c, want);
}

static int check_albert(crc32 *c) {
  for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
    const tern_albert_record *rec = tern_albert_lookup(cp);
    crc_u32(c, 0, rec->flags);
    uint32_t buf[3];
    const uint32_t *chars;
    unsigned n = tern_albert_decomposition(cp, rec, buf, &chars);
    if (rec->decomp_length == TERN_ALBERT_IDENTITY) crc_u32(c, 1, TERN_ALBERT_IDENTITY);
    else crc_seq(c, 1, chars, n);
    if (rec->lower_length == TERN_ALBERT_IDENTITY) crc_u32(c, 2, TERN_ALBERT_IDENTITY);
    else crc_seq(c, 2, tern_albert_pool + rec->lower_offset, rec->lower_length);
  }
  static const uint32_t want[3] = {TERN_ALBERT_CRC_FLAGS, TERN_ALBERT_CRC_DECOMP, TERN_ALBERT_CRC_LOWER};
  int failures = report("sentencepiece_albert_tables", c, want);
  /* The load path returns growth constants taken from these tables; they must be what the tables give. */
  for (int options = 0; options < 8; options++) {
    const tern_albert_options o = {options & 1, (options >> 1) & 1, (options >> 2) & 1};
    const size_t constant = tern_albert_max_growth(&o), walked = tern_albert_max_growth_exhaustive(&o);
    if (constant != walked) {
      fprintf(stderr, "tern_albert_max_growth(remove_space %d, keep_accents %d, do_lower_case %d) is %zu, the tables "
              "give %zu\n", o.remove_space, o.keep_accents, o.do_lower_case, constant, walked);
      failures++;
    }
  }
  return failures;
}

int main(int argc, char **argv) {
  if (argc != 2) return fprintf(stderr, "usage: %s wordpiece|albert\n", argv[0]), 2;
  crc32 c;
  crc_init(&c);
  int failures = strcmp(argv[1], "albert") == 0 ? check_albert(&c) : check_wordpiece(&c);
  if (!failures) printf("%s tables: all 1114112 code points match the generator's data\n", argv[1]);
  return failures ? 1 : 0;
}
