package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.DeadlockException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The article's Condition program: CPython hangs; Baton's loop reports the lost signal. */
class ConditionDemoTest {
  private static final Path SOURCE = Path.of("src/main/java/dev/baton/examples/ConditionDemo.java");

  /** {@code ConditionDemo.java:<line>} of the consumer's {@code condition.await()}. */
  static String consumerWaitSite() throws IOException {
    List<String> lines = Files.readAllLines(SOURCE);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().startsWith("condition.await();")) {
        return "ConditionDemo.java:" + (i + 1);
      }
    }
    throw new AssertionError("no condition.await() in " + SOURCE);
  }

  @Test
  void printsWhatCPythonPrintsBeforeItHangs() {
    DemoRun run = DemoRun.onVirtualTime(ConditionDemo::run);

    run.assertOutput(DemoRun.cpython("condition"));
  }

  @Test
  void embeddedReferenceIsCPythonsOutput() {
    DemoRun.assertLines(DemoRun.cpython("condition"), ConditionDemo.CPYTHON_OUTPUT);
  }

  @Test
  void endsWithADeadlockThatNamesTheConsumerTheConditionAndTheLine() throws IOException {
    DemoRun run = DemoRun.onVirtualTime(ConditionDemo::run);

    DeadlockException deadlock = assertInstanceOf(DeadlockException.class, run.failure());
    String message = deadlock.getMessage();
    String site = consumerWaitSite();
    // gather names its tasks itself (Task-<n>); the consumer is the one stuck at its await().
    Matcher consumer =
        Pattern.compile("task (\\S+) waits\\b[^\\n]*" + Pattern.quote(site)).matcher(message);
    assertTrue(consumer.find(), "names the task stuck at " + site + ":\n" + message);
    assertNotEquals("main", consumer.group(1), message);
    assertTrue(message.contains("Condition"), "names the primitive:\n" + message);
    assertEquals(Duration.ofSeconds(2), run.elapsed(), "detected as soon as the producer is done");
  }

  @Test
  void sameOutputAndSameDeadlockReportOnEveryOneOf100Runs() throws IOException {
    String site = consumerWaitSite();
    Set<String> reports = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      DemoRun run = DemoRun.onVirtualTime(ConditionDemo::run);
      run.assertOutput(ConditionDemo.CPYTHON_OUTPUT);
      DeadlockException deadlock = assertInstanceOf(DeadlockException.class, run.failure());
      assertTrue(deadlock.getMessage().contains(site), "run " + i + ":\n" + deadlock.getMessage());
      assertEquals(Duration.ofSeconds(2), run.elapsed(), "run " + i);
      // Task numbers count up across loops in one JVM; everything else must be identical.
      reports.add(deadlock.getMessage().replaceAll("Task-\\d+", "Task-<n>"));
    }
    assertEquals(1, reports.size(), () -> "different reports: " + reports);
  }
}
