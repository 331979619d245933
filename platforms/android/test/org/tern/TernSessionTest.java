package org.tern;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;
import org.junit.Test;

/** Results of the Java API equal the C API's (tern_reference_dump) bit for bit. */
public class TernSessionTest {
  static final String[] TEXTS = {
    "The quick brown fox jumps over the lazy dog.",
    "Über den Wolken: naïve café, 東京タワー and an emoji 🙂 outside the BMP.",
    "a",
    "Tern runs Transformer encoders on phones and boards.",
  };

  @Test
  public void embedEqualsCApiForAlbertAndBert() throws Exception {
    for (String name : new String[] {"albert-tiny-int8.tern", "bert-tiny-int8.tern", "albert-tiny-f32.tern"}) {
      String path = Reference.modelPath(name);
      float[][] expected = Reference.embed(path, TEXTS);
      try (TernModel model = TernModel.fromFile(path); TernSession session = model.newSession()) {
        float[][] got = session.embed(TEXTS);
        assertEquals(TEXTS.length, got.length);
        for (int i = 0; i < TEXTS.length; i++) {
          assertEquals(model.outputDim(), got[i].length);
          assertArrayEquals(name + " text " + i, expected[i], got[i], 0.0f);
        }
        // One text at a time gives the same rows as the batch (ragged batches, no padding).
        for (int i = 0; i < TEXTS.length; i++) assertArrayEquals(expected[i], session.embed(TEXTS[i])[0], 0.0f);
      }
    }
  }

  @Test
  public void classifyEqualsCApi() throws Exception {
    String path = Reference.modelPath("bert-tiny-cls-int8.tern");
    try (TernModel model = TernModel.fromFile(path); TernSession session = model.newSession()) {
      assertTrue(model.hasSequenceClassifier());
      for (String text : TEXTS) {
        TernSession.Classification result = session.classify(text);
        assertArrayEquals(Reference.classify(path, text), result.logits(), 0.0f);
        assertEquals(model.labels().length, result.logits().length);
        assertEquals(model.labels()[result.best()], result.bestLabel());
      }
    }
  }

  @Test
  public void tokenizeEqualsCApi() throws Exception {
    for (String name : new String[] {"albert-tiny-int8.tern", "bert-tiny-int8.tern"}) {
      String path = Reference.modelPath(name);
      try (TernModel model = TernModel.fromFile(path); TernSession session = model.newSession()) {
        for (String text : TEXTS) assertArrayEquals(name + ": " + text, Reference.tokenize(path, text), session.tokenize(text));
        // Truncation at the model's max length, specials included.
        StringBuilder longText = new StringBuilder();
        for (int i = 0; i < 2000; i++) longText.append("word ");
        assertEquals(model.maxLength(), session.tokenize(longText.toString()).length);
      }
    }
  }

  @Test
  public void mappedAndDirectBuffersGiveTheFileResults() throws Exception {
    String path = Reference.modelPath("albert-tiny-int8.tern");
    float[][] expected = Reference.embed(path, TEXTS);
    try (RandomAccessFile file = new RandomAccessFile(path, "r"); FileChannel channel = file.getChannel()) {
      // A mapped file: page-aligned, used in place.
      MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
      try (TernModel model = TernModel.fromBuffer(mapped); TernSession session = model.newSession()) {
        float[][] got = session.embed(TEXTS);
        for (int i = 0; i < TEXTS.length; i++) assertArrayEquals(expected[i], got[i], 0.0f);
      }
      // A direct buffer whose bytes start at an odd address (position 1 of a bigger buffer): copied once.
      ByteBuffer direct = ByteBuffer.allocateDirect((int) channel.size() + 1);
      mapped.rewind();
      direct.position(1);
      direct.put(mapped);
      direct.position(1);
      try (TernModel model = TernModel.fromBuffer(direct); TernSession session = model.newSession()) {
        float[][] got = session.embed(TEXTS);
        for (int i = 0; i < TEXTS.length; i++) assertArrayEquals(expected[i], got[i], 0.0f);
      }
    }
  }

  static TernSession session(TernModel model, int numThreads, int activationBits) {
    TernSession.Options options = new TernSession.Options();
    options.numThreads = numThreads;
    options.activationBits = activationBits;
    return new TernSession(model, options);
  }

  static double cosine(float[] a, float[] b) {
    double dot = 0, aa = 0, bb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += (double) a[i] * b[i];
      aa += (double) a[i] * a[i];
      bb += (double) b[i] * b[i];
    }
    return dot / Math.sqrt(aa * bb);
  }

  @Test
  public void threadCountReachesTheSessionAndKeepsResults() throws Exception {
    String path = Reference.modelPath("bert-tiny-int8.tern");
    try (TernModel model = TernModel.fromFile(path);
         TernSession one = session(model, 1, 0);
         TernSession two = session(model, 2, 0);
         TernSession byDefault = model.newSession()) {
      assertEquals(1, one.numThreads());
      assertEquals(2, two.numThreads()); // the host build has pthreadpool
      assertTrue(byDefault.numThreads() >= 1 && byDefault.numThreads() <= 64);
      float[][] single = one.embed(TEXTS);
      float[][] threaded = two.embed(TEXTS);
      for (int i = 0; i < TEXTS.length; i++) assertArrayEquals("text " + i, single[i], threaded[i], 0.0f);
    }
  }

  @Test
  public void activationBitsReachTheSession() throws Exception {
    String path = Reference.modelPath("bert-tiny-int8.tern");
    String forced = System.getenv("TERN_ACTIVATION_BITS"); // replaces the default, as in libtern
    int defaultBits = forced != null && !forced.isEmpty() ? Integer.parseInt(forced) : 8;
    try (TernModel model = TernModel.fromFile(path);
         TernSession eight = session(model, 0, 8);
         TernSession seven = session(model, 0, 7);
         TernSession byDefault = model.newSession()) {
      assertEquals(8, eight.activationBits());
      assertEquals(7, seven.activationBits());
      assertEquals(defaultBits, byDefault.activationBits());
      float[][] precise = eight.embed(TEXTS);
      float[][] fast = seven.embed(TEXTS);
      boolean anyDiffers = false;
      for (int i = 0; i < TEXTS.length; i++) {
        anyDiffers |= !Arrays.equals(precise[i], fast[i]);
        double similarity = cosine(precise[i], fast[i]);
        assertTrue("text " + i + ": cosine " + similarity, similarity > 0.99);
      }
      assertTrue("7-bit activations gave the 8-bit embeddings", anyDiffers);
    }
  }

  @Test
  public void sessionOutlivesClosedModel() throws Exception {
    String path = Reference.modelPath("albert-tiny-int8.tern");
    float[][] expected = Reference.embed(path, TEXTS[0]);
    TernModel model = TernModel.fromFile(path);
    TernSession session = model.newSession();
    model.close(); // the native model stays alive until its last session closes
    assertTrue(model.isClosed());
    assertArrayEquals(expected[0], session.embed(TEXTS[0])[0], 0.0f);
    session.close();
    session.close(); // closing twice is harmless
  }

  @Test
  public void modelInfoAndMetadata() throws Exception {
    try (TernModel model = TernModel.fromFile(Reference.modelPath("albert-tiny-int8.tern"))) {
      assertEquals("albert", model.kind());
      assertTrue(model.hasTokenizer());
      assertTrue(model.outputDim() > 0);
      assertEquals(0, model.labels().length);
      assertTrue(model.metadata("converter_version") != null);
      assertEquals(null, model.metadata("no-such-key"));
      assertTrue(Tern.version().startsWith("0."));
    }
  }
}
