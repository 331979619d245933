/* TernKit — the Objective-C (and, through it, Swift) API of tern for iOS / macOS. */
#import "TNDefines.h"
#import "TNError.h"
#import "TNModel.h"
#import "TNSession.h"
