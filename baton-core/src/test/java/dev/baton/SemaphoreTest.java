package dev.baton;

import static dev.baton.TestSupport.eventually;
import static dev.baton.TestSupport.onLoop;
import static dev.baton.TestSupport.spawn;
import static dev.baton.TestSupport.yieldTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.TestSupport.Kind;
import dev.baton.TestSupport.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance tests for {@link Semaphore}: DESIGN.md's fixed behaviours and CPython's {@code
 * SemaphoreTests} (test_locks.py), on a virtual-time loop and on plain threads.
 */
class SemaphoreTest {

  // ------------------------------------------------------------------ construction, isLocked

  // mirrors SemaphoreTests.test_semaphore_value
  @Test
  void newSemaphore_negativePermits_throwsIllegalArgumentException() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new Semaphore(-1));
    assertTrue(e.getMessage().startsWith("permits "), e.getMessage());
    assertEquals(0, new Semaphore(0).availablePermits());
  }

  // mirrors SemaphoreTests.test_initial_value_zero
  @Test
  void isLocked_withZeroPermits() {
    Semaphore sem = new Semaphore(0);
    assertTrue(sem.isLocked());
    assertFalse(sem.tryAcquire());
  }

  // mirrors SemaphoreTests.test_release_no_waiters
  @Test
  void isLocked_trueExactlyWhenAnAcquireWouldWait() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(2);
          assertFalse(sem.isLocked());
          sem.acquire();
          assertFalse(sem.isLocked());
          sem.acquire();
          assertTrue(sem.isLocked());
          Task<Void> waiter = spawn("waiter", sem::acquire);
          Baton.yieldNow();
          assertTrue(sem.isLocked());
          sem.release(); // to the waiter: an acquire would still wait
          assertTrue(sem.isLocked());
          assertEquals(0, sem.availablePermits());
          waiter.join();
          sem.release();
          assertFalse(sem.isLocked());
          assertEquals(1, sem.availablePermits());
          sem.release();
          assertEquals(2, sem.availablePermits());
        });
  }

  // ------------------------------------------------------------------ asyncio's FIFO cases

  // mirrors SemaphoreTests.test_acquire
  @Test
  void acquire_servesWaitersInOrder() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(3);
          sem.acquire();
          sem.acquire();
          assertFalse(sem.isLocked());
          Task<Void> t1 = spawn("c1", acquireThenRecord(sem, result, 1));
          Task<Void> t2 = spawn("c2", acquireThenRecord(sem, result, 2));
          Task<Void> t3 = spawn("c3", acquireThenRecord(sem, result, 3));
          Baton.yieldNow();
          assertEquals(List.of(1), result);
          assertTrue(sem.isLocked());
          assertEquals(new Semaphore.Statistics(0, 2), sem.statistics());

          Task<Void> t4 = spawn("c4", acquireThenRecord(sem, result, 4));
          sem.release();
          sem.release();
          // handed straight to c2 and c3; the count never went up
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());

          Baton.yieldNow();
          assertEquals(3, result.size());
          assertTrue(sem.isLocked());
          assertEquals(new Semaphore.Statistics(0, 1), sem.statistics());
          // asyncio leaves it open which two of c2, c3, c4 got in; with handoff it is the first two
          assertEquals(List.of(1, 2, 3), result);
          assertTrue(t1.isDone() && t2.isDone() && t3.isDone() && !t4.isDone());

          sem.release();
          t4.join();
          assertEquals(List.of(1, 2, 3, 4), result);
        });
  }

  private static Body acquireThenRecord(Semaphore sem, List<Integer> result, int i) {
    return () -> {
      sem.acquire();
      result.add(i);
    };
  }

  // mirrors SemaphoreTests.test_acquire_fifo_order
  @Test
  void acquire_fifoOrderAcrossRepeatedAcquires() throws Exception {
    List<String> result = new ArrayList<>();
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(1);
          try (TaskGroup group = new TaskGroup()) {
            for (String tag : List.of("c1", "c2", "c3")) {
              group.spawn(
                  () -> {
                    for (int round = 1; round <= 2; round++) {
                      sem.acquire();
                      result.add(tag + "_" + round);
                      Baton.sleep(Duration.ofMillis(10));
                      sem.release();
                    }
                  });
            }
          }
        });
    assertEquals(List.of("c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"), result);
  }

  // mirrors SemaphoreTests.test_acquire_fifo_order_2
  @Test
  void acquire_permitGrantedInOrderEvenIfGranteeRunsLater() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(1);
          Task<Void> t1 = spawn("c1", acquireThenRecord(sem, result, 1));
          Task<Void> t2 =
              spawn(
                  "c2",
                  () -> {
                    sem.acquire();
                    result.add(2);
                    sem.release();
                    sem.acquire();
                    result.add(4);
                  });
          Task<Void> t3 = spawn("c3", acquireThenRecord(sem, result, 3));
          Baton.yieldNow();
          sem.release();
          sem.release();
          // both permits went to c2 and c3 at once, in arrival order, before either ran
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
          t1.join();
          t2.join();
          t3.join();
        });
    // asyncio prints [1, 2, 3, 4]: its c2 re-queues behind c3, which is woken but not yet
    // running. Here c3 already holds its permit when c2 releases and re-acquires, so c2 takes the
    // free permit at once, without overtaking anyone who waits.
    assertEquals(List.of(1, 2, 4, 3), result);
  }

  // mirrors SemaphoreTests.test_acquire_fifo_order_3
  @Test
  void acquire_cancelledWaiterSkipped_restServedInOrder() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> t1 = spawn("c1", acquireThenRecord(sem, result, 1));
          Task<Void> t2 = spawn("c2", acquireThenRecord(sem, result, 2));
          Task<Void> t3 = spawn("c3", acquireThenRecord(sem, result, 3));
          Baton.yieldNow();
          t1.cancel();
          Baton.yieldNow();
          sem.release();
          sem.release();
          assertThrows(CancellationException.class, t1::join);
          t2.join();
          t3.join();
        });
    assertEquals(List.of(2, 3), result);
  }

  // ------------------------------------------------------------------ cancel leaves no residue

  // mirrors SemaphoreTests.test_acquire_cancel
  @Test
  void acquire_cancelled_leavesNoWaiter() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(1);
          sem.acquire();
          Task<Void> acquire = spawn("acquire", sem::acquire);
          Baton.yieldNow();
          acquire.cancel();
          assertThrows(CancellationException.class, acquire::join);
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
          sem.release();
          assertEquals(1, sem.availablePermits());
        });
  }

  // mirrors SemaphoreTests.test_acquire_cancel_before_awoken
  @Test
  void acquire_cancelledBeforeRelease_permitGoesToNextWaiter() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> t1 = spawn("t1", sem::acquire);
          Task<Void> t2 = spawn("t2", sem::acquire);
          Task<Void> t3 = spawn("t3", sem::acquire);
          Task<Void> t4 = spawn("t4", sem::acquire);
          Baton.yieldNow();

          t1.cancel();
          t2.cancel();
          sem.release();
          yieldTimes(2);
          assertTrue(t3.isDone() && !t3.isCancelled());
          assertFalse(t4.isDone());
          assertTrue(t1.isCancelled() && t2.isCancelled());
          assertEquals(new Semaphore.Statistics(0, 1), sem.statistics());

          t4.cancel();
          Baton.yieldNow();
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
  }

  // mirrors SemaphoreTests.test_acquire_hang
  @Test
  void acquire_cancelThenRelease_doesNotHang() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> t1 = spawn("t1", sem::acquire);
          Task<Void> t2 = spawn("t2", sem::acquire);
          Baton.yieldNow();
          t1.cancel();
          sem.release();
          yieldTimes(2);
          assertTrue(sem.isLocked());
          assertTrue(t2.isDone() && !t2.isCancelled());
        });
  }

  // mirrors SemaphoreTests.test_acquire_no_hang
  @Test
  void release_thenCancelTheGrantee_permitIsNotLost() throws Exception {
    AtomicBoolean c2Ran = new AtomicBoolean();
    EventLoop loop =
        onLoop(
            () -> {
              Semaphore sem = new Semaphore(1);
              Task<?>[] t2 = new Task<?>[1];
              Task<Void> t1 =
                  spawn(
                      "c1",
                      () -> {
                        try (Held h = sem.hold()) {
                          Baton.yieldNow();
                        }
                        t2[0].cancel();
                      });
              t2[0] =
                  spawn(
                      "c2",
                      () -> {
                        // asyncio's c2 never enters; here the release handed c2 the permit
                        // before the cancel, so c2 enters holding it, and its next wait throws
                        try (Held h = sem.hold()) {
                          c2Ran.set(true);
                          Baton.yieldNow();
                        }
                      });
              t1.join();
              assertThrows(CancellationException.class, t2[0]::join);
              assertTrue(sem.acquire(Duration.ofSeconds(1)), "the permit came back");
            });
    assertTrue(c2Ran.get());
    assertEquals(Duration.ZERO, loop.elapsed(), "acquired without waiting");
  }

  // ------------------------------------------------------------------ handoff, no barging

  @Test
  void release_withWaiters_handsPermitToHeadWaiter() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          AtomicBoolean bReturned = new AtomicBoolean();
          Task<Void> b =
              spawn(
                  "B",
                  () -> {
                    sem.acquire();
                    bReturned.set(true);
                  });
          Task<Void> c = spawn("C", sem::acquire);
          Baton.yieldNow();
          sem.release();
          assertEquals(new Semaphore.Statistics(0, 1), sem.statistics(), "C still waits");
          assertFalse(bReturned.get(), "B has its permit but has not run");
          Task<Boolean> newcomer = Baton.spawn("D", sem::tryAcquire);
          assertFalse(newcomer.join());
          b.join();
          sem.release();
          c.join();
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void release_withWaiters_handsPermitToHeadWaiter_threads(Kind kind) throws Exception {
    Semaphore sem = new Semaphore(0);
    Worker b = Worker.start(kind, "B", sem::acquire);
    eventually("B waits", () -> sem.statistics().waiting() == 1);
    Worker c = Worker.start(kind, "C", sem::acquire);
    eventually("C waits", () -> sem.statistics().waiting() == 2);
    sem.release();
    assertEquals(new Semaphore.Statistics(0, 1), sem.statistics());
    assertFalse(sem.tryAcquire(), "no barging past C");
    assertFalse(sem.acquire(Duration.ZERO));
    b.join();
    assertFalse(c.isDone());
    sem.release();
    c.join();
    assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void release_byAnyThread_permitsAreNotOwned(Kind kind) throws Exception {
    Semaphore sem = new Semaphore(1);
    sem.acquire();
    Worker.start(kind, "other", sem::release).join();
    assertEquals(1, sem.availablePermits());
  }

  @Test
  void release_atMaxPermits_throwsAndLeavesStateUnchanged() {
    Semaphore sem = new Semaphore(Integer.MAX_VALUE);
    assertThrows(IllegalStateException.class, sem::release);
    assertEquals(new Semaphore.Statistics(Integer.MAX_VALUE, 0), sem.statistics());
  }

  // ------------------------------------------------------------------ grant vs cancel

  @Test
  void acquire_cancelledAfterGrant_keepsPermitAndInterruptStatus() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> b =
              spawn(
                  "B",
                  () -> {
                    s.expect(2);
                    sem.acquire();
                    s.expect(4);
                    s.check(Thread.currentThread().isInterrupted(), "interrupt status kept");
                    try {
                      sem.acquire();
                      s.unreached("the next wait throws");
                    } catch (InterruptedException expected) {
                      s.expect(5);
                    }
                    sem.release(); // give back the permit the grant gave us
                  });
          s.expect(1);
          Baton.yieldNow();
          s.expect(3);
          sem.release();
          assertTrue(b.cancel());
          assertThrows(CancellationException.class, b::join);
          s.expect(6);
          assertEquals(new Semaphore.Statistics(1, 0), sem.statistics(), "counts exact");
        });
    s.finish(7);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_interruptedAfterGrant_keepsPermitAndInterruptStatus(Kind kind) throws Exception {
    Semaphore sem = new Semaphore(0);
    AtomicBoolean interruptSent = new AtomicBoolean();
    Worker b =
        Worker.start(
            kind,
            "B",
            () -> {
              sem.acquire();
              while (!interruptSent.get()) {
                Thread.onSpinWait();
              }
              assertTrue(Thread.currentThread().isInterrupted());
              assertThrows(InterruptedException.class, sem::acquire);
              sem.release();
            });
    eventually("B waits", () -> sem.statistics().waiting() == 1);
    sem.release();
    b.thread.interrupt();
    interruptSent.set(true);
    b.join();
    assertEquals(new Semaphore.Statistics(1, 0), sem.statistics());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_interruptedWhileWaiting_consumesNothing(Kind kind) throws Exception {
    Semaphore sem = new Semaphore(0);
    Worker b = Worker.start(kind, "B", sem::acquire);
    eventually("B waits", () -> sem.statistics().waiting() == 1);
    b.thread.interrupt();
    assertTrue(b.failure() instanceof InterruptedException);
    assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
    sem.release();
    assertEquals(1, sem.availablePermits());
  }

  // ------------------------------------------------------------------ entry check

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_withInterruptStatusSet_throwsEvenIfPermitFree(Kind kind) throws Exception {
    Semaphore sem = new Semaphore(3);
    Worker.start(
            kind,
            "caller",
            () -> {
              Body[] forms = {
                sem::acquire,
                () -> sem.acquire(Duration.ofSeconds(1)),
                () -> sem.acquire(Duration.ZERO),
                () -> sem.hold().close(),
              };
              for (Body form : forms) {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, form::run);
                assertEquals(new Semaphore.Statistics(3, 0), sem.statistics());
              }
            })
        .join();
  }

  @Test
  void acquire_withInterruptStatusSet_throwsEvenIfPermitFree_onLoop() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(1);
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, sem::acquire);
          assertEquals(1, sem.availablePermits());
        });
  }

  // ------------------------------------------------------------------ hold(), async face

  @Test
  void hold_closeReleasesExactlyOnce() throws Exception {
    Semaphore sem = new Semaphore(2);
    Held h = sem.hold();
    assertEquals(1, sem.availablePermits());
    h.close();
    h.close();
    assertEquals(2, sem.availablePermits(), "a second close must not create a permit");
    Held async = sem.acquireAsync().join();
    async.close();
    async.close();
    assertEquals(2, sem.availablePermits());
  }

  @Test
  void acquireAsync_futureCancel_withdrawsRequest() {
    Semaphore sem = new Semaphore(0);
    CompletableFuture<Held> f = sem.acquireAsync();
    CompletableFuture<Held> g = sem.acquireAsync();
    assertEquals(2, sem.statistics().waiting());
    assertTrue(f.cancel(false));
    assertEquals(1, sem.statistics().waiting(), "withdrawn inside cancel()");
    sem.release();
    assertTrue(g.isDone());
    assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
    g.join().close();
    assertEquals(1, sem.availablePermits());
  }

  @ParameterizedTest
  @EnumSource(LockTest.UserCompletion.class)
  void acquireAsync_completedByUserAfterGrant_passesPermitOn(LockTest.UserCompletion how) {
    Semaphore sem = new Semaphore(0);
    CompletableFuture<Held> b = sem.acquireAsync();
    CompletableFuture<Held> c = sem.acquireAsync();
    Event trigger = new Event();
    AtomicBoolean userCompletedAfterGrant = new AtomicBoolean();
    trigger
        .awaitAsync()
        .thenRun(
            () -> {
              sem.release(); // granted to b now; b's future completes after this callback
              assertEquals(new Semaphore.Statistics(0, 1), sem.statistics());
              userCompletedAfterGrant.set(how.apply(b));
            });
    trigger.set();
    assertTrue(userCompletedAfterGrant.get());
    assertTrue(c.isDone() && !c.isCompletedExceptionally(), "b's unwanted permit went to c");
    assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
    c.join().close();
    assertEquals(1, sem.availablePermits(), "exactly one permit: none lost, none duplicated");
  }

  // ------------------------------------------------------------------ Task.cancel withdraws

  @Test
  void taskCancel_withdrawsWaiterBeforeReturning() throws Exception {
    onLoop(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> b = spawn("B", sem::acquire);
          Task<Void> c = spawn("C", sem::acquire);
          Baton.yieldNow();
          b.cancel();
          assertEquals(1, sem.statistics().waiting());
          sem.release(); // goes to C
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
          c.join();
          assertThrows(CancellationException.class, b::join);
        });
  }

  @Test
  void taskCancel_withdrawsWaiterBeforeReturning_parallel() throws Exception {
    Baton.runParallel(
        () -> {
          Semaphore sem = new Semaphore(0);
          Task<Void> b = spawn("B", sem::acquire);
          eventually("B waits", () -> sem.statistics().waiting() == 1);
          Task<Void> c = spawn("C", sem::acquire);
          eventually("C waits", () -> sem.statistics().waiting() == 2);
          b.cancel();
          assertEquals(1, sem.statistics().waiting());
          sem.release();
          assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
          c.join();
          assertThrows(CancellationException.class, b::join);
        });
  }

  // ------------------------------------------------------------------ timeouts

  @Test
  void acquireTimed_expires_returnsFalseAndConsumesNothing() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Semaphore sem = new Semaphore(0);
              Task<Boolean> b = Baton.spawn("B", () -> sem.acquire(Duration.ofSeconds(2)));
              Baton.yieldNow();
              assertEquals(1, sem.statistics().waiting());
              assertFalse(b.join());
              assertEquals(new Semaphore.Statistics(0, 0), sem.statistics());
              sem.release();
              assertEquals(1, sem.availablePermits());
            });
    assertEquals(Duration.ofSeconds(2), loop.elapsed());
  }

  // ------------------------------------------------------------------ races, exact counts

  @ParameterizedTest
  @EnumSource(Kind.class)
  void cancelStorm_neverExceedsPermitsAndLosesNone(Kind kind) throws Exception {
    int permits = 2;
    Semaphore sem = new Semaphore(permits);
    AtomicInteger holders = new AtomicInteger();
    AtomicInteger maxHolders = new AtomicInteger();
    List<Worker> all = Collections.synchronizedList(new ArrayList<>());
    int workers = 5;
    int rounds = 300 * Integer.getInteger("baton.stress.scale", 1);
    for (int i = 0; i < workers; i++) {
      all.add(Worker.start(kind, "worker-" + i, () -> churn(sem, rounds, holders, maxHolders)));
    }
    Thread chaos = interruptRandomly(all);
    try {
      for (Worker w : all) {
        w.join();
      }
    } finally {
      chaos.interrupt();
      chaos.join();
    }
    assertTrue(maxHolders.get() <= permits, "max holders " + maxHolders.get());
    assertEquals(new Semaphore.Statistics(permits, 0), sem.statistics());
  }

  /** Acquires through every face in turn, under random interrupts; releases what it got. */
  static void churn(Semaphore sem, int rounds, AtomicInteger holders, AtomicInteger maxHolders) {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    for (int round = 0; round < rounds; round++) {
      Held held = null;
      try {
        switch (r.nextInt(4)) {
          case 0 -> held = sem.hold();
          case 1 -> {
            if (sem.acquire(Duration.ofNanos(r.nextInt(50_000)))) {
              held = sem::release;
            }
          }
          case 2 -> {
            if (sem.tryAcquire()) {
              held = sem::release;
            }
          }
          default -> {
            CompletableFuture<Held> f = sem.acquireAsync();
            try {
              held = f.get();
            } catch (InterruptedException e) {
              if (!f.cancel(false)) {
                held = f.join(); // completed first: the permit is ours to give back
              }
            }
          }
        }
      } catch (InterruptedException cancelled) {
        continue;
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      if (held == null) {
        continue;
      }
      int now = holders.incrementAndGet();
      maxHolders.accumulateAndGet(now, Math::max);
      if (r.nextBoolean()) {
        LockSupport.parkNanos(1); // hold it a little (about a timer tick), so others queue
      }
      holders.decrementAndGet();
      Thread.interrupted(); // an interrupt that lost to the grant
      held.close();
    }
  }

  static Thread interruptRandomly(List<Worker> workers) {
    return Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              ThreadLocalRandom r = ThreadLocalRandom.current();
              while (!Thread.currentThread().isInterrupted()) {
                workers.get(r.nextInt(workers.size())).thread.interrupt();
                LockSupport.parkNanos(r.nextInt(5_000, 50_000));
              }
            });
  }
}
