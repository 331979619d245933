/* tern-run — embed, compare, classify or tokenize text with a .tern model, over the public API only.
 *
 *   tern-run embed MODEL [TEXT...]          one JSON line per text: {"text": ..., "embedding": [...]}
 *   tern-run similarity MODEL TEXT TEXT...  the cosine matrix of the texts' embeddings
 *   tern-run classify MODEL [TEXT...]       {"text": ..., "label": ..., "logits": [...]}
 *   tern-run tokenize MODEL [TEXT...]       {"text": ..., "ids": [...]}
 * Without TEXT arguments the texts are read from stdin, one per line.
 * Options (anywhere after the command): --threads N, --isa NAME (scalar, ...), --depth K (run the first K
 * layers only: adaptive depth), --long-text (embed / similarity: texts longer than the model's maximum are
 * embedded by overlapping windows instead of truncated; tern_session_options.long_text_windows),
 * --activation-bits 7 (int8 linears quantize activations to 127 levels: faster on avx2, slightly less
 * accurate; tern_session_options.activation_bits).
 * Errors: one line on stderr and exit status 1 (2 for usage errors). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

typedef struct text_list {
  char **texts;
  size_t *lengths;
  size_t count;
} text_list;

static void usage(void) {
  fprintf(stderr, "usage: tern-run embed|similarity|classify|tokenize MODEL [--threads N] [--isa NAME] [--depth K]\n"
                  "                [--long-text] [--activation-bits 7|8] [TEXT...]\n");
  exit(2);
}

static void die(const char *what, const char *detail) {
  fprintf(stderr, "tern-run: %s: %s\n", what, detail);
  exit(1);
}

static void append(text_list *list, const char *text, size_t length) {
  list->texts = realloc(list->texts, (list->count + 1) * sizeof(char *));
  list->lengths = realloc(list->lengths, (list->count + 1) * sizeof(size_t));
  if (!list->texts || !list->lengths) die("memory", "out of memory");
  list->texts[list->count] = malloc(length + 1);
  if (!list->texts[list->count]) die("memory", "out of memory");
  memcpy(list->texts[list->count], text, length);
  list->texts[list->count][length] = '\0';
  list->lengths[list->count++] = length;
}

static void read_stdin_lines(text_list *list) {
  char *line = NULL;
  size_t cap = 0, length = 0;
  int c;
  while ((c = getchar()) != EOF) {
    if (c == '\n') {
      if (length && line[length - 1] == '\r') length--;
      append(list, line ? line : "", length);
      length = 0;
      continue;
    }
    if (length + 1 >= cap) {
      cap = cap ? cap * 2 : 256;
      line = realloc(line, cap);
      if (!line) die("memory", "out of memory");
    }
    line[length++] = (char)c;
  }
  if (length) append(list, line, length);
  free(line);
}

static void print_json_string(const char *text, size_t length) {
  putchar('"');
  for (size_t i = 0; i < length; i++) {
    const unsigned char c = (unsigned char)text[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c == '\n') fputs("\\n", stdout);
    else if (c == '\t') fputs("\\t", stdout);
    else if (c == '\r') fputs("\\r", stdout);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_floats(const float *values, size_t count) {
  putchar('[');
  for (size_t i = 0; i < count; i++) printf(i ? ",%.7g" : "%.7g", (double)values[i]);
  putchar(']');
}

static double cosine(const float *a, const float *b, size_t n) {
  double dot = 0, na = 0, nb = 0;
  for (size_t i = 0; i < n; i++) dot += (double)a[i] * b[i], na += (double)a[i] * a[i], nb += (double)b[i] * b[i];
  return na > 0 && nb > 0 ? dot / sqrt(na * nb) : 0.0;
}

int main(int argc, char **argv) {
  if (argc < 3) usage();
  const char *command = argv[1], *model_path = argv[2];
  tern_session_options session_options = tern_session_default_options();
  text_list texts = {NULL, NULL, 0};
  for (int i = 3; i < argc; i++) {
    if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
      char *end;
      const long threads = strtol(argv[++i], &end, 10);
      if (*end || threads < 0) die("--threads", "expects a non-negative integer");
      session_options.num_threads = (uint32_t)threads;
    } else if (!strcmp(argv[i], "--isa") && i + 1 < argc) {
      session_options.isa = argv[++i];
    } else if (!strcmp(argv[i], "--depth") && i + 1 < argc) {
      char *end;
      const long depth = strtol(argv[++i], &end, 10);
      if (*end || depth < 1 || depth > 1000000) die("--depth", "expects a positive integer");
      session_options.depth = (uint32_t)depth;
    } else if (!strcmp(argv[i], "--activation-bits") && i + 1 < argc) {
      char *end;
      const long bits = strtol(argv[++i], &end, 10);
      if (*end || bits < 0 || bits > 255) die("--activation-bits", "expects 7 or 8");
      session_options.activation_bits = (uint32_t)bits; /* the library refuses anything but 0, 7 and 8 */
    } else if (!strcmp(argv[i], "--long-text")) {
      session_options.long_text_windows = 1;
    } else if (!strcmp(argv[i], "--")) {
      for (i++; i < argc; i++) append(&texts, argv[i], strlen(argv[i]));
    } else {
      append(&texts, argv[i], strlen(argv[i]));
    }
  }
  const int is_embed = !strcmp(command, "embed"), is_similarity = !strcmp(command, "similarity");
  const int is_classify = !strcmp(command, "classify"), is_tokenize = !strcmp(command, "tokenize");
  if (!is_embed && !is_similarity && !is_classify && !is_tokenize) usage();
  if (texts.count == 0) read_stdin_lines(&texts);
  if (texts.count == 0) die(command, "no text given (arguments or stdin lines)");

  char message[512] = "";
  tern_model_options model_options = tern_model_default_options();
  model_options.error_message = message;
  model_options.error_message_size = sizeof message;
  tern_model *model = NULL;
  if (tern_model_load(model_path, &model_options, &model) != TERN_OK) die(model_path, message[0] ? message : "cannot load");
  session_options.error_message = message;
  session_options.error_message_size = sizeof message;
  tern_session *session = NULL;
  if (tern_session_create(model, &session_options, &session) != TERN_OK) die("session", message);
  tern_model_info info;
  tern_model_get_info(model, &info);

  int status = 0;
  if (is_embed || is_similarity) {
    const size_t dim = info.output_dim;
    float *vectors = malloc(texts.count * dim * sizeof(float));
    if (!vectors) die("memory", "out of memory");
    if (tern_embed(session, (const char *const *)texts.texts, texts.lengths, texts.count, vectors, texts.count * dim,
                   NULL) != TERN_OK)
      die("embed", tern_session_last_error(session));
    if (is_embed) {
      for (size_t i = 0; i < texts.count; i++) {
        fputs("{\"text\":", stdout);
        print_json_string(texts.texts[i], texts.lengths[i]);
        fputs(",\"embedding\":", stdout);
        print_floats(vectors + i * dim, dim);
        puts("}");
      }
    } else {
      for (size_t i = 0; i < texts.count; i++) {
        for (size_t j = 0; j < texts.count; j++) printf(j ? " %7.4f" : "%7.4f", cosine(vectors + i * dim, vectors + j * dim, dim));
        printf("  %s\n", texts.texts[i]);
      }
    }
    free(vectors);
  } else if (is_classify) {
    float *logits = malloc((info.num_labels ? info.num_labels : 1) * sizeof(float));
    for (size_t i = 0; i < texts.count && status == 0; i++) {
      size_t labels = 0;
      if (tern_classify(session, texts.texts[i], texts.lengths[i], logits, info.num_labels, &labels) != TERN_OK)
        die("classify", tern_session_last_error(session));
      size_t best = 0;
      for (size_t l = 1; l < labels; l++)
        if (logits[l] > logits[best]) best = l;
      const char *label = tern_model_label(model, (uint32_t)best);
      fputs("{\"text\":", stdout);
      print_json_string(texts.texts[i], texts.lengths[i]);
      fputs(",\"label\":", stdout);
      print_json_string(label ? label : "", label ? strlen(label) : 0);
      fputs(",\"logits\":", stdout);
      print_floats(logits, labels);
      puts("}");
    }
    free(logits);
  } else {
    const size_t cap = info.max_length ? info.max_length : info.max_position;
    int32_t *ids = malloc(cap * sizeof(int32_t));
    for (size_t i = 0; i < texts.count; i++) {
      size_t n = 0;
      if (tern_tokenize(session, texts.texts[i], texts.lengths[i], ids, cap, &n) != TERN_OK)
        die("tokenize", tern_session_last_error(session));
      fputs("{\"text\":", stdout);
      print_json_string(texts.texts[i], texts.lengths[i]);
      fputs(",\"ids\":[", stdout);
      for (size_t t = 0; t < n; t++) printf(t ? ",%d" : "%d", (int)ids[t]);
      puts("]}");
    }
    free(ids);
  }
  tern_session_free(session);
  tern_model_free(model);
  for (size_t i = 0; i < texts.count; i++) free(texts.texts[i]);
  free(texts.texts);
  free(texts.lengths);
  return status;
}
