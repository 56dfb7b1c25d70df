package dev.baton.stress;

import dev.baton.BoundedSemaphore;
import dev.baton.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on one {@link Semaphore} and one {@link BoundedSemaphore} per iteration, with a
 * random number of permits (1 to 6): see {@link AcquireRace} for what each iteration checks.
 *
 * <p>How this test can fail: a permit handed to a waiter whose future was cancelled at the same
 * moment, and not given back, leaves {@code availablePermits()} below the initial value. (Checked
 * by disabling the give-back in {@code FutureWaiter.resume}: an iteration fails with "permits not
 * back, 4 of 5".) A permit given back twice (by the give-back and again by the user) leaves it
 * above, lets {@code capacity + 1} {@code tryAcquire()}s succeed, and makes a {@link
 * BoundedSemaphore} throw from a legitimate release, which the worker reports as unexpected.
 */
class SemaphoreStressTest {
  private static final int WORKERS = 2_000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void semaphore_allFacesRacingCancelsAndTimeouts_boundedHoldersAndNoPermitLost() throws Exception {
    run("Semaphore", false);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void boundedSemaphore_allFacesRacingCancelsAndTimeouts_neverAboveBoundNorBelow()
      throws Exception {
    run("BoundedSemaphore", true);
  }

  private static void run(String name, boolean bounded) throws Exception {
    int iterations = Stress.scaled(20);
    long start = System.nanoTime();
    AcquireRace.Totals totals = new AcquireRace.Totals();
    for (int i = 0; i < iterations; i++) {
      int permits = Stress.random().nextInt(1, 7);
      AcquireRace.iteration(
          AcquireRace.semaphore(permits, bounded), AcquireRace.Mode.THREADS, WORKERS, i, totals);
    }
    Stress.report(
        name, iterations + " iterations x " + WORKERS + " workers; " + totals.summary(), start);
  }
}
