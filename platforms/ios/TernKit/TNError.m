#import "TNInternal.h"

NSString *const TNErrorDomain = @"org.tern.ErrorDomain";
NSString *const TNErrorStatusNameKey = @"TNErrorStatusName";

void TNSetError(NSError **error, tern_status status, NSString *message) {
  if (error == NULL) return;
  NSString *name = [NSString stringWithUTF8String:tern_status_string(status)];
  NSString *description = message.length > 0 ? message : name;
  NSDictionary *info = [NSDictionary dictionaryWithObjectsAndKeys:description, NSLocalizedDescriptionKey, name,
                                                                  TNErrorStatusNameKey, nil];
  *error = [NSError errorWithDomain:TNErrorDomain code:(NSInteger)status userInfo:info];
}
