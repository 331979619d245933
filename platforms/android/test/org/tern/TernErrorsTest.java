package org.tern;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.Test;

/** Every bad input throws a TernException with its status and a message; none crashes the VM. */
public class TernErrorsTest {
  interface Call {
    void run() throws Exception;
  }

  static TernException expect(int status, Call call) throws Exception {
    try {
      call.run();
    } catch (TernException e) {
      assertEquals("status of \"" + e.getMessage() + "\"", status, e.status());
      assertTrue("empty message", e.getMessage() != null && !e.getMessage().isEmpty());
      return e;
    }
    fail("expected a TernException with status " + status);
    return null;
  }

  static String albert() {
    return Reference.modelPath("albert-tiny-int8.tern");
  }

  @Test
  public void badModelFilesThrow() throws Exception {
    expect(TernException.INVALID_ARGUMENT, () -> TernModel.fromFile(null));
    expect(TernException.IO, () -> TernModel.fromFile("/no/such/dir/model.tern"));
    File dir = Files.createTempDirectory("tern-test").toFile();
    try {
      File garbage = new File(dir, "garbage.tern");
      Files.write(garbage.toPath(), "this is not a tern model, just some text to reject".getBytes("UTF-8"));
      TernException e = expect(TernException.BAD_IDENTIFIER, () -> TernModel.fromFile(garbage.getPath()));
      assertTrue(e.getMessage(), e.getMessage().length() > 5);
      File empty = new File(dir, "empty.tern");
      Files.write(empty.toPath(), new byte[0]);
      expectAnyLoadError(() -> TernModel.fromFile(empty.getPath()));
      // A real model cut in half, and one with a byte flipped in the FlatBuffer header.
      byte[] real = Files.readAllBytes(new File(albert()).toPath());
      File truncated = new File(dir, "truncated.tern");
      Files.write(truncated.toPath(), Arrays.copyOf(real, real.length / 2));
      expectAnyLoadError(() -> TernModel.fromFile(truncated.getPath()));
      for (int offset : new int[] {0, 4, 9, 17, 33, 64, 100}) {
        byte[] corrupt = real.clone();
        corrupt[offset] ^= (byte) 0xff;
        File file = new File(dir, "corrupt" + offset + ".tern");
        Files.write(file.toPath(), corrupt);
        try {
          TernModel.fromFile(file.getPath()).close(); // some bytes (padding) may be harmless: load or throw
        } catch (TernException expected) {
          assertTrue(expected.status() > 0);
        }
      }
    } finally {
      for (File f : dir.listFiles()) f.delete();
      dir.delete();
    }
  }

  static void expectAnyLoadError(Call call) throws Exception {
    try {
      call.run();
      fail("expected a load error");
    } catch (TernException e) {
      assertTrue(e.status() >= TernException.IO && e.status() <= TernException.BAD_TOKENIZER);
    }
  }

  @Test
  public void badBuffersThrow() throws Exception {
    expect(TernException.INVALID_ARGUMENT, () -> TernModel.fromBuffer(null));
    byte[] real = Files.readAllBytes(new File(albert()).toPath());
    expect(TernException.INVALID_ARGUMENT, () -> TernModel.fromBuffer(ByteBuffer.wrap(real)));
    expect(TernException.INVALID_ARGUMENT, () -> TernModel.fromBuffer(ByteBuffer.allocate(64)));
    expectAnyLoadError(() -> TernModel.fromBuffer(ByteBuffer.allocateDirect(0)));
    ByteBuffer garbage = ByteBuffer.allocateDirect(4096);
    for (int i = 0; i < 4096; i++) garbage.put((byte) (i * 37));
    garbage.flip();
    expectAnyLoadError(() -> TernModel.fromBuffer(garbage));
  }

  @Test
  public void nullTextsThrow() throws Exception {
    try (TernModel model = TernModel.fromFile(albert()); TernSession session = model.newSession()) {
      expect(TernException.INVALID_ARGUMENT, () -> session.embed((String[]) null));
      expect(TernException.INVALID_ARGUMENT, () -> session.embed((String) null));
      expect(TernException.INVALID_ARGUMENT, () -> session.embed("fine", null, "fine"));
      expect(TernException.INVALID_ARGUMENT, () -> session.tokenize(null));
      expect(TernException.INVALID_ARGUMENT, () -> session.classify(null));
      assertEquals(0, session.embed().length);
      // The session still works after every refusal.
      assertEquals(model.outputDim(), session.embed("still alive")[0].length);
    }
  }

  @Test
  public void closedSessionAndModelThrow() throws Exception {
    TernModel model = TernModel.fromFile(albert());
    TernSession session = model.newSession();
    session.close();
    expect(TernException.INVALID_ARGUMENT, () -> session.embed("x"));
    expect(TernException.INVALID_ARGUMENT, () -> session.tokenize("x"));
    expect(TernException.INVALID_ARGUMENT, () -> session.classify("x"));
    expect(TernException.INVALID_ARGUMENT, session::isa);
    expect(TernException.INVALID_ARGUMENT, session::numThreads);
    expect(TernException.INVALID_ARGUMENT, session::activationBits);
    model.close();
    model.close();
    expect(TernException.INVALID_ARGUMENT, model::newSession);
    expect(TernException.INVALID_ARGUMENT, () -> new TernSession(model));
    expect(TernException.INVALID_ARGUMENT, () -> model.metadata("source"));
    expect(TernException.INVALID_ARGUMENT, () -> new TernSession(null));
  }

  @Test
  public void modelWithoutHeadRefusesClassify() throws Exception {
    try (TernModel model = TernModel.fromFile(albert()); TernSession session = model.newSession()) {
      expect(TernException.NO_HEAD, () -> session.classify("no head here"));
    }
  }

  @Test
  public void badSessionOptionsThrow() throws Exception {
    try (TernModel model = TernModel.fromFile(albert())) {
      TernSession.Options options = new TernSession.Options();
      options.isa = "no-such-isa";
      TernException e = expect(TernException.INVALID_ARGUMENT, () -> new TernSession(model, options));
      assertTrue(e.getMessage(), e.getMessage().contains("no-such-isa"));
      TernSession.Options tooLong = new TernSession.Options();
      tooLong.maxSeqLen = 1 << 20;
      expect(TernException.INVALID_ARGUMENT, () -> new TernSession(model, tooLong));
      TernSession.Options negative = new TernSession.Options();
      negative.maxBatchTexts = -1;
      expect(TernException.INVALID_ARGUMENT, () -> new TernSession(model, negative));
      // Negative ints stop in Java (never a huge uint32_t); other bad values bring libtern's message.
      expectOption(model, -1, 0, "numThreads -1");
      expectOption(model, 65, 0, "num_threads 65");
      expectOption(model, 0, -1, "activationBits -1");
      expectOption(model, 0, 5, "activation_bits 5");
      expectOption(model, 0, 9, "activation_bits 9");
      // The model still makes sessions after the refusals.
      try (TernSession fine = TernSessionTest.session(model, 1, 7)) {
        assertEquals(model.outputDim(), fine.embed("still fine")[0].length);
      }
    }
  }

  static void expectOption(TernModel model, int threads, int bits, String named) throws Exception {
    TernException e = expect(TernException.INVALID_ARGUMENT, () -> TernSessionTest.session(model, threads, bits));
    assertTrue(e.getMessage(), e.getMessage().contains(named));
  }

  @Test
  public void overlongTextThrows() throws Exception {
    try (TernModel model = TernModel.fromFile(albert()); TernSession session = model.newSession()) {
      char[] huge = new char[200000];
      Arrays.fill(huge, 'a');
      expect(TernException.TOO_LONG, () -> session.embed(new String(huge)));
      expect(TernException.TOO_LONG, () -> session.tokenize(new String(huge)));
      assertEquals(model.outputDim(), session.embed("short")[0].length);
    }
  }

  @Test
  public void statusStrings() {
    assertEquals("I/O error", Tern.statusString(TernException.IO));
    assertEquals("ok", Tern.statusString(0));
    assertTrue(Tern.statusString(12345) != null); // unknown codes still get a string
  }
}
