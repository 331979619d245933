/* allocator.c — the C library allocator and the checked helpers every allocation goes through. */
#include "allocator.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *libc_allocate(void *context, size_t size) {
  (void)context;
  return malloc(size);
}

static void libc_deallocate(void *context, void *pointer) {
  (void)context;
  free(pointer);
}

static void *libc_aligned_allocate(void *context, size_t alignment, size_t size) {
  (void)context;
  /* C11 aligned_alloc wants size to be a multiple of alignment; tern_aligned_allocate rounds it. */
  return aligned_alloc(alignment, size);
}

const tern_allocator tern_libc_allocator = {NULL, libc_allocate, libc_deallocate, libc_aligned_allocate,
                                            libc_deallocate};

int tern_allocator_is_valid(const tern_allocator *allocator) {
  return allocator != NULL && allocator->allocate != NULL && allocator->deallocate != NULL &&
         allocator->aligned_allocate != NULL && allocator->aligned_deallocate != NULL;
}

void *tern_allocate_array(const tern_allocator *allocator, size_t count, size_t element_bytes) {
  if (element_bytes != 0 && count > SIZE_MAX / element_bytes) return NULL;
  size_t bytes = count * element_bytes;
  return allocator->allocate(allocator->context, bytes != 0 ? bytes : 1);
}

void *tern_allocate_zeroed(const tern_allocator *allocator, size_t count, size_t element_bytes) {
  void *pointer = tern_allocate_array(allocator, count, element_bytes);
  if (pointer != NULL) memset(pointer, 0, count * element_bytes);
  return pointer;
}

void tern_deallocate(const tern_allocator *allocator, void *pointer) {
  if (pointer != NULL) allocator->deallocate(allocator->context, pointer);
}

void *tern_aligned_allocate(const tern_allocator *allocator, size_t alignment, size_t size) {
  if (size > SIZE_MAX - alignment) return NULL;
  size_t rounded = (size + alignment - 1) / alignment * alignment;
  return allocator->aligned_allocate(allocator->context, alignment, rounded != 0 ? rounded : alignment);
}

void tern_aligned_deallocate(const tern_allocator *allocator, void *pointer) {
  if (pointer != NULL) allocator->aligned_deallocate(allocator->context, pointer);
}
