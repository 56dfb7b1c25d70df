package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/** One run of a demo program on a virtual-time loop: what it printed and how it ended. */
record DemoRun(List<String> output, Exception failure, Duration elapsed) {

  /**
   * Runs {@code body} on a fresh {@link EventLoop#withVirtualTime()} loop, capturing its output.
   */
  static DemoRun onVirtualTime(Program.Body body) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    EventLoop loop = EventLoop.withVirtualTime();
    Exception failure = null;
    try {
      body.run(loop, out);
    } catch (Exception e) {
      failure = e;
    }
    out.flush();
    return new DemoRun(
        bytes.toString(StandardCharsets.UTF_8).lines().toList(), failure, loop.elapsed());
  }

  /** The lines of a CPython reference output in {@code src/test/resources/cpython/}. */
  static List<String> cpython(String name) {
    String resource = "/cpython/" + name + ".txt";
    try (InputStream in = DemoRun.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Fails unless the run returned normally. */
  DemoRun assertCompleted() {
    if (failure != null) {
      throw new AssertionError("expected the program to complete; it threw " + failure, failure);
    }
    return this;
  }

  /** Compares {@code output} with {@code expected} line by line, naming the first difference. */
  DemoRun assertOutput(List<String> expected) {
    assertLines(expected, output);
    return this;
  }

  static void assertLines(List<String> expected, List<String> actual) {
    for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
      int line = i + 1;
      assertEquals(
          expected.get(i),
          actual.get(i),
          () -> "line " + line + " differs; expected " + expected + " but was " + actual);
    }
    if (expected.size() != actual.size()) {
      fail(
          "expected "
              + expected.size()
              + " lines but got "
              + actual.size()
              + "; expected "
              + expected
              + " but was "
              + actual);
    }
  }
}
