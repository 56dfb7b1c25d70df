package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LockDemoTest {
  @Test
  void printsWhatCPythonPrints() {
    DemoRun run = DemoRun.onVirtualTime(LockDemo::run).assertCompleted();

    run.assertOutput(DemoRun.cpython("lock"));
    assertEquals(Duration.ofSeconds(4), run.elapsed(), "two sleep(2) one after the other");
  }

  @Test
  void embeddedReferenceIsCPythonsOutput() {
    DemoRun.assertLines(DemoRun.cpython("lock"), LockDemo.CPYTHON_OUTPUT);
  }

  @Test
  void sameOutputOnEveryOneOf100Runs() {
    for (int i = 0; i < 100; i++) {
      DemoRun run = DemoRun.onVirtualTime(LockDemo::run).assertCompleted();
      run.assertOutput(LockDemo.CPYTHON_OUTPUT);
      assertEquals(Duration.ofSeconds(4), run.elapsed(), "run " + i);
    }
  }
}
