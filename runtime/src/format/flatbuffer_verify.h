/* flatbuffer_verify.h — a small FlatBuffers reader and verifier (internal), in the style of flatcc's.
 *
 * The verifier checks a size-prefixed buffer before anything else reads it: every table, vtable, offset,
 * string and vector inside the buffer and aligned; strings NUL-terminated inside it; vector sizes without
 * overflow; nesting depth bounded; a budget on the number of tables and vector elements visited, so a
 * buffer whose offsets are shared or cyclic cannot make verification run for long. It returns a distinct
 * fb_result per failure (never asserts); fb_result_string() names it, and the verifier records the table,
 * field and byte position of the first failure.
 *
 * Positions are byte offsets from the start of the file (the size prefix's first byte); alignment is
 * checked relative to that start, which the loader keeps 64-byte aligned.
 *
 * The readers below (fb_table, fb_vector, fb_string and the fb_read_* helpers) are meant for buffers the
 * verifier has accepted: they check vtable bounds and vector indices, returning defaults for absent
 * fields, but they trust the offsets the verifier has checked. Little-endian hosts only (every supported
 * target is); tern_fb_host_is_little_endian() lets the loader refuse a big-endian host cleanly.
 */
#ifndef TERN_FLATBUFFER_VERIFY_H
#define TERN_FLATBUFFER_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef enum fb_result {
  FB_OK = 0,
  FB_ERR_BUFFER_TOO_SMALL,      /* shorter than size prefix + root offset + identifier */
  FB_ERR_SIZE_PREFIX,           /* the size prefix claims more bytes than the buffer holds */
  FB_ERR_IDENTIFIER,            /* file identifier mismatch */
  FB_ERR_TABLE_OUT_OF_BOUNDS,   /* a table's soffset or its inline fields run past the buffer */
  FB_ERR_TABLE_MISALIGNED,
  FB_ERR_VTABLE_OUT_OF_BOUNDS,
  FB_ERR_VTABLE_MISALIGNED,
  FB_ERR_VTABLE_SIZE,           /* vtable or table size too small or odd */
  FB_ERR_FIELD_OUT_OF_TABLE,    /* a field's voffset + size lies past the table's inline size */
  FB_ERR_FIELD_MISALIGNED,
  FB_ERR_OFFSET_OUT_OF_BOUNDS,  /* a uoffset points past the buffer */
  FB_ERR_OFFSET_MISALIGNED,
  FB_ERR_VECTOR_OUT_OF_BOUNDS,  /* length x element size runs past the buffer (or overflows) */
  FB_ERR_VECTOR_MISALIGNED,
  FB_ERR_STRING_OUT_OF_BOUNDS,
  FB_ERR_STRING_NOT_TERMINATED,
  FB_ERR_DEPTH,                 /* tables nested deeper than the verifier's maximum */
  FB_ERR_BUDGET,                /* more table / element visits than the buffer's size can justify */
  FB_ERR_COUNT_
} fb_result;

const char *fb_result_string(fb_result result);

typedef struct fb_verifier {
  const uint8_t *base;          /* file start */
  size_t begin, end;            /* the FlatBuffer occupies [begin, end) of the file */
  uint32_t depth, max_depth;
  uint64_t budget;              /* visits left */
  /* The first failure: innermost table and field (static strings), and the byte position. */
  const char *error_table;
  const char *error_field;
  size_t error_pos;
} fb_verifier;

#define FB_DEFAULT_MAX_DEPTH 16u

/* Checks the size prefix and identifier of file[0, size) and sets up v; *root_pos receives the root
 * table's position (not yet verified). identifier may be NULL to skip that check. */
fb_result fb_verifier_init_size_prefixed(fb_verifier *v, const uint8_t *file, size_t size, const char *identifier,
                                         size_t *root_pos);

/* A table, located: its inline bytes and its vtable. table == NULL means "absent". */
typedef struct fb_table {
  const uint8_t *table;
  const uint8_t *vtable;
  uint16_t vtable_size;
  uint16_t table_size;
} fb_table;

typedef struct fb_vector {
  const uint8_t *data;          /* first element; NULL when absent */
  uint32_t count;
} fb_vector;

typedef struct fb_string {
  const char *ptr;              /* NUL-terminated; NULL when absent */
  uint32_t len;
} fb_string;

/* Verification steps, used by the generated per-table verify functions. Each sets v->error_* on
 * failure. fb_verify_table_enter counts depth and budget; pair it with fb_verify_table_leave. */
fb_result fb_verify_table_enter(fb_verifier *v, size_t pos, fb_table *out);
void fb_verify_table_leave(fb_verifier *v);
fb_result fb_verify_scalar_field(fb_verifier *v, const fb_table *t, unsigned field_id, size_t size);
/* Offset fields: *target_pos receives the referenced position, or 0 when the field is absent. */
fb_result fb_verify_offset_field(fb_verifier *v, const fb_table *t, unsigned field_id, size_t *target_pos);
fb_result fb_verify_string_at(fb_verifier *v, size_t pos);
fb_result fb_verify_vector_at(fb_verifier *v, size_t pos, size_t element_size, uint32_t *count);
/* A vector of offsets (to strings or tables): *element_pos receives element i's target position. */
fb_result fb_verify_vector_element_offset(fb_verifier *v, size_t vector_pos, uint32_t index, size_t *element_pos);

/* ---- readers ---- */

static inline uint8_t fb_read_u8(const uint8_t *p) { return p[0]; }
static inline int8_t fb_read_i8(const uint8_t *p) { int8_t x; memcpy(&x, p, 1); return x; }
static inline uint16_t fb_read_u16(const uint8_t *p) { uint16_t x; memcpy(&x, p, 2); return x; }
static inline int16_t fb_read_i16(const uint8_t *p) { int16_t x; memcpy(&x, p, 2); return x; }
static inline uint32_t fb_read_u32(const uint8_t *p) { uint32_t x; memcpy(&x, p, 4); return x; }
static inline int32_t fb_read_i32(const uint8_t *p) { int32_t x; memcpy(&x, p, 4); return x; }
static inline uint64_t fb_read_u64(const uint8_t *p) { uint64_t x; memcpy(&x, p, 8); return x; }
static inline int64_t fb_read_i64(const uint8_t *p) { int64_t x; memcpy(&x, p, 8); return x; }
static inline float fb_read_f32(const uint8_t *p) { float x; memcpy(&x, p, 4); return x; }
static inline double fb_read_f64(const uint8_t *p) { double x; memcpy(&x, p, 8); return x; }

static inline int tern_fb_host_is_little_endian(void) {
  const uint16_t one = 1;
  uint8_t first;
  memcpy(&first, &one, 1);
  return first == 1;
}

/* The field's inline bytes, or NULL when the field is absent (vtable too short or voffset 0) or would not
 * fit in the table. */
static inline const uint8_t *fb_field(fb_table t, unsigned field_id, size_t size) {
  size_t slot = 4u + 2u * (size_t)field_id;
  if (t.table == NULL || slot + 2u > t.vtable_size) return NULL;
  uint16_t voffset = fb_read_u16(t.vtable + slot);
  if (voffset == 0 || (size_t)voffset + size > t.table_size) return NULL;
  return t.table + voffset;
}

static inline const uint8_t *fb_deref(const uint8_t *p) { return p + fb_read_u32(p); }

static inline fb_table fb_table_at(const uint8_t *table) {
  fb_table t;
  t.table = table;
  t.vtable = table - fb_read_i32(table);
  t.vtable_size = fb_read_u16(t.vtable);
  t.table_size = fb_read_u16(t.vtable + 2);
  return t;
}

static inline fb_table fb_field_table(fb_table t, unsigned field_id) {
  const uint8_t *p = fb_field(t, field_id, 4);
  if (p == NULL) {
    fb_table absent = {NULL, NULL, 0, 0};
    return absent;
  }
  return fb_table_at(fb_deref(p));
}

static inline fb_string fb_string_at(const uint8_t *p) {
  fb_string s;
  s.len = fb_read_u32(p);
  s.ptr = (const char *)p + 4;
  return s;
}

static inline fb_string fb_field_string(fb_table t, unsigned field_id) {
  const uint8_t *p = fb_field(t, field_id, 4);
  if (p == NULL) {
    fb_string absent = {NULL, 0};
    return absent;
  }
  return fb_string_at(fb_deref(p));
}

static inline fb_vector fb_field_vector(fb_table t, unsigned field_id) {
  const uint8_t *p = fb_field(t, field_id, 4);
  fb_vector v = {NULL, 0};
  if (p == NULL) return v;
  p = fb_deref(p);
  v.count = fb_read_u32(p);
  v.data = p + 4;
  return v;
}

/* Element i of a vector of tables / strings; absent (NULL) when i is out of range. */
static inline fb_table fb_vector_table(fb_vector v, uint32_t i) {
  if (i >= v.count) {
    fb_table absent = {NULL, NULL, 0, 0};
    return absent;
  }
  return fb_table_at(fb_deref(v.data + 4u * (size_t)i));
}

static inline fb_string fb_vector_string(fb_vector v, uint32_t i) {
  if (i >= v.count) {
    fb_string absent = {NULL, 0};
    return absent;
  }
  return fb_string_at(fb_deref(v.data + 4u * (size_t)i));
}

#endif /* TERN_FLATBUFFER_VERIFY_H */
