/* profile_api.c — tern_session_set_profiling / tern_session_get_profile (tern.h, "Profiling" block):
 * the session's counters (profile.h) turned into milliseconds. */
#include <string.h>

#include "profile.h"
#include "session.h"
#include "tern.h"

_Static_assert(TERN_PROFILE_OP_COUNT <= TERN_PROFILE_MAX_OPS, "tern_profile_report holds every op kind");
_Static_assert(TERN_PROFILE_LAYER_SLOTS <= TERN_PROFILE_MAX_LAYERS, "tern_profile_report holds every layer slot");

tern_status tern_session_set_profiling(tern_session *session, int enabled) {
  if (session == NULL) return TERN_ERR_INVALID_ARGUMENT;
  tern_profile_reset(&session->profile, enabled);
  return TERN_OK;
}

tern_status tern_session_get_profile(const tern_session *session, tern_profile_report *report) {
  if (session == NULL || report == NULL) return TERN_ERR_INVALID_ARGUMENT;
  if (report->struct_size < sizeof *report) return TERN_ERR_INVALID_ARGUMENT;
  const tern_profile *profile = &session->profile;
  memset(report, 0, sizeof *report);
  report->struct_size = sizeof *report;
  report->forward_passes = profile->forward_passes;
  report->forward_ms = (double)profile->forward_ns * 1e-6;
  report->num_ops = TERN_PROFILE_OP_COUNT;
  for (uint32_t op = 0; op < TERN_PROFILE_OP_COUNT; op++) {
    report->op_names[op] = tern_profile_op_name((tern_profile_op)op);
    report->op_ms[op] = (double)profile->op_ns[op] * 1e-6;
    report->op_calls[op] = profile->op_calls[op];
  }
  report->num_layers = profile->num_layers;
  for (uint32_t layer = 0; layer < profile->num_layers; layer++)
    report->layer_ms[layer] = (double)profile->layer_ns[layer] * 1e-6;
  return TERN_OK;
}
