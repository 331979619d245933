/* With a tern_allocator hook, libtern keeps nothing on the C library heap: every block it holds comes from
 * the hook.
 *
 *   test_no_libc_heap MODELS_DIR
 *
 * The hook maps each block with mmap, so glibc's malloc statistics (mallinfo2(): uordblks + hblkhd, the
 * bytes in use) must be the same after load + session creation + inference as before, for a model loaded from
 * memory and one mapped from its file. A block taken with malloc and kept shows up as a difference (the
 * test first checks that it does, so it cannot pass because mallinfo2 sees nothing). Blocks malloc'd and
 * freed again inside one call (e.g. by fopen) are not seen; test_allocation_failures checks that every
 * allocation goes through the hook by failing each one. Skipped outside glibc and under ASan, whose
 * allocator glibc's statistics do not describe. */
#define _GNU_SOURCE
#include "reliability_util.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TERN_TEST_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define TERN_TEST_UNDER_ASAN 1
#endif

#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33)) && !defined(TERN_TEST_UNDER_ASAN)
#include <malloc.h>
#include <sys/mman.h>

/* Each block: one private mapping; the 16 bytes before the returned pointer hold the mapping's base and
 * length. */
typedef struct mmap_counter {
  atomic_long allocations;
  atomic_long frees;
} mmap_counter;

static void *mmap_aligned_allocate(void *context, size_t alignment, size_t size) {
  if (alignment < 16) alignment = 16;
  if (size > SIZE_MAX / 2 - alignment) return NULL;
  size_t length = size + alignment + 16;
  uint8_t *base = mmap(NULL, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (base == MAP_FAILED) return NULL;
  uintptr_t start = ((uintptr_t)base + 16 + alignment - 1) & ~(uintptr_t)(alignment - 1);
  uint8_t *block = (uint8_t *)start;
  memcpy(block - 16, &base, sizeof base);
  memcpy(block - 8, &length, sizeof length);
  atomic_fetch_add(&((mmap_counter *)context)->allocations, 1);
  return block;
}

static void *mmap_allocate(void *context, size_t size) { return mmap_aligned_allocate(context, 16, size); }

static void mmap_deallocate(void *context, void *pointer) {
  uint8_t *block = pointer;
  uint8_t *base;
  size_t length;
  memcpy(&base, block - 16, sizeof base);
  memcpy(&length, block - 8, sizeof length);
  munmap(base, length);
  atomic_fetch_add(&((mmap_counter *)context)->frees, 1);
}

/* Bytes in use: in the arenas plus the chunks large enough for malloc to map them on their own. */
static size_t heap_in_use(void) {
  struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

/* Load, create a session, run every inference entry point; returns the heap growth seen with everything
 * still alive. */
static long heap_growth(const char *path, const uint8_t *file, size_t file_size, int has_sequence_head,
                        const tern_allocator *hook) {
  static const char *const texts[] = {"Hello world, this is a test.", "Ünïcödé and ✓ marks\x80 with a bad byte"};
  size_t lengths[2] = {strlen(texts[0]), strlen(texts[1])};
  static int32_t ids[64];
  static float embeddings[2 * 1024], hidden[64 * 1024], logits[16];
  size_t before = heap_in_use();
  tern_model_options model_options = tern_model_default_options();
  model_options.allocator = hook;
  model_options.use_mmap = file == NULL;
  tern_model *model = NULL;
  tern_status status = file != NULL ? tern_model_load_from_memory(file, file_size, &model_options, &model)
                                    : tern_model_load(path, &model_options, &model);
  EXPECT(status == TERN_OK, "%s: load -> %s (%s)", path, tern_status_string(status), tern_last_load_error());
  if (status != TERN_OK) return 0;
  tern_session *session = NULL;
  tern_session_options session_options = tern_session_default_options();
  status = tern_session_create(model, &session_options, &session);
  EXPECT(status == TERN_OK, "%s: session -> %s", path, tern_status_string(status));
  if (status == TERN_OK) {
    size_t n_ids = 0, count = 0;
    EXPECT(tern_tokenize(session, texts[0], lengths[0], ids, 64, &n_ids) == TERN_OK, "%s: tokenize", path);
    EXPECT(tern_embed(session, texts, lengths, 2, embeddings, sizeof embeddings / sizeof(float), &count) == TERN_OK,
           "%s: embed", path);
    tern_outputs outputs;
    memset(&outputs, 0, sizeof outputs);
    outputs.last_hidden = hidden;
    outputs.last_hidden_cap = sizeof hidden / sizeof(float);
    EXPECT(tern_run_ids(session, ids, NULL, &n_ids, 1, &outputs) == TERN_OK, "%s: run_ids", path);
    if (has_sequence_head)
      EXPECT(tern_classify(session, texts[1], lengths[1], logits, 16, &count) == TERN_OK, "%s: classify", path);
  }
  long growth = (long)heap_in_use() - (long)before;
  tern_session_free(session);
  tern_model_free(model);
  return growth;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
  /* The measurement can see a kept malloc block. */
  size_t before = heap_in_use();
  void *kept = malloc(1000);
  EXPECT(kept != NULL && heap_in_use() >= before + 1000, "mallinfo2 does not see a 1000-byte block");
  free(kept);

  static const struct {
    const char *name;
    int has_sequence_head;
  } models[] = {{"albert-tiny-int8.tern", 0}, {"albert-tiny-cls-int8.tern", 1}, {"albert-tiny-groups-int8.tern", 0},
                {"bert-tiny-cls-int8.tern", 1}, {"bert-tiny-ner-int8.tern", 0}};
  int tested = 0;
  for (size_t m = 0; m < sizeof models / sizeof models[0]; m++) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", argv[1], models[m].name);
    size_t file_size = 0;
    uint8_t *file = read_file_aligned(path, &file_size);
    if (file == NULL) {
      fprintf(stderr, "skip: %s missing\n", path);
      continue;
    }
    tested++;
    mmap_counter counter = {0, 0};
    tern_allocator hook = {&counter, mmap_allocate, mmap_deallocate, mmap_aligned_allocate, mmap_deallocate};
    /* A first load without the hook lets the C library set up what it keeps for the process (stdio, locale,
     * thread-local state) so that it is not counted against the hooked runs. */
    (void)heap_growth(path, file, file_size, models[m].has_sequence_head, NULL);
    long from_memory = heap_growth(path, file, file_size, models[m].has_sequence_head, &hook);
    long mapped = heap_growth(path, NULL, 0, models[m].has_sequence_head, &hook);
    EXPECT(from_memory == 0, "%s (from memory): %ld bytes kept on the C library heap", models[m].name, from_memory);
    EXPECT(mapped == 0, "%s (mmap): %ld bytes kept on the C library heap", models[m].name, mapped);
    EXPECT(atomic_load(&counter.allocations) > 0, "%s: the hook was never called", models[m].name);
    EXPECT(atomic_load(&counter.allocations) == atomic_load(&counter.frees), "%s: %ld hook allocations, %ld frees",
           models[m].name, atomic_load(&counter.allocations), atomic_load(&counter.frees));
    printf("%s: %ld blocks through the hook, C library heap growth %ld (memory) / %ld (mmap) bytes\n",
           models[m].name, atomic_load(&counter.allocations), from_memory, mapped);
    free(file);
  }
  if (tested == 0) return TEST_SKIP;
  return test_report("no_libc_heap");
}

#else
int main(void) {
  fprintf(stderr, "skip: needs glibc >= 2.33 (mallinfo2) without ASan\n");
  return TEST_SKIP;
}
#endif
