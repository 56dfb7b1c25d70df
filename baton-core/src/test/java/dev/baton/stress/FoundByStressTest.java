package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Condition;
import dev.baton.Held;
import dev.baton.Lock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deterministic reproductions of bugs the randomized stress tests found, one test per bug, each
 * named after the behaviour it protects. Each comment says which stress test found it and how.
 */
class FoundByStressTest {

  /**
   * Found by {@link ConditionStressTest}: the last immune waiter was never signalled, with one
   * signal more issued than delivered.
   *
   * <p>A signal that reaches an {@code awaitAsync} waiter whose future is cancelled before it gets
   * the lock back must be passed on to the next waiter, as for a blocking waiter that is cancelled
   * after the signal (DESIGN: "a signal that reaches a waiter cancelled in the meantime is passed
   * on, never lost").
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void awaitAsync_cancelledAfterSignal_passesSignalOn() throws Exception {
    Lock lock = new Lock();
    Condition cond = new Condition(lock);
    lock.acquire();
    CompletableFuture<Held> first = cond.awaitAsync(); // releases the lock
    boolean[] secondSignalled = new boolean[1];
    Thread second =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    lock.acquire();
                    secondSignalled[0] = cond.await(Duration.ofSeconds(5));
                    lock.release();
                  } catch (InterruptedException e) {
                    throw new AssertionError(e);
                  }
                });
    while (cond.statistics().waiting() < 2) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
    lock.acquire();
    cond.signal(); // reaches `first`, which now waits for the lock
    boolean cancelled = first.cancel(false);
    lock.release();
    second.join();
    if (cancelled) {
      assertTrue(secondSignalled[0], "the signal consumed by the cancelled future was lost");
    } else {
      assertTrue(first.isDone() && !first.isCompletedExceptionally());
      first.join().close();
    }
    assertFalse(lock.isLocked());
    assertEquals(0, cond.statistics().waiting());
  }
}
