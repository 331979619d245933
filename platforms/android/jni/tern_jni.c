/* tern_jni.c — the JNI side of org.tern (platforms/android/java/org/tern), over the public API (tern.h) only.
 *
 * Rules that keep the VM alive on any input: every native method checks its handle and arguments before
 * touching them, every failure becomes a pending org.tern.TernException (status + libtern's message) and the
 * method returns at once, and no JNI call is made while an exception is pending. Handles are the addresses of
 * the structs below, passed as jlong; the Java classes zero them on close and serialize calls, so a handle
 * reaching here is either 0 (refused) or live. Strings arrive as UTF-8 byte[] (encoded by Java), not through
 * GetStringUTFChars, whose "modified UTF-8" would change NUL and characters outside the BMP. */
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tern.h"

#ifdef TERN_JNI_GENERATED_HEADERS
/* javac -h output: the compiler then checks every signature below against the Java declarations. */
#include "org_tern_Tern.h"
#include "org_tern_TernModel.h"
#include "org_tern_TernSession.h"
#endif

/* A model and, when the caller's buffer was not 64-byte aligned, the aligned copy it was loaded from. */
typedef struct jni_model {
  tern_model *model;
  void *aligned_copy;
} jni_model;

static jclass g_exception_class;      /* org.tern.TernException (global ref) */
static jmethodID g_exception_init;    /* TernException(int, String) */
static jclass g_string_class;         /* java.lang.String (global ref) */

JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
  (void)reserved;
  JNIEnv *env = NULL;
  if ((*vm)->GetEnv(vm, (void **)&env, JNI_VERSION_1_6) != JNI_OK) return JNI_ERR;
  jclass exception = (*env)->FindClass(env, "org/tern/TernException");
  if (exception == NULL) return JNI_ERR;
  g_exception_class = (*env)->NewGlobalRef(env, exception);
  g_exception_init = (*env)->GetMethodID(env, exception, "<init>", "(ILjava/lang/String;)V");
  jclass string = (*env)->FindClass(env, "java/lang/String");
  if (string == NULL || g_exception_class == NULL || g_exception_init == NULL) return JNI_ERR;
  g_string_class = (*env)->NewGlobalRef(env, string);
  if (g_string_class == NULL) return JNI_ERR;
  return JNI_VERSION_1_6;
}

/* Makes a TernException pending. If even that fails (out of memory), the VM's own OutOfMemoryError is. */
static void throw_tern(JNIEnv *env, tern_status status, const char *message) {
  if ((*env)->ExceptionCheck(env)) return;
  jstring text = (*env)->NewStringUTF(env, message != NULL && *message ? message : tern_status_string(status));
  if (text == NULL) return;
  jobject exception = (*env)->NewObject(env, g_exception_class, g_exception_init, (jint)status, text);
  if (exception != NULL) (*env)->Throw(env, (jthrowable)exception);
}

static void throw_session(JNIEnv *env, tern_session *session, tern_status status, const char *what) {
  char message[512];
  snprintf(message, sizeof message, "%s: %s", what, tern_session_last_error(session));
  throw_tern(env, status, message);
}

static jni_model *model_from(JNIEnv *env, jlong handle) {
  jni_model *model = (jni_model *)(intptr_t)handle;
  if (model == NULL || model->model == NULL) throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "the TernModel is closed");
  return model;
}

static tern_session *session_from(JNIEnv *env, jlong handle) {
  tern_session *session = (tern_session *)(intptr_t)handle;
  if (session == NULL) throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "the TernSession is closed");
  return session;
}

/* Copies a Java byte[] (UTF-8 text) into a new malloc'd buffer; NULL with an exception pending on failure. */
static char *utf8_from(JNIEnv *env, jbyteArray bytes, size_t *length, const char *what) {
  if (bytes == NULL) {
    char message[128];
    snprintf(message, sizeof message, "%s is null", what);
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, message);
    return NULL;
  }
  const jsize n = (*env)->GetArrayLength(env, bytes);
  char *text = malloc((size_t)n + 1);
  if (text == NULL) {
    throw_tern(env, TERN_ERR_OUT_OF_MEMORY, "out of memory");
    return NULL;
  }
  (*env)->GetByteArrayRegion(env, bytes, 0, n, (jbyte *)text);
  text[n] = '\0';
  *length = (size_t)n;
  return text;
}

/* ---- org.tern.Tern ---- */

JNIEXPORT jstring JNICALL Java_org_tern_Tern_nativeVersion(JNIEnv *env, jclass cls) {
  (void)cls;
  return (*env)->NewStringUTF(env, tern_version_string());
}

JNIEXPORT jstring JNICALL Java_org_tern_Tern_nativeStatusString(JNIEnv *env, jclass cls, jint status) {
  (void)cls;
  return (*env)->NewStringUTF(env, tern_status_string((tern_status)status));
}

/* ---- org.tern.TernModel ---- */

static jlong finish_load(JNIEnv *env, tern_status status, tern_model *loaded, void *aligned_copy,
                         const char *message) {
  if (status != TERN_OK) {
    free(aligned_copy);
    throw_tern(env, status, message);
    return 0;
  }
  jni_model *model = malloc(sizeof *model);
  if (model == NULL) {
    tern_model_free(loaded);
    free(aligned_copy);
    throw_tern(env, TERN_ERR_OUT_OF_MEMORY, "out of memory");
    return 0;
  }
  model->model = loaded;
  model->aligned_copy = aligned_copy;
  return (jlong)(intptr_t)model;
}

JNIEXPORT jlong JNICALL Java_org_tern_TernModel_nativeLoadFile(JNIEnv *env, jclass cls, jstring path) {
  (void)cls;
  if (path == NULL) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "path is null");
    return 0;
  }
  /* File names go to open(), which wants the platform's bytes; modified UTF-8 equals UTF-8 for every
   * path without NUL or supplementary characters, which is what Android's and Linux's paths are. */
  const char *utf_path = (*env)->GetStringUTFChars(env, path, NULL);
  if (utf_path == NULL) return 0;
  char message[512] = "";
  tern_model_options options = tern_model_default_options();
  options.error_message = message;
  options.error_message_size = sizeof message;
  tern_model *loaded = NULL;
  const tern_status status = tern_model_load(utf_path, &options, &loaded);
  (*env)->ReleaseStringUTFChars(env, path, utf_path);
  return finish_load(env, status, loaded, NULL, message);
}

JNIEXPORT jlong JNICALL Java_org_tern_TernModel_nativeLoadBuffer(JNIEnv *env, jclass cls, jobject buffer,
                                                                 jint offset, jint length) {
  (void)cls;
  if (buffer == NULL) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "buffer is null");
    return 0;
  }
  uint8_t *base = (*env)->GetDirectBufferAddress(env, buffer);
  const jlong capacity = (*env)->GetDirectBufferCapacity(env, buffer);
  if (base == NULL || capacity < 0) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "buffer is not a direct ByteBuffer");
    return 0;
  }
  if (offset < 0 || length < 0 || (jlong)offset + length > capacity) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "buffer position/remaining outside its capacity");
    return 0;
  }
  const uint8_t *data = base + offset;
  void *aligned_copy = NULL;
  /* The weight segment sits at 64-byte aligned offsets from the file start, and libtern rejects a buffer
   * whose start breaks that; a mapped file is page-aligned, a malloc'd direct buffer often is not. */
  if (((uintptr_t)data & 63u) != 0) {
    const size_t rounded = ((size_t)length + 63u) & ~(size_t)63u;
    aligned_copy = aligned_alloc(64, rounded ? rounded : 64);
    if (aligned_copy == NULL) {
      throw_tern(env, TERN_ERR_OUT_OF_MEMORY, "out of memory copying the model buffer");
      return 0;
    }
    memcpy(aligned_copy, data, (size_t)length);
    data = aligned_copy;
  }
  char message[512] = "";
  tern_model_options options = tern_model_default_options();
  options.error_message = message;
  options.error_message_size = sizeof message;
  tern_model *loaded = NULL;
  const tern_status status = tern_model_load_from_memory(data, (size_t)length, &options, &loaded);
  return finish_load(env, status, loaded, aligned_copy, message);
}

JNIEXPORT void JNICALL Java_org_tern_TernModel_nativeFree(JNIEnv *env, jclass cls, jlong handle) {
  (void)env, (void)cls;
  jni_model *model = (jni_model *)(intptr_t)handle;
  if (model == NULL) return;
  tern_model_free(model->model);
  free(model->aligned_copy);
  free(model);
}

/* [output_dim, hidden_size, num_labels, max_length, has_tokenizer, kind, head_kind] (TernModel.INFO_*). */
JNIEXPORT jintArray JNICALL Java_org_tern_TernModel_nativeInfo(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  jni_model *model = model_from(env, handle);
  if (model == NULL) return NULL;
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  const tern_status status = tern_model_get_info(model->model, &info);
  if (status != TERN_OK) {
    throw_tern(env, status, "tern_model_get_info failed");
    return NULL;
  }
  const jint values[7] = {(jint)info.output_dim, (jint)info.hidden_size, (jint)info.num_labels, (jint)info.max_length,
                          (jint)info.has_tokenizer, (jint)info.kind, (jint)info.head_kind};
  jintArray array = (*env)->NewIntArray(env, 7);
  if (array != NULL) (*env)->SetIntArrayRegion(env, array, 0, 7, values);
  return array;
}

JNIEXPORT jobjectArray JNICALL Java_org_tern_TernModel_nativeLabels(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  jni_model *model = model_from(env, handle);
  if (model == NULL) return NULL;
  tern_model_info info;
  memset(&info, 0, sizeof info);
  info.struct_size = sizeof info;
  if (tern_model_get_info(model->model, &info) != TERN_OK) info.num_labels = 0;
  const jsize count = info.head_kind == TERN_HEAD_NONE ? 0 : (jsize)info.num_labels;
  jobjectArray labels = (*env)->NewObjectArray(env, count, g_string_class, NULL);
  for (jsize i = 0; labels != NULL && i < count; i++) {
    const char *label = tern_model_label(model->model, (uint32_t)i);
    if (label == NULL) continue;
    jstring text = (*env)->NewStringUTF(env, label);
    if (text == NULL) return NULL;
    (*env)->SetObjectArrayElement(env, labels, i, text);
    (*env)->DeleteLocalRef(env, text);
  }
  return labels;
}

JNIEXPORT jstring JNICALL Java_org_tern_TernModel_nativeMetadata(JNIEnv *env, jclass cls, jlong handle, jstring key) {
  (void)cls;
  jni_model *model = model_from(env, handle);
  if (model == NULL || key == NULL) return NULL;
  const char *utf_key = (*env)->GetStringUTFChars(env, key, NULL);
  if (utf_key == NULL) return NULL;
  const char *value = tern_model_metadata(model->model, utf_key);
  (*env)->ReleaseStringUTFChars(env, key, utf_key);
  return value != NULL ? (*env)->NewStringUTF(env, value) : NULL;
}

/* ---- org.tern.TernSession ---- */

JNIEXPORT jlong JNICALL Java_org_tern_TernSession_nativeCreate(JNIEnv *env, jclass cls, jlong model_handle,
                                                               jint max_seq_len, jint max_batch_texts, jstring isa,
                                                               jint num_threads, jint activation_bits) {
  (void)cls;
  jni_model *model = model_from(env, model_handle);
  if (model == NULL) return 0;
  /* Java checks these too; a negative jint must never reach libtern as a huge uint32_t. */
  if (max_seq_len < 0 || max_batch_texts < 0 || num_threads < 0 || activation_bits < 0) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "negative session option");
    return 0;
  }
  char message[512] = "";
  tern_session_options options = tern_session_default_options();
  if (max_seq_len > 0) options.max_seq_len = (uint32_t)max_seq_len;
  if (max_batch_texts > 0) options.max_batch_texts = (uint32_t)max_batch_texts;
  options.num_threads = (uint32_t)num_threads;         /* 0: libtern's default; > 64 refused there */
  options.activation_bits = (uint32_t)activation_bits; /* 0: libtern's default; not 7 or 8 refused there */
  options.error_message = message;
  options.error_message_size = sizeof message;
  const char *utf_isa = NULL;
  if (isa != NULL && (utf_isa = (*env)->GetStringUTFChars(env, isa, NULL)) == NULL) return 0;
  options.isa = utf_isa;
  tern_session *session = NULL;
  const tern_status status = tern_session_create(model->model, &options, &session);
  if (utf_isa != NULL) (*env)->ReleaseStringUTFChars(env, isa, utf_isa);
  if (status != TERN_OK) {
    throw_tern(env, status, message);
    return 0;
  }
  return (jlong)(intptr_t)session;
}

JNIEXPORT void JNICALL Java_org_tern_TernSession_nativeFree(JNIEnv *env, jclass cls, jlong handle) {
  (void)env, (void)cls;
  tern_session_free((tern_session *)(intptr_t)handle);
}

JNIEXPORT jfloatArray JNICALL Java_org_tern_TernSession_nativeEmbed(JNIEnv *env, jclass cls, jlong handle,
                                                                   jobjectArray texts) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  if (session == NULL) return NULL;
  if (texts == NULL) {
    throw_tern(env, TERN_ERR_INVALID_ARGUMENT, "texts is null");
    return NULL;
  }
  const jsize count = (*env)->GetArrayLength(env, texts);
  if (count == 0) return (*env)->NewFloatArray(env, 0);
  jfloatArray result = NULL;
  char **utf8 = calloc((size_t)count, sizeof *utf8);
  size_t *lengths = calloc((size_t)count, sizeof *lengths);
  float *vectors = NULL;
  if (utf8 == NULL || lengths == NULL) {
    throw_tern(env, TERN_ERR_OUT_OF_MEMORY, "out of memory");
    goto done;
  }
  for (jsize i = 0; i < count; i++) {
    jbyteArray bytes = (jbyteArray)(*env)->GetObjectArrayElement(env, texts, i);
    if ((*env)->ExceptionCheck(env)) goto done;
    utf8[i] = utf8_from(env, bytes, &lengths[i], "texts[i]");
    if (bytes != NULL) (*env)->DeleteLocalRef(env, bytes);
    if (utf8[i] == NULL) goto done;
  }
  /* Ask for the size first (a zero-capacity call writes back the count), so the output never depends on
   * the model's info agreeing with the Java side. */
  size_t needed = 0;
  float probe;
  tern_status status = tern_embed(session, (const char *const *)utf8, lengths, (size_t)count, &probe, 0, &needed);
  if (status != TERN_OK && status != TERN_ERR_BUFFER_TOO_SMALL) {
    throw_session(env, session, status, "embed");
    goto done;
  }
  if (needed > (size_t)INT32_MAX || (vectors = malloc((needed ? needed : 1) * sizeof(float))) == NULL) {
    throw_tern(env, TERN_ERR_OUT_OF_MEMORY, "out of memory for the embeddings");
    goto done;
  }
  status = tern_embed(session, (const char *const *)utf8, lengths, (size_t)count, vectors, needed, &needed);
  if (status != TERN_OK) {
    throw_session(env, session, status, "embed");
    goto done;
  }
  result = (*env)->NewFloatArray(env, (jsize)needed);
  if (result != NULL) (*env)->SetFloatArrayRegion(env, result, 0, (jsize)needed, vectors);
done:
  for (jsize i = 0; utf8 != NULL && i < count; i++) free(utf8[i]);
  free(utf8);
  free(lengths);
  free(vectors);
  return result;
}

JNIEXPORT jfloatArray JNICALL Java_org_tern_TernSession_nativeClassify(JNIEnv *env, jclass cls, jlong handle,
                                                                      jbyteArray text) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  if (session == NULL) return NULL;
  size_t length = 0;
  char *utf8 = utf8_from(env, text, &length, "text");
  if (utf8 == NULL) return NULL;
  jfloatArray result = NULL;
  size_t num_labels = 0;
  float small[64];
  float *logits = small;
  tern_status status = tern_classify(session, utf8, length, logits, 64, &num_labels);
  if (status == TERN_ERR_BUFFER_TOO_SMALL && num_labels > 64 && num_labels < (size_t)INT32_MAX) {
    logits = malloc(num_labels * sizeof(float));
    status = logits == NULL ? TERN_ERR_OUT_OF_MEMORY
                            : tern_classify(session, utf8, length, logits, num_labels, &num_labels);
  }
  if (status != TERN_OK) {
    throw_session(env, session, status, "classify");
  } else if ((result = (*env)->NewFloatArray(env, (jsize)num_labels)) != NULL) {
    (*env)->SetFloatArrayRegion(env, result, 0, (jsize)num_labels, logits);
  }
  if (logits != small) free(logits);
  free(utf8);
  return result;
}

JNIEXPORT jintArray JNICALL Java_org_tern_TernSession_nativeTokenize(JNIEnv *env, jclass cls, jlong handle,
                                                                    jbyteArray text) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  if (session == NULL) return NULL;
  size_t length = 0;
  char *utf8 = utf8_from(env, text, &length, "text");
  if (utf8 == NULL) return NULL;
  jintArray result = NULL;
  size_t n = 0;
  int32_t small[512];
  int32_t *ids = small;
  tern_status status = tern_tokenize(session, utf8, length, ids, 512, &n);
  if (status == TERN_ERR_BUFFER_TOO_SMALL && n > 512 && n < (size_t)INT32_MAX) {
    ids = malloc(n * sizeof(int32_t));
    status = ids == NULL ? TERN_ERR_OUT_OF_MEMORY : tern_tokenize(session, utf8, length, ids, n, &n);
  }
  if (status != TERN_OK) {
    throw_session(env, session, status, "tokenize");
  } else if ((result = (*env)->NewIntArray(env, (jsize)n)) != NULL) {
    /* jint is int32_t on every JNI platform. */
    (*env)->SetIntArrayRegion(env, result, 0, (jsize)n, (const jint *)ids);
  }
  if (ids != small) free(ids);
  free(utf8);
  return result;
}

JNIEXPORT jstring JNICALL Java_org_tern_TernSession_nativeIsa(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  if (session == NULL) return NULL;
  return (*env)->NewStringUTF(env, tern_session_isa(session));
}

JNIEXPORT jint JNICALL Java_org_tern_TernSession_nativeNumThreads(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  return session != NULL ? (jint)tern_session_num_threads(session) : 0;
}

JNIEXPORT jint JNICALL Java_org_tern_TernSession_nativeActivationBits(JNIEnv *env, jclass cls, jlong handle) {
  (void)cls;
  tern_session *session = session_from(env, handle);
  return session != NULL ? (jint)tern_session_activation_bits(session) : 0;
}
