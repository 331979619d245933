package org.tern;

import java.nio.ByteBuffer;

/**
 * A loaded .tern model: immutable, shared by any number of threads and sessions. Close it when done; the
 * native model is freed once it is closed and every session made from it is closed too.
 */
public final class TernModel implements AutoCloseable {
  private long handle;            // tern_model *; 0 once freed
  private boolean closed;
  private int openSessions;
  // A model loaded from memory points into this buffer (no copy when it is 64-byte aligned), so the buffer
  // must stay reachable, and unchanged, for as long as the native model lives.
  @SuppressWarnings("unused")
  private ByteBuffer buffer;
  private final int[] info;       // see nativeInfo
  private final String[] labels;

  // Indexes into info[], filled by nativeInfo from tern_model_info.
  private static final int INFO_OUTPUT_DIM = 0;
  private static final int INFO_HIDDEN_SIZE = 1;
  private static final int INFO_NUM_LABELS = 2;
  private static final int INFO_MAX_LENGTH = 3;
  private static final int INFO_HAS_TOKENIZER = 4;
  private static final int INFO_KIND = 5;
  private static final int INFO_HEAD_KIND = 6;

  private TernModel(long handle, ByteBuffer buffer) {
    this.handle = handle;
    this.buffer = buffer;
    this.info = nativeInfo(handle);
    this.labels = nativeLabels(handle);
  }

  /** Maps a .tern file (read-only, shared pages). Throws TernException on a missing or invalid file. */
  public static TernModel fromFile(String path) {
    Tern.load();
    if (path == null) throw new TernException(TernException.INVALID_ARGUMENT, "TernModel.fromFile: path is null");
    return new TernModel(nativeLoadFile(path), null);
  }

  /**
   * Loads a model from the remaining bytes of a direct ByteBuffer (an Android asset mapped with
   * AssetFileDescriptor / FileChannel.map, a downloaded file, ...). The bytes are used in place when their
   * address is 64-byte aligned (any mapped file is) and copied once otherwise; in both cases the buffer is
   * kept referenced by this model, and must not be changed while the model is open. Heap buffers
   * (ByteBuffer.wrap / allocate) throw: their memory can move.
   */
  public static TernModel fromBuffer(ByteBuffer buffer) {
    Tern.load();
    if (buffer == null) throw new TernException(TernException.INVALID_ARGUMENT, "TernModel.fromBuffer: buffer is null");
    if (!buffer.isDirect())
      throw new TernException(TernException.INVALID_ARGUMENT,
          "TernModel.fromBuffer: the buffer is a heap buffer; use ByteBuffer.allocateDirect or a mapped file");
    return new TernModel(nativeLoadBuffer(buffer, buffer.position(), buffer.remaining()), buffer);
  }

  /** Floats per embedding (TernSession.embed rows). */
  public int outputDim() {
    return info[INFO_OUTPUT_DIM];
  }

  public int hiddenSize() {
    return info[INFO_HIDDEN_SIZE];
  }

  /** Labels of the classification head (empty without one). */
  public String[] labels() {
    return labels.clone();
  }

  /** The tokenizer's truncation length in tokens, specials included (0 without a tokenizer). */
  public int maxLength() {
    return info[INFO_MAX_LENGTH];
  }

  public boolean hasTokenizer() {
    return info[INFO_HAS_TOKENIZER] != 0;
  }

  /** "bert" or "albert". */
  public String kind() {
    return info[INFO_KIND] == 1 ? "albert" : "bert";
  }

  /** True when the model has a sequence-classification head (TernSession.classify works). */
  public boolean hasSequenceClassifier() {
    return info[INFO_HEAD_KIND] == 0;
  }

  /** A metadata value of the file ("source", "converter_version", ...), or null. */
  public synchronized String metadata(String key) {
    if (key == null) return null;
    return nativeMetadata(checkedHandle(), key);
  }

  /** A new session with default options; see {@link TernSession#TernSession(TernModel, TernSession.Options)}. */
  public TernSession newSession() {
    return new TernSession(this, null);
  }

  @Override
  public synchronized void close() {
    closed = true;
    freeIfUnused();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  // Called by TernSession under this model's lock: sessions keep the native model alive.
  synchronized long acquireForSession() {
    long h = checkedHandle();
    openSessions++;
    return h;
  }

  synchronized void releaseFromSession() {
    openSessions--;
    freeIfUnused();
  }

  private long checkedHandle() {
    if (closed) throw new TernException(TernException.INVALID_ARGUMENT, "the TernModel is closed");
    return handle;
  }

  private void freeIfUnused() {
    if (closed && openSessions == 0 && handle != 0) {
      nativeFree(handle);
      handle = 0;
      buffer = null;
    }
  }

  private static native long nativeLoadFile(String path);

  private static native long nativeLoadBuffer(ByteBuffer buffer, int offset, int length);

  private static native void nativeFree(long handle);

  private static native int[] nativeInfo(long handle);

  private static native String[] nativeLabels(long handle);

  private static native String nativeMetadata(long handle, String key);
}
