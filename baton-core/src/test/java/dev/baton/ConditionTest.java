package dev.baton;

import static dev.baton.TestSupport.eventually;
import static dev.baton.TestSupport.onLoop;
import static dev.baton.TestSupport.spawn;
import static dev.baton.TestSupport.yieldTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.TestSupport.Kind;
import dev.baton.TestSupport.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance tests for {@link Condition}: DESIGN.md's fixed behaviours and CPython's {@code
 * ConditionTests} (test_locks.py), on a virtual-time loop and on plain threads.
 */
class ConditionTest {

  /** A task body: wait for a signal holding the lock, record {@code i}, release. */
  private static Body waitThenRecord(Condition cond, List<Integer> result, int i) {
    return () -> {
      try (Held h = cond.hold()) {
        cond.await();
        result.add(i);
      }
    };
  }

  // ------------------------------------------------------------------ the lock is required

  // mirrors ConditionTests.test_wait_unacquired
  @Test
  void await_withoutLock_throwsIllegalMonitorStateException() {
    Condition cond = new Condition();
    Condition.Statistics before = cond.statistics();
    assertThrows(IllegalMonitorStateException.class, cond::await);
    assertThrows(IllegalMonitorStateException.class, () -> cond.await(Duration.ofSeconds(1)));
    assertThrows(IllegalMonitorStateException.class, () -> cond.await(Duration.ZERO));
    assertThrows(IllegalMonitorStateException.class, () -> cond.awaitUntil(() -> false));
    assertThrows(IllegalMonitorStateException.class, cond::awaitAsync);
    assertEquals(before, cond.statistics());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_whileAnotherThreadHoldsLock_throwsIllegalMonitorStateException(Kind kind)
      throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    Worker.start(
            kind,
            "stranger",
            () -> {
              assertThrows(IllegalMonitorStateException.class, cond::await);
              assertThrows(IllegalMonitorStateException.class, () -> cond.awaitUntil(() -> true));
              assertThrows(IllegalMonitorStateException.class, cond::signal);
              assertThrows(IllegalMonitorStateException.class, cond::signalAll);
            })
        .join();
    assertTrue(cond.lock().isHeldByCurrentThread());
    cond.release();
  }

  // mirrors ConditionTests.test_notify_unacquired and test_notify_all_unacquired
  @Test
  void signal_withoutLock_throwsIllegalMonitorStateException() {
    Condition cond = new Condition();
    Condition.Statistics before = cond.statistics();
    assertThrows(IllegalMonitorStateException.class, cond::signal);
    assertThrows(IllegalMonitorStateException.class, () -> cond.signal(2));
    assertThrows(IllegalMonitorStateException.class, () -> cond.signal(0));
    assertThrows(IllegalMonitorStateException.class, cond::signalAll);
    assertEquals(before, cond.statistics());
  }

  // mirrors ConditionTests.test_wait_for_unacquired (asyncio returns a true predicate's value
  // without the lock; Baton requires the lock for every await*)
  @Test
  void awaitUntil_withoutLock_throwsEvenIfPredicateTrue() {
    Condition cond = new Condition();
    AtomicInteger evaluations = new AtomicInteger();
    assertThrows(
        IllegalMonitorStateException.class,
        () ->
            cond.awaitUntil(
                () -> {
                  evaluations.incrementAndGet();
                  return true;
                }));
    assertEquals(0, evaluations.get(), "the predicate is never evaluated without the lock");
    assertThrows(IllegalMonitorStateException.class, () -> cond.awaitUntil(() -> false));
  }

  // ------------------------------------------------------------------ await re-acquires

  // mirrors ConditionTests.test_wait
  @Test
  void await_reacquiresLockBeforeReturning() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> c1 =
              spawn(
                  "c1",
                  () -> {
                    try (Held h = cond.hold()) {
                      cond.await();
                      result.add(1);
                      cond.signal(2); // the other two, while c1 still holds the lock
                    }
                  });
          Task<Void> c2 = spawn("c2", waitThenRecord(cond, result, 2));
          Task<Void> c3 = spawn("c3", waitThenRecord(cond, result, 3));
          Baton.yieldNow();
          assertEquals(List.of(), result);
          assertFalse(cond.isLocked());
          assertEquals(3, cond.statistics().waiting());

          cond.acquire();
          cond.signal();
          Baton.yieldNow();
          assertEquals(List.of(), result, "signalled, but the lock is still ours");
          assertTrue(cond.isLocked());

          cond.release(); // straight to c1
          assertTrue(cond.isLocked());
          assertTrue(LockTest.ownedBy(cond.lock(), "c1"));
          Baton.yieldNow();
          assertEquals(List.of(1), result);
          assertTrue(cond.isLocked(), "c1 handed the lock on to c2");

          Baton.yieldNow();
          assertEquals(List.of(1, 2), result);
          assertTrue(cond.isLocked());

          Baton.yieldNow();
          assertEquals(List.of(1, 2, 3), result);
          assertFalse(cond.isLocked());
          c1.join();
          c2.join();
          c3.join();
        });
  }

  // ------------------------------------------------------------------ signal(n)

  // mirrors ConditionTests.test_notify
  @Test
  void signal_n_wakesAtMostNInArrivalOrder() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Condition cond = new Condition();
          List<Task<Void>> tasks = new ArrayList<>();
          for (int i = 1; i <= 3; i++) {
            tasks.add(spawn("c" + i, waitThenRecord(cond, result, i)));
          }
          Baton.yieldNow();
          assertEquals(List.of(), result);

          cond.acquire();
          cond.signal(1);
          assertEquals(2, cond.statistics().waiting());
          cond.release();
          yieldTimes(2);
          assertEquals(List.of(1), result);

          cond.acquire();
          cond.signal(0);
          assertEquals(2, cond.statistics().waiting(), "signal(0) wakes nobody");
          cond.signal(1);
          cond.signal(2048);
          assertEquals(0, cond.statistics().waiting());
          cond.release();
          yieldTimes(3);
          assertEquals(List.of(1, 2, 3), result);
          for (Task<Void> t : tasks) {
            t.join();
          }
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void signal_n_wakesAtMostNInArrivalOrder_threads(Kind kind) throws Exception {
    Condition cond = new Condition();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    List<Worker> workers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      String name = "w" + i;
      workers.add(
          Worker.start(
              kind,
              name,
              () -> {
                try (Held h = cond.hold()) {
                  cond.await();
                  order.add(name);
                }
              }));
      int queued = i + 1;
      eventually(name + " waits", () -> cond.statistics().waiting() == queued);
    }
    try (Held h = cond.hold()) {
      cond.signal(3);
      assertEquals(1, cond.statistics().waiting());
      assertEquals(3, cond.lock().statistics().waiting(), "moved onto the lock's queue, FIFO");
    }
    for (int i = 0; i < 3; i++) {
      workers.get(i).join();
    }
    assertEquals(List.of("w0", "w1", "w2"), order);
    assertFalse(workers.get(3).isDone());
    try (Held h = cond.hold()) {
      cond.signal();
    }
    workers.get(3).join();
  }

  // mirrors ConditionTests.test_notify_all
  @Test
  void signalAll_wakesEveryWaiter() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> c1 = spawn("c1", waitThenRecord(cond, result, 1));
          Task<Void> c2 = spawn("c2", waitThenRecord(cond, result, 2));
          Baton.yieldNow();
          assertEquals(List.of(), result);
          try (Held h = cond.hold()) {
            cond.signalAll();
            assertEquals(0, cond.statistics().waiting());
          }
          c1.join();
          c2.join();
        });
    assertEquals(List.of(1, 2), result);
  }

  // ------------------------------------------------------------------ awaitUntil

  // mirrors ConditionTests.test_wait_for
  @Test
  void awaitUntil_checksPredicateUnderLockBeforeAndAfterEachWakeup() throws Exception {
    List<Integer> result = new ArrayList<>();
    List<Boolean> heldDuringCheck = new ArrayList<>();
    onLoop(
        () -> {
          Condition cond = new Condition();
          boolean[] presult = {false};
          BooleanSupplier predicate =
              () -> {
                heldDuringCheck.add(cond.lock().isHeldByCurrentThread());
                return presult[0];
              };
          Task<Void> t =
              spawn(
                  "c1",
                  () -> {
                    try (Held h = cond.hold()) {
                      cond.awaitUntil(predicate);
                      result.add(1);
                    }
                  });
          Baton.yieldNow();
          assertEquals(List.of(), result);
          assertEquals(1, heldDuringCheck.size(), "checked once before waiting");

          try (Held h = cond.hold()) {
            cond.signal();
          }
          yieldTimes(2);
          assertEquals(List.of(), result);
          assertEquals(2, heldDuringCheck.size(), "checked again after the wake-up");
          assertEquals(1, cond.statistics().waiting(), "and waits again");

          presult[0] = true;
          try (Held h = cond.hold()) {
            cond.signal();
          }
          yieldTimes(2);
          assertEquals(List.of(1), result);
          assertTrue(t.isDone());
          t.join();
        });
    assertEquals(List.of(true, true, true), heldDuringCheck);
  }

  @Test
  void awaitUntil_predicateAlreadyTrue_returnsWithoutWaiting() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          try (Held h = cond.hold()) {
            cond.awaitUntil(() -> true);
            assertTrue(cond.lock().isHeldByCurrentThread());
            assertEquals(0, cond.statistics().waiting());
          }
        });
  }

  // ------------------------------------------------------------------ cancel and timeout

  // mirrors ConditionTests.test_wait_cancel
  @Test
  void await_cancelled_reacquiresLockBeforeThrowing() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> wait =
              spawn(
                  "wait",
                  () -> {
                    try (Held h = cond.hold()) {
                      s.expect(1);
                      try {
                        cond.await();
                        s.unreached("await returns");
                      } catch (InterruptedException e) {
                        s.expect(4);
                        s.check(cond.lock().isHeldByCurrentThread(), "lock held when it throws");
                        throw e;
                      }
                    }
                  });
          Baton.yieldNow();
          s.expect(2);
          cond.acquire(); // contest the lock the cancelled waiter must get back
          wait.cancel();
          assertEquals(0, cond.statistics().waiting(), "no waiter left on the condition");
          Baton.yieldNow();
          assertEquals(1, cond.lock().statistics().waiting(), "it waits for the lock instead");
          yieldTimes(3); // it cannot throw before it has the lock back: step 4 comes after 3
          assertTrue(wait.isCancelled());
          s.expect(3);
          cond.release(); // to the cancelled waiter, which throws holding it
          assertThrows(CancellationException.class, wait::join);
          s.expect(5);
          assertFalse(cond.isLocked());
        });
    s.finish(6);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_interrupted_reacquiresLockBeforeThrowing(Kind kind) throws Exception {
    Condition cond = new Condition();
    AtomicBoolean heldWhenThrown = new AtomicBoolean();
    Worker w =
        Worker.start(
            kind,
            "waiter",
            () -> {
              try (Held h = cond.hold()) {
                try {
                  cond.await();
                } catch (InterruptedException e) {
                  heldWhenThrown.set(cond.lock().isHeldByCurrentThread());
                  throw e;
                }
              }
            });
    eventually("the waiter waits", () -> cond.statistics().waiting() == 1);
    cond.acquire();
    w.thread.interrupt();
    eventually("it waits for the lock", () -> cond.lock().statistics().waiting() == 1);
    assertFalse(w.isDone(), "it cannot throw before it has the lock back");
    cond.release();
    assertTrue(w.failure() instanceof InterruptedException);
    assertTrue(heldWhenThrown.get());
    assertFalse(cond.isLocked());
  }

  // mirrors ConditionTests.test_timeout_in_block
  @Test
  void await_timeoutInBlock_throwsTimeoutExceptionHoldingLock() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Condition cond = new Condition();
              try (Held h = cond.hold()) {
                assertThrows(
                    TimeoutException.class,
                    () ->
                        Baton.timeout(
                            Duration.ofMillis(500),
                            () -> {
                              cond.await();
                              return null;
                            }));
                assertTrue(cond.lock().isHeldByCurrentThread());
                assertEquals(0, cond.statistics().waiting());
              }
              assertFalse(cond.isLocked());
            });
    assertEquals(Duration.ofMillis(500), loop.elapsed());
  }

  @Test
  void awaitTimed_expires_reacquiresLockBeforeReturning() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Condition cond = new Condition();
          Task<Duration> waiter =
              Baton.spawn(
                  "waiter",
                  () -> {
                    try (Held h = cond.hold()) {
                      assertFalse(cond.await(Duration.ofSeconds(1)));
                      assertTrue(cond.lock().isHeldByCurrentThread());
                      return loop.elapsed();
                    }
                  });
          Baton.sleep(Duration.ofMillis(500));
          try (Held h = cond.hold()) {
            Baton.sleep(Duration.ofSeconds(2)); // hold the lock past the waiter's deadline
          }
          assertEquals(Duration.ofMillis(2500), waiter.join(), "returned once it had the lock");
          assertEquals(0, cond.statistics().waiting());
        });
  }

  @Test
  void awaitTimed_signalledInTime_returnsTrue() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Boolean> waiter =
              Baton.spawn(
                  "waiter",
                  () -> {
                    try (Held h = cond.hold()) {
                      return cond.await(Duration.ofSeconds(5));
                    }
                  });
          Baton.sleep(Duration.ofSeconds(1));
          try (Held h = cond.hold()) {
            cond.signal();
          }
          assertTrue(waiter.join());
        });
  }

  // mirrors ConditionTests.test_cancelled_error_wakeup
  @Test
  void awaitUntil_cancelledWhileWaiting_throwsAndReleasesOnExit() throws Exception {
    AtomicBoolean threw = new AtomicBoolean();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> task =
              spawn(
                  "func",
                  () -> {
                    try (Held h = cond.hold()) {
                      try {
                        cond.awaitUntil(() -> false);
                      } catch (InterruptedException e) {
                        threw.set(cond.lock().isHeldByCurrentThread());
                        throw e;
                      }
                    }
                  });
          Baton.yieldNow();
          task.cancel();
          assertThrows(CancellationException.class, task::join);
          assertFalse(cond.isLocked());
          assertEquals(0, cond.statistics().waiting());
        });
    assertTrue(threw.get());
  }

  // mirrors ConditionTests.test_cancelled_error_re_aquire: asyncio raises CancelledError once
  // the lock is back; in Baton the signal came first and won, so the call returns normally
  // holding the lock, and the interrupt status makes the next wait throw.
  @Test
  void awaitUntil_cancelledAfterSignal_returnsHoldingLockAndNextWaitThrows() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Condition cond = new Condition();
          boolean[] wake = {false};
          Task<Void> task =
              spawn(
                  "func",
                  () -> {
                    try (Held h = cond.hold()) {
                      cond.awaitUntil(() -> wake[0]);
                      s.expect(3);
                      s.check(cond.lock().isHeldByCurrentThread(), "holds the lock");
                      s.check(Thread.currentThread().isInterrupted(), "interrupt status kept");
                      try {
                        cond.await();
                        s.unreached("the next wait throws");
                      } catch (InterruptedException expected) {
                        s.expect(4);
                      }
                    }
                  });
          Baton.yieldNow();
          s.expect(1);
          cond.acquire();
          wake[0] = true;
          cond.signal();
          Baton.yieldNow();
          task.cancel(); // while it waits to re-acquire the lock
          s.expect(2);
          cond.release();
          assertThrows(CancellationException.class, task::join);
          s.expect(5);
          assertFalse(cond.isLocked());
        });
    s.finish(6);
  }

  // mirrors ConditionTests.test_wait_cancel_contested
  @Test
  void await_signalledThenCancelledWhileLockContested_returnsNormally() throws Exception {
    AtomicBoolean returnedNormally = new AtomicBoolean();
    AtomicBoolean heldOnReturn = new AtomicBoolean();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> waitTask =
              spawn(
                  "wait",
                  () -> {
                    try (Held h = cond.hold()) {
                      cond.await();
                      returnedNormally.set(true);
                      heldOnReturn.set(cond.lock().isHeldByCurrentThread());
                    }
                  });
          Baton.yieldNow();
          assertFalse(cond.isLocked());

          cond.acquire();
          assertTrue(cond.isLocked());
          cond.signal();
          waitTask.cancel();
          cond.release();
          assertTrue(cond.isLocked(), "handed to the signalled waiter");
          assertThrows(CancellationException.class, waitTask::join);
          assertFalse(cond.isLocked());
        });
    assertTrue(returnedNormally.get(), "no cancellation point after the signal");
    assertTrue(heldOnReturn.get());
  }

  // mirrors ConditionTests.test_wait_cancel_after_notify (bpo-32841)
  @Test
  void await_cancelledAfterSignal_lockNotLeaked() throws Exception {
    AtomicBoolean waited = new AtomicBoolean();
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Void> waiter =
              spawn(
                  "waiter",
                  () -> {
                    try (Held h = cond.hold()) {
                      waited.set(true);
                      cond.await();
                    }
                  });
          Baton.yieldNow(); // start waiting
          cond.acquire();
          cond.signal();
          Baton.yieldNow(); // asyncio: get to acquire()
          waiter.cancel();
          Baton.yieldNow(); // asyncio: activate cancellation
          cond.release();
          Baton.yieldNow();
          assertTrue(waiter.isCancelled());
          assertThrows(CancellationException.class, waiter::join);
          assertFalse(cond.isLocked(), "the lock was not left held");
        });
    assertTrue(waited.get());
  }

  // ------------------------------------------------------------------ no lost signal

  /** The consumer of CPython's test_cancelled_wakeup tests. */
  private static Body consumer(Condition cond, int[] state) {
    return () -> {
      try (Held h = cond.hold()) {
        for (; ; ) {
          cond.awaitUntil(() -> state[0] != 0);
          if (state[0] < 0) {
            return;
          }
          state[0]--;
        }
      }
    };
  }

  private static void awaitConsumed(Condition cond, int[] state) throws Exception {
    try {
      Baton.timeout(
          Duration.ofMillis(10),
          () -> {
            cond.awaitUntil(() -> state[0] == 0);
            return null;
          });
    } catch (TimeoutException ignored) {
      // nobody signals back; what matters is the state below
    }
  }

  // mirrors ConditionTests.test_cancelled_wakeup (gh-112202)
  @Test
  void signal_thenCancelSignalledWaiter_noLostWakeup() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          int[] state = {0};
          Task<Void> c0 = spawn("c0", consumer(cond, state));
          Task<Void> c1 = spawn("c1", consumer(cond, state));
          Baton.yieldNow();
          try (Held h = cond.hold()) {
            state[0]++;
            cond.signal(1);
            c0.cancel(); // while it waits to run: the signal already reached it
            awaitConsumed(cond, state);
            assertEquals(0, state[0], "the item was consumed: the signal was not lost");
            state[0] = -1;
            cond.signalAll();
          }
          c1.join();
          assertThrows(CancellationException.class, c0::join);
          assertFalse(cond.isLocked());
        });
  }

  // mirrors ConditionTests.test_cancelled_wakeup_relock
  @Test
  void signal_thenCancelWaiterWhileItRelocks_noLostWakeup() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          int[] state = {0};
          Task<Void> c0 = spawn("c0", consumer(cond, state));
          Task<Void> c1 = spawn("c1", consumer(cond, state));
          Baton.yieldNow();
          try (Held h = cond.hold()) {
            state[0]++;
            cond.signal(1);
            Baton.yieldNow(); // asyncio: let c0 wake and wait for the lock
            c0.cancel();
            awaitConsumed(cond, state);
            assertEquals(0, state[0]);
            state[0] = -1;
            cond.signalAll();
          }
          c1.join();
          assertThrows(CancellationException.class, c0::join);
        });
  }

  @Test
  void signal_skipsWaiterCancelledBeforeIt_passesToNext() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          List<Integer> result = new ArrayList<>();
          Task<Void> a = spawn("a", waitThenRecord(cond, result, 1));
          Task<Void> b = spawn("b", waitThenRecord(cond, result, 2));
          Baton.yieldNow();
          try (Held h = cond.hold()) {
            a.cancel(); // withdrawn from the condition at once
            assertEquals(1, cond.statistics().waiting());
            cond.signal(1); // so this reaches b
            assertEquals(0, cond.statistics().waiting());
          }
          b.join();
          assertThrows(CancellationException.class, a::join);
          assertEquals(List.of(2), result);
          assertFalse(cond.isLocked());
        });
  }

  @Test
  void signal_skipsWaiterTimedOutBeforeIt_passesToNext() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          Task<Boolean> a =
              Baton.spawn(
                  "a",
                  () -> {
                    try (Held h = cond.hold()) {
                      return cond.await(Duration.ofSeconds(1));
                    }
                  });
          Task<Boolean> b =
              Baton.spawn(
                  "b",
                  () -> {
                    try (Held h = cond.hold()) {
                      return cond.await(Duration.ofSeconds(10));
                    }
                  });
          Baton.sleep(Duration.ofSeconds(2));
          try (Held h = cond.hold()) {
            assertEquals(1, cond.statistics().waiting());
            cond.signal(1);
          }
          assertFalse(a.join());
          assertTrue(b.join());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void signal_racingInterrupt_wakesExactlyOneWaiter(Kind kind) throws Exception {
    for (int round = 0; round < 20; round++) {
      Condition cond = new Condition();
      AtomicBoolean aThrew = new AtomicBoolean();
      AtomicBoolean aKeptInterrupt = new AtomicBoolean();
      Worker a =
          Worker.start(
              kind,
              "a",
              () -> {
                try (Held h = cond.hold()) {
                  cond.await();
                  aKeptInterrupt.set(Thread.currentThread().isInterrupted());
                } catch (InterruptedException e) {
                  aThrew.set(true);
                }
              });
      eventually("a waits", () -> cond.statistics().waiting() == 1);
      Worker b =
          Worker.start(
              kind,
              "b",
              () -> {
                try (Held h = cond.hold()) {
                  cond.await();
                }
              });
      eventually("b waits", () -> cond.statistics().waiting() == 2);
      try (Held h = cond.hold()) {
        a.thread.interrupt();
        cond.signal(1); // reaches a if a has not withdrawn yet, else b
      }
      a.join();
      if (aThrew.get()) {
        b.join(); // a withdrew first: the signal went on to b
      } else {
        assertTrue(aKeptInterrupt.get(), "a took the signal; its interrupt is kept");
        assertEquals(1, cond.statistics().waiting(), "b still waits: one signal, one wake-up");
        try (Held h = cond.hold()) {
          cond.signal();
        }
        b.join();
      }
      assertFalse(cond.isLocked());
    }
  }

  /**
   * One producer signals once per item; consumers are interrupted at random. A signal lost to a
   * cancelled consumer would leave the last items unconsumed while the others sleep.
   */
  @ParameterizedTest
  @EnumSource(Kind.class)
  @Timeout(30)
  void producerConsumer_underRandomInterrupts_consumesEveryItem(Kind kind) throws Exception {
    Condition cond = new Condition();
    int[] items = {0};
    boolean[] done = {false};
    AtomicInteger consumed = new AtomicInteger();
    int total = 2000;
    List<Worker> consumers = Collections.synchronizedList(new ArrayList<>());
    for (int i = 0; i < 3; i++) {
      consumers.add(
          Worker.start(
              kind,
              "consumer-" + i,
              () -> {
                for (; ; ) {
                  try (Held h = cond.hold()) {
                    cond.awaitUntil(() -> items[0] > 0 || done[0]);
                    if (items[0] == 0) {
                      return; // done and drained
                    }
                    items[0]--;
                    consumed.incrementAndGet();
                  } catch (InterruptedException cancelled) {
                    // cancelled; wait again
                  }
                }
              }));
    }
    Thread chaos = SemaphoreTest.interruptRandomly(consumers);
    try {
      for (int i = 0; i < total; i++) {
        try (Held h = cond.hold()) {
          items[0]++;
          cond.signal();
        }
      }
      eventually("every item is consumed", () -> consumed.get() == total);
    } finally {
      chaos.interrupt();
      chaos.join();
      try (Held h = cond.hold()) {
        done[0] = true;
        cond.signalAll();
      }
    }
    for (Worker w : consumers) {
      w.join();
    }
    assertEquals(0, items[0]);
  }

  /**
   * Regression: a signalled waiter cannot be cancelled (the signal won), so if the lock's owner
   * finishes without releasing it, cancelling the stuck task does nothing. The loop used to declare
   * the deadlock, cancel, and declare it again forever; run must throw DeadlockException.
   */
  @Test
  void signalledWaiter_lockOwnerFinishesHoldingIt_runThrowsDeadlockException() {
    DeadlockException e =
        assertTimeoutPreemptively(
            TestSupport.LIMIT,
            () ->
                assertThrows(
                    DeadlockException.class,
                    () ->
                        onLoop(
                            () -> {
                              Condition cond = new Condition();
                              spawn(
                                  "stuck-waiter",
                                  () -> {
                                    try (Held h = cond.hold()) {
                                      cond.await();
                                    }
                                  });
                              Baton.yieldNow();
                              cond.acquire();
                              cond.signal();
                              // main returns holding the lock the signalled waiter needs back
                            })));
    assertTrue(e.getMessage().contains("stuck-waiter"), e.getMessage());
  }

  /**
   * Regression: await() hands the lock to a task queued on it. The grant was recorded on the lock's
   * queue but only the condition's queue was flushed, so the new owner was never woken: on a loop,
   * a false DeadlockException; on threads, a hang until some unrelated lock call.
   */
  @Test
  void await_handsLockToQueuedTask_whichRuns() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          boolean[] ready = {false};
          Task<Void> consumer =
              spawn(
                  "consumer",
                  () -> {
                    try (Held h = cond.hold()) {
                      Baton.yieldNow(); // the producer queues on the lock meanwhile
                      cond.awaitUntil(() -> ready[0]);
                    }
                  });
          Task<Void> producer =
              spawn(
                  "producer",
                  () -> {
                    try (Held h = cond.hold()) {
                      ready[0] = true;
                      cond.signal();
                    }
                  });
          consumer.join();
          producer.join();
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_handsLockToQueuedThread_whichWakes(Kind kind) throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    AtomicBoolean signalled = new AtomicBoolean();
    Worker producer =
        Worker.start(
            kind,
            "producer",
            () -> {
              try (Held h = cond.hold()) {
                signalled.set(true);
                cond.signal();
              }
            });
    eventually("the producer queues on the lock", () -> cond.lock().statistics().waiting() == 1);
    assertTrue(cond.await(TestSupport.LIMIT), "the producer got the lock and signalled");
    assertTrue(signalled.get());
    cond.release();
    producer.join();
  }

  // ------------------------------------------------------------------ grant wins, entry check

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_interruptedAfterSignal_returnsNormallyWithInterruptStatus(Kind kind) throws Exception {
    Condition cond = new Condition();
    AtomicBoolean kept = new AtomicBoolean();
    Worker w =
        Worker.start(
            kind,
            "waiter",
            () -> {
              try (Held h = cond.hold()) {
                cond.await();
                kept.set(Thread.currentThread().isInterrupted());
              }
            });
    eventually("the waiter waits", () -> cond.statistics().waiting() == 1);
    try (Held h = cond.hold()) {
      cond.signal();
      w.thread.interrupt(); // after the signal: too late to cancel the wait
    }
    w.join();
    assertTrue(kept.get());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_withInterruptStatusSet_throwsWithoutReleasingLock(Kind kind) throws Exception {
    Condition cond = new Condition();
    Worker.start(
            kind,
            "caller",
            () -> {
              try (Held h = cond.hold()) {
                Condition.Statistics before = cond.statistics();
                Body[] forms = {
                  cond::await,
                  () -> cond.await(Duration.ofSeconds(1)),
                  () -> cond.await(Duration.ZERO),
                  () -> cond.awaitUntil(() -> false),
                };
                for (Body form : forms) {
                  Thread.currentThread().interrupt();
                  assertThrows(InterruptedException.class, form::run);
                  assertEquals(before, cond.statistics());
                  assertTrue(cond.lock().isHeldByCurrentThread());
                }
              }
            })
        .join();
  }

  @Test
  void awaitUntil_withInterruptStatusSet_throwsEvenIfPredicateTrue() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          try (Held h = cond.hold()) {
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> cond.awaitUntil(() -> true));
            assertTrue(cond.lock().isHeldByCurrentThread());
          }
        });
  }

  // ------------------------------------------------------------------ Task.cancel withdraws

  @Test
  void taskCancel_withdrawsWaiterBeforeReturning_parallel() throws Exception {
    Baton.runParallel(
        () -> {
          Condition cond = new Condition();
          List<Integer> result = Collections.synchronizedList(new ArrayList<>());
          Task<Void> a = spawn("a", waitThenRecord(cond, result, 1));
          eventually("a waits", () -> cond.statistics().waiting() == 1);
          Task<Void> b = spawn("b", waitThenRecord(cond, result, 2));
          eventually("b waits", () -> cond.statistics().waiting() == 2);
          try (Held h = cond.hold()) {
            a.cancel();
            assertEquals(1, cond.statistics().waiting());
            cond.signal();
          }
          b.join();
          assertThrows(CancellationException.class, a::join);
          assertEquals(List.of(2), result);
        });
  }

  // ------------------------------------------------------------------ async face, shared lock

  @Test
  void awaitAsync_completesHoldingLockAfterSignal() throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    CompletableFuture<Held> f = cond.awaitAsync();
    assertFalse(cond.isLocked(), "awaitAsync released the lock");
    assertEquals(1, cond.statistics().waiting());
    cond.acquire();
    cond.signal();
    assertFalse(f.isDone(), "signalled, but the lock is still ours");
    cond.release();
    assertTrue(f.isDone());
    assertTrue(cond.isLocked(), "the future's Held owns the lock");
    assertThrows(IllegalStateException.class, cond::release);
    Worker.start(Kind.VIRTUAL, "closer", f.join()::close).join();
    assertFalse(cond.isLocked());
  }

  @Test
  void awaitAsync_cancelBeforeSignal_withdrawsWithoutReacquiring() throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    CompletableFuture<Held> f = cond.awaitAsync();
    assertTrue(f.cancel(false));
    assertEquals(0, cond.statistics().waiting());
    assertFalse(cond.isLocked());
    cond.acquire();
    cond.signal(); // reaches nobody
    cond.release();
    assertFalse(cond.isLocked());
  }

  @ParameterizedTest
  @EnumSource(LockTest.UserCompletion.class)
  void awaitAsync_completedByUserAfterGrant_passesLockOn(LockTest.UserCompletion how)
      throws Exception {
    Condition cond = new Condition();
    cond.acquire();
    CompletableFuture<Held> f = cond.awaitAsync();
    cond.acquire();
    cond.signal(); // f now waits for the lock, beyond cancelling by the engine's rules
    Event trigger = new Event();
    AtomicBoolean userCompletedAfterGrant = new AtomicBoolean();
    trigger
        .awaitAsync()
        .thenRun(
            () -> {
              // runs on this thread inside trigger.set(), while the engine resumes: the release
              // grants the lock to f at once, and f's completion waits until this returns
              cond.release();
              assertTrue(cond.isLocked());
              userCompletedAfterGrant.set(how.apply(f));
            });
    trigger.set();
    assertTrue(userCompletedAfterGrant.get());
    assertFalse(cond.isLocked(), "the lock f's user did not want was given back");
    assertTrue(cond.lock().tryAcquire());
    cond.release();
  }

  // mirrors ConditionTests.test_explicit_lock
  @Test
  void conditionsOnOneLock_shareItButNotTheirWaiters() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          Condition notEmpty = new Condition(lock);
          Condition notFull = new Condition(lock);
          assertSame(lock, notEmpty.lock());
          assertFalse(lock.isLocked() || notEmpty.isLocked());
          try (Held h = notEmpty.hold()) {
            assertTrue(lock.isLocked() && notFull.isLocked());
          }
          assertFalse(lock.isLocked());
          try (Held h = lock.hold()) {
            assertTrue(notEmpty.isLocked());
          }
          List<Integer> result = new ArrayList<>();
          Task<Void> a = spawn("a", waitThenRecord(notEmpty, result, 1));
          Task<Void> b = spawn("b", waitThenRecord(notFull, result, 2));
          Baton.yieldNow();
          try (Held h = lock.hold()) {
            notFull.signalAll();
            assertEquals(1, notEmpty.statistics().waiting(), "notEmpty's waiter stays");
          }
          b.join();
          assertEquals(List.of(2), result);
          try (Held h = notEmpty.hold()) {
            notEmpty.signal();
          }
          a.join();
          assertEquals(List.of(2, 1), result);
        });
  }

  // mirrors ConditionTests.test_context_manager
  @Test
  void hold_locksForTheBlock() throws Exception {
    onLoop(
        () -> {
          Condition cond = new Condition();
          assertFalse(cond.isLocked());
          try (Held h = cond.hold()) {
            assertTrue(cond.isLocked());
          }
          assertFalse(cond.isLocked());
        });
  }
}
