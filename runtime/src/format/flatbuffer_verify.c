/* flatbuffer_verify.c — structural verification of a size-prefixed FlatBuffer; see flatbuffer_verify.h. */
#include "format/flatbuffer_verify.h"

static const char *const fb_result_strings[FB_ERR_COUNT_] = {
  [FB_OK] = "ok",
  [FB_ERR_BUFFER_TOO_SMALL] = "buffer too small for a size-prefixed FlatBuffer",
  [FB_ERR_SIZE_PREFIX] = "size prefix exceeds the buffer",
  [FB_ERR_IDENTIFIER] = "file identifier mismatch",
  [FB_ERR_TABLE_OUT_OF_BOUNDS] = "table out of bounds",
  [FB_ERR_TABLE_MISALIGNED] = "table misaligned",
  [FB_ERR_VTABLE_OUT_OF_BOUNDS] = "vtable out of bounds",
  [FB_ERR_VTABLE_MISALIGNED] = "vtable misaligned",
  [FB_ERR_VTABLE_SIZE] = "vtable or table size invalid",
  [FB_ERR_FIELD_OUT_OF_TABLE] = "field lies outside its table",
  [FB_ERR_FIELD_MISALIGNED] = "field misaligned",
  [FB_ERR_OFFSET_OUT_OF_BOUNDS] = "offset points outside the buffer",
  [FB_ERR_OFFSET_MISALIGNED] = "offset target misaligned",
  [FB_ERR_VECTOR_OUT_OF_BOUNDS] = "vector runs past the end of the buffer",
  [FB_ERR_VECTOR_MISALIGNED] = "vector misaligned",
  [FB_ERR_STRING_OUT_OF_BOUNDS] = "string runs past the end of the buffer",
  [FB_ERR_STRING_NOT_TERMINATED] = "string not NUL-terminated",
  [FB_ERR_DEPTH] = "tables nested too deeply",
  [FB_ERR_BUDGET] = "too many tables or elements for the buffer size (shared or cyclic offsets)",
};

const char *fb_result_string(fb_result result) {
  if ((unsigned)result >= (unsigned)FB_ERR_COUNT_) return "unknown FlatBuffers verifier error";
  return fb_result_strings[result];
}

static fb_result fail(fb_verifier *v, fb_result result, size_t pos) {
  v->error_pos = pos;
  return result;
}

/* [pos, pos + size) inside the FlatBuffer, without overflow. */
static int in_buffer(const fb_verifier *v, size_t pos, uint64_t size) {
  return pos >= v->begin && pos <= v->end && size <= (uint64_t)(v->end - pos);
}

fb_result fb_verifier_init_size_prefixed(fb_verifier *v, const uint8_t *file, size_t size, const char *identifier,
                                         size_t *root_pos) {
  memset(v, 0, sizeof *v);
  v->base = file;
  v->max_depth = FB_DEFAULT_MAX_DEPTH;
  *root_pos = 0;
  if (file == NULL || size < 12) return fail(v, FB_ERR_BUFFER_TOO_SMALL, 0);
  /* The identifier first: a file of another kind should be reported as such, not as truncated. */
  if (identifier != NULL && memcmp(file + 8, identifier, 4) != 0) return fail(v, FB_ERR_IDENTIFIER, 8);
  uint32_t prefix = fb_read_u32(file);
  if (prefix > size - 4) return fail(v, FB_ERR_SIZE_PREFIX, 0);
  if (prefix < 8) return fail(v, FB_ERR_BUFFER_TOO_SMALL, 0);
  v->begin = 4;
  v->end = 4 + (size_t)prefix;
  /* Each visit costs at least 4 bytes of buffer when nothing is shared; allow generous headroom for
   * legitimately shared records while still bounding the work to O(buffer size). */
  v->budget = 64u + (uint64_t)prefix;
  uint64_t root = 4u + (uint64_t)fb_read_u32(file + 4);
  if (root >= v->end) return fail(v, FB_ERR_OFFSET_OUT_OF_BOUNDS, 4);
  if (root % 4u != 0) return fail(v, FB_ERR_OFFSET_MISALIGNED, 4);
  *root_pos = (size_t)root;
  return FB_OK;
}

fb_result fb_verify_table_enter(fb_verifier *v, size_t pos, fb_table *out) {
  if (v->depth >= v->max_depth) return fail(v, FB_ERR_DEPTH, pos);
  if (v->budget == 0) return fail(v, FB_ERR_BUDGET, pos);
  v->budget--;
  if (pos % 4u != 0) return fail(v, FB_ERR_TABLE_MISALIGNED, pos);
  if (!in_buffer(v, pos, 4)) return fail(v, FB_ERR_TABLE_OUT_OF_BOUNDS, pos);
  int64_t vtable_pos = (int64_t)pos - (int64_t)fb_read_i32(v->base + pos);
  if (vtable_pos < (int64_t)v->begin || !in_buffer(v, (size_t)vtable_pos, 4))
    return fail(v, FB_ERR_VTABLE_OUT_OF_BOUNDS, pos);
  if (vtable_pos % 2 != 0) return fail(v, FB_ERR_VTABLE_MISALIGNED, pos);
  const uint8_t *vtable = v->base + vtable_pos;
  uint16_t vtable_size = fb_read_u16(vtable);
  uint16_t table_size = fb_read_u16(vtable + 2);
  if (vtable_size < 4 || vtable_size % 2 != 0 || table_size < 4) return fail(v, FB_ERR_VTABLE_SIZE, (size_t)vtable_pos);
  if (!in_buffer(v, (size_t)vtable_pos, vtable_size)) return fail(v, FB_ERR_VTABLE_OUT_OF_BOUNDS, (size_t)vtable_pos);
  if (!in_buffer(v, pos, table_size)) return fail(v, FB_ERR_TABLE_OUT_OF_BOUNDS, pos);
  out->table = v->base + pos;
  out->vtable = vtable;
  out->vtable_size = vtable_size;
  out->table_size = table_size;
  v->depth++;
  return FB_OK;
}

void fb_verify_table_leave(fb_verifier *v) {
  if (v->depth > 0) v->depth--;
}

/* Position of the field's inline bytes, or 0 when absent. */
static fb_result field_pos(fb_verifier *v, const fb_table *t, unsigned field_id, size_t size, size_t *pos) {
  size_t slot = 4u + 2u * (size_t)field_id;
  *pos = 0;
  if (slot + 2u > t->vtable_size) return FB_OK;
  uint16_t voffset = fb_read_u16(t->vtable + slot);
  size_t table_pos = (size_t)(t->table - v->base);
  if (voffset == 0) return FB_OK;
  if ((size_t)voffset + size > t->table_size) return fail(v, FB_ERR_FIELD_OUT_OF_TABLE, table_pos);
  if (voffset < 4) return fail(v, FB_ERR_FIELD_OUT_OF_TABLE, table_pos); /* would overlap the soffset */
  size_t pos_in_file = table_pos + voffset;
  if (pos_in_file % size != 0) return fail(v, FB_ERR_FIELD_MISALIGNED, pos_in_file);
  *pos = pos_in_file;
  return FB_OK;
}

fb_result fb_verify_scalar_field(fb_verifier *v, const fb_table *t, unsigned field_id, size_t size) {
  size_t pos;
  return field_pos(v, t, field_id, size, &pos);
}

static fb_result follow_offset(fb_verifier *v, size_t pos, size_t *target_pos) {
  uint64_t target = (uint64_t)pos + fb_read_u32(v->base + pos);
  if (target >= v->end) return fail(v, FB_ERR_OFFSET_OUT_OF_BOUNDS, pos);
  if (target % 4u != 0) return fail(v, FB_ERR_OFFSET_MISALIGNED, pos);
  *target_pos = (size_t)target;
  return FB_OK;
}

fb_result fb_verify_offset_field(fb_verifier *v, const fb_table *t, unsigned field_id, size_t *target_pos) {
  size_t pos;
  fb_result r = field_pos(v, t, field_id, 4, &pos);
  *target_pos = 0;
  if (r != FB_OK || pos == 0) return r;
  return follow_offset(v, pos, target_pos);
}

fb_result fb_verify_string_at(fb_verifier *v, size_t pos) {
  if (!in_buffer(v, pos, 4)) return fail(v, FB_ERR_STRING_OUT_OF_BOUNDS, pos);
  uint32_t length = fb_read_u32(v->base + pos);
  if (!in_buffer(v, pos, 4u + (uint64_t)length + 1u)) return fail(v, FB_ERR_STRING_OUT_OF_BOUNDS, pos);
  if (v->base[pos + 4u + length] != 0) return fail(v, FB_ERR_STRING_NOT_TERMINATED, pos);
  return FB_OK;
}

fb_result fb_verify_vector_at(fb_verifier *v, size_t pos, size_t element_size, uint32_t *count) {
  *count = 0;
  if (!in_buffer(v, pos, 4)) return fail(v, FB_ERR_VECTOR_OUT_OF_BOUNDS, pos);
  uint32_t length = fb_read_u32(v->base + pos);
  /* length <= 2^32 and element_size <= 8: the product fits in 64 bits. */
  if (!in_buffer(v, pos + 4u, (uint64_t)length * element_size)) return fail(v, FB_ERR_VECTOR_OUT_OF_BOUNDS, pos);
  if (element_size > 4 && (pos + 4u) % element_size != 0) return fail(v, FB_ERR_VECTOR_MISALIGNED, pos);
  *count = length;
  return FB_OK;
}

fb_result fb_verify_vector_element_offset(fb_verifier *v, size_t vector_pos, uint32_t index, size_t *element_pos) {
  if (v->budget == 0) return fail(v, FB_ERR_BUDGET, vector_pos);
  v->budget--;
  return follow_offset(v, vector_pos + 4u + 4u * (size_t)index, element_pos);
}
