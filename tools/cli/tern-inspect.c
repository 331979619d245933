/* tern-inspect — what is in a .tern file (public API only).
 *
 *   tern-inspect [--verify] [--tensors] [--read] MODEL.tern
 *
 * Loading runs the full verifier; --verify also runs the stored self-test vectors and prints "ok" with the
 * worst cosine, or the error, and exits 0 / 1. --read loads
 * through read() instead of mmap. The tensor table lists name, dtype, layout, shape, bytes and how many
 * scheduled layers use it; totals are grouped by the name's first component (embeddings, layer_set, head). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

static const char *dtype_name(int dtype) { return dtype == 0 ? "f32" : dtype == 1 ? "f16" : dtype == 2 ? "int8" : "?"; }

static void print_tensors(const tern_model *model, int list) {
  enum { MAX_PARTS = 16 };
  struct {
    char name[32];
    uint64_t bytes;
    uint32_t count;
  } parts[MAX_PARTS];
  size_t num_parts = 0;
  uint64_t total = 0;
  uint32_t count = tern_model_tensor_count(model);
  if (list) printf("\n%-48s %-5s %-10s %-18s %12s %6s\n", "tensor", "dtype", "layout", "shape", "bytes", "layers");
  for (uint32_t i = 0; i < count; i++) {
    tern_tensor_info t;
    if (tern_model_tensor_info(model, i, &t) != TERN_OK) continue;
    char shape[64] = "";
    size_t used = 0;
    for (uint32_t d = 0; d < t.rank && used < sizeof shape; d++)
      used += (size_t)snprintf(shape + used, sizeof shape - used, d ? "x%u" : "%u", t.shape[d]);
    if (list)
      printf("%-48s %-5s %-10s %-18s %12llu %6u\n", t.name, dtype_name(t.dtype), t.layout ? "Packed16x4" : "RowMajor",
             shape, (unsigned long long)t.length_bytes, t.num_layers_using);
    size_t prefix = strcspn(t.name, ".");
    if (prefix >= sizeof parts[0].name) prefix = sizeof parts[0].name - 1;
    size_t p = 0;
    while (p < num_parts && (strlen(parts[p].name) != prefix || strncmp(parts[p].name, t.name, prefix) != 0)) p++;
    if (p == num_parts && num_parts < MAX_PARTS) {
      memcpy(parts[p].name, t.name, prefix);
      parts[p].name[prefix] = 0;
      parts[p].bytes = 0;
      parts[p].count = 0;
      num_parts++;
    }
    if (p < num_parts) {
      parts[p].bytes += t.length_bytes;
      parts[p].count++;
    }
    total += t.length_bytes;
  }
  printf("\ntotals by part:\n");
  for (size_t p = 0; p < num_parts; p++)
    printf("  %-20s %4u tensors %12llu bytes (%.2f MiB)\n", parts[p].name, parts[p].count,
           (unsigned long long)parts[p].bytes, (double)parts[p].bytes / 1048576.0);
  printf("  %-20s %4u tensors %12llu bytes (%.2f MiB)\n", "all", count, (unsigned long long)total,
         (double)total / 1048576.0);
}

int main(int argc, char **argv) {
  int verify_only = 0, list = 0, use_mmap = 1;
  const char *path = NULL;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--verify") == 0) verify_only = 1;
    else if (strcmp(argv[i], "--tensors") == 0) list = 1;
    else if (strcmp(argv[i], "--read") == 0) use_mmap = 0;
    else if (argv[i][0] == '-' || path != NULL) {
      fprintf(stderr, "usage: %s [--verify] [--tensors] [--read] MODEL.tern\n", argv[0]);
      return 2;
    } else path = argv[i];
  }
  if (path == NULL) {
    fprintf(stderr, "usage: %s [--verify] [--tensors] [--read] MODEL.tern\n", argv[0]);
    return 2;
  }
  char err[1024] = "";
  tern_model_options options = tern_model_default_options();
  options.use_mmap = use_mmap;
  options.error_message = err;
  options.error_message_size = sizeof err;
  tern_model *model = NULL;
  tern_status status = tern_model_load(path, &options, &model);
  if (status != TERN_OK) {
    fprintf(stderr, "%s: %s\n", tern_status_string(status), err);
    return 1;
  }
  if (verify_only) {
    /* Structure and semantics passed at load; now run the self-test vectors the converter stored. */
    float worst_cosine = 0.0f;
    tern_status selftest = tern_model_selftest(model, &worst_cosine);
    tern_model_free(model);
    if (selftest == TERN_ERR_INVALID_ARGUMENT) {
      printf("ok (verifier passed; the file has no self-test vectors)\n");
      return 0;
    }
    if (selftest != TERN_OK) {
      fprintf(stderr, "%s: %s: self-test worst cosine %.6f\n", path, tern_status_string(selftest), worst_cosine);
      return 1;
    }
    printf("ok (verifier passed; self-test worst cosine %.6f)\n", worst_cosine);
    return 0;
  }
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = (uint32_t)sizeof info;
  if (tern_model_get_info(model, &info) != TERN_OK) {
    fprintf(stderr, "tern_model_get_info failed\n");
    tern_model_free(model);
    return 1;
  }
  static const char *const pooling[] = {"mean", "cls", "max"};
  printf("file        %s\n", path);
  printf("kind        %s\n", info.kind == TERN_MODEL_ALBERT ? "albert" : "bert");
  printf("dimensions  vocab %u, embedding %u, hidden %u, heads %u, intermediate %u, max position %u\n",
         info.vocab_size, info.embedding_size, info.hidden_size, info.num_heads, info.intermediate_size,
         info.max_position);
  printf("layers      %u scheduled over %u weight set(s)\n", info.num_layers, info.num_weight_sets);
  printf("tokenizer   %s (max length %u)\n", info.has_tokenizer ? "yes" : "none", info.max_length);
  printf("pooling     %s%s, output %u floats\n", (unsigned)info.pooling < 3 ? pooling[info.pooling] : "?",
         info.normalize ? " + L2 normalize" : "", info.output_dim);
  if (info.head_kind == TERN_HEAD_NONE) {
    printf("heads       none\n");
  } else {
    printf("head        %s, %u labels:", info.head_kind == TERN_HEAD_SEQUENCE_CLASSIFICATION ? "sequence" : "token",
           info.num_labels);
    for (uint32_t i = 0; i < info.num_labels; i++) printf(" %s", tern_model_label(model, i));
    printf("\n");
  }
  for (uint32_t i = 0; i < info.num_metadata; i++) {
    const char *key, *value;
    if (tern_model_metadata_at(model, i, &key, &value) == TERN_OK) printf("metadata    %s = %s\n", key, value);
  }
  print_tensors(model, list);
  tern_model_free(model);
  return 0;
}
