package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SemaphoreDemoTest {
  @Test
  void printsWhatCPythonPrints() {
    DemoRun run = DemoRun.onVirtualTime(SemaphoreDemo::run).assertCompleted();

    run.assertOutput(DemoRun.cpython("semaphore"));
    assertEquals(Duration.ofSeconds(4), run.elapsed(), "two sleep(2) one after the other");
  }

  @Test
  void embeddedReferenceIsCPythonsOutput() {
    DemoRun.assertLines(DemoRun.cpython("semaphore"), SemaphoreDemo.CPYTHON_OUTPUT);
  }

  @Test
  void sameOutputOnEveryOneOf100Runs() {
    for (int i = 0; i < 100; i++) {
      DemoRun run = DemoRun.onVirtualTime(SemaphoreDemo::run).assertCompleted();
      run.assertOutput(SemaphoreDemo.CPYTHON_OUTPUT);
      assertEquals(Duration.ofSeconds(4), run.elapsed(), "run " + i);
    }
  }
}
