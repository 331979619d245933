/* test_flatbuffer_verify.c — the generic verifier bounds depth and work on hostile shapes the tern schema
 * cannot express (it has no recursive tables): a table that refers to itself, a long chain, and a vector
 * whose elements all point at one record. Uses a one-table schema, `table Node { next: Node; items: [Node]; }`,
 * written with the same primitives the generated code uses. */
#include <stdio.h>
#include <string.h>

#include "format/flatbuffer_verify.h"

static int failures;

static fb_result node_verify(fb_verifier *v, size_t pos) {
  fb_table t;
  size_t target, element;
  uint32_t count;
  fb_result r = fb_verify_table_enter(v, pos, &t);
  if (r != FB_OK) return r;
  if ((r = fb_verify_offset_field(v, &t, 0, &target)) != FB_OK) return r;
  if (target != 0 && (r = node_verify(v, target)) != FB_OK) return r;
  if ((r = fb_verify_offset_field(v, &t, 1, &target)) != FB_OK) return r;
  if (target != 0) {
    if ((r = fb_verify_vector_at(v, target, 4, &count)) != FB_OK) return r;
    for (uint32_t i = 0; i < count; i++) {
      if ((r = fb_verify_vector_element_offset(v, target, i, &element)) != FB_OK) return r;
      if ((r = node_verify(v, element)) != FB_OK) return r;
    }
  }
  fb_verify_table_leave(v);
  return FB_OK;
}

static _Alignas(64) uint8_t buffer[1 << 16];

static void put32(size_t pos, uint32_t x) {
  if (pos <= sizeof buffer - 4) memcpy(buffer + pos, &x, 4);
}
static void put16(size_t pos, uint16_t x) {
  if (pos <= sizeof buffer - 2) memcpy(buffer + pos, &x, 2);
}

/* Layout: [0] size prefix, [4] root offset, [8] "NODE", [12] vtable A (8 bytes: 8, 12, voffsets 4 and 8),
 * [20] vtable B (no fields), nodes of 12 bytes from 24 on: soffset, next, items; a leaf node (vtable B) and an
 * empty vector in the last 8 bytes. A node without a next / items points at the leaf / the empty vector
 * (uoffsets only point forward). */
static size_t LEAF, EMPTY_VECTOR;
static size_t write_header(size_t total) {
  LEAF = total - 8;
  EMPTY_VECTOR = total - 4;
  memset(buffer, 0, sizeof buffer);
  put32(0, (uint32_t)(total - 4));
  memcpy(buffer + 8, "NODE", 4);
  put16(12, 8);
  put16(14, 12);
  put16(16, 4);
  put16(18, 8);
  put16(20, 4);
  put16(22, 4);
  put32(LEAF, (uint32_t)(LEAF - 20));
  put32(EMPTY_VECTOR, 0);
  return 24;
}

static void write_node(size_t pos, size_t next, size_t items) {
  put32(pos, (uint32_t)(pos - 12)); /* soffset back to vtable A */
  put32(pos + 4, (uint32_t)((next ? next : LEAF) - (pos + 4)));
  put32(pos + 8, (uint32_t)((items ? items : EMPTY_VECTOR) - (pos + 8)));
}

static fb_result run(size_t total, size_t root) {
  fb_verifier v;
  size_t root_pos;
  put32(4, (uint32_t)(root - 4));
  fb_result r = fb_verifier_init_size_prefixed(&v, buffer, total, "NODE", &root_pos);
  if (r != FB_OK) return r;
  return node_verify(&v, root_pos);
}

static void expect(const char *what, fb_result got, fb_result expected) {
  printf("%-28s %s\n", what, fb_result_string(got));
  if (got != expected) {
    fprintf(stderr, "FAIL: %s: got '%s', expected '%s'\n", what, fb_result_string(got), fb_result_string(expected));
    failures++;
  }
}

int main(void) {
  /* A single valid node. */
  size_t node = write_header(64);
  write_node(node, 0, 0);
  expect("single node", run(64, node), FB_OK);

  /* A node whose `next` is itself: uoffsets are unsigned and added without wrap-around, so a cycle (a
   * backward offset) is out of bounds; sharing (DAGs) is what the budget is for. */
  node = write_header(64);
  write_node(node, node, 0);
  expect("self cycle", run(64, node), FB_ERR_OFFSET_OUT_OF_BOUNDS);

  /* A chain of 15 nodes + the leaf is 16 deep: fine; 17 nodes are too deep. */
  for (size_t length = 15; length <= 17; length += 2) {
    size_t pos = write_header(24 + 12 * length + 8);
    for (size_t i = 0; i < length; i++) write_node(pos + 12 * i, i + 1 < length ? pos + 12 * (i + 1) : 0, 0);
    expect(length == 15 ? "chain of 15" : "chain of 17", run(24 + 12 * length + 8, pos),
           length == 15 ? FB_OK : FB_ERR_DEPTH);
  }

  /* Amplification: the root's items are 1000 offsets to one node whose items are 1000 offsets to the leaf:
   * 10^6 visits from 8 kB, stopped by the budget. */
  size_t total = 24 + 12 + 4004 + 12 + 4004 + 8;
  size_t root = write_header(total);
  size_t outer = root + 12, inner = outer + 4004, inner_items = inner + 12;
  write_node(root, 0, outer);
  write_node(inner, 0, inner_items);
  put32(outer, 1000);
  put32(inner_items, 1000);
  for (size_t i = 0; i < 1000; i++) {
    put32(outer + 4 + 4 * i, (uint32_t)(inner - (outer + 4 + 4 * i)));
    put32(inner_items + 4 + 4 * i, (uint32_t)(LEAF - (inner_items + 4 + 4 * i)));
  }
  expect("shared-offset amplification", run(total, root), FB_ERR_BUDGET);

  /* Structural damage. */
  node = write_header(64);
  write_node(node, 0, 0);
  put16(12, 7); /* odd vtable size */
  expect("odd vtable size", run(64, node), FB_ERR_VTABLE_SIZE);
  node = write_header(64);
  write_node(node, 0, 0);
  put16(14, 200); /* table size past the end */
  expect("table size past end", run(64, node), FB_ERR_TABLE_OUT_OF_BOUNDS);
  node = write_header(64);
  write_node(node, 0, 48);
  put32(48, 0x40000000); /* vector length x 4 overflows 32 bits and runs past the end */
  expect("vector length huge", run(64, node), FB_ERR_VECTOR_OUT_OF_BOUNDS);
  node = write_header(64);
  expect("identifier", (memcpy(buffer + 8, "EDON", 4), run(64, node)), FB_ERR_IDENTIFIER);
  expect("buffer too small", run(11, node), FB_ERR_BUFFER_TOO_SMALL);
  for (int i = 0; i <= FB_ERR_COUNT_; i++)
    if (fb_result_string((fb_result)i) == NULL) failures++;
  if (failures) return 1;
  printf("all ok\n");
  return 0;
}
