package org.tern;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.Test;

/** One shared model, sessions on several Java threads: every thread gets the C API's results. */
public class TernThreadsTest {
  @Test
  public void sessionPerThreadSharedModel() throws Exception {
    String path = Reference.modelPath("albert-tiny-int8.tern");
    String[] texts = TernSessionTest.TEXTS;
    float[][] expected = Reference.embed(path, texts);
    int threads = 6;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try (TernModel model = TernModel.fromFile(path)) {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        final int offset = t;
        Callable<Integer> work = () -> {
          int checked = 0;
          try (TernSession session = model.newSession()) {
            for (int round = 0; round < 25; round++) {
              int i = (offset + round) % texts.length;
              assertArrayEquals(expected[i], session.embed(texts[i])[0], 0.0f);
              checked++;
            }
          }
          return checked;
        };
        results.add(pool.submit(work));
      }
      for (Future<Integer> result : results) assertEquals(Integer.valueOf(25), result.get());
    } finally {
      pool.shutdown();
    }
  }

  @Test
  public void oneSessionSharedByThreadsIsSerialized() throws Exception {
    String path = Reference.modelPath("albert-tiny-int8.tern");
    float[][] expected = Reference.embed(path, TernSessionTest.TEXTS[0]);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (TernModel model = TernModel.fromFile(path); TernSession shared = model.newSession()) {
      List<Future<?>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++)
        results.add(pool.submit(() -> {
          for (int round = 0; round < 20; round++)
            assertArrayEquals(expected[0], shared.embed(TernSessionTest.TEXTS[0])[0], 0.0f);
          return null;
        }));
      for (Future<?> result : results) result.get();
    } finally {
      pool.shutdown();
    }
  }

  @Test
  public void closeRacesWithCallsWithoutCrashing() throws Exception {
    String path = Reference.modelPath("albert-tiny-int8.tern");
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int round = 0; round < 10; round++) {
      TernModel model = TernModel.fromFile(path);
      TernSession session = model.newSession();
      Thread user = new Thread(() -> {
        for (int i = 0; i < 50; i++) {
          try {
            session.embed("racing with close");
          } catch (TernException closed) {
            if (closed.status() != TernException.INVALID_ARGUMENT) failure.set(closed);
            return;
          } catch (Throwable other) {
            failure.set(other);
            return;
          }
        }
      });
      user.start();
      Thread.sleep(1);
      session.close();
      model.close();
      user.join();
    }
    if (failure.get() != null) throw new AssertionError(failure.get());
  }
}
