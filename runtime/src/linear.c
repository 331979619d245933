/* linear.c — one linear layer through the session's kernel table, split over the session's threads.
 *
 * The split never changes a result: quantization by rows (each row has its own scale), the GEMM by tiles of
 * rows x output columns with column tiles a multiple of 16 (the Packed16x4 block), never over K, so every
 * output element is computed by the same kernel code in the same order for every thread count. With enough
 * rows one task quantizes a row tile and multiplies it by the whole weight (one parallel call per linear). */
#include <string.h>

#include "session.h"
#include "threadpool.h"
#include "xnnpack_fc.h"

/* Output columns per GEMM task: a multiple of TERN_PACK_NR, wide enough that a task amortizes its start. */
#define COLUMN_TILE 64
/* Rows per quantization task. */
#define QUANTIZE_ROWS 16
/* Tasks per thread the GEMM split aims for, so unequal tiles and busy cores even out. */
#define TASKS_PER_THREAD 2

/* One linear's arguments, shared by its tasks. */
typedef struct linear_job {
  const tern_kernels *kernels;
  const tern_linear *linear;
  const tern_tensor *weight;
  size_t m, out, in, q_stride;
  const float *x;
  size_t x_stride;
  float *y;
  size_t y_stride;
  const float *bias;
  tern_activation act;
  int asymmetric;
  /* The asymmetric rows' pair: quantize_qd8 + gemm_qd8_f32, or with 7-bit activations (the session's
   * activation_bits, tern.h) quantize_qd7 + gemm_qd7_f32. Symmetric (qs8) linears have no 7-bit mode. */
  tern_quantize_qd8_fn quantize_asymmetric;
  tern_gemm_qd8_f32_fn gemm_asymmetric;
  int8_t *quantized;
  float *row_scales;
  int32_t *row_zero_points;
  uint32_t threads;
} linear_job;

/* Rows [first, first + rows) of x into int8 rows (no outlier channels). */
static void quantize_rows(const linear_job *job, size_t first, size_t rows) {
  const float *x = job->x + first * job->x_stride;
  int8_t *q = job->quantized + first * job->q_stride;
  if (job->asymmetric)
    job->quantize_asymmetric(rows, job->in, x, job->x_stride, q, job->q_stride, job->row_scales + first,
                             job->row_zero_points + first);
  else
    job->kernels->quantize_qs8(rows, job->in, x, job->x_stride, q, job->q_stride, job->row_scales + first);
}

static void quantize_task(void *context, size_t tile) {
  const linear_job *job = context;
  const size_t first = tile * QUANTIZE_ROWS;
  quantize_rows(job, first, job->m - first < QUANTIZE_ROWS ? job->m - first : QUANTIZE_ROWS);
}

/* With outlier channels each row is first copied to session->outlier_row and those channels set to 0
 * there: the caller's x stays intact (query, key and value read the same input) and their f32 part is added
 * after the GEMM. One scratch row: this runs on the caller's thread. */
static void quantize_with_outliers(tern_session *session, const linear_job *job) {
  const tern_linear *linear = job->linear;
  float *row = session->outlier_row;
  for (size_t r = 0; r < job->m; r++) {
    memcpy(row, job->x + r * job->x_stride, job->in * sizeof(float));
    for (uint32_t i = 0; i < linear->num_outlier_channels; i++) row[linear->outlier_channels[i]] = 0.0f;
    int8_t *q = job->quantized + r * job->q_stride;
    if (job->asymmetric)
      job->quantize_asymmetric(1, job->in, row, job->in, q, job->q_stride, job->row_scales + r,
                               job->row_zero_points + r);
    else
      job->kernels->quantize_qs8(1, job->in, row, job->in, q, job->q_stride, job->row_scales + r);
  }
}

/* Rows [row, row + rows) x columns [column, column + columns) of y; column is a multiple of TERN_PACK_NR. */
static void gemm_task(void *context, size_t row, size_t column, size_t rows, size_t columns) {
  const linear_job *job = context;
  const tern_kernels *kernels = job->kernels;
  const tern_tensor *weight = job->weight;
  const float *bias = job->bias != NULL ? job->bias + column : NULL;
  float *y = job->y + row * job->y_stride + column;
  switch (weight->dtype) {
    case TERN_DTYPE_I8: {
      const size_t block_bytes = tern_round_up(job->in, TERN_PACK_KR) * TERN_PACK_NR;
      const int8_t *w = (const int8_t *)weight->data + column / TERN_PACK_NR * block_bytes;
      const float *w_scale = weight->scales + column;
      const int8_t *a = job->quantized + row * job->q_stride;
      /* The activation runs after the outlier channels' f32 part is added. */
      const uint32_t outliers = job->linear->num_outlier_channels;
      const tern_activation gemm_act = outliers != 0 ? TERN_ACT_IDENTITY : job->act;
      if (job->asymmetric)
        job->gemm_asymmetric(rows, columns, job->in, a, job->q_stride, job->row_scales + row,
                             job->row_zero_points + row, w, w_scale, weight->channel_sums + column, bias, y,
                             job->y_stride, gemm_act);
      else
        kernels->gemm_qs8_f32(rows, columns, job->in, a, job->q_stride, job->row_scales + row, w, w_scale, bias, y,
                              job->y_stride, gemm_act);
      if (outliers != 0)
        kernels->gemm_outliers_f32(rows, columns, job->in, outliers, job->linear->outlier_channels,
                                   job->x + row * job->x_stride, job->x_stride, w, w_scale, y, job->y_stride,
                                   job->act);
      break;
    }
    case TERN_DTYPE_F16:
      kernels->gemm_f32_f16(rows, columns, job->in, job->x + row * job->x_stride, job->x_stride,
                            (const uint16_t *)weight->data + column * job->in, bias, y, job->y_stride, job->act);
      break;
    case TERN_DTYPE_F32:
    default:
      kernels->gemm_f32_f32(rows, columns, job->in, job->x + row * job->x_stride, job->x_stride,
                            (const float *)weight->data + column * job->in, bias, y, job->y_stride, job->act);
      break;
  }
}

/* Rows per task when each task quantizes its own rows and multiplies them by the whole weight: one parallel
 * call (one wake-up of the workers) per linear instead of two. 0 when there are too few rows for every
 * thread to get TASKS_PER_THREAD tiles of FUSED_MIN_ROWS (the column split below serves those). */
#define FUSED_MIN_ROWS 8
static size_t fused_row_tile(size_t m, uint32_t threads) {
  const size_t tasks = (size_t)threads * TASKS_PER_THREAD;
  if (threads < 2 || m < tasks * FUSED_MIN_ROWS) return 0;
  return tern_round_up((m + tasks - 1) / tasks, 4);
}

/* Rows [tile * rows, ...) of a fused_row_tile split: quantize, then all output columns. */
static void quantize_and_gemm_task(void *context, size_t tile) {
  const linear_job *job = context;
  const size_t rows = fused_row_tile(job->m, job->threads), first = tile * rows;
  const size_t count = job->m - first < rows ? job->m - first : rows;
  quantize_rows(job, first, count);
  gemm_task(context, first, 0, count, job->out);
}

/* Column tiles of COLUMN_TILE; when they are too few for the threads, row tiles (multiples of 4) as well. */
static void choose_tiles(size_t m, size_t n, uint32_t threads, size_t *tile_rows, size_t *tile_columns) {
  *tile_rows = m;
  *tile_columns = n;
  if (threads < 2) return;
  *tile_columns = COLUMN_TILE;
  const size_t column_tiles = (n + COLUMN_TILE - 1) / COLUMN_TILE;
  const size_t wanted = (size_t)threads * TASKS_PER_THREAD;
  if (column_tiles >= wanted) return;
  const size_t row_tiles = (wanted + column_tiles - 1) / column_tiles;
  const size_t rows = tern_round_up((m + row_tiles - 1) / row_tiles, 4);
  *tile_rows = rows < m ? rows : m;
}

void tern_linear_forward(tern_session *session, const tern_linear *linear, size_t m, const float *x,
                         size_t x_stride, float *y, size_t y_stride, tern_activation act) {
  if (linear->input_factor != NULL) {
    tern_low_rank_forward(session, linear, m, x, x_stride, y, y_stride, act);
    return;
  }
  const tern_tensor *weight = linear->weight;
  const int seven_bit = session->activation_bits == 7;
  linear_job job = {
      .kernels = session->kernels,
      .linear = linear,
      .weight = weight,
      .m = m,
      .out = weight->shape[0],
      .in = weight->shape[1],
      .q_stride = tern_round_up(weight->shape[1], TERN_PACK_KR),
      .x = x,
      .x_stride = x_stride,
      .y = y,
      .y_stride = y_stride,
      .bias = linear->bias != NULL ? (const float *)linear->bias->data : NULL,
      .act = act,
      /* Asymmetric rows (a zero point each) when the file gives the channel sums that correct for it. */
      .asymmetric = weight->channel_sums != NULL,
      .quantize_asymmetric = seven_bit ? session->kernels->quantize_qd7 : session->kernels->quantize_qd8,
      .gemm_asymmetric = seven_bit ? session->kernels->gemm_qd7_f32 : session->kernels->gemm_qd8_f32,
      .quantized = session->quantized,
      .row_scales = session->row_scales,
      .row_zero_points = session->row_zero_points,
      .threads = session->num_threads,
  };
  tern_threadpool *pool = session->threadpool;
  if (tern_xnnpack_linear(session->xnnpack, linear, m, x, x_stride, y, y_stride, tern_threadpool_native(pool))) {
    if (act != TERN_ACT_IDENTITY)
      for (size_t row = 0; row < m; row++) session->kernels->activation_f32(job.out, y + row * y_stride, act);
    return;
  }
  const size_t fused_rows = fused_row_tile(m, session->num_threads);
  if (weight->dtype == TERN_DTYPE_I8 && pool != NULL && linear->num_outlier_channels == 0 && fused_rows != 0) {
    tern_parallelize_1d(pool, quantize_and_gemm_task, &job, (m + fused_rows - 1) / fused_rows);
    return;
  }
  if (weight->dtype == TERN_DTYPE_I8) {
    /* Per-row scales: each row's result depends on that row only (ragged batch == one by one). */
    if (linear->num_outlier_channels != 0)
      quantize_with_outliers(session, &job);
    else if (pool == NULL || m <= QUANTIZE_ROWS)
      quantize_rows(&job, 0, m);
    else
      tern_parallelize_1d(pool, quantize_task, &job, (m + QUANTIZE_ROWS - 1) / QUANTIZE_ROWS);
  }
  size_t tile_rows, tile_columns;
  choose_tiles(m, job.out, session->num_threads, &tile_rows, &tile_columns);
  tern_parallelize_2d_tile_2d(pool, gemm_task, &job, m, job.out, tile_rows, tile_columns);
}
