package dev.baton;

import static dev.baton.TestSupport.eventually;
import static dev.baton.TestSupport.onLoop;
import static dev.baton.TestSupport.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.TestSupport.Kind;
import dev.baton.TestSupport.Worker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance tests for {@link BoundedSemaphore}: over-release is refused and leaves the state
 * unchanged, and nothing Baton does on its own (give-backs, handoffs, cancel races) ever trips the
 * bound, which makes the bounded semaphore a detector of duplicated permits.
 */
class BoundedSemaphoreTest {

  // mirrors SemaphoreTests.test_release_not_acquired (asyncio raises ValueError)
  @Test
  void release_aboveInitialValue_throwsAndLeavesStateUnchanged() {
    BoundedSemaphore sem = new BoundedSemaphore(1);
    assertThrows(IllegalStateException.class, sem::release);
    assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
    assertEquals(1, sem.bound());
  }

  @Test
  void release_afterBalancedAcquireRelease_throwsAndLeavesStateUnchanged() throws Exception {
    BoundedSemaphore sem = new BoundedSemaphore(2);
    sem.acquire();
    sem.acquire();
    sem.release();
    sem.release();
    Semaphore.Statistics before = sem.statistics();
    IllegalStateException e = assertThrows(IllegalStateException.class, sem::release);
    assertTrue(e.getMessage().contains("2"), e.getMessage());
    assertEquals(before, sem.statistics());
    assertEquals(new Semaphore.Statistics(2, 0), before);
    sem.acquire(); // still fully usable
    sem.release();
  }

  @Test
  void release_ofZeroBoundSemaphore_throws() {
    BoundedSemaphore sem = new BoundedSemaphore(0);
    assertThrows(IllegalStateException.class, sem::release);
    assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
    assertTrue(sem.isLocked());
  }

  // mirrors SemaphoreTests.test_semaphore_value, for the bounded kind
  @Test
  void newBoundedSemaphore_negativePermits_throwsIllegalArgumentException() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new BoundedSemaphore(-1));
    assertTrue(e.getMessage().startsWith("permits "), e.getMessage());
  }

  @Test
  void release_withWaiters_handsOffWithoutTrippingTheBound() throws Exception {
    onLoop(
        () -> {
          BoundedSemaphore sem = new BoundedSemaphore(1);
          sem.acquire();
          Task<Void> waiter =
              spawn(
                  "waiter",
                  () -> {
                    sem.acquire();
                    sem.release();
                  });
          Baton.yieldNow();
          sem.release(); // to the waiter
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
          waiter.join();
          assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
          assertThrows(IllegalStateException.class, sem::release);
          assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
        });
  }

  @Test
  void hold_closedTwice_doesNotOverRelease() throws Exception {
    BoundedSemaphore sem = new BoundedSemaphore(1);
    Held h = sem.hold();
    h.close();
    h.close(); // would throw (or silently add a permit) if it released again
    assertEquals(1, sem.availablePermits());
    Held a = sem.acquireAsync().join();
    a.close();
    a.close();
    assertEquals(1, sem.availablePermits());
  }

  @ParameterizedTest
  @EnumSource(LockTest.UserCompletion.class)
  void acquireAsync_completedByUserAfterGrant_givesPermitBackWithinBound(
      LockTest.UserCompletion how) throws Exception {
    BoundedSemaphore sem = new BoundedSemaphore(1);
    sem.acquire();
    CompletableFuture<Held> f = sem.acquireAsync();
    Event trigger = new Event();
    AtomicBoolean userCompletedAfterGrant = new AtomicBoolean();
    trigger
        .awaitAsync()
        .thenRun(
            () -> {
              sem.release();
              userCompletedAfterGrant.set(how.apply(f));
            });
    trigger.set();
    assertTrue(userCompletedAfterGrant.get());
    assertEquals(new Semaphore.Statistics(1, 0), sem.statistics(), "the permit came back once");
    assertThrows(IllegalStateException.class, sem::release);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void release_overBoundFromOtherThread_throwsAndLeavesWaitersAlone(Kind kind) throws Exception {
    BoundedSemaphore sem = new BoundedSemaphore(1);
    Worker holder = Worker.start(kind, "holder", sem::acquire);
    holder.join();
    Worker waiter = Worker.start(kind, "waiter", sem::acquire);
    eventually("waiter waits", () -> sem.statistics().waiting() == 1);
    sem.release(); // legal: the holder's permit, handed to the waiter
    waiter.join();
    sem.release(); // the waiter's permit, back to the count
    assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
    Worker.start(
            kind, "over-releaser", () -> assertThrows(IllegalStateException.class, sem::release))
        .join();
    assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
  }

  /**
   * Randomized cancels, timeouts, future cancels and interrupts over every face: a bounded
   * semaphore throws on any duplicated permit, and the final count shows any lost one.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  void cancelStorm_noPermitDuplicatedOrLost(Kind kind) throws Exception {
    int permits = 2;
    BoundedSemaphore sem = new BoundedSemaphore(permits);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    List<Worker> all = Collections.synchronizedList(new ArrayList<>());
    int rounds = 300 * Integer.getInteger("baton.stress.scale", 1);
    for (int i = 0; i < 5; i++) {
      all.add(
          Worker.start(
              kind, "worker-" + i, () -> SemaphoreTest.churn(sem, rounds, holders, maxHolders)));
    }
    Thread chaos = SemaphoreTest.interruptRandomly(all);
    try {
      for (Worker w : all) {
        w.join(); // an over-release would surface here as IllegalStateException
      }
    } finally {
      chaos.interrupt();
      chaos.join();
    }
    assertTrue(maxHolders.get() <= permits);
    assertEquals(new Semaphore.Statistics(permits, 0), sem.statistics());
  }
}
