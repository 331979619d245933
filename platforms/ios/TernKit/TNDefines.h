/* TNDefines.h — annotations that Apple's clang understands and GNUstep's gcc (the Linux test build) does not.
 * On Apple platforms they expand to the real thing (nullability, lightweight generics, Swift names), so
 * Swift sees `TNModel(path:)` throwing initializers and `[[NSNumber]]` embeddings; on gcc they vanish. */
#ifndef TN_DEFINES_H
#define TN_DEFINES_H

#import <Foundation/Foundation.h>

#if defined(__clang__)
#define TN_NULLABLE _Nullable
#define TN_GENERIC(cls, ...) cls<__VA_ARGS__>
#else
#define TN_NULLABLE
#define TN_GENERIC(cls, ...) cls
/* The method-level keywords (`- (nullable id)...`) are clang's; gcc reads them as unknown types. */
#ifndef nullable
#define nullable
#endif
#ifndef nonnull
#define nonnull
#endif
#endif

#ifndef NS_ASSUME_NONNULL_BEGIN
#define NS_ASSUME_NONNULL_BEGIN
#define NS_ASSUME_NONNULL_END
#endif
#ifndef NS_SWIFT_NAME
#if defined(__clang__)
#define NS_SWIFT_NAME(name) __attribute__((swift_name(#name)))
#else
#define NS_SWIFT_NAME(name)
#endif
#endif
#ifndef NS_UNAVAILABLE
#define NS_UNAVAILABLE
#endif
#ifndef NS_DESIGNATED_INITIALIZER
#define NS_DESIGNATED_INITIALIZER
#endif

#endif
