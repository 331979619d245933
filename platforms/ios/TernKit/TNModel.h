/* TNModel.h — a loaded .tern model: immutable, shareable by any number of threads and TNSessions. Sessions
 * keep their model alive (strong reference), so a model is freed after its last session. */
#import "TNDefines.h"
#import "TNError.h"

NS_ASSUME_NONNULL_BEGIN

struct tern_model;

@interface TNModel : NSObject {
  /* Instance variables live here, not in the @implementation, because GNUstep's gcc (the Linux test build)
   * does not support the latter; @private keeps them out of the API. */
@private
  struct tern_model *_model;
  NSData *_data;            /* keeps the bytes of initWithData: alive (libtern uses them in place) */
  void *_alignedCopy;       /* or the aligned copy made of them */
  NSUInteger _outputDimension, _hiddenSize, _maxLength;
  BOOL _hasTokenizer, _hasSequenceClassifier, _isAlbert;
  NSArray *_labels;
}

/** Maps the file read-only. nil + *error (TNErrorDomain) for a missing, unreadable or invalid file. */
- (nullable instancetype)initWithPath:(NSString *)path error:(NSError **)error NS_DESIGNATED_INITIALIZER;

/** Loads from bytes in memory (an asset, a download). The model keeps the NSData (copy of a mutable one);
 * when its bytes are not 64-byte aligned they are copied once into aligned memory. A data object mapped
 * from a file (NSDataReadingMappedIfSafe) is aligned and used in place. */
- (nullable instancetype)initWithData:(NSData *)data error:(NSError **)error NS_DESIGNATED_INITIALIZER;

#if defined(__clang__)
- (instancetype)init NS_UNAVAILABLE;
#endif

/** Floats per embedding. */
@property (nonatomic, readonly) NSUInteger outputDimension;
@property (nonatomic, readonly) NSUInteger hiddenSize;
/** Tokens per text after truncation (specials included); 0 without a tokenizer. */
@property (nonatomic, readonly) NSUInteger maxLength;
@property (nonatomic, readonly) BOOL hasTokenizer;
/** YES when the model has a sequence-classification head (TNSession classify works). */
@property (nonatomic, readonly) BOOL hasSequenceClassifier;
/** @"albert" or @"bert". */
- (NSString *)kind;
/** The classification head's labels (empty without a head). */
- (TN_GENERIC(NSArray, NSString *) *)labels;
/** A metadata value of the file (@"source", @"converter_version", ...), or nil. */
- (nullable NSString *)metadataForKey:(NSString *)key;

/** libtern's version, e.g. @"0.1.0". */
+ (NSString *)libraryVersion;

@end

NS_ASSUME_NONNULL_END
