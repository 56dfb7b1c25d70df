package dev.baton.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionFixedDemoTest {
  @Test
  void completesAndTheConsumerReceivesTheItem() {
    DemoRun run = DemoRun.onVirtualTime(ConditionFixedDemo::run).assertCompleted();

    run.assertOutput(
        List.of(
            "Producer putting an item...",
            "Consumer waiting for an item...",
            "Consumer received an item."));
    assertEquals(Duration.ofSeconds(2), run.elapsed());
  }

  @Test
  void startsLikeTheArticlesProgram() {
    // Same first two lines as CPython's run of the broken program; only the ending differs.
    DemoRun.assertLines(
        DemoRun.cpython("condition"), ConditionFixedDemo.EXPECTED_OUTPUT.subList(0, 2));
  }

  @Test
  void sameOutputOnEveryOneOf100Runs() {
    for (int i = 0; i < 100; i++) {
      DemoRun run = DemoRun.onVirtualTime(ConditionFixedDemo::run).assertCompleted();
      run.assertOutput(ConditionFixedDemo.EXPECTED_OUTPUT);
      assertEquals(Duration.ofSeconds(2), run.elapsed(), "run " + i);
    }
  }
}
