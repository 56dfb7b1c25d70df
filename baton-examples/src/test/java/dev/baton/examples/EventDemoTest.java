package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventDemoTest {
  @Test
  void printsWhatCPythonPrints() {
    DemoRun run = DemoRun.onVirtualTime(EventDemo::run).assertCompleted();

    run.assertOutput(DemoRun.cpython("event"));
    assertEquals(Duration.ofSeconds(2), run.elapsed(), "one sleep(2) on the loop clock");
  }

  @Test
  void embeddedReferenceIsCPythonsOutput() {
    DemoRun.assertLines(DemoRun.cpython("event"), EventDemo.CPYTHON_OUTPUT);
  }

  @Test
  void sameOutputOnEveryOneOf100Runs() {
    for (int i = 0; i < 100; i++) {
      DemoRun run = DemoRun.onVirtualTime(EventDemo::run).assertCompleted();
      run.assertOutput(EventDemo.CPYTHON_OUTPUT);
      assertEquals(Duration.ofSeconds(2), run.elapsed(), "run " + i);
    }
  }
}
