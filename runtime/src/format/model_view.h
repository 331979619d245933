/* model_view.h — verifies a .tern file and fills the struct tern_model view (internal).
 *
 * tern_model_view_build runs the structural verifier (every FlatBuffer record inside the buffer), then the
 * semantic checks (tensor sizes, alignment, overlap, scales, indices, hyper-parameters, vocabulary), and
 * only then points the view into the file. On failure it returns a status, writes "what and where" into
 * err, and leaves nothing allocated. */
#ifndef TERN_FORMAT_MODEL_VIEW_H
#define TERN_FORMAT_MODEL_VIEW_H

#include <stddef.h>

#include "model.h"

/* model->file and model->file_size must be set; everything else in *model is filled. */
tern_status tern_model_view_build(tern_model *model, char *err, size_t err_size);
/* Frees the view's own arrays (not the file, not the tokenizer). Safe on a zeroed or partly built view. */
void tern_model_view_release(tern_model *model);

#endif /* TERN_FORMAT_MODEL_VIEW_H */
