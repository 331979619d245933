/* Activations (GELU erf/tanh, ReLU) for NEON (aarch64, armv7): the f32_simd/activation.h template. */
#include "kernels.h"
#include "arm/neon/f32_vec_neon.h"
#include "f32_simd/exp.h"
#include "f32_simd/activation.h"
#include "arm/kernels_arm_f32.h"

void tern_activation_f32__neon(size_t n, float *x, tern_activation act) { f32_activation_run(n, x, act); }
