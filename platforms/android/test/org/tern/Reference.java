package org.tern;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The C API's answers for the same inputs, from platforms/testing/tern_reference_dump (path in the system
 * property tern.reference.dump): the independent side of every "the binding returns what tern.h returns" test.
 */
final class Reference {
  private Reference() {}

  static String modelPath(String name) {
    String dir = System.getProperty("tern.models.dir");
    if (dir == null) throw new IllegalStateException("set -Dtern.models.dir to the converted test models");
    File file = new File(dir, name);
    if (!file.isFile()) throw new IllegalStateException(file + " missing: run models/make_test_models.sh");
    return file.getPath();
  }

  private static List<String> run(String mode, String model, String... texts) throws IOException, InterruptedException {
    String tool = System.getProperty("tern.reference.dump");
    if (tool == null) throw new IllegalStateException("set -Dtern.reference.dump");
    Process process = new ProcessBuilder(tool, mode, model).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (OutputStream in = process.getOutputStream()) {
      for (String text : texts) in.write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream stream = process.getInputStream()) {
      byte[] chunk = new byte[65536];
      for (int n; (n = stream.read(chunk)) > 0; ) out.write(chunk, 0, n);
    }
    if (process.waitFor() != 0) throw new IOException(tool + " " + mode + " failed");
    List<String> lines = new ArrayList<>();
    for (String line : new String(out.toByteArray(), StandardCharsets.UTF_8).split("\n", -1))
      if (!line.isEmpty() || lines.size() < texts.length) lines.add(line);
    while (lines.size() > texts.length) lines.remove(lines.size() - 1);
    return lines;
  }

  static float[] floats(String line) {
    if (line.isEmpty()) return new float[0];
    String[] parts = line.split(" ");
    float[] values = new float[parts.length];
    for (int i = 0; i < parts.length; i++) values[i] = (float) Double.parseDouble(parts[i]); // %a hex floats
    return values;
  }

  static float[][] embed(String model, String... texts) throws IOException, InterruptedException {
    List<String> lines = run("embed", model, texts);
    float[][] rows = new float[lines.size()][];
    for (int i = 0; i < rows.length; i++) rows[i] = floats(lines.get(i));
    return rows;
  }

  static float[] classify(String model, String text) throws IOException, InterruptedException {
    return floats(run("classify", model, text).get(0));
  }

  static int[] tokenize(String model, String text) throws IOException, InterruptedException {
    String line = run("tokenize", model, text).get(0);
    String[] parts = line.split(" ");
    int[] ids = new int[parts.length];
    for (int i = 0; i < parts.length; i++) ids[i] = Integer.parseInt(parts[i]);
    return ids;
  }
}
