/* xnnpack_fc.c — see xnnpack_fc.h. */
#include "xnnpack_fc.h"

#include "allocator.h"

#ifdef TERN_HAVE_XNNPACK
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xnnpack.h>

#include "cpu_features.h"
#include "kernels.h"

typedef struct fc_operator {
  const tern_linear *linear;
  xnn_operator_t op;
  size_t in, out;
} fc_operator;

struct tern_xnnpack {
  fc_operator *operators;
  size_t count;
  size_t packed_bytes;
};

static pthread_once_t initialize_once = PTHREAD_ONCE_INIT;
static int initialized;

/* Once per process, with the C library allocator: xnn_initialize keeps the first allocator for the whole
 * process, so it cannot be a session's or a model's. XNNPACK calls cpuinfo_initialize, which may print on
 * stderr when its inputs are odd: only after cpu_features.c found them sane (from_cpuinfo). */
static void initialize(void) {
  if (!tern_cpu_info_get()->from_cpuinfo) return;
  initialized = xnn_initialize(NULL) == xnn_status_success;
}

static int is_float_linear(const tern_linear *linear) {
  return linear->weight != NULL && linear->input_factor == NULL &&
         (linear->weight->dtype == TERN_DTYPE_F32 || linear->weight->dtype == TERN_DTYPE_F16);
}

/* Calls visit(context, linear) for each linear of the model; stops at a nonzero return. */
static int each_linear(const tern_model *model, int (*visit)(void *, const tern_linear *), void *context) {
  const tern_embeddings *embeddings = &model->embeddings;
  int status = 0;
  if (embeddings->word_factor.weight != NULL && (status = visit(context, &embeddings->word_factor)) != 0) return status;
  if (embeddings->projection.weight != NULL && (status = visit(context, &embeddings->projection)) != 0) return status;
  for (uint32_t i = 0; i < model->num_weight_sets; i++) {
    const tern_weight_set *set = &model->weight_sets[i];
    const tern_linear *linears[] = {&set->query, &set->key, &set->value, &set->attention_output, &set->ffn_in,
                                    &set->ffn_out};
    for (size_t j = 0; j < sizeof linears / sizeof linears[0]; j++)
      if ((status = visit(context, linears[j])) != 0) return status;
  }
  for (uint32_t i = 0; i < model->num_heads_out; i++) {
    if (model->heads[i].pooler.weight != NULL && (status = visit(context, &model->heads[i].pooler)) != 0) return status;
    if ((status = visit(context, &model->heads[i].classifier)) != 0) return status;
  }
  return 0;
}

static int count_float(void *context, const tern_linear *linear) {
  if (is_float_linear(linear)) (*(size_t *)context)++;
  return 0;
}

typedef struct build {
  tern_xnnpack *xnnpack;
  const tern_allocator *allocator;
  char *message;
  size_t message_size;
  tern_status status;
} build;

static int add_operator(void *context, const tern_linear *linear) {
  build *work = context;
  if (!is_float_linear(linear)) return 0;
  const tern_tensor *weight = linear->weight;
  const size_t out = weight->shape[0], in = weight->shape[1];
  const float *kernel = (const float *)weight->data;
  float *converted = NULL;
  if (weight->dtype == TERN_DTYPE_F16) {
    converted = tern_allocate_array(work->allocator, out * in, sizeof(float));
    if (converted == NULL) {
      work->status = TERN_ERR_OUT_OF_MEMORY;
      snprintf(work->message, work->message_size, "XNNPACK: no memory to widen '%s' to f32", weight->name);
      return 1;
    }
    const uint16_t *half = (const uint16_t *)weight->data;
    for (size_t i = 0; i < out * in; i++) converted[i] = tern_f16_to_f32(half[i]);
    kernel = converted;
  }
  const float *bias = linear->bias != NULL ? (const float *)linear->bias->data : NULL;
  xnn_operator_t op = NULL;
  const enum xnn_status status =
      xnn_create_fully_connected_nc_f32(in, out, in, out, kernel, bias, -INFINITY, INFINITY, 0, &op);
  tern_deallocate(work->allocator, converted); /* XNNPACK packed its own copy */
  if (status != xnn_status_success) {
    work->status = status == xnn_status_out_of_memory ? TERN_ERR_OUT_OF_MEMORY : TERN_ERR_BAD_TENSOR;
    snprintf(work->message, work->message_size, "XNNPACK: fully-connected operator for '%s' (%zux%zu): status %d",
             weight->name, out, in, (int)status);
    return 1;
  }
  tern_xnnpack *xnnpack = work->xnnpack;
  xnnpack->operators[xnnpack->count++] = (fc_operator){linear, op, in, out};
  xnnpack->packed_bytes += (out + 15) / 16 * 16 * (in + 1) * sizeof(float);
  return 0;
}

tern_status tern_xnnpack_create(const tern_model *model, const tern_kernels *kernels, const tern_allocator *allocator,
                                tern_xnnpack **out, char *message, size_t message_size) {
  *out = NULL;
  const char *forced = getenv("TERN_XNNPACK");
  if (forced != NULL && strcmp(forced, "0") == 0) return TERN_OK;
  const int force = forced != NULL && strcmp(forced, "1") == 0;
  if (!force && kernels->gemm_f32_f32 != tern_gemm_f32_f32__scalar) return TERN_OK;
  if (allocator->allocate != tern_libc_allocator.allocate) return TERN_OK;
  size_t float_linears = 0;
  each_linear(model, count_float, &float_linears);
  if (float_linears == 0) return TERN_OK;
  pthread_once(&initialize_once, initialize);
  if (!initialized) return TERN_OK;
  tern_xnnpack *xnnpack = tern_allocate_zeroed(allocator, 1, sizeof *xnnpack);
  if (xnnpack != NULL) xnnpack->operators = tern_allocate_zeroed(allocator, float_linears, sizeof(fc_operator));
  if (xnnpack == NULL || xnnpack->operators == NULL) {
    tern_xnnpack_free(xnnpack, allocator);
    snprintf(message, message_size, "XNNPACK: no memory for %zu operators", float_linears);
    return TERN_ERR_OUT_OF_MEMORY;
  }
  build work = {xnnpack, allocator, message, message_size, TERN_OK};
  if (each_linear(model, add_operator, &work) != 0) {
    tern_xnnpack_free(xnnpack, allocator);
    return work.status;
  }
  *out = xnnpack;
  return TERN_OK;
}

void tern_xnnpack_free(tern_xnnpack *xnnpack, const tern_allocator *allocator) {
  if (xnnpack == NULL) return;
  if (xnnpack->operators != NULL) {
    for (size_t i = 0; i < xnnpack->count; i++) xnn_delete_operator(xnnpack->operators[i].op);
    tern_deallocate(allocator, xnnpack->operators);
  }
  tern_deallocate(allocator, xnnpack);
}

/* XNNPACK's kernels may read up to XNN_EXTRA_BYTES past the last input row: every linear input is an arena
 * buffer with other arena buffers after it (session.c layout_arena), so that read stays inside the arena. */
int tern_xnnpack_linear(tern_xnnpack *xnnpack, const tern_linear *linear, size_t m, const float *x, size_t x_stride,
                        float *y, size_t y_stride, void *threadpool) {
  if (xnnpack == NULL || m == 0) return 0;
  /* A handful of operators (6 per weight set): a scan costs nothing beside the product. */
  for (size_t i = 0; i < xnnpack->count; i++) {
    const fc_operator *fc = &xnnpack->operators[i];
    if (fc->linear != linear) continue;
    if (x_stride != fc->in || y_stride != fc->out) return 0;
    if (xnn_setup_fully_connected_nc_f32(fc->op, m, x, y, (pthreadpool_t)threadpool) != xnn_status_success) return 0;
    return xnn_run_operator(fc->op, (pthreadpool_t)threadpool) == xnn_status_success;
  }
  return 0;
}

size_t tern_xnnpack_operators(const tern_xnnpack *xnnpack) { return xnnpack != NULL ? xnnpack->count : 0; }
size_t tern_xnnpack_packed_bytes(const tern_xnnpack *xnnpack) { return xnnpack != NULL ? xnnpack->packed_bytes : 0; }

#else /* no XNNPACK in this build */

tern_status tern_xnnpack_create(const tern_model *model, const tern_kernels *kernels, const tern_allocator *allocator,
                                tern_xnnpack **out, char *message, size_t message_size) {
  (void)model, (void)kernels, (void)allocator, (void)message, (void)message_size;
  *out = NULL;
  return TERN_OK;
}
void tern_xnnpack_free(tern_xnnpack *xnnpack, const tern_allocator *allocator) { (void)xnnpack, (void)allocator; }
int tern_xnnpack_linear(tern_xnnpack *xnnpack, const tern_linear *linear, size_t m, const float *x, size_t x_stride,
                        float *y, size_t y_stride, void *threadpool) {
  (void)xnnpack, (void)linear, (void)m, (void)x, (void)x_stride, (void)y, (void)y_stride, (void)threadpool;
  return 0;
}
size_t tern_xnnpack_operators(const tern_xnnpack *xnnpack) {
  (void)xnnpack;
  return 0;
}
size_t tern_xnnpack_packed_bytes(const tern_xnnpack *xnnpack) {
  (void)xnnpack;
  return 0;
}

#endif
