package org.tern;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
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
