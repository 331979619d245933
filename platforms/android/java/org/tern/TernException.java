package org.tern;

/**
 * A failure reported by libtern (or by this binding): the status code of tern.h's {@code tern_status} and
 * the library's message saying what and where. Every bad input (null text, closed session or model, corrupt
 * model file, heap ByteBuffer) ends here; no call crashes the VM.
 */
public class TernException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  // tern_status values (runtime/include/tern.h).
  public static final int INVALID_ARGUMENT = 1;
  public static final int IO = 2;
  public static final int OUT_OF_MEMORY = 3;
  public static final int BAD_IDENTIFIER = 4;
  public static final int UNSUPPORTED_VERSION = 5;
  public static final int TRUNCATED = 6;
  public static final int MALFORMED = 7;
  public static final int BAD_TENSOR = 8;
  public static final int BAD_SCALE = 9;
  public static final int BAD_INDEX = 10;
  public static final int BAD_HYPERPARAMETER = 11;
  public static final int BAD_TOKENIZER = 12;
  public static final int BUFFER_TOO_SMALL = 13;
  public static final int TOO_LONG = 14;
  public static final int NO_HEAD = 15;
  public static final int SELFTEST_FAILED = 16;
  public static final int INTERNAL = 17;
  public static final int SESSION_BUSY = 18;

  private final int status;

  public TernException(int status, String message) {
    super(message);
    this.status = status;
  }

  /** The tern_status code (one of the constants above). */
  public int status() {
    return status;
  }
}
