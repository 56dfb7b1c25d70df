package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.DeadlockException;
import dev.baton.EventLoop;
import dev.baton.Held;
import dev.baton.Lock;
import dev.baton.Semaphore;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Loop tasks and platform threads outside the loop on one {@link Lock} and one {@link Semaphore}:
 * platform threads take and release the lock the loop's tasks wait for, and release the permits
 * (the semaphore starts at 0) that the loop's tasks consume, so grants cross from outside threads
 * into the loop (through its inbox) while the tasks cancel each other and time out.
 *
 * <p>Checked per iteration: at most one holder of the lock, loop tasks and platform threads
 * together; permits consumed by the loop + permits left == permits released from outside (none lost
 * to a cancel that raced a grant from another thread, none created); nothing left queued; every
 * async request settled; the loop finished (bounded) without a deadlock report.
 *
 * <p>How this test can fail: a grant from a platform thread to a loop task that is being cancelled
 * at that moment must end either as an acquisition or as a permit still available; if it vanished,
 * the permit equation would be one short. A wake-up from outside that the loop missed leaves a task
 * waiting forever and the loop never finishes.
 */
class LoopAndThreadsStressTest {
  private static final int TASKS = 1_500;
  private static final int LOCKERS = 2;
  private static final int RELEASERS = 2;
  private static final int LOCK_ROUNDS = 400;
  private static final int PERMITS_EACH = 400;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void loopTasksAndPlatformThreads_shareLockAndSemaphore_nothingLost() throws Exception {
    int iterations = Stress.scaled(12);
    long start = System.nanoTime();
    LongAdder loopLocks = new LongAdder();
    LongAdder outsideLocks = new LongAdder();
    LongAdder consumed = new LongAdder();
    LongAdder cancels = new LongAdder();
    for (int i = 0; i < iterations; i++) {
      Iteration it = new Iteration();
      it.run("loop + threads iteration " + i);
      loopLocks.add(it.loopLocks.sum());
      outsideLocks.add(it.outsideLocks.sum());
      consumed.add(it.consumed.sum());
      cancels.add(it.cancels.sum());
    }
    Stress.report(
        "loop + platform threads",
        String.format(
            "%d iterations x (%d tasks, %d platform threads); lock taken %,d times by tasks and"
                + " %,d by threads; %,d of %,d permits consumed by tasks; %,d task cancels",
            iterations,
            TASKS,
            LOCKERS + RELEASERS,
            loopLocks.sum(),
            outsideLocks.sum(),
            consumed.sum(),
            (long) iterations * RELEASERS * PERMITS_EACH,
            cancels.sum()),
        start);
  }

  /**
   * A primitive used for the first time at the same instant by a loop task and by a thread outside
   * the loop: the loop must learn that something outside may wake a task waiting on it, and must
   * not declare a deadlock while the task waits for the outside thread's release.
   */
  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void firstUseAtOnceInsideAndOutsideTheLoop_neverDeclaredDeadlocked() throws Exception {
    int iterations = Stress.scaled(500);
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      Semaphore sem = new Semaphore(0);
      AtomicInteger arrived = new AtomicInteger();
      AtomicInteger touched = new AtomicInteger();
      Thread outside =
          Thread.ofPlatform()
              .start(
                  () -> {
                    rendezvous(arrived);
                    sem.tryAcquire(); // first use from outside (nothing to take)
                    rendezvous(touched);
                    LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(300));
                    sem.release();
                  });
      String where = "iteration " + i;
      try {
        Stress.runBounded(
            where,
            Stress.ITERATION_BOUND,
            () -> {
              EventLoop.create()
                  .run(
                      () -> {
                        rendezvous(arrived);
                        sem.tryAcquire(); // first use from the loop, at the same moment
                        rendezvous(touched); // both uses are done before this task waits
                        sem.acquire(); // the release comes from outside: not a deadlock
                      });
              return null;
            });
      } catch (DeadlockException e) {
        throw new AssertionError(where + ": false deadlock", e);
      }
      outside.join();
      assertEquals(0, sem.availablePermits(), where);
    }
    Stress.report(
        "first use inside and outside the loop at once",
        iterations + " iterations, no false deadlock",
        start);
  }

  /** Both parties arrive, then leave together, spinning (no park) so they leave at once. */
  private static void rendezvous(AtomicInteger arrived) {
    arrived.incrementAndGet();
    while (arrived.get() < 2) {
      Thread.onSpinWait();
    }
  }

  private static final class Iteration {
    final Lock lock = new Lock();
    final Semaphore sem = new Semaphore(0);
    final Stress.Failures failures = new Stress.Failures();
    final AtomicInteger holders = new AtomicInteger();
    final LongAdder loopLocks = new LongAdder();
    final LongAdder outsideLocks = new LongAdder();
    final LongAdder released = new LongAdder();
    final LongAdder consumed = new LongAdder();
    final LongAdder cancels = new LongAdder();
    final List<Task<?>> tasks = new ArrayList<>(); // loop tasks only
    final List<CompletableFuture<Held>> requests = new ArrayList<>(); // loop tasks only
    final List<CompletableFuture<?>> settled = new ArrayList<>();

    String state() {
      return String.format(
          "%s %s; released=%d consumed=%d loopLocks=%d outsideLocks=%d; %s",
          lock, sem, released.sum(), consumed.sum(), loopLocks.sum(), outsideLocks.sum(), failures);
    }

    void run(String where) throws Exception {
      CountDownLatch touched = new CountDownLatch(LOCKERS + RELEASERS);
      List<Thread> outside = new ArrayList<>();
      for (int i = 0; i < LOCKERS; i++) {
        outside.add(Thread.ofPlatform().name("locker-" + i).start(() -> locker(touched)));
      }
      for (int i = 0; i < RELEASERS; i++) {
        outside.add(Thread.ofPlatform().name("releaser-" + i).start(() -> releaser(touched)));
      }
      // The primitives are used from outside before the loop waits on them, so the loop knows
      // a wake-up may come from outside and never declares a deadlock while tasks wait on them.
      touched.await();
      Stress.runBounded(
          where,
          Stress.ITERATION_BOUND,
          () -> {
            EventLoop.create().run(() -> main(outside));
            return null;
          });
      for (Thread t : outside) {
        t.join();
      }
      failures.assertNone(where);
      assertEquals(0, holders.get(), where);
      assertFalse(lock.isLocked(), where + ": " + state());
      assertEquals(0, lock.statistics().waiting(), where + ": " + state());
      assertEquals(0, sem.statistics().waiting(), where + ": " + state());
      assertEquals(
          released.sum(),
          consumed.sum() + sem.availablePermits(),
          where + ": permits released from outside != consumed + available; " + state());
      for (CompletableFuture<?> f : settled) {
        assertTrue(f.isDone(), where + ": an async request never settled");
      }
    }

    // ---------------------------------------------------------------- outside the loop

    void locker(CountDownLatch touched) {
      try {
        lock.acquire();
        lock.release();
        touched.countDown();
        for (int i = 0; i < LOCK_ROUNDS; i++) {
          boolean got = Stress.chance(70) ? acquireUntimed() : lock.acquire(Stress.tinyTimeout());
          if (got) {
            critical();
            outsideLocks.increment();
            lock.release();
          }
          Stress.jitter();
        }
      } catch (Throwable e) {
        failures.unexpected(e);
      }
    }

    boolean acquireUntimed() throws InterruptedException {
      lock.acquire();
      return true;
    }

    void releaser(CountDownLatch touched) {
      try {
        failures.check(!sem.tryAcquire(), "a permit before any release"); // marks it shared
        touched.countDown();
        touched.await(); // no release before every thread has touched (a touch could take it)
        for (int i = 0; i < PERMITS_EACH; i++) {
          sem.release();
          released.increment();
          Stress.jitter();
        }
      } catch (Throwable e) {
        failures.unexpected(e);
      }
    }

    void critical() {
      int h = holders.incrementAndGet();
      failures.check(h == 1, h + " holders of the lock (loop tasks and threads)");
      Stress.pause();
      holders.decrementAndGet();
    }

    // ---------------------------------------------------------------- on the loop

    void main(List<Thread> outside) throws Exception {
      for (int i = 0; i < TASKS; i++) {
        tasks.add(Baton.spawn(this::task));
      }
      for (int k = 0; k < TASKS / 5; k++) {
        Baton.sleep(Duration.ofNanos(Stress.random().nextInt(1_000, 100_000)));
        tasks.get(Stress.random().nextInt(tasks.size())).cancel();
        cancels.increment();
      }
      Baton.toThread(
          () -> {
            for (Thread t : outside) {
              t.join();
            }
            return null;
          });
      // No more permits will come: give up on whatever still waits for one.
      for (Task<?> t : tasks) {
        t.cancel();
      }
      for (CompletableFuture<Held> f : requests) {
        f.cancel(false);
      }
      for (Task<?> t : tasks) {
        try {
          t.join();
        } catch (CancellationException expected) {
          // cancelled
        }
      }
    }

    void task() {
      try {
        int rounds = Stress.random().nextInt(1, 6);
        for (int i = 0; i < rounds; i++) {
          switch (Stress.random().nextInt(7)) {
            case 0, 1 -> lockOnLoop();
            case 2, 3 -> permitOnLoop();
            case 4 -> asyncOnLoop();
            case 5 -> {
              tasks.get(Stress.random().nextInt(tasks.size())).cancel();
              cancels.increment();
            }
            default -> Baton.sleep(Duration.ofNanos(Stress.random().nextInt(1, 20_000)));
          }
        }
      } catch (InterruptedException cancelled) {
        failures.check(!lock.isHeldByCurrentThread(), "a cancelled task owns the lock");
      } catch (Throwable e) {
        failures.unexpected(e);
      }
    }

    void lockOnLoop() throws Exception {
      boolean got =
          switch (Stress.random().nextInt(4)) {
            case 0 -> acquireUntimed();
            case 1 -> lock.acquire(Stress.tinyTimeout());
            case 2 -> lock.tryAcquire();
            default -> {
              try {
                yield Baton.timeout(
                    Duration.ofNanos(Stress.random().nextInt(1_000, 300_000)),
                    this::acquireUntimed);
              } catch (TimeoutException e) {
                yield false;
              }
            }
          };
      if (!got) {
        failures.check(!lock.isHeldByCurrentThread(), "a failed acquire owns the lock");
        return;
      }
      try {
        critical();
        loopLocks.increment();
        if (Stress.chance(30)) {
          Baton.yieldNow(); // hold across a switch: others queue, outside threads too
        }
      } finally {
        lock.release();
      }
    }

    void permitOnLoop() throws Exception {
      boolean got =
          switch (Stress.random().nextInt(3)) {
            case 0 -> {
              sem.acquire();
              yield true;
            }
            case 1 -> sem.acquire(Stress.tinyTimeout());
            default -> {
              try {
                yield Baton.timeout(
                    Duration.ofNanos(Stress.random().nextInt(1_000, 300_000)),
                    () -> {
                      sem.acquire();
                      return true;
                    });
              } catch (TimeoutException e) {
                yield false;
              }
            }
          };
      if (got) {
        consumed.increment(); // kept: the permit is used up
      }
    }

    void asyncOnLoop() {
      boolean onLock = Stress.chance(50);
      CompletableFuture<Held> f = onLock ? lock.acquireAsync() : sem.acquireAsync();
      requests.add(f);
      if (Stress.chance(25)) {
        f.orTimeout(Stress.random().nextInt(1, 300), TimeUnit.MICROSECONDS);
      }
      settled.add(
          f.handle(
              (h, ex) -> {
                if (h == null) {
                  return null;
                }
                if (onLock) {
                  critical(); // on whichever thread completed it: a loop task or a locker
                  loopLocks.increment();
                  h.close();
                } else {
                  consumed.increment(); // kept, never closed
                }
                return null;
              }));
      LockSupport.parkNanos(1); // a hair of real time on the loop, so outside threads interleave
    }
  }
}
