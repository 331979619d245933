/* TNError.h — how TernKit reports failures: NSError in TNErrorDomain, code = the tern_status of tern.h,
 * localizedDescription = libtern's message saying what and where. */
#import "TNDefines.h"

NS_ASSUME_NONNULL_BEGIN

/** The error domain of every NSError from TernKit. */
FOUNDATION_EXPORT NSString *const TNErrorDomain;
/** userInfo key: the name of the status ("I/O error", ...) from tern_status_string. */
FOUNDATION_EXPORT NSString *const TNErrorStatusNameKey;

/** Error codes: the values of tern_status (runtime/include/tern.h). */
typedef NS_ENUM(NSInteger, TNStatus) {
  TNStatusOK = 0,
  TNStatusInvalidArgument = 1,
  TNStatusIO = 2,
  TNStatusOutOfMemory = 3,
  TNStatusBadIdentifier = 4,
  TNStatusUnsupportedVersion = 5,
  TNStatusTruncated = 6,
  TNStatusMalformed = 7,
  TNStatusBadTensor = 8,
  TNStatusBadScale = 9,
  TNStatusBadIndex = 10,
  TNStatusBadHyperparameter = 11,
  TNStatusBadTokenizer = 12,
  TNStatusBufferTooSmall = 13,
  TNStatusTooLong = 14,
  TNStatusNoHead = 15,
  TNStatusSelftestFailed = 16,
  TNStatusInternal = 17,
  TNStatusSessionBusy = 18,
};

NS_ASSUME_NONNULL_END
