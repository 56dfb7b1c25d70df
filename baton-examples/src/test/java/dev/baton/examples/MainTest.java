package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line, always with {@code --virtual-time}: no test here sleeps for real. */
class MainTest {
  /** Exit status and both streams of one command line. */
  record Result(int status, String out, String err) {
    List<String> outLines() {
      return out.lines().toList();
    }
  }

  static Result main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void demoEvent_printsExactlyCPythonsOutput() {
    Result result = main("demo", "event", "--virtual-time");

    assertEquals(0, result.status(), result.err());
    DemoRun.assertLines(DemoRun.cpython("event"), result.outLines());
  }

  @Test
  void demoLock_printsExactlyCPythonsOutput() {
    Result result = main("demo", "lock", "--virtual-time");

    assertEquals(0, result.status(), result.err());
    DemoRun.assertLines(DemoRun.cpython("lock"), result.outLines());
  }

  @Test
  void demoSemaphore_printsExactlyCPythonsOutput() {
    Result result = main("demo", "semaphore", "--virtual-time");

    assertEquals(0, result.status(), result.err());
    DemoRun.assertLines(DemoRun.cpython("semaphore"), result.outLines());
  }

  @Test
  void demoCondition_printsCPythonsLinesThenReportsTheDeadlockOnStderrAndExits1() {
    Result result = main("demo", "condition", "--virtual-time");

    assertEquals(1, result.status());
    DemoRun.assertLines(DemoRun.cpython("condition"), result.outLines());
    assertTrue(result.err().contains("DeadlockException"), result.err());
    assertTrue(result.err().contains("ConditionDemo.java:"), result.err());
  }

  @Test
  void demoConditionFixed_completes() {
    Result result = main("demo", "condition-fixed", "--virtual-time");

    assertEquals(0, result.status(), result.err());
    DemoRun.assertLines(ConditionFixedDemo.EXPECTED_OUTPUT, result.outLines());
  }

  @Test
  void demoAll_runsAllFiveInOrderAndSucceeds() {
    Result result = main("demo", "all", "--virtual-time");

    assertEquals(0, result.status(), result.out() + result.err());
    String out = result.out();
    int previous = -1;
    for (String command : List.of("event", "lock", "semaphore", "condition", "condition-fixed")) {
      int header = out.indexOf(" " + command + " (");
      assertTrue(header > previous, "header of " + command + " in order:\n" + out);
      previous = header;
    }
    assertTrue(out.contains("DeadlockException"), out);
    assertTrue(out.contains("All 5 programs behaved as expected."), out);
    assertEquals("", result.err());
  }

  @Test
  void help_printsUsageAndSucceeds() {
    Result result = main("help");

    assertEquals(0, result.status());
    assertTrue(result.out().contains("./baton demo all"), result.out());
    assertTrue(result.out().contains("condition-fixed"), result.out());
  }

  @Test
  void noArguments_printsUsageToStderrAndExits2() {
    Result result = main();

    assertEquals(2, result.status());
    assertTrue(result.err().contains("Usage:"), result.err());
    assertEquals("", result.out());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "frobnicate",
        "demo",
        "demo nosuch",
        "demo event --real-fast",
        "demo all --virtual-time extra",
        "bench"
      })
  void badArguments_exit2WithAMessage(String commandLine) {
    Result result = main(commandLine.split(" "));

    assertEquals(2, result.status(), result.err());
    assertTrue(result.err().startsWith("baton: "), result.err());
    assertEquals("", result.out());
  }
}
