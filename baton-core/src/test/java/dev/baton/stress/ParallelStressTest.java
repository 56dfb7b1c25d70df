package dev.baton.stress;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same races as {@link LockStressTest} and {@link SemaphoreStressTest}, inside {@code
 * Baton.runParallel}: every worker is a task (a free virtual thread in the run's scope) using one
 * of the three faces (blocking, timed, async) on one primitive, cancelled by {@code Task.cancel},
 * {@code Baton.timeout} expiries, and future cancel, {@code orTimeout} and {@code complete}. See
 * {@link AcquireRace} for what each iteration checks.
 */
class ParallelStressTest {
  private static final int WORKERS = 2_000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void runParallel_lock_threeFacesRacingTaskCancels_exclusiveAndNothingLost() throws Exception {
    int iterations = Stress.scaled(12);
    long start = System.nanoTime();
    AcquireRace.Totals totals = new AcquireRace.Totals();
    for (int i = 0; i < iterations; i++) {
      AcquireRace.iteration(AcquireRace.lock(), AcquireRace.Mode.PARALLEL, WORKERS, i, totals);
    }
    Stress.report(
        "runParallel Lock",
        iterations + " iterations x " + WORKERS + " tasks; " + totals.summary(),
        start);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void runParallel_semaphore_threeFacesRacingTaskCancels_noPermitLostOrCreated() throws Exception {
    int iterations = Stress.scaled(12);
    long start = System.nanoTime();
    AcquireRace.Totals totals = new AcquireRace.Totals();
    for (int i = 0; i < iterations; i++) {
      boolean bounded = i % 2 == 1;
      AcquireRace.iteration(
          AcquireRace.semaphore(Stress.random().nextInt(1, 7), bounded),
          AcquireRace.Mode.PARALLEL,
          WORKERS,
          i,
          totals);
    }
    Stress.report(
        "runParallel Semaphore/BoundedSemaphore",
        iterations + " iterations x " + WORKERS + " tasks; " + totals.summary(),
        start);
  }
}
