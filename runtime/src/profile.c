/* profile.c — the counters behind profile.h. No allocation, no locks: a session is used by one thread. */
#define _POSIX_C_SOURCE 200809L

#include "profile.h"

#include <string.h>
#include <time.h>

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t tern_profile_start(const tern_profile *profile) { return profile->enabled ? now_ns() : 0; }

uint64_t tern_profile_op_done(tern_profile *profile, tern_profile_op op, uint64_t start) {
  if (!profile->enabled) return 0;
  const uint64_t now = now_ns();
  profile->op_ns[op] += now - start;
  profile->op_calls[op]++;
  return now;
}

void tern_profile_layer_done(tern_profile *profile, uint32_t layer, uint64_t start) {
  if (!profile->enabled) return;
  const uint32_t slot = layer < TERN_PROFILE_LAYER_SLOTS ? layer : TERN_PROFILE_LAYER_SLOTS - 1;
  profile->layer_ns[slot] += now_ns() - start;
  if (slot + 1 > profile->num_layers) profile->num_layers = slot + 1;
}

void tern_profile_forward_done(tern_profile *profile, uint64_t start) {
  if (!profile->enabled) return;
  profile->forward_ns += now_ns() - start;
  profile->forward_passes++;
}

void tern_profile_reset(tern_profile *profile, int enabled) {
  memset(profile, 0, sizeof *profile);
  profile->enabled = enabled != 0;
}

const char *tern_profile_op_name(tern_profile_op op) {
  static const char *const names[TERN_PROFILE_OP_COUNT] = {
      "embedding", "qkv", "attention", "attention_output", "ffn_in", "ffn_out", "residual_norm", "pooling_heads"};
  return (unsigned)op < TERN_PROFILE_OP_COUNT ? names[op] : "unknown";
}
