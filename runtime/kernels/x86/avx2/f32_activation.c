/* Activations (GELU erf/tanh, ReLU) for AVX2 + FMA: the f32_simd/activation.h template. */
#include "kernels.h"
#include "x86/avx2/f32_vec_avx2.h"
#include "f32_simd/exp.h"
#include "f32_simd/activation.h"
#include "x86/kernels_x86.h"

void tern_activation_f32__avx2(size_t n, float *x, tern_activation act) { f32_activation_run(n, x, act); }
