/* allocator.h — the one path every heap allocation of libtern takes (internal; see tern_allocator in tern.h).
 *
 * Each owner (model, tokenizer, session) keeps a copy of the tern_allocator it was created with and frees
 * through the same copy. The helpers check count x size for overflow so callers never multiply themselves.
 */
#ifndef TERN_ALLOCATOR_H
#define TERN_ALLOCATOR_H

#include <stddef.h>

#include "tern.h"

/* malloc / free / aligned_alloc. */
extern const tern_allocator tern_libc_allocator;

/* 1 when every function pointer is set (the contract of tern_allocator). */
int tern_allocator_is_valid(const tern_allocator *allocator);

/* count x element_bytes bytes (at least 1), or NULL on overflow or failure. */
void *tern_allocate_array(const tern_allocator *allocator, size_t count, size_t element_bytes);
/* The same, zero-filled. */
void *tern_allocate_zeroed(const tern_allocator *allocator, size_t count, size_t element_bytes);
/* NULL is ignored. */
void tern_deallocate(const tern_allocator *allocator, void *pointer);

/* size bytes (rounded up to a multiple of alignment, at least alignment) aligned to alignment (a power of
 * two >= sizeof(void *)), or NULL. */
void *tern_aligned_allocate(const tern_allocator *allocator, size_t alignment, size_t size);
void tern_aligned_deallocate(const tern_allocator *allocator, void *pointer);

#endif /* TERN_ALLOCATOR_H */
