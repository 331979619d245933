#import "TNSession.h"
#import "TNInternal.h"

#include <stdlib.h>
#include <string.h>

@implementation TNClassification

- (instancetype)initWithLabels:(NSArray *)labels logits:(const float *)logits count:(size_t)count {
  if ((self = [super init]) == nil) return nil;
  NSMutableArray *values = [NSMutableArray arrayWithCapacity:count];
  for (size_t i = 0; i < count; i++) {
    [values addObject:[NSNumber numberWithFloat:logits[i]]];
    if (logits[i] > logits[_bestIndex]) _bestIndex = i;
  }
  _labels = [labels copy];
  _logits = [values copy];
  return self;
}

- (void)dealloc {
  TN_RELEASE(_labels);
  TN_RELEASE(_logits);
  TN_SUPER_DEALLOC();
}

- (NSArray *)labels {
  return _labels;
}

- (NSArray *)logits {
  return _logits;
}

- (NSUInteger)bestIndex {
  return _bestIndex;
}

- (NSString *)bestLabel {
  return _bestIndex < [_labels count] ? [_labels objectAtIndex:_bestIndex]
                                      : [NSString stringWithFormat:@"%lu", (unsigned long)_bestIndex];
}

@end

@implementation TNSession

- (instancetype)initWithModel:(TNModel *)model error:(NSError **)error {
  return [self initWithModel:model maxSequenceLength:0 kernelSet:nil error:error];
}

- (instancetype)initWithModel:(TNModel *)model
            maxSequenceLength:(NSUInteger)maxSequenceLength
                    kernelSet:(NSString *)kernelSet
                        error:(NSError **)error {
  return [self initWithModel:model
           maxSequenceLength:maxSequenceLength
                   kernelSet:kernelSet
             numberOfThreads:0
              activationBits:0
                       error:error];
}

- (instancetype)initWithModel:(TNModel *)model
            maxSequenceLength:(NSUInteger)maxSequenceLength
                    kernelSet:(NSString *)kernelSet
              numberOfThreads:(NSInteger)numberOfThreads
               activationBits:(NSInteger)activationBits
                        error:(NSError **)error {
  if ((self = [super init]) == nil) return nil;
  if (model == nil || ![model isKindOfClass:[TNModel class]]) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"TNSession: model is nil or not a TNModel");
    TN_RELEASE(self);
    return nil;
  }
  if (maxSequenceLength > UINT32_MAX) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"TNSession: maxSequenceLength too large");
    TN_RELEASE(self);
    return nil;
  }
  /* libtern takes uint32_t: a negative or huge NSInteger must not wrap into some other count. */
  if (numberOfThreads < 0 || (unsigned long long)numberOfThreads > UINT32_MAX) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT,
               [NSString stringWithFormat:@"TNSession: numberOfThreads %ld is out of range (0: the default, at most 64)",
                                          (long)numberOfThreads]);
    TN_RELEASE(self);
    return nil;
  }
  if (activationBits < 0 || (unsigned long long)activationBits > UINT32_MAX) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT,
               [NSString stringWithFormat:@"TNSession: activationBits %ld is out of range (0: the default, 7 or 8)",
                                          (long)activationBits]);
    TN_RELEASE(self);
    return nil;
  }
  _model = TN_RETAIN(model);
  char message[512] = "";
  tern_session_options options = tern_session_default_options();
  options.max_seq_len = (uint32_t)maxSequenceLength;
  options.isa = kernelSet != nil ? [kernelSet UTF8String] : NULL;
  options.num_threads = (uint32_t)numberOfThreads;   /* over 64: refused by libtern with its message */
  options.activation_bits = (uint32_t)activationBits; /* not 0, 7 or 8: likewise */
  options.error_message = message;
  options.error_message_size = sizeof message;
  const tern_status status = tern_session_create([model nativeModel], &options, &_session);
  if (status != TERN_OK) {
    TNSetError(error, status, [NSString stringWithUTF8String:message]);
    TN_RELEASE(self);
    return nil;
  }
  return self;
}

- (void)dealloc {
  tern_session_free(_session); /* before the model it points into */
  TN_RELEASE(_model);
  TN_SUPER_DEALLOC();
}

- (TNModel *)model {
  return _model;
}

- (void)close {
  @synchronized(self) {
    tern_session_free(_session);
    _session = NULL;
  }
}

- (BOOL)isClosed {
  @synchronized(self) {
    return _session == NULL;
  }
}

- (BOOL)checkOpen:(NSError **)error {
  if (_session != NULL) return YES;
  TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"the TNSession is closed");
  return NO;
}

- (BOOL)failWithStatus:(tern_status)status what:(NSString *)what error:(NSError **)error {
  TNSetError(error, status,
             [NSString stringWithFormat:@"%@: %s", what, tern_session_last_error(_session)]);
  return NO;
}

/* UTF-8 of one text argument; nil with *error for nil or a non-string. */
static NSData *UTF8Of(id text, NSString *what, NSError **error) {
  if (text == nil || ![text isKindOfClass:[NSString class]]) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, [NSString stringWithFormat:@"%@ is nil or not an NSString", what]);
    return nil;
  }
  NSData *utf8 = [(NSString *)text dataUsingEncoding:NSUTF8StringEncoding];
  if (utf8 == nil) TNSetError(error, TERN_ERR_INVALID_ARGUMENT, [NSString stringWithFormat:@"%@ is not valid UTF-16", what]);
  return utf8;
}

/* The embeddings as packed floats, shared by both embed variants (caller holds the lock). */
- (NSMutableData *)embeddingBytes:(NSArray *)texts error:(NSError **)error {
  if (![self checkOpen:error]) return nil;
  if (texts == nil || ![texts isKindOfClass:[NSArray class]]) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"embed: texts is nil or not an NSArray");
    return nil;
  }
  const NSUInteger count = [texts count];
  if (count == 0) return [NSMutableData data];
  NSMutableArray *encoded = [NSMutableArray arrayWithCapacity:count];
  for (NSUInteger i = 0; i < count; i++) {
    NSData *utf8 = UTF8Of([texts objectAtIndex:i], [NSString stringWithFormat:@"embed: texts[%lu]", (unsigned long)i], error);
    if (utf8 == nil) return nil;
    [encoded addObject:utf8];
  }
  const char **pointers = calloc(count, sizeof *pointers);
  size_t *lengths = calloc(count, sizeof *lengths);
  if (pointers == NULL || lengths == NULL) {
    free(pointers);
    free(lengths);
    TNSetError(error, TERN_ERR_OUT_OF_MEMORY, @"embed: out of memory");
    return nil;
  }
  for (NSUInteger i = 0; i < count; i++) {
    NSData *utf8 = [encoded objectAtIndex:i];
    pointers[i] = [utf8 length] ? (const char *)[utf8 bytes] : "";
    lengths[i] = [utf8 length];
  }
  const size_t needed = (size_t)count * [_model outputDimension];
  NSMutableData *out = [NSMutableData dataWithLength:needed * sizeof(float)];
  size_t written = 0;
  const tern_status status = tern_embed(_session, pointers, lengths, count, (float *)[out mutableBytes], needed, &written);
  free(pointers);
  free(lengths);
  if (status != TERN_OK) {
    [self failWithStatus:status what:@"embed" error:error];
    return nil;
  }
  return out;
}

- (NSArray *)embedTexts:(NSArray *)texts error:(NSError **)error {
  @synchronized(self) {
    NSData *bytes = [self embeddingBytes:texts error:error];
    if (bytes == nil) return nil;
    const float *values = (const float *)[bytes bytes];
    const NSUInteger dim = [_model outputDimension], count = [texts count];
    NSMutableArray *rows = [NSMutableArray arrayWithCapacity:count];
    for (NSUInteger t = 0; t < count; t++) {
      NSMutableArray *row = [NSMutableArray arrayWithCapacity:dim];
      for (NSUInteger i = 0; i < dim; i++) [row addObject:[NSNumber numberWithFloat:values[t * dim + i]]];
      [rows addObject:row];
    }
    return rows;
  }
}

- (NSData *)embeddingDataForTexts:(NSArray *)texts error:(NSError **)error {
  @synchronized(self) {
    NSMutableData *bytes = [self embeddingBytes:texts error:error];
    return bytes != nil ? [NSData dataWithData:bytes] : nil;
  }
}

- (TNClassification *)classifyText:(NSString *)text error:(NSError **)error {
  @synchronized(self) {
    if (![self checkOpen:error]) return nil;
    NSData *utf8 = UTF8Of(text, @"classify: text", error);
    if (utf8 == nil) return nil;
    size_t count = 0;
    float probe;
    tern_status status = tern_classify(_session, [utf8 length] ? [utf8 bytes] : "", [utf8 length], &probe, 0, &count);
    /* The first call only sizes (capacity 0); any other failure is reported as is. */
    if (status != TERN_OK && status != TERN_ERR_BUFFER_TOO_SMALL) {
      [self failWithStatus:status what:@"classify" error:error];
      return nil;
    }
    NSMutableData *logits = [NSMutableData dataWithLength:(count ? count : 1) * sizeof(float)];
    status = tern_classify(_session, [utf8 length] ? [utf8 bytes] : "", [utf8 length], (float *)[logits mutableBytes],
                           count, &count);
    if (status != TERN_OK) {
      [self failWithStatus:status what:@"classify" error:error];
      return nil;
    }
    TNClassification *result = [[TNClassification alloc] initWithLabels:[_model labels]
                                                                   logits:(const float *)[logits bytes]
                                                                    count:count];
    return TN_AUTORELEASE(result);
  }
}

- (NSArray *)tokenizeText:(NSString *)text error:(NSError **)error {
  @synchronized(self) {
    if (![self checkOpen:error]) return nil;
    NSData *utf8 = UTF8Of(text, @"tokenize: text", error);
    if (utf8 == nil) return nil;
    const char *bytes = [utf8 length] ? [utf8 bytes] : "";
    size_t count = 0;
    tern_status status = tern_tokenize(_session, bytes, [utf8 length], NULL, 0, &count);
    if (status != TERN_OK && status != TERN_ERR_BUFFER_TOO_SMALL) {
      [self failWithStatus:status what:@"tokenize" error:error];
      return nil;
    }
    NSMutableData *ids = [NSMutableData dataWithLength:(count ? count : 1) * sizeof(int32_t)];
    status = tern_tokenize(_session, bytes, [utf8 length], (int32_t *)[ids mutableBytes], count, &count);
    if (status != TERN_OK) {
      [self failWithStatus:status what:@"tokenize" error:error];
      return nil;
    }
    NSMutableArray *result = [NSMutableArray arrayWithCapacity:count];
    const int32_t *values = (const int32_t *)[ids bytes];
    for (size_t i = 0; i < count; i++) [result addObject:[NSNumber numberWithInt:values[i]]];
    return result;
  }
}

- (NSString *)kernelSet {
  @synchronized(self) {
    if (_session == NULL) return @"";
    return [NSString stringWithUTF8String:tern_session_isa(_session)];
  }
}

- (NSUInteger)numberOfThreads {
  @synchronized(self) {
    return _session != NULL ? tern_session_num_threads(_session) : 0;
  }
}

- (NSUInteger)activationBits {
  @synchronized(self) {
    return _session != NULL ? tern_session_activation_bits(_session) : 0;
  }
}

@end
