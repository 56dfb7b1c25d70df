package dev.baton.stress;

import dev.baton.Lock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on one {@link Lock}: see {@link AcquireRace} for what each iteration checks.
 *
 * <p>How this test can fail: the holder count and the plain counter catch any double grant. For
 * instance, if {@code Lock.handOff} also set the state to free while granting the head waiter, a
 * newcomer's fast-path CAS would take the lock while the granted waiter holds it: the holder count
 * reaches 2 and the plain counter falls behind the acquisitions. (Checked by making exactly that
 * change: the first iteration fails with "2 holders at once".) A grant lost to a racing cancel
 * leaves the lock locked with nobody to release it: the "permits not back" check, or a waiter
 * parked forever, which {@link Stress#joinAll} reports as hung (checked by disabling the give-back
 * of a future completed by its user after the hand-off: hung in the first run). Dropping the
 * interrupt of a cancel that lost to the grant ({@code ThreadWaiter}) is a narrower window: that
 * change was caught at scale 20 ("the interrupt status was lost", iteration 20 of 400), not at
 * scale 1.
 */
class LockStressTest {
  private static final int WORKERS = 2_000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void lock_allFacesRacingCancelsAndTimeouts_exclusiveAndNothingLost() throws Exception {
    int iterations = Stress.scaled(20);
    long start = System.nanoTime();
    AcquireRace.Totals totals = new AcquireRace.Totals();
    for (int i = 0; i < iterations; i++) {
      AcquireRace.iteration(AcquireRace.lock(), AcquireRace.Mode.THREADS, WORKERS, i, totals);
    }
    Stress.report(
        "Lock", iterations + " iterations x " + WORKERS + " workers; " + totals.summary(), start);
  }
}
