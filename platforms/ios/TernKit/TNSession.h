/* TNSession.h — runs a TNModel. A session owns its working memory (sized at creation, no allocation during
 * inference). Give each thread its own session; calls on one session from several threads are serialized. */
#import "TNDefines.h"
#import "TNError.h"
#import "TNModel.h"

NS_ASSUME_NONNULL_BEGIN

/** Logits of one text and the labels they belong to. */
@interface TNClassification : NSObject {
@private
  NSArray *_labels;
  NSArray *_logits;
  NSUInteger _bestIndex;
}
@property (nonatomic, readonly, copy) TN_GENERIC(NSArray, NSString *) *labels;
@property (nonatomic, readonly, copy) TN_GENERIC(NSArray, NSNumber *) *logits;
/** Index of the largest logit. */
@property (nonatomic, readonly) NSUInteger bestIndex;
/** Label of the largest logit (its index as text when the file names none). */
- (NSString *)bestLabel;
@end

struct tern_session;

@interface TNSession : NSObject {
@private
  TNModel *_model;                 /* strong: the native model must outlive the native session */
  struct tern_session *_session;   /* NULL once closed */
}

/** A session with libtern's default options. */
- (nullable instancetype)initWithModel:(TNModel *)model error:(NSError **)error;

/** maxSequenceLength 0: the model's length; kernelSet nil: the best for this CPU (or @"scalar", ...). */
- (nullable instancetype)initWithModel:(TNModel *)model
                     maxSequenceLength:(NSUInteger)maxSequenceLength
                             kernelSet:(nullable NSString *)kernelSet
                                 error:(NSError **)error;

/** Also numberOfThreads, the threads one call runs on (at most 64; 0: the cores of the fastest cluster, at most
 *  4; results are bit-identical for every count), and activationBits, the precision of the int8 linears'
 *  activations (0: 8; 7: faster on x86 AVX2 without VNNI, slightly less accurate). A negative or other bad
 *  value: nil and TNStatusInvalidArgument. */
- (nullable instancetype)initWithModel:(TNModel *)model
                     maxSequenceLength:(NSUInteger)maxSequenceLength
                             kernelSet:(nullable NSString *)kernelSet
                       numberOfThreads:(NSInteger)numberOfThreads
                        activationBits:(NSInteger)activationBits
                                 error:(NSError **)error NS_DESIGNATED_INITIALIZER;

#if defined(__clang__)
- (instancetype)init NS_UNAVAILABLE;
#endif

@property (nonatomic, readonly, retain) TNModel *model;

/** One embedding (outputDimension NSNumber floats) per text. */
- (nullable TN_GENERIC(NSArray, TN_GENERIC(NSArray, NSNumber *) *) *)embedTexts:(TN_GENERIC(NSArray, NSString *) *)texts
                                                                           error:(NSError **)error
    NS_SWIFT_NAME(embed(_:));

/** The same embeddings as packed float32 rows (texts.count x outputDimension), for vDSP / Accelerate. */
- (nullable NSData *)embeddingDataForTexts:(TN_GENERIC(NSArray, NSString *) *)texts
                                     error:(NSError **)error NS_SWIFT_NAME(embeddingData(_:));

/** Sequence-classification logits; TNStatusNoHead for a model without that head. */
- (nullable TNClassification *)classifyText:(NSString *)text error:(NSError **)error NS_SWIFT_NAME(classify(_:));

/** Token ids (NSNumber int32) with the special tokens, truncated to the session's length. */
- (nullable TN_GENERIC(NSArray, NSNumber *) *)tokenizeText:(NSString *)text
                                                     error:(NSError **)error NS_SWIFT_NAME(tokenize(_:));

/** The kernel set this session runs (@"scalar", ...). */
- (NSString *)kernelSet;

/** The threads one call runs on (numberOfThreads, or the default's count for 0); 0 once closed. */
- (NSUInteger)numberOfThreads;

/** The activation precision the session runs, 8 or 7; 0 once closed. */
- (NSUInteger)activationBits;

/** Frees the native session now (dealloc does it otherwise); later calls fail with TNStatusInvalidArgument. */
- (void)close;
@property (nonatomic, readonly, getter=isClosed) BOOL closed;

@end

NS_ASSUME_NONNULL_END
