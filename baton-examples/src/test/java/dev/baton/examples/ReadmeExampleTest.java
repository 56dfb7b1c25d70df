package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.baton.EventLoop;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadmeExampleTest {
  @Test
  void printsWhatTheReadmeSays() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream original = System.out;
    EventLoop loop = EventLoop.withVirtualTime();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      loop.run(ReadmeExample::crawl);
    } finally {
      System.setOut(original);
    }

    DemoRun.assertLines(
        List.of(
            "fetching a",
            "fetching b",
            "fetching c", // at 1 s: a's slot goes to c
            "[A, B, C]", // at 2 s
            "fetching d",
            "d timed out; free slots: 2"), // at 3 s
        bytes.toString(StandardCharsets.UTF_8).lines().toList());
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }
}
