/* TNInternal.h — private to TernKit's .m files.
 * Ownership: the code is written for ARC (Apple builds use -fobjc-arc). GNUstep's gcc has no ARC, so the
 * Linux test build compiles the same files with manual retain/release through these macros; under ARC they
 * are no-ops, so each object is owned exactly as ARC would own it. */
#import "TNError.h"
#import "TNModel.h"

#include "tern.h"

#ifndef __has_feature
#define __has_feature(x) 0
#endif

#if __has_feature(objc_arc)
#define TN_RETAIN(x) (x)
#define TN_RELEASE(x) ((void)0)
#define TN_AUTORELEASE(x) (x)
#define TN_SUPER_DEALLOC() ((void)0)
#else
#define TN_RETAIN(x) [(x) retain]
#define TN_RELEASE(x) [(x) release]
#define TN_AUTORELEASE(x) [(x) autorelease]
#define TN_SUPER_DEALLOC() [super dealloc]
#endif

/* Sets *error (when error is not NULL) to an NSError in TNErrorDomain; returns NO / nil for chaining. */
void TNSetError(NSError **error, tern_status status, NSString *message);

@interface TNModel ()
/** The native model; valid as long as this object lives. */
- (const tern_model *)nativeModel;
@end
