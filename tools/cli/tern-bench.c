/* tern-bench — latency, throughput, load time and memory of a .tern model, over the public API only.
 *
 *   tern-bench MODEL [--warmup N] [--runs N] [--max-seconds S] [--threads N] [--isa NAME]
 *                    [--seq-len L[,L...]] [--batch N] [--mixed] [--text] [--text-file FILE] [--seed N]
 *                    [--profile] [--json] [--save-inputs FILE] [--quiet] [--depth K] [--activation-bits 7|8]
 *
 * Inputs: by default every text is exactly L tokens: [CLS] + ids drawn from the vocabulary with a fixed
 * seed + [SEP], run with tern_run_ids (no tokenizer in the timed loop). --text builds real sentences of
 * about L tokens instead and times tern_tokenize + tern_run_ids, reporting the tokenizer's share apart.
 * --batch N runs N texts per call (ragged, no padding); --mixed gives them lengths L/N, 2L/N, ..., L.
 * --depth K runs only the first K layers of the schedule (adaptive depth, tern_session_options.depth).
 * --activation-bits 7 quantizes the int8 linears' activations to 127 levels (tern_session_options
 * .activation_bits: faster on avx2, slightly less accurate); the default is 8, or $TERN_ACTIVATION_BITS.
 * --save-inputs writes the exact ids of every configuration as JSON, so a peer runtime can be fed the same.
 * Output: a human table, or one JSON document with --json (schema "tern-bench/1", docs/BENCHMARKS.md).
 * Exit status: 0 ok, 1 the model or a run failed (one line on stderr), 2 usage error. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tern.h"

#define MAX_SWEEP 32
#define DEFAULT_RUNS 20
#define PROGRESS_AFTER_SECONDS 1.0
#define PROGRESS_EVERY_SECONDS 0.5

typedef struct bench_options {
  const char *model_path;
  long warmup, runs;
  int runs_given;
  double max_seconds;
  long threads;
  long depth;            /* 0: all layers */
  long activation_bits;  /* 0: the library's default (8, or $TERN_ACTIVATION_BITS) */
  const char *isa;
  size_t seq_lens[MAX_SWEEP];
  size_t num_seq_lens;
  size_t batch;
  int mixed, text_mode, json, profile, quiet;
  const char *text_file;
  const char *save_inputs;
  unsigned long long seed;
} bench_options;

/* One configuration's inputs: count texts, ids one after another. */
typedef struct bench_inputs {
  size_t count;
  size_t *lengths;       /* tokens per text (ids mode: exact; text mode: what the tokenizer produced) */
  int32_t *ids;          /* sum(lengths) ids */
  char **texts;          /* text mode only */
  size_t *text_bytes;
  size_t total_tokens;
} bench_inputs;

typedef struct latency_summary {
  double mean, min, p50, p90, p99, max;
} latency_summary;

typedef struct bench_result {
  size_t seq_len;
  bench_inputs inputs;
  size_t runs;
  latency_summary latency_ms;
  latency_summary tokenizer_ms;  /* text mode only */
  double tokens_per_second, texts_per_second;
#ifdef TERN_PROFILE_MAX_OPS
  tern_profile_report profile; /* the timed runs of this configuration (--profile) */
#endif
} bench_result;

static const char *program = "tern-bench";

static void usage(const char *problem) {
  if (problem) fprintf(stderr, "%s: %s\n", program, problem);
  fprintf(stderr,
          "usage: tern-bench MODEL [--warmup N] [--runs N] [--max-seconds S] [--threads N] [--isa NAME]\n"
          "                  [--seq-len L[,L...]] [--batch N] [--mixed] [--text] [--text-file FILE] [--seed N]\n"
          "                  [--profile] [--json] [--save-inputs FILE] [--quiet] [--depth K]\n"
          "                  [--activation-bits 7|8]\n");
  exit(2);
}

static void fail(const char *what, const char *detail) {
  fprintf(stderr, "%s: %s: %s\n", program, what, detail);
  exit(1);
}

static void *checked_malloc(size_t size) {
  void *pointer = malloc(size ? size : 1);
  if (!pointer) fail("memory", "out of memory");
  return pointer;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ---- argument parsing ---------------------------------------------------------------------------------- */

static long parse_long(const char *flag, const char *value, long minimum, long maximum) {
  char *end = NULL;
  errno = 0;
  const long parsed = strtol(value, &end, 10);
  if (errno || end == value || *end || parsed < minimum || parsed > maximum) {
    char message[160];
    snprintf(message, sizeof message, "%s expects an integer in [%ld, %ld], got '%s'", flag, minimum, maximum, value);
    usage(message);
  }
  return parsed;
}

static void parse_seq_lens(const char *value, bench_options *options) {
  options->num_seq_lens = 0;
  const char *cursor = value;
  for (;;) {
    char *end = NULL;
    errno = 0;
    const long length = strtol(cursor, &end, 10);
    if (errno || end == cursor || length < 1 || length > 1000000 || (*end != ',' && *end != '\0')) {
      char message[160];
      snprintf(message, sizeof message, "--seq-len expects positive integers separated by commas, got '%s'", value);
      usage(message);
    }
    if (options->num_seq_lens == MAX_SWEEP) usage("--seq-len: at most 32 lengths");
    options->seq_lens[options->num_seq_lens++] = (size_t)length;
    if (*end == '\0') break;
    cursor = end + 1;
  }
}

static bench_options parse_arguments(int argc, char **argv) {
  bench_options options;
  memset(&options, 0, sizeof options);
  options.warmup = 3;
  options.runs = DEFAULT_RUNS;
  options.threads = 1;
  options.seq_lens[0] = 128;
  options.num_seq_lens = 1;
  options.batch = 1;
  options.seed = 1234;
  for (int i = 1; i < argc; i++) {
    const char *arg = argv[i];
    const int has_value = i + 1 < argc;
#define VALUE() (has_value ? argv[++i] : (usage("missing value after a flag"), (char *)NULL))
    if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
      usage(NULL);
    } else if (!strcmp(arg, "--warmup")) {
      options.warmup = parse_long(arg, VALUE(), 0, 1000000);
    } else if (!strcmp(arg, "--runs")) {
      options.runs = parse_long(arg, VALUE(), 1, 100000000);
      options.runs_given = 1;
    } else if (!strcmp(arg, "--max-seconds")) {
      const char *value = VALUE();
      char *end = NULL;
      options.max_seconds = strtod(value, &end);
      if (end == value || *end || !(options.max_seconds > 0) || !isfinite(options.max_seconds))
        usage("--max-seconds expects a positive number of seconds");
    } else if (!strcmp(arg, "--threads")) {
      options.threads = parse_long(arg, VALUE(), 0, 1024);
    } else if (!strcmp(arg, "--isa")) {
      options.isa = VALUE();
    } else if (!strcmp(arg, "--depth")) {
      options.depth = parse_long(arg, VALUE(), 1, 1000000);
    } else if (!strcmp(arg, "--activation-bits")) {
      options.activation_bits = parse_long(arg, VALUE(), 7, 8);
    } else if (!strcmp(arg, "--seq-len")) {
      parse_seq_lens(VALUE(), &options);
    } else if (!strcmp(arg, "--batch")) {
      options.batch = (size_t)parse_long(arg, VALUE(), 1, 4096);
    } else if (!strcmp(arg, "--seed")) {
      options.seed = (unsigned long long)parse_long(arg, VALUE(), 0, 2147483647L);
    } else if (!strcmp(arg, "--text-file")) {
      options.text_file = VALUE();
      options.text_mode = 1;
    } else if (!strcmp(arg, "--save-inputs")) {
      options.save_inputs = VALUE();
    } else if (!strcmp(arg, "--mixed")) {
      options.mixed = 1;
    } else if (!strcmp(arg, "--text")) {
      options.text_mode = 1;
    } else if (!strcmp(arg, "--json")) {
      options.json = 1;
    } else if (!strcmp(arg, "--profile")) {
      options.profile = 1;
    } else if (!strcmp(arg, "--quiet")) {
      options.quiet = 1;
    } else if (arg[0] == '-' && arg[1] != '\0') {
      char message[160];
      snprintf(message, sizeof message, "unknown option '%s'", arg);
      usage(message);
    } else if (options.model_path == NULL) {
      options.model_path = arg;
    } else {
      char message[160];
      snprintf(message, sizeof message, "unexpected argument '%s' (one MODEL only)", arg);
      usage(message);
    }
#undef VALUE
  }
  if (options.model_path == NULL) usage("missing MODEL");
  /* --max-seconds alone means: as many runs as fit in the time. */
  if (options.max_seconds > 0 && !options.runs_given) options.runs = 100000000;
  return options;
}

/* ---- the machine ---------------------------------------------------------------------------------------- */

/* A "Key: value" line of a /proc file, or "" when absent. */
static void read_proc_field(const char *path, const char *key, char *out, size_t out_size) {
  out[0] = '\0';
  FILE *file = fopen(path, "r");
  if (!file) return;
  char line[512];
  const size_t key_length = strlen(key);
  while (fgets(line, sizeof line, file)) {
    if (strncmp(line, key, key_length) != 0) continue;
    const char *colon = strchr(line + key_length, ':');
    if (!colon) continue;
    const char *value = colon + 1;
    while (*value == ' ' || *value == '\t') value++;
    snprintf(out, out_size, "%s", value);
    out[strcspn(out, "\n")] = '\0';
    break;
  }
  fclose(file);
}

/* VmHWM (peak resident set) or VmRSS of this process in KiB; -1 when /proc is not there. */
static long memory_kib(const char *field) {
  char value[128];
  read_proc_field("/proc/self/status", field, value, sizeof value);
  return value[0] ? strtol(value, NULL, 10) : -1;
}

static void cpu_name(char *out, size_t out_size) {
  read_proc_field("/proc/cpuinfo", "model name", out, out_size);
  if (!out[0]) read_proc_field("/proc/cpuinfo", "Hardware", out, out_size);      /* older ARM kernels */
  if (!out[0]) read_proc_field("/proc/cpuinfo", "CPU part", out, out_size);
  if (!out[0]) snprintf(out, out_size, "unknown");
}

/* Drops the file's pages from the page cache (best effort, no root needed for clean pages) so the first
 * load is a cold one. Returns 1 when the kernel accepted the advice. */
static int evict_from_page_cache(const char *path) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  const int ok = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) == 0;
  close(fd);
  return ok;
}

/* ---- statistics ----------------------------------------------------------------------------------------- */

static int compare_doubles(const void *a, const void *b) {
  const double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Linear interpolation between closest ranks (numpy's default), on a sorted array. */
static double percentile(const double *sorted, size_t count, double percent) {
  if (count == 1) return sorted[0];
  const double position = percent / 100.0 * (double)(count - 1);
  const size_t below = (size_t)position;
  if (below + 1 >= count) return sorted[count - 1];
  return sorted[below] + (position - (double)below) * (sorted[below + 1] - sorted[below]);
}

static latency_summary summarize(double *samples, size_t count) {
  latency_summary summary = {NAN, NAN, NAN, NAN, NAN, NAN};
  if (count == 0) return summary;
  qsort(samples, count, sizeof(double), compare_doubles);
  double sum = 0;
  for (size_t i = 0; i < count; i++) sum += samples[i];
  summary.mean = sum / (double)count;
  summary.min = samples[0];
  summary.max = samples[count - 1];
  summary.p50 = percentile(samples, count, 50);
  summary.p90 = percentile(samples, count, 90);
  summary.p99 = percentile(samples, count, 99);
  return summary;
}

/* ---- inputs --------------------------------------------------------------------------------------------- */

static unsigned long long random_state;

static unsigned long long next_random(void) { /* xorshift64*: same sequence on every platform */
  random_state ^= random_state >> 12;
  random_state ^= random_state << 25;
  random_state ^= random_state >> 27;
  return random_state * 2685821657736338717ULL;
}

/* The special tokens the tokenizer puts around a text: what it makes of "". */
typedef struct special_tokens {
  int32_t ids[8];
  size_t count;      /* 0 without a tokenizer */
  size_t leading;    /* how many come before the text ([CLS]) */
} special_tokens;

static special_tokens find_special_tokens(tern_session *session, int has_tokenizer) {
  special_tokens specials;
  memset(&specials, 0, sizeof specials);
  if (!has_tokenizer) return specials;
  size_t count = 0;
  if (tern_tokenize(session, "", 0, specials.ids, 8, &count) != TERN_OK) return specials;
  specials.count = count;
  /* Encoders put one token before the text and the rest after ([CLS] x [SEP]). */
  specials.leading = count >= 2 ? 1 : 0;
  return specials;
}

static int is_special(const special_tokens *specials, int32_t id) {
  for (size_t i = 0; i < specials->count; i++)
    if (specials->ids[i] == id) return 1;
  return id == 0; /* padding in every vocabulary tern reads */
}

/* Lengths of the batch's texts: all L, or L/N, 2L/N, ..., L for --mixed (never below the minimum). */
static void text_lengths(const bench_options *options, size_t seq_len, size_t minimum, size_t *lengths) {
  for (size_t i = 0; i < options->batch; i++) {
    size_t length = options->mixed ? (seq_len * (i + 1) + options->batch - 1) / options->batch : seq_len;
    lengths[i] = length < minimum ? minimum : length;
  }
}

static void make_id_inputs(const bench_options *options, size_t seq_len, uint32_t vocab_size,
                           const special_tokens *specials, bench_inputs *inputs) {
  inputs->count = options->batch;
  inputs->lengths = checked_malloc(options->batch * sizeof(size_t));
  text_lengths(options, seq_len, specials->count + 1, inputs->lengths);
  inputs->total_tokens = 0;
  for (size_t i = 0; i < inputs->count; i++) inputs->total_tokens += inputs->lengths[i];
  inputs->ids = checked_malloc(inputs->total_tokens * sizeof(int32_t));
  size_t t = 0;
  for (size_t text = 0; text < inputs->count; text++) {
    const size_t body = inputs->lengths[text] - specials->count;
    for (size_t i = 0; i < specials->leading; i++) inputs->ids[t++] = specials->ids[i];
    for (size_t i = 0; i < body; i++) {
      int32_t id;
      do id = (int32_t)(next_random() % vocab_size);
      while (is_special(specials, id) && vocab_size > specials->count + 1);
      inputs->ids[t++] = id;
    }
    for (size_t i = specials->leading; i < specials->count; i++) inputs->ids[t++] = specials->ids[i];
  }
}

/* Sentences for --text: plain English of ordinary word lengths (overridden by --text-file). */
static const char *const builtin_sentences[] = {
    "The quick brown fox jumps over the lazy dog near the river bank.",
    "A small encoder runs on the phone without a network connection.",
    "Sentence embeddings let you search notes by meaning rather than by exact words.",
    "The weather tomorrow will be cloudy with a chance of light rain in the afternoon.",
    "She bought three apples, two oranges and a loaf of fresh bread at the market.",
    "Researchers measured the latency of the model on several processors.",
    "Please remember to turn off the lights before you leave the office tonight.",
    "The museum opens at nine in the morning and closes at six in the evening.",
    "Quantized weights take a quarter of the memory of their floating point originals.",
    "He played the piano every evening after dinner for nearly twenty years.",
    "The train to the airport leaves every fifteen minutes from platform four.",
    "Our team reviewed the results and agreed to repeat the experiment next week.",
};

typedef struct sentence_source {
  char **sentences;
  size_t count;
} sentence_source;

static sentence_source load_sentences(const char *path) {
  sentence_source source = {(char **)builtin_sentences, sizeof builtin_sentences / sizeof builtin_sentences[0]};
  if (path == NULL) return source;
  FILE *file = fopen(path, "r");
  if (!file) fail(path, strerror(errno));
  source.sentences = NULL;
  source.count = 0;
  char line[4096];
  while (fgets(line, sizeof line, file)) {
    line[strcspn(line, "\r\n")] = '\0';
    if (!line[0]) continue;
    source.sentences = realloc(source.sentences, (source.count + 1) * sizeof(char *));
    if (!source.sentences) fail("memory", "out of memory");
    source.sentences[source.count] = checked_malloc(strlen(line) + 1);
    strcpy(source.sentences[source.count++], line);
  }
  fclose(file);
  if (source.count == 0) fail(path, "no non-empty lines");
  return source;
}

static void free_sentences(sentence_source *source) {
  if (source->sentences == (char **)builtin_sentences) return;
  for (size_t i = 0; i < source->count; i++) free(source->sentences[i]);
  free(source->sentences);
}

/* Grows a text word by word from the sentences while it stays within target tokens (specials included). */
static char *make_text(tern_session *session, const sentence_source *source, size_t first_sentence, size_t target,
                       int32_t *scratch_ids, size_t scratch_cap) {
  size_t capacity = 256, length = 0;
  char *text = checked_malloc(capacity);
  text[0] = '\0';
  size_t sentence = first_sentence;
  const char *word = source->sentences[sentence % source->count];
  for (size_t guard = 0; guard < 100000; guard++) {
    while (*word == ' ') word++;
    if (*word == '\0') {
      word = source->sentences[++sentence % source->count];
      continue;
    }
    const size_t word_length = strcspn(word, " ");
    if (length + word_length + 2 > capacity) {
      capacity = 2 * (length + word_length + 2);
      text = realloc(text, capacity);
      if (!text) fail("memory", "out of memory");
    }
    const size_t before = length;
    if (length) text[length++] = ' ';
    memcpy(text + length, word, word_length);
    length += word_length;
    text[length] = '\0';
    size_t count = 0;
    const tern_status status = tern_tokenize(session, text, length, scratch_ids, scratch_cap, &count);
    if ((status != TERN_OK && status != TERN_ERR_BUFFER_TOO_SMALL) || count > target || count >= scratch_cap) {
      if (before == 0 && status != TERN_OK) fail("tokenize", tern_session_last_error(session));
      text[before] = '\0';
      break;
    }
    if (count == target) break;
    word += word_length;
  }
  return text;
}

static void make_text_inputs(const bench_options *options, tern_session *session, size_t seq_len,
                             const sentence_source *source, const special_tokens *specials,
                             bench_inputs *inputs) {
  inputs->count = options->batch;
  inputs->lengths = checked_malloc(options->batch * sizeof(size_t));
  inputs->texts = checked_malloc(options->batch * sizeof(char *));
  inputs->text_bytes = checked_malloc(options->batch * sizeof(size_t));
  size_t *targets = checked_malloc(options->batch * sizeof(size_t));
  text_lengths(options, seq_len, specials->count + 1, targets);
  const size_t scratch_cap = seq_len + 64;
  int32_t *scratch = checked_malloc(scratch_cap * sizeof(int32_t));
  inputs->total_tokens = 0;
  for (size_t i = 0; i < inputs->count; i++) {
    inputs->texts[i] = make_text(session, source, (size_t)(next_random() % source->count), targets[i], scratch,
                                 scratch_cap);
    inputs->text_bytes[i] = strlen(inputs->texts[i]);
    size_t count = 0;
    if (tern_tokenize(session, inputs->texts[i], inputs->text_bytes[i], scratch, scratch_cap, &count) != TERN_OK)
      fail("tokenize", tern_session_last_error(session));
    inputs->lengths[i] = count;
    inputs->total_tokens += count;
  }
  inputs->ids = checked_malloc(inputs->total_tokens * sizeof(int32_t));
  free(scratch);
  free(targets);
}

static void free_inputs(bench_inputs *inputs) {
  if (inputs->texts)
    for (size_t i = 0; i < inputs->count; i++) free(inputs->texts[i]);
  free(inputs->texts);
  free(inputs->text_bytes);
  free(inputs->lengths);
  free(inputs->ids);
}

/* ---- running -------------------------------------------------------------------------------------------- */

typedef struct run_buffers {
  float *pooled;
  size_t pooled_cap;
} run_buffers;

/* One timed call: tokenization (text mode) then the forward pass. Returns seconds; *tokenize_seconds gets
 * the tokenizer's share. */
static double run_once(tern_session *session, bench_inputs *inputs, const bench_options *options,
                       run_buffers *buffers, double *tokenize_seconds) {
  const double start = now_seconds();
  if (options->text_mode) {
    size_t offset = 0;
    for (size_t i = 0; i < inputs->count; i++) {
      size_t count = 0;
      if (tern_tokenize(session, inputs->texts[i], inputs->text_bytes[i], inputs->ids + offset,
                        inputs->total_tokens - offset, &count) != TERN_OK)
        fail("tokenize", tern_session_last_error(session));
      offset += count;
    }
  }
  const double tokenized = now_seconds();
  tern_outputs outputs;
  memset(&outputs, 0, sizeof outputs);
  outputs.pooled = buffers->pooled;
  outputs.pooled_cap = buffers->pooled_cap;
  const tern_status status = tern_run_ids(session, inputs->ids, NULL, inputs->lengths, inputs->count, &outputs);
  const double end = now_seconds();
  if (status != TERN_OK) fail("run", tern_session_last_error(session));
  *tokenize_seconds = tokenized - start;
  return end - start;
}

static void progress(const bench_options *options, const bench_result *result, size_t done, double elapsed) {
  if (options->quiet) return;
  const int terminal = isatty(STDERR_FILENO);
  fprintf(stderr, "%sseq-len %zu batch %zu: %zu runs, %.1f s%s", terminal ? "\r" : "", result->seq_len,
          result->inputs.count, done, elapsed, terminal ? "   " : "\n");
  fflush(stderr);
}

static void measure(tern_session *session, const bench_options *options, run_buffers *buffers,
                    bench_result *result) {
  double tokenize_seconds = 0;
  for (long i = 0; i < options->warmup; i++) run_once(session, &result->inputs, options, buffers, &tokenize_seconds);
#ifdef TERN_PROFILE_MAX_OPS
  if (options->profile && tern_session_set_profiling(session, 1) != TERN_OK)
    fail("profile", tern_session_last_error(session));
#endif
  const size_t cap = options->runs < 1000000 ? (size_t)options->runs : 1000000;
  double *latencies = checked_malloc(cap * sizeof(double));
  double *tokenizer = checked_malloc(cap * sizeof(double));
  const double start = now_seconds();
  double next_progress = start + PROGRESS_AFTER_SECONDS;
  int printed_progress = 0;
  size_t done = 0;
  while (done < cap) {
    latencies[done] = 1e3 * run_once(session, &result->inputs, options, buffers, &tokenize_seconds);
    tokenizer[done] = 1e3 * tokenize_seconds;
    done++;
    const double now = now_seconds();
    if (options->max_seconds > 0 && now - start >= options->max_seconds) break;
    if (now >= next_progress) {
      progress(options, result, done, now - start);
      printed_progress = 1;
      next_progress = now + PROGRESS_EVERY_SECONDS;
    }
  }
#ifdef TERN_PROFILE_MAX_OPS
  if (options->profile) {
    memset(&result->profile, 0, sizeof result->profile);
    result->profile.struct_size = sizeof result->profile;
    if (tern_session_get_profile(session, &result->profile) != TERN_OK)
      fail("profile", tern_session_last_error(session));
    tern_session_set_profiling(session, 0);
  }
#endif
  if (printed_progress && !options->quiet && isatty(STDERR_FILENO)) fputc('\n', stderr);
  result->runs = done;
  result->latency_ms = summarize(latencies, done);
  if (options->text_mode) {
    result->tokenizer_ms = summarize(tokenizer, done);
  } else {
    result->tokenizer_ms = summarize(tokenizer, 0);
  }
  result->tokens_per_second = (double)result->inputs.total_tokens / (result->latency_ms.p50 * 1e-3);
  result->texts_per_second = (double)result->inputs.count / (result->latency_ms.p50 * 1e-3);
  free(latencies);
  free(tokenizer);
}

/* ---- output --------------------------------------------------------------------------------------------- */

static void json_string(FILE *out, const char *text) {
  fputc('"', out);
  for (const unsigned char *c = (const unsigned char *)text; *c; c++) {
    if (*c == '"' || *c == '\\') fprintf(out, "\\%c", *c);
    else if (*c < 0x20) fprintf(out, "\\u%04x", *c);
    else fputc(*c, out);
  }
  fputc('"', out);
}

static void json_number(FILE *out, double value) {
  if (isfinite(value)) fprintf(out, "%.6g", value);
  else fputs("null", out);
}

static void json_summary(FILE *out, const latency_summary *summary) {
  if (!isfinite(summary->p50)) {
    fputs("null", out);
    return;
  }
  const char *names[] = {"mean", "min", "p50", "p90", "p99", "max"};
  const double values[] = {summary->mean, summary->min, summary->p50, summary->p90, summary->p99, summary->max};
  fputc('{', out);
  for (size_t i = 0; i < 6; i++) {
    fprintf(out, "%s\"%s\": ", i ? ", " : "", names[i]);
    json_number(out, values[i]);
  }
  fputc('}', out);
}

typedef struct bench_report {
  const bench_options *options;
  const char *model_path;
  long long file_bytes;
  tern_model_info info;
  char cpu[256];
  long logical_cpus;
  const char *kernel_set;
  unsigned activation_bits; /* what the session runs (tern_session_activation_bits) */
  double cold_load_ms, warm_load_ms, session_create_ms, first_result_ms;
  int cold_evicted;
  size_t arena_bytes;
  long baseline_rss_kib, peak_rss_kib, final_rss_kib;
  bench_result *results;
  size_t num_results;
} bench_report;

static const char *kind_name(tern_model_kind_info kind) { return kind == TERN_MODEL_ALBERT ? "albert" : "bert"; }

static const char *profile_unavailable = "not available in this build";

/* Whether the build has profiling and the encoder's hooks fired (forward passes were counted). */
static int profile_available(const bench_report *report) {
#ifdef TERN_PROFILE_MAX_OPS
  return report->num_results > 0 && report->results[0].profile.forward_passes > 0;
#else
  (void)report;
  return 0;
#endif
}

static void print_profile_json(FILE *out, const bench_report *report) {
  if (!profile_available(report)) {
    fprintf(out, "{\"available\": false, \"reason\": ");
    json_string(out, profile_unavailable);
    fputc('}', out);
    return;
  }
#ifdef TERN_PROFILE_MAX_OPS
  fprintf(out, "{\"available\": true, \"configs\": [");
  for (size_t r = 0; r < report->num_results; r++) {
    const tern_profile_report *profile = &report->results[r].profile;
    const double passes = profile->forward_passes ? (double)profile->forward_passes : 1.0;
    fprintf(out, "%s\n    {\"seq_len\": %zu, \"batch\": %zu, \"forward_passes\": %llu, \"forward_ms_per_pass\": ",
            r ? "," : "", report->results[r].seq_len, report->results[r].inputs.count,
            (unsigned long long)profile->forward_passes);
    json_number(out, profile->forward_ms / passes);
    fprintf(out, ", \"ops\": [");
    for (uint32_t i = 0; i < profile->num_ops && i < TERN_PROFILE_MAX_OPS; i++) {
      fprintf(out, "%s{\"name\": ", i ? ", " : "");
      json_string(out, profile->op_names[i] ? profile->op_names[i] : "?");
      fprintf(out, ", \"ms_per_pass\": ");
      json_number(out, profile->op_ms[i] / passes);
      fprintf(out, ", \"calls_per_pass\": ");
      json_number(out, (double)profile->op_calls[i] / passes);
      fprintf(out, ", \"share\": ");
      json_number(out, profile->forward_ms > 0 ? profile->op_ms[i] / profile->forward_ms : NAN);
      fputc('}', out);
    }
    fprintf(out, "], \"layer_ms_per_pass\": [");
    for (uint32_t i = 0; i < profile->num_layers && i < TERN_PROFILE_MAX_LAYERS; i++) {
      if (i) fputs(", ", out);
      json_number(out, profile->layer_ms[i] / passes);
    }
    fputs("]}", out);
  }
  fputs("\n  ]}", out);
#endif
}

static void print_profile_table(const bench_report *report) {
  if (!profile_available(report)) {
    printf("\nprofile: %s\n", profile_unavailable);
    return;
  }
#ifdef TERN_PROFILE_MAX_OPS
  for (size_t r = 0; r < report->num_results; r++) {
    const tern_profile_report *profile = &report->results[r].profile;
    const double passes = profile->forward_passes ? (double)profile->forward_passes : 1.0;
    printf("\nprofile, seq-len %zu batch %zu: %.3f ms per forward pass\n", report->results[r].seq_len,
           report->results[r].inputs.count, profile->forward_ms / passes);
    for (uint32_t i = 0; i < profile->num_ops && i < TERN_PROFILE_MAX_OPS; i++)
      printf("  %-18s %10.3f ms %6.1f%%\n", profile->op_names[i] ? profile->op_names[i] : "?",
             profile->op_ms[i] / passes, profile->forward_ms > 0 ? 100.0 * profile->op_ms[i] / profile->forward_ms : 0.0);
    printf("  per layer (ms):");
    for (uint32_t i = 0; i < profile->num_layers && i < TERN_PROFILE_MAX_LAYERS; i++)
      printf(" %.3f", profile->layer_ms[i] / passes);
    printf("\n");
  }
#endif
}

static void print_json(const bench_report *report) {
  const bench_options *options = report->options;
  FILE *out = stdout;
  fprintf(out, "{\n  \"schema\": \"tern-bench/1\",\n  \"tern_version\": ");
  json_string(out, tern_version_string());
  fprintf(out, ",\n  \"model\": {\"path\": ");
  json_string(out, report->model_path);
  fprintf(out,
          ", \"file_bytes\": %lld, \"kind\": \"%s\", \"vocab_size\": %u, \"hidden_size\": %u, \"num_layers\": %u, "
          "\"num_weight_sets\": %u, \"max_position\": %u, \"has_tokenizer\": %s},\n",
          report->file_bytes, kind_name(report->info.kind), report->info.vocab_size, report->info.hidden_size,
          report->info.num_layers, report->info.num_weight_sets, report->info.max_position,
          report->info.has_tokenizer ? "true" : "false");
  fprintf(out, "  \"system\": {\"cpu\": ");
  json_string(out, report->cpu);
  fprintf(out, ", \"logical_cpus\": %ld, \"kernel_set\": ", report->logical_cpus);
  json_string(out, report->kernel_set);
  fprintf(out, ", \"threads\": %ld},\n", options->threads);
  fprintf(out,
          "  \"settings\": {\"mode\": \"%s\", \"warmup\": %ld, \"runs\": %ld, \"max_seconds\": ",
          options->text_mode ? "text" : "ids", options->warmup, options->runs);
  json_number(out, options->max_seconds > 0 ? options->max_seconds : NAN);
  fprintf(out, ", \"batch\": %zu, \"mixed\": %s, \"seed\": %llu, \"depth\": %ld, \"activation_bits\": %u},\n",
          options->batch, options->mixed ? "true" : "false", options->seed,
          options->depth != 0 ? options->depth : (long)report->info.num_layers, report->activation_bits);
  fprintf(out, "  \"load\": {\"cold_ms\": ");
  json_number(out, report->cold_load_ms);
  fprintf(out, ", \"cold_page_cache_evicted\": %s, \"warm_ms\": ", report->cold_evicted ? "true" : "false");
  json_number(out, report->warm_load_ms);
  fprintf(out, ", \"session_create_ms\": ");
  json_number(out, report->session_create_ms);
  fprintf(out, ", \"time_to_first_result_ms\": ");
  json_number(out, report->first_result_ms);
  fprintf(out, ", \"arena_bytes\": %zu},\n", report->arena_bytes);
  fprintf(out, "  \"memory\": {\"baseline_rss_kib\": %ld, \"peak_rss_kib\": %ld, \"peak_rss_minus_baseline_kib\": %ld},\n",
          report->baseline_rss_kib, report->peak_rss_kib, report->peak_rss_kib - report->baseline_rss_kib);
  fprintf(out, "  \"results\": [");
  for (size_t r = 0; r < report->num_results; r++) {
    const bench_result *result = &report->results[r];
    fprintf(out, "%s\n    {\"seq_len\": %zu, \"batch\": %zu, \"lengths\": [", r ? "," : "", result->seq_len,
            result->inputs.count);
    for (size_t i = 0; i < result->inputs.count; i++) fprintf(out, "%s%zu", i ? ", " : "", result->inputs.lengths[i]);
    fprintf(out, "], \"tokens\": %zu, \"runs\": %zu, \"latency_ms\": ", result->inputs.total_tokens, result->runs);
    json_summary(out, &result->latency_ms);
    fprintf(out, ", \"tokenizer_ms\": ");
    json_summary(out, &result->tokenizer_ms);
    fprintf(out, ", \"tokens_per_second\": ");
    json_number(out, result->tokens_per_second);
    fprintf(out, ", \"texts_per_second\": ");
    json_number(out, result->texts_per_second);
    fputc('}', out);
  }
  fprintf(out, "\n  ],\n  \"profile\": ");
  if (options->profile) print_profile_json(out, report);
  else fputs("null", out);
  fputs("\n}\n", out);
}

static void print_table(const bench_report *report) {
  const bench_options *options = report->options;
  printf("tern-bench %s  %s (%.1f MB, %s, %u layers / %u weight sets, hidden %u)\n", tern_version_string(),
         report->model_path, (double)report->file_bytes / 1e6, kind_name(report->info.kind), report->info.num_layers,
         report->info.num_weight_sets, report->info.hidden_size);
  printf("cpu: %s (%ld logical)   kernels: %s (%u-bit activations)   threads: %ld   inputs: %s%s\n", report->cpu,
         report->logical_cpus, report->kernel_set, report->activation_bits, options->threads,
         options->text_mode ? "text (tokenizer timed)" : "token ids", options->mixed ? ", mixed lengths" : "");
  printf("load: cold %.2f ms%s, warm %.2f ms   session %.2f ms (arena %.2f MiB)   first result %.2f ms\n",
         report->cold_load_ms, report->cold_evicted ? " (page cache evicted)" : "", report->warm_load_ms,
         report->session_create_ms, (double)report->arena_bytes / 1048576.0, report->first_result_ms);
  printf("peak RSS: %.1f MiB (baseline %.1f MiB, +%.1f MiB)\n\n", (double)report->peak_rss_kib / 1024.0,
         (double)report->baseline_rss_kib / 1024.0,
         (double)(report->peak_rss_kib - report->baseline_rss_kib) / 1024.0);
  printf("%7s %6s %7s %6s %10s %10s %10s %12s %13s\n", "seq-len", "batch", "tokens", "runs", "p50 ms", "p90 ms",
         "p99 ms", "tokens/s", "tokenizer ms");
  for (size_t r = 0; r < report->num_results; r++) {
    const bench_result *result = &report->results[r];
    char tokenizer[32];
    if (isfinite(result->tokenizer_ms.p50)) snprintf(tokenizer, sizeof tokenizer, "%.3f", result->tokenizer_ms.p50);
    else snprintf(tokenizer, sizeof tokenizer, "-");
    printf("%7zu %6zu %7zu %6zu %10.3f %10.3f %10.3f %12.0f %13s\n", result->seq_len, result->inputs.count,
           result->inputs.total_tokens, result->runs, result->latency_ms.p50, result->latency_ms.p90,
           result->latency_ms.p99, result->tokens_per_second, tokenizer);
  }
  if (options->profile) print_profile_table(report);
}

static void save_inputs(const char *path, const bench_report *report) {
  FILE *out = fopen(path, "w");
  if (!out) fail(path, strerror(errno));
  fprintf(out, "{\"schema\": \"tern-bench-inputs/1\", \"configs\": [");
  for (size_t r = 0; r < report->num_results; r++) {
    const bench_inputs *inputs = &report->results[r].inputs;
    fprintf(out, "%s\n {\"seq_len\": %zu, \"batch\": %zu, \"mixed\": %s, \"ids\": [", r ? "," : "",
            report->results[r].seq_len, inputs->count, report->options->mixed ? "true" : "false");
    size_t t = 0;
    for (size_t i = 0; i < inputs->count; i++) {
      fprintf(out, "%s[", i ? ", " : "");
      for (size_t j = 0; j < inputs->lengths[i]; j++, t++) fprintf(out, "%s%d", j ? ", " : "", inputs->ids[t]);
      fputc(']', out);
    }
    fputs("]}", out);
  }
  fputs("\n]}\n", out);
  if (fclose(out) != 0) fail(path, "write failed");
}

/* ---- main ----------------------------------------------------------------------------------------------- */

static tern_model *load_model(const char *path, double *milliseconds) {
  char message[512] = "";
  tern_model_options model_options = tern_model_default_options();
  model_options.error_message = message;
  model_options.error_message_size = sizeof message;
  tern_model *model = NULL;
  const double start = now_seconds();
  const tern_status status = tern_model_load(path, &model_options, &model);
  *milliseconds = 1e3 * (now_seconds() - start);
  if (status != TERN_OK) {
    /* The loader's message usually starts with the path already; don't print it twice. */
    if (strncmp(message, path, strlen(path)) == 0) {
      fprintf(stderr, "%s: %s\n", program, message);
      exit(1);
    }
    fail(path, message[0] ? message : tern_status_string(status));
  }
  return model;
}

int main(int argc, char **argv) {
  const bench_options options = parse_arguments(argc, argv);
  bench_report report;
  memset(&report, 0, sizeof report);
  report.options = &options;
  report.model_path = options.model_path;
  report.baseline_rss_kib = memory_kib("VmHWM");
  cpu_name(report.cpu, sizeof report.cpu);
  report.logical_cpus = sysconf(_SC_NPROCESSORS_ONLN);
  random_state = options.seed * 0x9E3779B97F4A7C15ULL + 1;

  struct stat file_status;
  if (stat(options.model_path, &file_status) != 0) fail(options.model_path, strerror(errno));
  report.file_bytes = (long long)file_status.st_size;

  /* Cold: the first load of the process, with the file evicted from the page cache where the kernel lets us;
   * the time to first result runs from here to the end of the first forward pass. */
  report.cold_evicted = evict_from_page_cache(options.model_path);
  tern_model *model = load_model(options.model_path, &report.cold_load_ms);
  if (tern_model_get_info(model, &report.info) != TERN_OK) fail(options.model_path, "cannot read model info");

  size_t longest = 0;
  for (size_t i = 0; i < options.num_seq_lens; i++) {
    if (options.seq_lens[i] > report.info.max_position) {
      char message[160];
      snprintf(message, sizeof message, "--seq-len %zu exceeds the model's %u positions", options.seq_lens[i],
               report.info.max_position);
      fail(options.model_path, message);
    }
    if (options.seq_lens[i] > longest) longest = options.seq_lens[i];
  }
  if (options.text_mode && !report.info.has_tokenizer) fail(options.model_path, "--text needs a model with a tokenizer");

  char session_message[512] = "";
  tern_session_options session_options = tern_session_default_options();
  session_options.max_seq_len = (uint32_t)longest;
  session_options.max_batch_texts = (uint32_t)options.batch;
  session_options.max_batch_tokens = (uint32_t)(longest * options.batch);
  session_options.num_threads = (uint32_t)options.threads;
  session_options.isa = options.isa;
  session_options.depth = (uint32_t)options.depth;
  session_options.activation_bits = (uint32_t)options.activation_bits;
  session_options.error_message = session_message;
  session_options.error_message_size = sizeof session_message;
  tern_session *session = NULL;
  const double session_start = now_seconds();
  const tern_status session_status = tern_session_create(model, &session_options, &session);
  report.session_create_ms = 1e3 * (now_seconds() - session_start);
  if (session_status != TERN_OK)
    fail("session", session_message[0] ? session_message : tern_status_string(session_status));
  report.kernel_set = tern_session_isa(session);
  report.activation_bits = tern_session_activation_bits(session);
  report.arena_bytes = tern_session_arena_bytes(session);

  const special_tokens specials = find_special_tokens(session, report.info.has_tokenizer);
  for (size_t i = 0; i < options.num_seq_lens; i++) {
    if (options.seq_lens[i] <= specials.count) {
      char message[160];
      snprintf(message, sizeof message, "--seq-len %zu leaves no room for a token between %zu special tokens",
               options.seq_lens[i], specials.count);
      fail(options.model_path, message);
    }
  }
  sentence_source sentences = load_sentences(options.text_file);
  report.num_results = options.num_seq_lens;
  report.results = checked_malloc(report.num_results * sizeof(bench_result));
  memset(report.results, 0, report.num_results * sizeof(bench_result));
  for (size_t i = 0; i < report.num_results; i++) {
    report.results[i].seq_len = options.seq_lens[i];
    if (options.text_mode)
      make_text_inputs(&options, session, options.seq_lens[i], &sentences, &specials, &report.results[i].inputs);
    else
      make_id_inputs(&options, options.seq_lens[i], report.info.vocab_size, &specials, &report.results[i].inputs);
  }

  run_buffers buffers;
  buffers.pooled_cap = options.batch * (report.info.output_dim ? report.info.output_dim : report.info.hidden_size);
  buffers.pooled = checked_malloc(buffers.pooled_cap * sizeof(float));
  /* Time to first result: cold load + session creation + the first call, not the input preparation
   * in between (text mode grows its sentences through the tokenizer, which an application never does). */
  double tokenize_seconds = 0;
  const double first_run_seconds = run_once(session, &report.results[0].inputs, &options, &buffers, &tokenize_seconds);
  report.first_result_ms = report.cold_load_ms + report.session_create_ms + 1e3 * first_run_seconds;

  for (size_t i = 0; i < report.num_results; i++) measure(session, &options, &buffers, &report.results[i]);
  report.peak_rss_kib = memory_kib("VmHWM");

  /* Warm: the file is in the page cache now; load and free a few times, keep the median. After the peak
   * RSS reading, so a second model's tokenizer tables do not count. */
  double warm[5];
  for (size_t i = 0; i < 5; i++) tern_model_free(load_model(options.model_path, &warm[i]));
  report.warm_load_ms = summarize(warm, 5).p50;

  if (options.save_inputs) save_inputs(options.save_inputs, &report);
  if (options.json) print_json(&report);
  else print_table(&report);

  for (size_t i = 0; i < report.num_results; i++) free_inputs(&report.results[i].inputs);
  free(report.results);
  free(buffers.pooled);
  free_sentences(&sentences);
  tern_session_free(session);
  tern_model_free(model);
  return 0;
}
