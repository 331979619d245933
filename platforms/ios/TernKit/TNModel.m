#import "TNInternal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

@implementation TNModel

static NSString *StringOrEmpty(const char *text) {
  NSString *string = text != NULL ? [NSString stringWithUTF8String:text] : nil;
  return string != nil ? string : @"";
}

/* Reads info and labels after a successful load; NO with *error otherwise. */
- (BOOL)finishLoad:(tern_status)status message:(const char *)message error:(NSError **)error {
  if (status != TERN_OK) {
    TNSetError(error, status, StringOrEmpty(message));
    return NO;
  }
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  if ((status = tern_model_get_info(_model, &info)) != TERN_OK) {
    TNSetError(error, status, @"tern_model_get_info failed");
    return NO;
  }
  _outputDimension = info.output_dim;
  _hiddenSize = info.hidden_size;
  _maxLength = info.max_length;
  _hasTokenizer = info.has_tokenizer != 0;
  _hasSequenceClassifier = info.head_kind == TERN_HEAD_SEQUENCE_CLASSIFICATION;
  _isAlbert = info.kind == TERN_MODEL_ALBERT;
  const uint32_t count = info.head_kind == TERN_HEAD_NONE ? 0 : info.num_labels;
  NSMutableArray *labels = [NSMutableArray arrayWithCapacity:count];
  for (uint32_t i = 0; i < count; i++) {
    const char *label = tern_model_label(_model, i);
    [labels addObject:label != NULL ? StringOrEmpty(label) : [NSString stringWithFormat:@"%u", i]];
  }
  _labels = [labels copy];
  return YES;
}

- (instancetype)initWithPath:(NSString *)path error:(NSError **)error {
  if ((self = [super init]) == nil) return nil;
  if (path == nil || ![path isKindOfClass:[NSString class]]) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"TNModel: path is nil or not a string");
    TN_RELEASE(self);
    return nil;
  }
  char message[512] = "";
  tern_model_options options = tern_model_default_options();
  options.error_message = message;
  options.error_message_size = sizeof message;
  const tern_status status = tern_model_load([path fileSystemRepresentation], &options, &_model);
  if (![self finishLoad:status message:message error:error]) {
    TN_RELEASE(self);
    return nil;
  }
  return self;
}

- (instancetype)initWithData:(NSData *)data error:(NSError **)error {
  if ((self = [super init]) == nil) return nil;
  if (data == nil || ![data isKindOfClass:[NSData class]]) {
    TNSetError(error, TERN_ERR_INVALID_ARGUMENT, @"TNModel: data is nil or not NSData");
    TN_RELEASE(self);
    return nil;
  }
  _data = [data copy]; /* an immutable NSData returns itself; a mutable one is snapshotted */
  const void *bytes = [_data bytes];
  const size_t length = [_data length];
  /* The weight segment sits at 64-byte aligned offsets from the file start and libtern rejects a buffer
   * whose start breaks that: copy once into aligned memory when needed. */
  if (((uintptr_t)bytes & 63u) != 0) {
    const size_t rounded = (length + 63u) & ~(size_t)63u;
    if (posix_memalign(&_alignedCopy, 64, rounded ? rounded : 64) != 0) {
      _alignedCopy = NULL;
      TNSetError(error, TERN_ERR_OUT_OF_MEMORY, @"TNModel: out of memory copying the model data");
      TN_RELEASE(self);
      return nil;
    }
    memcpy(_alignedCopy, bytes, length);
    bytes = _alignedCopy;
  }
  char message[512] = "";
  tern_model_options options = tern_model_default_options();
  options.error_message = message;
  options.error_message_size = sizeof message;
  const tern_status status = tern_model_load_from_memory(bytes, length, &options, &_model);
  if (![self finishLoad:status message:message error:error]) {
    TN_RELEASE(self);
    return nil;
  }
  return self;
}

- (void)dealloc {
  tern_model_free(_model); /* NULL-safe; runs after the last TNSession released us */
  free(_alignedCopy);
  TN_RELEASE(_data);
  TN_RELEASE(_labels);
  TN_SUPER_DEALLOC();
}

- (const tern_model *)nativeModel {
  return _model;
}

- (NSUInteger)outputDimension {
  return _outputDimension;
}

- (NSUInteger)hiddenSize {
  return _hiddenSize;
}

- (NSUInteger)maxLength {
  return _maxLength;
}

- (BOOL)hasTokenizer {
  return _hasTokenizer;
}

- (BOOL)hasSequenceClassifier {
  return _hasSequenceClassifier;
}

- (NSString *)kind {
  return _isAlbert ? @"albert" : @"bert";
}

- (NSArray *)labels {
  return _labels;
}

- (NSString *)metadataForKey:(NSString *)key {
  if (key == nil || ![key isKindOfClass:[NSString class]]) return nil;
  const char *value = tern_model_metadata(_model, [key UTF8String]);
  return value != NULL ? [NSString stringWithUTF8String:value] : nil;
}

+ (NSString *)libraryVersion {
  return StringOrEmpty(tern_version_string());
}

@end
