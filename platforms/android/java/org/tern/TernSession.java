package org.tern;

import java.nio.charset.StandardCharsets;

/**
 * A session runs a model: it owns the working memory (one arena, sized at creation) so inference allocates
 * nothing natively. Give each thread its own session; sessions of one model share its weights. Calls on one
 * session are serialized (a second thread waits), and close() waits for a running call.
 */
public final class TernSession implements AutoCloseable {
  /** Session limits; null fields / zero values keep libtern's defaults (tern_session_default_options). */
  public static final class Options {
    /** Tokens per text; 0: the model's max length. */
    public int maxSeqLen;
    /** Texts per forward pass (embed splits larger batches); 0: 16. */
    public int maxBatchTexts;
    /** Kernel set ("scalar", ...); null: the best for this CPU. */
    public String isa;
    /**
     * Threads one call runs on (at most 64); 0: the cores of the fastest cluster, at most 4 ($TERN_NUM_THREADS
     * overrides that default). Results are bit-identical for every count.
     */
    public int numThreads;
    /**
     * Precision of the int8 linears' activations: 8, or 7 (faster on x86 AVX2 without VNNI, slightly less
     * accurate); 0: 8 ($TERN_ACTIVATION_BITS overrides that default). Other values throw INVALID_ARGUMENT.
     */
    public int activationBits;
  }

  /** The result of classify: the head's labels and one logit per label. */
  public static final class Classification {
    private final String[] labels;
    private final float[] logits;

    Classification(String[] labels, float[] logits) {
      this.labels = labels;
      this.logits = logits;
    }

    public String[] labels() {
      return labels.clone();
    }

    public float[] logits() {
      return logits.clone();
    }

    /** Index of the largest logit. */
    public int best() {
      int best = 0;
      for (int i = 1; i < logits.length; i++)
        if (logits[i] > logits[best]) best = i;
      return best;
    }

    /** Label of the largest logit (its index as text when the file names none). */
    public String bestLabel() {
      int best = best();
      return best < labels.length && labels[best] != null ? labels[best] : Integer.toString(best);
    }
  }

  private final TernModel model;
  private final int outputDim;
  private final String[] labels;
  private long handle; // tern_session *; 0 once closed

  public TernSession(TernModel model) {
    this(model, null);
  }

  public TernSession(TernModel model, Options options) {
    Tern.load();
    if (model == null) throw new TernException(TernException.INVALID_ARGUMENT, "TernSession: model is null");
    Options o = options != null ? options : new Options();
    if (o.maxSeqLen < 0 || o.maxBatchTexts < 0)
      throw new TernException(TernException.INVALID_ARGUMENT, "TernSession: negative option value");
    // Checked here: libtern takes unsigned values, where a negative int would arrive as a huge count.
    if (o.numThreads < 0)
      throw new TernException(TernException.INVALID_ARGUMENT,
                              "TernSession: numThreads " + o.numThreads + " is negative (0: the default)");
    if (o.activationBits < 0)
      throw new TernException(TernException.INVALID_ARGUMENT,
                              "TernSession: activationBits " + o.activationBits + " is negative (0: the default, 8)");
    long modelHandle = model.acquireForSession();
    try {
      handle = nativeCreate(modelHandle, o.maxSeqLen, o.maxBatchTexts, o.isa, o.numThreads, o.activationBits);
    } catch (RuntimeException | Error e) {
      model.releaseFromSession();
      throw e;
    }
    this.model = model;
    this.outputDim = model.outputDim();
    this.labels = model.labels();
  }

  /** Pooled embeddings, one row of model.outputDim() floats per text (normalized if the model says so). */
  public synchronized float[][] embed(String... texts) {
    long h = checkedHandle();
    if (texts == null) throw new TernException(TernException.INVALID_ARGUMENT, "embed: texts is null");
    if (texts.length == 0) return new float[0][];
    byte[][] utf8 = new byte[texts.length][];
    for (int i = 0; i < texts.length; i++) {
      if (texts[i] == null) throw new TernException(TernException.INVALID_ARGUMENT, "embed: texts[" + i + "] is null");
      utf8[i] = texts[i].getBytes(StandardCharsets.UTF_8);
    }
    float[] flat = nativeEmbed(h, utf8);
    float[][] rows = new float[texts.length][outputDim];
    for (int i = 0; i < texts.length; i++) System.arraycopy(flat, i * outputDim, rows[i], 0, outputDim);
    return rows;
  }

  /** Sequence-classification logits of one text; TernException(NO_HEAD) for a model without that head. */
  public synchronized Classification classify(String text) {
    long h = checkedHandle();
    if (text == null) throw new TernException(TernException.INVALID_ARGUMENT, "classify: text is null");
    float[] logits = nativeClassify(h, text.getBytes(StandardCharsets.UTF_8));
    return new Classification(labels, logits);
  }

  /** Token ids of one text, with the special tokens, truncated to the session's max length. */
  public synchronized int[] tokenize(String text) {
    long h = checkedHandle();
    if (text == null) throw new TernException(TernException.INVALID_ARGUMENT, "tokenize: text is null");
    return nativeTokenize(h, text.getBytes(StandardCharsets.UTF_8));
  }

  /** The kernel set this session runs ("scalar", ...). */
  public synchronized String isa() {
    return nativeIsa(checkedHandle());
  }

  /** The threads one call runs on (Options.numThreads, or the default's count for 0). */
  public synchronized int numThreads() {
    return nativeNumThreads(checkedHandle());
  }

  /** The activation precision the session runs: 8 or 7 (Options.activationBits, or the default's for 0). */
  public synchronized int activationBits() {
    return nativeActivationBits(checkedHandle());
  }

  public TernModel model() {
    return model;
  }

  @Override
  public synchronized void close() {
    if (handle == 0) return;
    nativeFree(handle);
    handle = 0;
    model.releaseFromSession();
  }

  public synchronized boolean isClosed() {
    return handle == 0;
  }

  private long checkedHandle() {
    if (handle == 0) throw new TernException(TernException.INVALID_ARGUMENT, "the TernSession is closed");
    return handle;
  }

  private static native long nativeCreate(long model, int maxSeqLen, int maxBatchTexts, String isa, int numThreads,
                                          int activationBits);

  private static native void nativeFree(long handle);

  private static native float[] nativeEmbed(long handle, byte[][] texts);

  private static native float[] nativeClassify(long handle, byte[] text);

  private static native int[] nativeTokenize(long handle, byte[] text);

  private static native String nativeIsa(long handle);

  private static native int nativeNumThreads(long handle);

  private static native int nativeActivationBits(long handle);
}
