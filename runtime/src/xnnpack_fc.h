/* xnnpack_fc.h — XNNPACK fully-connected operators for the float linears of a session (internal).
 *
 * Built with TERN_HAVE_XNNPACK (CMake TERN_USE_XNNPACK). At session creation every plain linear whose weight
 * is f32 or f16 (f16 converted to f32 first) gets an xnn_create_fully_connected_nc_f32 operator; XNNPACK
 * packs the weights into memory of its own (C library heap, about the size of the f32 weights, counted by
 * tern_xnnpack_packed_bytes). A call then runs xnn_setup + xnn_run_operator on the session's pthreadpool:
 * neither allocates. Operators are made for dense rows (input stride = in, output stride = out); a call
 * with other strides, and every int8 or low-rank linear, stays on tern's kernels.
 * Only the fully-connected operator is used: it is where an f32 file spends its time, and tern's f32
 * GEMM is the scalar reference (measured in docs/THREADS.md). XNNPACK clamps but has
 * no GELU in this version: linear.c applies the activation after it.
 */
#ifndef TERN_XNNPACK_FC_H
#define TERN_XNNPACK_FC_H

#include <stddef.h>

#include "dispatch.h"
#include "model.h"
#include "tern.h"

typedef struct tern_xnnpack tern_xnnpack;

/* Operators for model's float linears. *out stays NULL (and TERN_OK is returned) when XNNPACK is not built
 * in, cannot start on this CPU, allocator is not the C library's (XNNPACK's memory could not go through the
 * hook), the model has no float linear, or XNNPACK is not chosen. The choice is a fixed rule from the
 * measurement in docs/THREADS.md: XNNPACK when the kernel set's f32 GEMM is the scalar reference, tern's own
 * when the set has a SIMD one (AVX2, NEON: faster than this XNNPACK snapshot, with the GELU fused);
 * $TERN_XNNPACK "1" forces XNNPACK, "0" turns it off. message receives the reason of a failure. */
tern_status tern_xnnpack_create(const tern_model *model, const tern_kernels *kernels, const tern_allocator *allocator,
                                tern_xnnpack **out, char *message, size_t message_size);
void tern_xnnpack_free(tern_xnnpack *xnnpack, const tern_allocator *allocator);

/* Runs y = x W^T + b (no activation) through XNNPACK when it holds an operator for linear and the strides are
 * dense; returns 1 when it did, 0 when the caller must run tern's kernels. threadpool: a pthreadpool_t or NULL. */
int tern_xnnpack_linear(tern_xnnpack *xnnpack, const tern_linear *linear, size_t m, const float *x, size_t x_stride,
                        float *y, size_t y_stride, void *threadpool);

/* Operators held, and the bytes of packed weights XNNPACK keeps for them (an estimate: its layout pads the
 * output channels to the kernel's tile and stores the bias beside each block). */
size_t tern_xnnpack_operators(const tern_xnnpack *xnnpack);
size_t tern_xnnpack_packed_bytes(const tern_xnnpack *xnnpack);

#endif /* TERN_XNNPACK_FC_H */
