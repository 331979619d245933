/* profile.h — optional timing of the forward pass by op kind and by layer (tern-bench --profile).
 *
 * The counters live inside the session (struct tern_session's `profile`), so profiling allocates nothing;
 * when it is off every hook is a single branch on `enabled` and no clock is read. A hook pair brackets
 * the work: `uint64_t t = tern_profile_start(p); ...work...; t = tern_profile_op_done(p, OP, t);` — the
 * returned time starts the next op, so consecutive ops cost one clock read each. */
#ifndef TERN_PROFILE_H
#define TERN_PROFILE_H

#include <stdint.h>

typedef enum tern_profile_op {
  TERN_PROFILE_OP_EMBEDDING = 0,    /* table gathers, factor, position/type rows, LayerNorm, projection */
  TERN_PROFILE_OP_QKV,              /* query, key and value linears */
  TERN_PROFILE_OP_ATTENTION,        /* scores, softmax and context, per text and head */
  TERN_PROFILE_OP_ATTENTION_OUTPUT, /* the attention output linear */
  TERN_PROFILE_OP_FFN_IN,           /* the first FFN linear with its activation */
  TERN_PROFILE_OP_FFN_OUT,          /* the second FFN linear */
  TERN_PROFILE_OP_RESIDUAL_NORM,    /* residual adds and their LayerNorms */
  TERN_PROFILE_OP_POOLING_HEADS,    /* pooling and heads after the encoder */
  TERN_PROFILE_OP_COUNT
} tern_profile_op;

#define TERN_PROFILE_LAYER_SLOTS 64 /* layers beyond this are summed into the last slot */

typedef struct tern_profile {
  int enabled;
  uint64_t forward_passes;
  uint64_t forward_ns;
  uint64_t op_ns[TERN_PROFILE_OP_COUNT];
  uint64_t op_calls[TERN_PROFILE_OP_COUNT];
  uint64_t layer_ns[TERN_PROFILE_LAYER_SLOTS];
  uint32_t num_layers; /* highest layer index seen + 1 */
  uint64_t pass_start_ns; /* start of the pass in flight: the encoder opens it, pooling/heads close it */
} tern_profile;

/* Monotonic nanoseconds when enabled, else 0 (no clock read). */
uint64_t tern_profile_start(const tern_profile *profile);
/* Adds now - start to op (when enabled) and returns now, the start of whatever comes next. */
uint64_t tern_profile_op_done(tern_profile *profile, tern_profile_op op, uint64_t start);
void tern_profile_layer_done(tern_profile *profile, uint32_t layer, uint64_t start);
void tern_profile_forward_done(tern_profile *profile, uint64_t start);
/* Zeroes the counters and sets enabled. */
void tern_profile_reset(tern_profile *profile, int enabled);
/* "embedding", "qkv", ...: stable names, used as JSON keys by tern-bench. */
const char *tern_profile_op_name(tern_profile_op op);

#endif /* TERN_PROFILE_H */
