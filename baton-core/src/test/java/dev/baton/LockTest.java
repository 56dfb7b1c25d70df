package dev.baton;

import static dev.baton.TestSupport.eventually;
import static dev.baton.TestSupport.onLoop;
import static dev.baton.TestSupport.spawn;
import static dev.baton.TestSupport.yieldTimes;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance tests for {@link Lock}: one test per behaviour DESIGN.md fixes, and the behaviours of
 * CPython's {@code LockTests} (test_locks.py), on a virtual-time loop and on plain threads.
 */
class LockTest {

  static boolean ownedBy(Lock lock, String name) {
    String owner = lock.statistics().owner();
    return owner != null && owner.contains(name);
  }

  /** A task body that takes the lock, records {@code i}, and holds it until {@code done} is set. */
  private static Body holder(Lock lock, List<Integer> result, int i, Event done) {
    return () -> {
      lock.acquire();
      result.add(i);
      done.await();
      lock.release();
    };
  }

  // ------------------------------------------------------------------ FIFO, no barging

  // mirrors LockTests.test_acquire
  @Test
  void acquire_waitersServedInArrivalOrder() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Lock lock = new Lock();
          Event done1 = new Event();
          Event done2 = new Event();
          Event done3 = new Event();
          lock.acquire();
          Task<Void> t1 = spawn("c1", holder(lock, result, 1, done1));
          Task<Void> t2 = spawn("c2", holder(lock, result, 2, done2));
          Baton.yieldNow();
          assertEquals(List.of(), result);

          lock.release();
          Baton.yieldNow();
          assertEquals(List.of(1), result);
          Baton.yieldNow();
          assertEquals(List.of(1), result);

          Task<Void> t3 = spawn("c3", holder(lock, result, 3, done3));
          done1.set(); // c3 queues before c1 releases, but c2 came first and gets the lock
          yieldTimes(2);
          assertEquals(List.of(1, 2), result);

          done2.set();
          yieldTimes(2);
          assertEquals(List.of(1, 2, 3), result);

          done3.set();
          t1.join();
          t2.join();
          t3.join();
          assertFalse(lock.isLocked());
        });
  }

  @Test
  void acquire_allFacesShareOneFifoQueue() throws Exception {
    Lock lock = new Lock();
    List<String> order = Collections.synchronizedList(new ArrayList<>());
    lock.acquire();
    Worker platform =
        Worker.start(
            Kind.PLATFORM,
            "platform",
            () -> {
              lock.acquire();
              order.add("platform");
              lock.release();
            });
    eventually("the platform thread queues", () -> lock.statistics().waiting() == 1);
    CompletableFuture<Void> async =
        lock.acquireAsync()
            .thenAccept(
                held -> {
                  order.add("async");
                  held.close();
                });
    assertEquals(2, lock.statistics().waiting());
    Worker virtual =
        Worker.start(
            Kind.VIRTUAL,
            "virtual",
            () -> {
              lock.acquire();
              order.add("virtual");
              lock.release();
            });
    eventually("the virtual thread queues", () -> lock.statistics().waiting() == 3);
    Worker loop =
        Worker.start(
            Kind.PLATFORM,
            "loop driver",
            () ->
                onLoop(
                    () -> {
                      lock.acquire();
                      order.add("loop task");
                      lock.release();
                    }));
    eventually("the loop task queues", () -> lock.statistics().waiting() == 4);

    lock.release();
    platform.join();
    async.get(TestSupport.LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    virtual.join();
    loop.join();
    assertEquals(List.of("platform", "async", "virtual", "loop task"), order);
    assertFalse(lock.isLocked());
  }

  @Test
  void tryAcquire_failsWhileAnyoneWaits() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          Task<Void> b = spawn("B", () -> lock.acquire());
          Baton.yieldNow();
          lock.release(); // B has the lock now, although it has not run yet
          Task<Boolean> newcomer = Baton.spawn("C", lock::tryAcquire);
          Task<Boolean> timedNewcomer = Baton.spawn("D", () -> lock.acquire(Duration.ZERO));
          assertFalse(newcomer.join());
          assertFalse(timedNewcomer.join());
          b.join();
          assertTrue(ownedBy(lock, "B"));
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void tryAcquire_failsWhileAnyoneWaits_threads(Kind kind) throws Exception {
    Lock lock = new Lock();
    AtomicBoolean letGo = new AtomicBoolean();
    Worker holder =
        Worker.start(
            kind,
            "holder",
            () -> {
              lock.acquire();
              while (!letGo.get()) {
                LockSupport.parkNanos(50_000);
              }
              lock.release();
            });
    eventually("holder has the lock", lock::isLocked);
    Worker waiter =
        Worker.start(
            kind,
            "waiter",
            () -> {
              lock.acquire();
              lock.release();
            });
    eventually("waiter queues", () -> lock.statistics().waiting() == 1);
    assertFalse(lock.tryAcquire());
    assertFalse(lock.acquire(Duration.ZERO));
    assertEquals(1, lock.statistics().waiting(), "failed attempts do not queue");
    letGo.set(true);
    holder.join();
    waiter.join();
    assertTrue(lock.tryAcquire());
    lock.release();
  }

  // ------------------------------------------------------------------ direct handoff

  @Test
  void release_withWaiters_handsLockToHeadWaiter() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          s.expect(1);
          Task<Void> b =
              spawn(
                  "waiter-B",
                  () -> {
                    s.expect(2);
                    lock.acquire();
                    s.expect(4);
                    s.check(lock.isHeldByCurrentThread(), "B owns the lock when it resumes");
                    lock.release();
                  });
          Task<Void> c = spawn("waiter-C", () -> lock.acquire(Duration.ofSeconds(1)));
          Baton.yieldNow();
          s.expect(3);
          assertEquals(2, lock.statistics().waiting());
          lock.release();
          // before B runs at all: the lock is B's, not free
          assertTrue(lock.isLocked());
          assertTrue(ownedBy(lock, "waiter-B"), lock.toString());
          assertEquals(1, lock.statistics().waiting());
          b.join();
          // B's release handed it to C, which has not run yet either
          assertTrue(ownedBy(lock, "waiter-C"), lock.toString());
          c.join();
          s.expect(5);
        });
    s.finish(6);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void release_withWaiters_handsLockToHeadWaiter_threads(Kind kind) throws Exception {
    Lock lock = new Lock();
    lock.acquire();
    AtomicBoolean ownedOnReturn = new AtomicBoolean();
    AtomicBoolean letGo = new AtomicBoolean();
    Worker waiter =
        Worker.start(
            kind,
            "waiter-B",
            () -> {
              lock.acquire();
              ownedOnReturn.set(lock.isHeldByCurrentThread());
              while (!letGo.get()) {
                LockSupport.parkNanos(50_000);
              }
              lock.release();
            });
    eventually("the waiter queues", () -> lock.statistics().waiting() == 1);
    lock.release();
    // whether or not the waiter's thread has woken yet, the lock is already its own
    assertEquals(new Lock.Statistics(true, "waiter-B", 0), lock.statistics());
    assertFalse(lock.tryAcquire());
    letGo.set(true);
    waiter.join();
    assertTrue(ownedOnReturn.get());
    assertFalse(lock.isLocked());
  }

  // ------------------------------------------------------------------ grant vs cancel

  @Test
  void acquire_cancelledAfterGrant_keepsLockAndInterruptStatus() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Lock lock = new Lock();
          Event other = new Event();
          lock.acquire();
          Task<Void> b =
              spawn(
                  "B",
                  () -> {
                    s.expect(2);
                    lock.acquire(); // granted by the release, cancelled before it ran
                    s.expect(4);
                    s.check(lock.isHeldByCurrentThread(), "the grant is kept");
                    s.check(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
                    try {
                      other.await();
                      s.unreached("the next wait throws");
                    } catch (InterruptedException expected) {
                      s.expect(5);
                    } finally {
                      lock.release();
                    }
                  });
          s.expect(1);
          Baton.yieldNow();
          s.expect(3);
          lock.release();
          assertTrue(b.cancel(), "the task itself is cancelled: Future contract");
          assertTrue(ownedBy(lock, "B"), "the late cancel did not undo the grant");
          assertThrows(CancellationException.class, b::join);
          s.expect(6);
          assertFalse(lock.isLocked());
          assertEquals(0, lock.statistics().waiting());
        });
    s.finish(7);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_interruptedAfterGrant_keepsLockAndInterruptStatus(Kind kind) throws Exception {
    Lock lock = new Lock();
    lock.acquire();
    AtomicBoolean interruptSent = new AtomicBoolean();
    Worker b =
        Worker.start(
            kind,
            "B",
            () -> {
              lock.acquire(); // must return normally: the grant came before the interrupt
              try {
                while (!interruptSent.get()) {
                  Thread.onSpinWait();
                }
                assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
                assertThrows(InterruptedException.class, () -> new Event().await());
              } finally {
                lock.release();
              }
            });
    eventually("B queues", () -> lock.statistics().waiting() == 1);
    lock.release();
    b.thread.interrupt();
    interruptSent.set(true);
    b.join();
    assertFalse(lock.isLocked());
  }

  // mirrors LockTests.test_acquire_cancel
  @Test
  void acquire_cancelledBeforeGrant_consumesNothing() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          AtomicBoolean threw = new AtomicBoolean();
          Task<Void> t =
              spawn(
                  "B",
                  () -> {
                    try {
                      lock.acquire();
                    } catch (InterruptedException e) {
                      threw.set(true);
                      throw e;
                    }
                  });
          Baton.yieldNow();
          assertEquals(1, lock.statistics().waiting());
          t.cancel();
          assertEquals(0, lock.statistics().waiting(), "no waiter left behind");
          assertThrows(CancellationException.class, t::join);
          assertTrue(threw.get());
          assertTrue(lock.isHeldByCurrentThread());
          lock.release();
          assertFalse(lock.isLocked());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_interruptedWhileWaiting_throwsAndLeavesQueue(Kind kind) throws Exception {
    Lock lock = new Lock();
    lock.acquire();
    Worker b = Worker.start(kind, "B", lock::acquire);
    eventually("B queues", () -> lock.statistics().waiting() == 1);
    b.thread.interrupt();
    assertTrue(b.failure() instanceof InterruptedException);
    assertEquals(0, lock.statistics().waiting());
    assertTrue(lock.isHeldByCurrentThread());
    lock.release();
    assertFalse(lock.isLocked());
  }

  // ------------------------------------------------------------------ entry check

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_withInterruptStatusSet_throwsEvenIfFree(Kind kind) throws Exception {
    Lock lock = new Lock();
    Worker.start(
            kind,
            "caller",
            () -> {
              Body[] forms = {
                lock::acquire,
                () -> lock.acquire(Duration.ofSeconds(1)),
                () -> lock.acquire(Duration.ZERO),
                () -> lock.hold().close(),
              };
              for (Body form : forms) {
                Thread.currentThread().interrupt();
                assertThrows(InterruptedException.class, form::run);
                assertFalse(Thread.currentThread().isInterrupted(), "the throw clears the status");
                assertFalse(lock.isLocked());
              }
            })
        .join();
  }

  @Test
  void acquire_withInterruptStatusSet_throwsEvenIfFree_onLoop() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, lock::acquire);
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, lock::hold);
          assertFalse(lock.isLocked());
        });
  }

  // ------------------------------------------------------------------ ownership

  private static void assertOwnerCannotReacquire(Lock lock) {
    Lock.Statistics before = lock.statistics();
    assertThrows(IllegalStateException.class, lock::acquire);
    assertThrows(IllegalStateException.class, () -> lock.acquire(Duration.ofSeconds(1)));
    assertThrows(IllegalStateException.class, () -> lock.acquire(Duration.ZERO));
    assertThrows(IllegalStateException.class, lock::tryAcquire);
    assertThrows(IllegalStateException.class, lock::hold);
    assertEquals(before, lock.statistics());
    assertTrue(lock.isHeldByCurrentThread());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquire_byOwner_throwsIllegalStateException(Kind kind) throws Exception {
    Lock lock = new Lock();
    Worker.start(
            kind,
            "owner",
            () -> {
              lock.acquire();
              assertOwnerCannotReacquire(lock);
              lock.release(); // owned once, released once
              assertFalse(lock.isLocked());
            })
        .join();
  }

  @Test
  void acquire_byOwner_throwsIllegalStateException_onLoop() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          try (Held h = lock.hold()) {
            assertOwnerCannotReacquire(lock);
          }
          assertFalse(lock.isLocked());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void release_byNonOwner_throwsIllegalStateException(Kind kind) throws Exception {
    Lock lock = new Lock();
    AtomicBoolean letGo = new AtomicBoolean();
    Worker owner =
        Worker.start(
            kind,
            "owner",
            () -> {
              lock.acquire();
              while (!letGo.get()) {
                LockSupport.parkNanos(50_000);
              }
              lock.release();
            });
    eventually("owner has the lock", lock::isLocked);
    assertThrows(IllegalStateException.class, lock::release);
    assertTrue(lock.isLocked());
    assertTrue(ownedBy(lock, "owner"), lock.toString());
    assertEquals(0, lock.statistics().waiting());
    letGo.set(true);
    owner.join();
    assertFalse(lock.isLocked());
  }

  // mirrors LockTests.test_release_not_acquired
  @Test
  void release_ofUnlockedLock_throwsIllegalStateException() {
    Lock lock = new Lock();
    assertThrows(IllegalStateException.class, lock::release);
    assertFalse(lock.isLocked());
    assertTrue(lock.tryAcquire(), "the failed release left nothing behind");
    lock.release();
  }

  // mirrors LockTests.test_release_no_waiters
  @Test
  void release_noWaiters_unlocks() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          assertTrue(lock.isLocked());
          lock.release();
          assertFalse(lock.isLocked());
          assertNull(lock.statistics().owner());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void acquireAsync_heldIsReleasedFromAnotherThread(Kind kind) throws Exception {
    Lock lock = new Lock();
    Held held = lock.acquireAsync().join();
    assertTrue(lock.isLocked());
    assertFalse(lock.isHeldByCurrentThread(), "the Held owns the lock, not the caller");
    assertThrows(IllegalStateException.class, lock::release);
    assertTrue(lock.isLocked());
    Worker.start(kind, "closer", held::close).join();
    assertFalse(lock.isLocked());
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void statistics_namesOwnerByThreadName_andStaysEqualWhileUnchanged(Kind kind) throws Exception {
    Lock lock = new Lock();
    AtomicBoolean letGo = new AtomicBoolean();
    Worker owner =
        Worker.start(
            kind,
            "owner",
            () -> {
              lock.acquire();
              while (!letGo.get()) {
                LockSupport.parkNanos(50_000); // the thread's state flips; the lock's does not
              }
              lock.release();
            });
    eventually("owner has the lock", lock::isLocked);
    Lock.Statistics before = lock.statistics();
    assertEquals(new Lock.Statistics(true, "owner", 0), before);
    for (int i = 0; i < 20; i++) {
      LockSupport.parkNanos(100_000);
      assertEquals(before, lock.statistics());
    }
    letGo.set(true);
    owner.join();
    assertEquals(new Lock.Statistics(false, null, 0), lock.statistics());
  }

  @Test
  void statistics_namesOwningTaskByName() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          Task<Void> b = spawn("task-B", () -> lock.acquire());
          b.join();
          assertEquals(new Lock.Statistics(true, "task-B", 0), lock.statistics());
          assertTrue(lock.toString().contains("locked by task-B"), lock.toString());
        });
  }

  // ------------------------------------------------------------------ hold()

  // mirrors LockTests.test_context_manager
  @Test
  void hold_releasesAtEndOfTryWithResources() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          assertFalse(lock.isLocked());
          try (Held h = lock.hold()) {
            assertTrue(lock.isLocked());
          }
          assertFalse(lock.isLocked());
        });
  }

  @Test
  void hold_closeReleasesExactlyOnce() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          Held first = lock.hold();
          Event letGo = new Event();
          Task<Void> b =
              spawn(
                  "B",
                  () -> {
                    try (Held h = lock.hold()) {
                      letGo.await();
                    }
                  });
          Baton.yieldNow();
          first.close(); // hands the lock to B
          assertTrue(ownedBy(lock, "B"));
          first.close(); // must not release B's lock
          assertTrue(ownedBy(lock, "B"));
          Baton.yieldNow(); // B runs and waits holding the lock
          first.close();
          assertTrue(ownedBy(lock, "B"));
          letGo.set();
          b.join();
          assertFalse(lock.isLocked());
        });
  }

  @Test
  void acquireAsyncHeld_closeReleasesExactlyOnce() throws Exception {
    Lock lock = new Lock();
    Held first = lock.acquireAsync().join();
    CompletableFuture<Held> second = lock.acquireAsync();
    first.close();
    Held secondHeld = second.join();
    first.close();
    assertTrue(lock.isLocked(), "a second close of the first Held must not release the second");
    secondHeld.close();
    assertFalse(lock.isLocked());
    secondHeld.close();
    assertFalse(lock.isLocked());
    assertTrue(lock.tryAcquire());
    secondHeld.close();
    assertTrue(lock.isHeldByCurrentThread(), "an old Held does not release a new owner's lock");
    lock.release();
  }

  // ------------------------------------------------------------------ Task.cancel withdraws

  // mirrors LockTests.test_cancel_race and LockTests.test_finished_waiter_cancelled
  @Test
  void taskCancel_withdrawsWaiterBeforeReturning() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          Task<Void> b = spawn("B", () -> lock.acquire());
          Task<Void> c =
              spawn(
                  "C",
                  () -> {
                    lock.acquire();
                    lock.release();
                  });
          Baton.yieldNow();
          assertEquals(2, lock.statistics().waiting());
          assertTrue(b.cancel());
          assertEquals(1, lock.statistics().waiting(), "B left the queue inside cancel()");
          lock.release(); // the very next release goes to C
          assertTrue(ownedBy(lock, "C"), lock.toString());
          c.join();
          assertThrows(CancellationException.class, b::join);
          assertFalse(lock.isLocked());
        });
  }

  @Test
  void taskCancel_withdrawsWaiterBeforeReturning_parallel() throws Exception {
    Baton.runParallel(
        () -> {
          Lock lock = new Lock();
          lock.acquire();
          Task<Void> b = spawn("B", () -> lock.acquire());
          eventually("B queues", () -> lock.statistics().waiting() == 1);
          Task<Void> c =
              spawn(
                  "C",
                  () -> {
                    lock.acquire();
                    lock.release();
                  });
          eventually("C queues", () -> lock.statistics().waiting() == 2);
          assertTrue(b.cancel());
          assertEquals(1, lock.statistics().waiting(), "B left the queue inside cancel()");
          lock.release();
          c.join();
          assertThrows(CancellationException.class, b::join);
          assertFalse(lock.isLocked());
        });
  }

  // mirrors LockTests.test_cancel_release_race (bpo-32734)
  @Test
  void cancelAndReleaseInSameInstant_lockTakenOnce() throws Exception {
    onLoop(
        () -> {
          Lock lock = new Lock();
          AtomicInteger calls = new AtomicInteger();
          AtomicInteger locks = new AtomicInteger();
          Body lockit =
              () -> {
                calls.incrementAndGet();
                lock.acquire();
                locks.incrementAndGet();
              };
          lock.acquire();
          Task<Void> t1 = spawn("t1", lockit);
          Task<Void> t2 = spawn("t2", lockit);
          Task<Void> t3 = spawn("t3", lockit);
          Baton.yieldNow();

          t1.cancel();
          lock.release();
          assertThrows(CancellationException.class, t1::join);
          t2.join();
          assertEquals(1, locks.get(), "only one task took the lock");
          assertEquals(3, calls.get());
          assertTrue(t1.isCancelled());
          assertTrue(t2.isDone() && !t2.isCancelled());

          t3.cancel(); // t3 waits forever behind t2, which finished holding the lock
          Baton.yieldNow();
          assertTrue(t3.isCancelled());
          assertEquals(0, lock.statistics().waiting());
        });
  }

  // ------------------------------------------------------------------ async face

  @Test
  void acquireAsync_futureCancel_withdrawsRequest() {
    Lock lock = new Lock();
    Held held = lock.acquireAsync().join();
    CompletableFuture<Held> f = lock.acquireAsync();
    assertEquals(1, lock.statistics().waiting());
    assertTrue(f.cancel(false));
    assertEquals(0, lock.statistics().waiting(), "withdrawn inside cancel()");
    held.close();
    assertFalse(lock.isLocked(), "nobody got the lock");
    assertTrue(f.isCancelled());
  }

  @Test
  void acquireAsync_orTimeoutBeforeGrant_withdrawsRequest() throws Exception {
    Lock lock = new Lock();
    lock.acquire();
    CompletableFuture<Held> f = lock.acquireAsync().orTimeout(1, TimeUnit.MILLISECONDS);
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> f.get(TestSupport.LIMIT.toMillis(), TimeUnit.MILLISECONDS));
    assertTrue(e.getCause() instanceof TimeoutException);
    assertEquals(0, lock.statistics().waiting());
    lock.release();
    assertFalse(lock.isLocked());
  }

  /** How the user completes an acquireAsync future by other means than the grant. */
  enum UserCompletion {
    COMPLETE {
      @Override
      boolean apply(CompletableFuture<Held> f) {
        return f.complete(null);
      }
    },
    COMPLETE_EXCEPTIONALLY { // what orTimeout does when it fires
      @Override
      boolean apply(CompletableFuture<Held> f) {
        return f.completeExceptionally(new TimeoutException());
      }
    },
    CANCEL {
      @Override
      boolean apply(CompletableFuture<Held> f) {
        return f.cancel(false);
      }
    };

    abstract boolean apply(CompletableFuture<Held> f);
  }

  @ParameterizedTest
  @EnumSource(UserCompletion.class)
  void acquireAsync_completedByUserAfterGrant_passesLockOn(UserCompletion how) {
    Lock lock = new Lock();
    Held a = lock.acquireAsync().join();
    CompletableFuture<Held> b = lock.acquireAsync();
    CompletableFuture<Held> c = lock.acquireAsync();
    Event trigger = new Event();
    AtomicBoolean userCompletedAfterGrant = new AtomicBoolean();
    trigger
        .awaitAsync()
        .thenRun(
            () -> {
              // This runs while the engine resumes trigger's waiter, so the grant a.close() makes
              // to b is decided at once but b's completion waits until this callback returns.
              a.close();
              assertTrue(lock.isLocked());
              assertEquals(1, lock.statistics().waiting(), "b was granted: only c waits");
              userCompletedAfterGrant.set(how.apply(b));
            });
    trigger.set();
    assertTrue(userCompletedAfterGrant.get(), "the user's completion came after the grant");
    assertTrue(c.isDone() && !c.isCompletedExceptionally(), "b's unwanted lock went on to c");
    assertTrue(lock.isLocked());
    assertEquals(0, lock.statistics().waiting());
    c.join().close();
    assertFalse(lock.isLocked(), "nothing lost, nothing duplicated");
  }

  // ------------------------------------------------------------------ timeouts

  @Test
  void acquireTimed_expires_returnsFalseAndLeavesQueue() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Lock lock = new Lock();
              lock.acquire();
              Task<Boolean> b = Baton.spawn("B", () -> lock.acquire(Duration.ofSeconds(3)));
              Baton.yieldNow();
              assertEquals(1, lock.statistics().waiting());
              assertFalse(b.join());
              assertEquals(0, lock.statistics().waiting());
              assertTrue(lock.isHeldByCurrentThread());
              lock.release();
              assertFalse(lock.isLocked());
            });
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  @Test
  void acquireTimed_releasedBeforeDeadline_returnsTrue() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Lock lock = new Lock();
              lock.acquire();
              Task<Boolean> b =
                  Baton.spawn(
                      "B",
                      () -> {
                        boolean got = lock.acquire(Duration.ofSeconds(3));
                        lock.release();
                        return got;
                      });
              Baton.sleep(Duration.ofSeconds(1));
              lock.release();
              assertTrue(b.join());
              Baton.sleep(Duration.ofSeconds(5)); // the cancelled deadline never fires
              assertFalse(lock.isLocked());
            });
    assertEquals(Duration.ofSeconds(6), loop.elapsed());
  }

  // ------------------------------------------------------------------ races, exact counts

  @ParameterizedTest
  @EnumSource(Kind.class)
  void cancelStorm_keepsMutualExclusionAndLosesNothing(Kind kind) throws Exception {
    Lock lock = new Lock();
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger violations = new AtomicInteger();
    AtomicInteger acquisitions = new AtomicInteger();
    int workers = 4;
    int rounds = 300 * Integer.getInteger("baton.stress.scale", 1);
    List<Worker> all = new ArrayList<>();
    for (int i = 0; i < workers; i++) {
      all.add(
          Worker.start(
              kind,
              "worker-" + i,
              () -> {
                ThreadLocalRandom r = ThreadLocalRandom.current();
                for (int round = 0; round < rounds; round++) {
                  Held held = null;
                  try {
                    switch (r.nextInt(4)) {
                      case 0 -> held = lock.hold();
                      case 1 -> {
                        if (lock.acquire(Duration.ofNanos(r.nextInt(50_000)))) {
                          held = lock::release;
                        }
                      }
                      case 2 -> {
                        if (lock.tryAcquire()) {
                          held = lock::release;
                        }
                      }
                      default -> {
                        CompletableFuture<Held> f = lock.acquireAsync();
                        try {
                          held = f.get();
                        } catch (InterruptedException e) {
                          if (!f.cancel(false)) {
                            held = f.join(); // the grant came first: it is ours
                          }
                        }
                      }
                    }
                  } catch (InterruptedException cancelled) {
                    continue;
                  }
                  if (held == null) {
                    continue;
                  }
                  if (inside.incrementAndGet() != 1) {
                    violations.incrementAndGet();
                  }
                  acquisitions.incrementAndGet();
                  if (r.nextBoolean()) {
                    LockSupport.parkNanos(
                        1); // hold it a little (about a timer tick), so others queue
                  }
                  inside.decrementAndGet();
                  Thread.interrupted(); // a cancel that lost to the grant
                  held.close();
                }
              }));
    }
    Thread chaos =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  ThreadLocalRandom r = ThreadLocalRandom.current();
                  while (!Thread.currentThread().isInterrupted()) {
                    all.get(r.nextInt(workers)).thread.interrupt();
                    LockSupport.parkNanos(r.nextInt(5_000, 50_000));
                  }
                });
    try {
      for (Worker w : all) {
        w.join();
      }
    } finally {
      chaos.interrupt();
      chaos.join();
    }
    assertEquals(0, violations.get());
    assertTrue(acquisitions.get() > 0);
    assertFalse(lock.isLocked(), lock.toString());
    assertEquals(0, lock.statistics().waiting());
  }
}
