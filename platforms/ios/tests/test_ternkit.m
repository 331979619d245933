/* TernKit tests, run on Linux with GNUstep base (platforms/ios/test_gnustep.sh): the same cases as the Java
 * tests. The oracle is the C API itself (tern.h), called directly here: every TernKit answer must equal it
 * bit for bit. Compiled without ARC (gcc has none), so the test manages its autorelease pools by hand.
 *   test_ternkit MODELS_DIR */
#import <Foundation/Foundation.h>

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#import "TernKit.h"
#include "tern.h"

static int failures;
#define CHECK(cond, ...)                                          \
  do {                                                            \
    if (!(cond)) {                                                \
      failures++;                                                 \
      fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      fprintf(stderr, __VA_ARGS__);                               \
      fprintf(stderr, "\n");                                      \
    }                                                             \
  } while (0)

static NSString *models_dir;
static NSString *ModelPath(NSString *name) { return [models_dir stringByAppendingPathComponent:name]; }

static NSArray *Texts(void) {
  return [NSArray arrayWithObjects:@"The quick brown fox jumps over the lazy dog.",
                                   @"\u00dcber den Wolken: na\u00efve caf\u00e9, \u6771\u4eac and an emoji \U0001F642.",
                                   @"a", @"Tern runs Transformer encoders on phones and boards.", nil];
}

/* The C API's answer for one text: embeddings (mode 'e'), logits ('c') or ids ('t'); count written back. */
static size_t Reference(NSString *model_name, NSString *text, char mode, float *floats, int32_t *ids, size_t cap) {
  tern_model *model = NULL;
  tern_session *session = NULL;
  size_t count = 0;
  if (tern_model_load([ModelPath(model_name) UTF8String], NULL, &model) != TERN_OK ||
      tern_session_create(model, NULL, &session) != TERN_OK) {
    fprintf(stderr, "reference: cannot load %s\n", [model_name UTF8String]);
    exit(1);
  }
  const char *utf8 = [text UTF8String];
  size_t length = strlen(utf8);
  tern_status status = mode == 'e'   ? tern_embed(session, &utf8, &length, 1, floats, cap, &count)
                       : mode == 'c' ? tern_classify(session, utf8, length, floats, cap, &count)
                                     : tern_tokenize(session, utf8, length, ids, cap, &count);
  if (status != TERN_OK) {
    fprintf(stderr, "reference: %s\n", tern_session_last_error(session));
    exit(1);
  }
  tern_session_free(session);
  tern_model_free(model);
  return count;
}

static BOOL RowEquals(NSArray *row, const float *expected, size_t count) {
  if ([row count] != count) return NO;
  for (size_t i = 0; i < count; i++)
    if ([[row objectAtIndex:i] floatValue] != expected[i]) return NO;
  return YES;
}

static void ExpectError(NSError *error, TNStatus status, const char *what) {
  CHECK(error != nil, "%s: no NSError", what);
  if (error == nil) return;
  CHECK([[error domain] isEqualToString:TNErrorDomain], "%s: domain %s", what, [[error domain] UTF8String]);
  CHECK([error code] == status, "%s: code %ld, expected %ld (%s)", what, (long)[error code], (long)status,
        [[error localizedDescription] UTF8String]);
  CHECK([[error localizedDescription] length] > 0, "%s: empty message", what);
  CHECK([[error userInfo] objectForKey:TNErrorStatusNameKey] != nil, "%s: no status name", what);
}

static void TestEmbedEqualsCApi(void) {
  NSArray *names = [NSArray arrayWithObjects:@"albert-tiny-int8.tern", @"bert-tiny-int8.tern", @"albert-tiny-f32.tern", nil];
  for (NSString *name in names) {
    NSError *error = nil;
    TNModel *model = [[TNModel alloc] initWithPath:ModelPath(name) error:&error];
    CHECK(model != nil, "%s: %s", [name UTF8String], [[error localizedDescription] UTF8String]);
    TNSession *session = [[TNSession alloc] initWithModel:model error:&error];
    CHECK(session != nil, "session");
    NSArray *texts = Texts();
    NSArray *rows = [session embedTexts:texts error:&error];
    NSData *data = [session embeddingDataForTexts:texts error:&error];
    const size_t dim = [model outputDimension];
    CHECK([rows count] == [texts count] && [data length] == [texts count] * dim * sizeof(float), "shapes");
    for (NSUInteger i = 0; i < [texts count] && i < [rows count]; i++) {
      float expected[1024];
      const size_t count = Reference(name, [texts objectAtIndex:i], 'e', expected, NULL, 1024);
      CHECK(count == dim, "dim %zu vs %zu", count, dim);
      CHECK(RowEquals([rows objectAtIndex:i], expected, dim), "%s text %lu differs from the C API", [name UTF8String],
            (unsigned long)i);
      CHECK(memcmp((const float *)[data bytes] + i * dim, expected, dim * sizeof(float)) == 0, "NSData row %lu",
            (unsigned long)i);
    }
    [session release];
    [model release];
  }
}

static void TestClassifyAndTokenizeEqualCApi(void) {
  NSError *error = nil;
  TNModel *model = [[TNModel alloc] initWithPath:ModelPath(@"bert-tiny-cls-int8.tern") error:&error];
  TNSession *session = [[TNSession alloc] initWithModel:model error:&error];
  CHECK([model hasSequenceClassifier] && [[model labels] count] > 0, "head");
  for (NSString *text in Texts()) {
    float expected[64];
    const size_t count = Reference(@"bert-tiny-cls-int8.tern", text, 'c', expected, NULL, 64);
    TNClassification *result = [session classifyText:text error:&error];
    CHECK(result != nil && RowEquals([result logits], expected, count), "logits differ");
    CHECK([[result bestLabel] isEqualToString:[[model labels] objectAtIndex:[result bestIndex]]], "best label");
    int32_t ids[512];
    const size_t n = Reference(@"bert-tiny-cls-int8.tern", text, 't', NULL, ids, 512);
    NSArray *got = [session tokenizeText:text error:&error];
    CHECK([got count] == n, "token count %lu vs %zu", (unsigned long)[got count], n);
    for (size_t i = 0; i < n && i < [got count]; i++) CHECK([[got objectAtIndex:i] intValue] == ids[i], "id %zu", i);
  }
  NSMutableString *longText = [NSMutableString string];
  for (int i = 0; i < 2000; i++) [longText appendString:@"word "];
  CHECK([[session tokenizeText:longText error:&error] count] == [model maxLength], "truncation to maxLength");
  [session release];
  [model release];
}

static void TestDataModels(void) {
  NSError *error = nil;
  NSString *path = ModelPath(@"albert-tiny-int8.tern");
  float expected[1024];
  const size_t dim = Reference(@"albert-tiny-int8.tern", @"mapped", 'e', expected, NULL, 1024);
  /* A mapped file (aligned, used in place) and a copy starting at an odd address (copied once). */
  NSData *mapped = [NSData dataWithContentsOfMappedFile:path];
  NSMutableData *shifted = [NSMutableData dataWithLength:[mapped length] + 1];
  memcpy((char *)[shifted mutableBytes] + 1, [mapped bytes], [mapped length]);
  NSData *odd = [NSData dataWithBytesNoCopy:(char *)[shifted mutableBytes] + 1 length:[mapped length] freeWhenDone:NO];
  NSArray *sources = [NSArray arrayWithObjects:mapped, odd, nil];
  for (NSData *source in sources) {
    TNModel *model = [[TNModel alloc] initWithData:source error:&error];
    CHECK(model != nil, "data model: %s", [[error localizedDescription] UTF8String]);
    TNSession *session = [[TNSession alloc] initWithModel:model error:&error];
    NSArray *rows = [session embedTexts:[NSArray arrayWithObject:@"mapped"] error:&error];
    CHECK(RowEquals([rows objectAtIndex:0], expected, dim), "data-loaded model differs");
    [session release];
    [model release];
  }
}

static void TestBadInputs(void) {
  NSError *error = nil;
  CHECK([[TNModel alloc] initWithPath:(NSString *)nil error:&error] == nil, "nil path");
  ExpectError(error, TNStatusInvalidArgument, "nil path");
  error = nil;
  CHECK([[TNModel alloc] initWithPath:@"/no/such/dir/model.tern" error:&error] == nil, "missing file");
  ExpectError(error, TNStatusIO, "missing file");
  error = nil;
  CHECK([[TNModel alloc] initWithData:(NSData *)nil error:&error] == nil, "nil data");
  ExpectError(error, TNStatusInvalidArgument, "nil data");
  error = nil;
  NSData *garbage = [@"this is not a tern model, just some text to reject" dataUsingEncoding:NSUTF8StringEncoding];
  CHECK([[TNModel alloc] initWithData:garbage error:&error] == nil, "garbage");
  ExpectError(error, TNStatusBadIdentifier, "garbage");
  CHECK([[TNModel alloc] initWithData:[NSData data] error:NULL] == nil, "empty data, NULL error pointer");
  NSData *real = [NSData dataWithContentsOfFile:ModelPath(@"albert-tiny-int8.tern")];
  error = nil;
  CHECK([[TNModel alloc] initWithData:[real subdataWithRange:NSMakeRange(0, [real length] / 2)] error:&error] == nil,
        "truncated");
  CHECK(error != nil && [error code] >= TNStatusIO && [error code] <= TNStatusBadTokenizer, "truncated: code");
  for (int offset = 0; offset < 128; offset += 9) { /* flipped bytes: load or fail, never crash */
    NSMutableData *corrupt = [NSMutableData dataWithData:real];
    ((unsigned char *)[corrupt mutableBytes])[offset] ^= 0xff;
    TNModel *model = [[TNModel alloc] initWithData:corrupt error:NULL];
    [model release];
  }

  TNModel *model = [[TNModel alloc] initWithPath:ModelPath(@"albert-tiny-int8.tern") error:&error];
  TNSession *session = [[TNSession alloc] initWithModel:model error:&error];
  error = nil;
  CHECK([session embedTexts:(NSArray *)nil error:&error] == nil, "nil texts");
  ExpectError(error, TNStatusInvalidArgument, "nil texts");
  error = nil;
  NSArray *withNumber = [NSArray arrayWithObjects:@"fine", [NSNumber numberWithInt:3], nil];
  CHECK([session embedTexts:withNumber error:&error] == nil, "non-string text");
  ExpectError(error, TNStatusInvalidArgument, "non-string text");
  error = nil;
  CHECK([session tokenizeText:(NSString *)nil error:&error] == nil, "nil tokenize");
  ExpectError(error, TNStatusInvalidArgument, "nil tokenize");
  error = nil;
  CHECK([session classifyText:@"no head" error:&error] == nil, "classify without head");
  ExpectError(error, TNStatusNoHead, "classify without head");
  error = nil;
  NSString *huge = [@"" stringByPaddingToLength:200000 withString:@"a" startingAtIndex:0];
  CHECK([session embedTexts:[NSArray arrayWithObject:huge] error:&error] == nil, "huge text");
  ExpectError(error, TNStatusTooLong, "huge text");
  CHECK([[session embedTexts:[NSArray array] error:&error] count] == 0, "empty batch");
  CHECK([[[session embedTexts:[NSArray arrayWithObject:@"still alive"] error:&error] objectAtIndex:0] count] ==
            [model outputDimension],
        "session works after refusals");
  [session close];
  CHECK([session isClosed], "closed");
  error = nil;
  CHECK([session embedTexts:[NSArray arrayWithObject:@"x"] error:&error] == nil, "closed session");
  ExpectError(error, TNStatusInvalidArgument, "closed session");
  [session close];
  [session release];

  error = nil;
  CHECK([[TNSession alloc] initWithModel:model maxSequenceLength:0 kernelSet:@"no-such-isa" error:&error] == nil, "bad isa");
  ExpectError(error, TNStatusInvalidArgument, "bad isa");
  error = nil;
  CHECK([[TNSession alloc] initWithModel:model maxSequenceLength:1 << 20 kernelSet:nil error:&error] == nil, "too long");
  ExpectError(error, TNStatusInvalidArgument, "maxSequenceLength");
  error = nil;
  CHECK([[TNSession alloc] initWithModel:(TNModel *)nil error:&error] == nil, "nil model");
  ExpectError(error, TNStatusInvalidArgument, "nil model");
  CHECK([[model kind] isEqualToString:@"albert"] && [model hasTokenizer] && [[model labels] count] == 0, "info");
  CHECK([model metadataForKey:@"converter_version"] != nil && [model metadataForKey:@"nope"] == nil, "metadata");
  CHECK([[TNModel libraryVersion] hasPrefix:@"0."], "version");

  /* A session keeps its model alive: the caller's release does not free the native model. */
  session = [[TNSession alloc] initWithModel:model error:&error];
  [model release];
  CHECK([[[session embedTexts:[NSArray arrayWithObject:@"model released"] error:&error] objectAtIndex:0] count] > 0,
        "session outlives the caller's model reference");
  [session release];
}

static TNSession *OptionSession(TNModel *model, NSInteger threads, NSInteger bits, NSError **error) {
  return [[TNSession alloc] initWithModel:model maxSequenceLength:0 kernelSet:nil numberOfThreads:threads
                           activationBits:bits error:error];
}

static double Cosine(const float *a, const float *b, size_t count) {
  double dot = 0, aa = 0, bb = 0;
  for (size_t i = 0; i < count; i++) dot += (double)a[i] * b[i], aa += (double)a[i] * a[i], bb += (double)b[i] * b[i];
  return dot / sqrt(aa * bb);
}

/* numberOfThreads and activationBits reach the session: its getters report them, 2 threads give the 1-thread
 * embeddings bit for bit, 7-bit activations give different but close ones; bad values fail with a message. */
static void TestSessionOptions(void) {
  NSError *error = nil;
  TNModel *model = [[TNModel alloc] initWithPath:ModelPath(@"bert-tiny-int8.tern") error:&error];
  CHECK(model != nil, "bert-tiny-int8: %s", [[error localizedDescription] UTF8String]);
  TNSession *one = OptionSession(model, 1, 8, &error);
  TNSession *two = OptionSession(model, 2, 8, &error);
  TNSession *seven = OptionSession(model, 0, 7, &error);
  TNSession *byDefault = [[TNSession alloc] initWithModel:model error:&error];
  CHECK(one != nil && two != nil && seven != nil && byDefault != nil, "option sessions: %s",
        [[error localizedDescription] UTF8String]);
  CHECK([one numberOfThreads] == 1 && [two numberOfThreads] == 2, "threads %lu, %lu", (unsigned long)[one numberOfThreads],
        (unsigned long)[two numberOfThreads]);
  CHECK([byDefault numberOfThreads] >= 1 && [byDefault numberOfThreads] <= 64, "default threads %lu",
        (unsigned long)[byDefault numberOfThreads]);
  CHECK([one activationBits] == 8 && [seven activationBits] == 7, "bits %lu, %lu", (unsigned long)[one activationBits],
        (unsigned long)[seven activationBits]);
  const char *forced = getenv("TERN_ACTIVATION_BITS"); /* replaces the default, as in libtern */
  const NSUInteger defaultBits = forced != NULL && forced[0] != '\0' ? (NSUInteger)atoi(forced) : 8;
  CHECK([byDefault activationBits] == defaultBits, "default bits %lu", (unsigned long)[byDefault activationBits]);
  NSArray *texts = Texts();
  NSData *single = [one embeddingDataForTexts:texts error:&error];
  NSData *threaded = [two embeddingDataForTexts:texts error:&error];
  NSData *fast = [seven embeddingDataForTexts:texts error:&error];
  CHECK(single != nil && [single isEqualToData:threaded], "2 threads changed the embeddings");
  CHECK(fast != nil && [fast length] == [single length] && ![fast isEqualToData:single],
        "7-bit activations gave the 8-bit embeddings");
  const size_t dim = [model outputDimension];
  for (NSUInteger i = 0; fast != nil && [fast length] == [single length] && i < [texts count]; i++) {
    const double similarity = Cosine((const float *)[single bytes] + i * dim, (const float *)[fast bytes] + i * dim, dim);
    CHECK(similarity > 0.99, "text %lu: 7-bit cosine %f", (unsigned long)i, similarity);
  }
  [one close];
  CHECK([one numberOfThreads] == 0 && [one activationBits] == 0, "closed session getters");
  [one release];
  [two release];
  [seven release];
  [byDefault release];

  /* Negative values stop in TernKit (never a wrapped uint32_t); the others bring libtern's message. */
  const struct {
    NSInteger threads, bits;
    const char *named;
  } bad[] = {{-1, 0, "numberOfThreads -1"}, {65, 0, "num_threads 65"}, {0, -1, "activationBits -1"},
             {0, 5, "activation_bits 5"},   {0, 9, "activation_bits 9"}};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    error = nil;
    CHECK(OptionSession(model, bad[i].threads, bad[i].bits, &error) == nil, "%s accepted", bad[i].named);
    ExpectError(error, TNStatusInvalidArgument, bad[i].named);
    CHECK(error != nil && strstr([[error localizedDescription] UTF8String], bad[i].named) != NULL,
          "message \"%s\" does not name %s", [[error localizedDescription] UTF8String], bad[i].named);
  }
  [model release];
}

typedef struct thread_job {
  TNModel *model;
  TNSession *shared;
  const float *expected;
  size_t dim;
  int mismatches;
} thread_job;

static void *EmbedMany(void *argument) {
  thread_job *job = argument;
  NSAutoreleasePool *pool = [[NSAutoreleasePool alloc] init];
  TNSession *own = job->shared != nil ? nil : [[TNSession alloc] initWithModel:job->model error:NULL];
  TNSession *session = job->shared != nil ? job->shared : own;
  for (int round = 0; round < 25; round++) {
    NSAutoreleasePool *inner = [[NSAutoreleasePool alloc] init];
    NSArray *rows = [session embedTexts:[NSArray arrayWithObject:@"threads share one model"] error:NULL];
    if (rows == nil || !RowEquals([rows objectAtIndex:0], job->expected, job->dim)) job->mismatches++;
    [inner drain];
  }
  [own release];
  [pool drain];
  return NULL;
}

static void TestThreads(void) {
  float expected[1024];
  const size_t dim = Reference(@"albert-tiny-int8.tern", @"threads share one model", 'e', expected, NULL, 1024);
  TNModel *model = [[TNModel alloc] initWithPath:ModelPath(@"albert-tiny-int8.tern") error:NULL];
  TNSession *shared = [[TNSession alloc] initWithModel:model error:NULL];
  /* GNUstep must know the process is multi-threaded before threads touch Foundation. */
  [NSThread detachNewThreadSelector:@selector(class) toTarget:[NSObject class] withObject:nil];
  for (int variant = 0; variant < 2; variant++) { /* 0: a session per thread, 1: one session shared */
    pthread_t threads[6];
    thread_job jobs[6];
    for (int t = 0; t < 6; t++) {
      jobs[t] = (thread_job){model, variant ? shared : nil, expected, dim, 0};
      pthread_create(&threads[t], NULL, EmbedMany, &jobs[t]);
    }
    for (int t = 0; t < 6; t++) {
      pthread_join(threads[t], NULL);
      CHECK(jobs[t].mismatches == 0, "variant %d thread %d: %d results differ", variant, t, jobs[t].mismatches);
    }
  }
  [shared release];
  [model release];
}

int main(int argc, char **argv) {
  NSAutoreleasePool *pool = [[NSAutoreleasePool alloc] init];
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODELS_DIR\n", argv[0]);
    return 2;
  }
  models_dir = [NSString stringWithUTF8String:argv[1]];
  TestEmbedEqualsCApi();
  TestClassifyAndTokenizeEqualCApi();
  TestDataModels();
  TestBadInputs();
  TestSessionOptions();
  TestThreads();
  [pool drain];
  if (failures) {
    fprintf(stderr, "%d check(s) failed\n", failures);
    return 1;
  }
  printf("TernKit: all checks passed\n");
  return 0;
}
