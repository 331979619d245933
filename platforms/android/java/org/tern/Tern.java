package org.tern;

/** Library-wide entry points; loads libtern_jni once per class loader. */
public final class Tern {
  private static boolean loaded;

  private Tern() {}

  /**
   * Loads the native library. Called by every class of this package before its first native call; on
   * Android, System.loadLibrary finds jni/&lt;abi&gt;/libtern_jni.so of the AAR, on a desktop JVM the folder in
   * -Djava.library.path. Set the system property {@code org.tern.library} to an absolute path to load a
   * specific file instead.
   */
  static synchronized void load() {
    if (loaded) return;
    String path = System.getProperty("org.tern.library");
    if (path != null && !path.isEmpty()) {
      System.load(path);
    } else {
      System.loadLibrary("tern_jni");
    }
    loaded = true;
  }

  /** libtern's version, e.g. "0.1.0". */
  public static String version() {
    load();
    return nativeVersion();
  }

  /** The name of a tern_status code, e.g. "TERN_ERR_IO". */
  public static String statusString(int status) {
    load();
    return nativeStatusString(status);
  }

  private static native String nativeVersion();

  private static native String nativeStatusString(int status);
}
