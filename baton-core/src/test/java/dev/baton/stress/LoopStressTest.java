package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.Baton;
import dev.baton.Condition;
import dev.baton.Event;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on an event loop: thousands of tasks share one {@link Lock}, {@link Semaphore},
 * {@link Event} and {@link Condition}, cancel each other at random, wait with tiny timeouts (timed
 * waits and {@code Baton.timeout}), sleep and yield while holding, and request permits through
 * {@code acquireAsync} futures consumed in callbacks, some cancelled or timed out by {@code
 * orTimeout} from the JDK's delay thread.
 *
 * <p>On a loop only one task runs at a time, so every count can be exact: {@code
 * cond.statistics().waiting()} read just before a {@code signal(n)} says exactly how many waiters
 * the signal reaches, and at the end those signals must equal the waits that returned {@code true}.
 * Checked after every run: holders never above capacity, the lock free and the semaphore full,
 * nobody queued anywhere, every async request settled, the loop did not deadlock, and no task hung
 * (the loop runs on its own thread, bounded).
 *
 * <p>How this test can fail: a permit lost to a cancel racing its grant leaves {@code
 * availablePermits()} short (or, with every task waiting for it, the loop reports a {@code
 * DeadlockException}); a signal lost to a waiter cancelled after it was signalled makes {@code
 * delivered} fall short of {@code issued}; a task whose wake-up is lost hangs the loop.
 */
class LoopStressTest {
  private static final int TASKS = 2_000;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void loop_virtualTime_tasksCancellingEachOtherAndTimingOut_nothingLost() throws Exception {
    run("loop (virtual time)", true);
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void loop_realClock_tasksCancellingEachOtherAndTimingOut_nothingLost() throws Exception {
    run("loop (real clock)", false);
  }

  private static void run(String name, boolean virtualTime) throws Exception {
    int iterations = Stress.scaled(10);
    long start = System.nanoTime();
    LongAdder acquired = new LongAdder();
    LongAdder cancels = new LongAdder();
    LongAdder signals = new LongAdder();
    LongAdder timeouts = new LongAdder();
    for (int i = 0; i < iterations; i++) {
      World w = new World(Stress.random().nextInt(1, 5));
      EventLoop loop = virtualTime ? EventLoop.withVirtualTime() : EventLoop.create();
      Stress.runBounded(
          name + " " + i,
          Stress.ITERATION_BOUND,
          () -> {
            loop.run(w::main);
            return null;
          });
      w.check(name + " iteration " + i);
      acquired.add(w.acquired.sum());
      cancels.add(w.cancels.sum());
      signals.add(w.delivered);
      timeouts.add(w.timeouts.sum());
    }
    Stress.report(
        name,
        String.format(
            "%d iterations x %d tasks; %,d acquisitions, %,d task cancels, %,d signals delivered,"
                + " %,d timeouts",
            iterations, TASKS, acquired.sum(), cancels.sum(), signals.sum(), timeouts.sum()),
        start);
  }

  /** Everything one loop run shares; touched only by the loop's tasks (one at a time). */
  static final class World {
    final int permits;
    final Lock lock = new Lock();
    final Semaphore sem;
    final Event event = new Event();
    final Condition cond = new Condition();
    final Stress.Failures failures = new Stress.Failures();
    final List<Task<?>> tasks = new ArrayList<>();
    final List<CompletableFuture<?>> futures = new ArrayList<>();
    final LongAdder acquired = new LongAdder();
    final LongAdder cancels = new LongAdder();
    final LongAdder timeouts = new LongAdder();
    final AtomicInteger lockHolders = new AtomicInteger();
    final AtomicInteger semHolders = new AtomicInteger();
    long issued;
    long delivered;

    World(int permits) {
      this.permits = permits;
      this.sem = new Semaphore(permits);
    }

    void main() throws Exception {
      for (int i = 0; i < TASKS; i++) {
        tasks.add(Baton.spawn(this::task));
      }
      // Main takes part too: cancels at random moments and flips the event.
      for (int k = 0; k < TASKS / 4; k++) {
        pauseOnLoop();
        tasks.get(Stress.random().nextInt(tasks.size())).cancel();
        cancels.increment();
        if (Stress.chance(10)) {
          event.set();
          if (Stress.chance(50)) {
            event.clear();
          }
        }
      }
      for (Task<?> t : tasks) {
        try {
          t.join();
        } catch (CancellationException expected) {
          // cancelled, possibly before it ran
        }
      }
      event.set(); // release anyone still waiting on it (nobody should be)
    }

    void check(String where) {
      failures.assertNone(where);
      assertEquals(0, lockHolders.get(), where + ": lock holders left");
      assertEquals(0, semHolders.get(), where + ": semaphore holders left");
      assertFalse(lock.isLocked(), where + ": lock left locked: " + lock);
      assertEquals(0, lock.statistics().waiting(), where + ": " + lock);
      assertEquals(permits, sem.availablePermits(), where + ": permits: " + sem);
      assertEquals(0, sem.statistics().waiting(), where + ": " + sem);
      assertEquals(0, event.statistics().waiting(), where + ": " + event);
      assertEquals(0, cond.statistics().waiting(), where + ": " + cond);
      assertFalse(cond.isLocked(), where + ": condition's lock left locked: " + cond);
      assertEquals(issued, delivered, where + ": condition signals issued vs delivered");
      for (CompletableFuture<?> f : futures) {
        assertTrue(f.isDone(), where + ": an async request never settled");
      }
    }

    /** A random pause that gives up the baton: sleep or yield. */
    static void pauseOnLoop() throws InterruptedException {
      ThreadLocalRandom r = Stress.random();
      switch (r.nextInt(4)) {
        case 0 -> Baton.yieldNow();
        case 1 -> Baton.sleep(Duration.ofNanos(r.nextInt(1, 50_000)));
        default -> {}
      }
    }

    void task() {
      try {
        int rounds = Stress.random().nextInt(1, 5);
        for (int i = 0; i < rounds; i++) {
          switch (Stress.random().nextInt(8)) {
            case 0, 1 -> lockRound();
            case 2, 3 -> semaphoreRound();
            case 4 -> eventRound();
            case 5 -> conditionRound();
            case 6 -> {
              tasks.get(Stress.random().nextInt(tasks.size())).cancel();
              cancels.increment();
            }
            default -> asyncRound();
          }
        }
      } catch (InterruptedException cancelled) {
        failures.check(!lock.isHeldByCurrentThread(), "a cancelled task still owns the lock");
        failures.check(!cond.lock().isHeldByCurrentThread(), "a cancelled task owns cond's lock");
      } catch (Throwable e) {
        failures.unexpected(e);
      }
    }

    void lockRound() throws Exception {
      if (Stress.chance(20)) {
        try (Held h = lock.hold()) {
          holding(lockHolders, 1);
        }
        return;
      }
      boolean got =
          switch (Stress.random().nextInt(4)) {
            case 0 -> {
              lock.acquire();
              yield true;
            }
            case 1 -> lock.acquire(Stress.tinyTimeout());
            case 2 -> lock.tryAcquire();
            default -> {
              try {
                yield Baton.timeout(
                    Duration.ofNanos(Stress.random().nextInt(1_000, 200_000)),
                    () -> {
                      lock.acquire();
                      return true;
                    });
              } catch (TimeoutException e) {
                yield false;
              }
            }
          };
      if (!got) {
        timeouts.increment();
        failures.check(!lock.isHeldByCurrentThread(), "a failed acquire owns the lock");
        return;
      }
      failures.check(lock.isHeldByCurrentThread(), "acquired but not the owner");
      try {
        holding(lockHolders, 1);
      } finally {
        lock.release();
      }
    }

    void semaphoreRound() throws Exception {
      boolean got =
          switch (Stress.random().nextInt(4)) {
            case 0 -> {
              sem.acquire();
              yield true;
            }
            case 1 -> sem.acquire(Stress.tinyTimeout());
            case 2 -> sem.tryAcquire();
            default -> {
              try {
                yield Baton.timeout(
                    Duration.ofNanos(Stress.random().nextInt(1_000, 200_000)),
                    () -> {
                      sem.acquire();
                      return true;
                    });
              } catch (TimeoutException e) {
                yield false;
              }
            }
          };
      if (!got) {
        timeouts.increment();
        return;
      }
      try {
        holding(semHolders, permits);
      } finally {
        sem.release();
      }
    }

    /** Inside a critical section: counts, then maybe gives up the baton while holding. */
    void holding(AtomicInteger holders, int capacity) throws InterruptedException {
      int h = holders.incrementAndGet();
      try {
        failures.check(h <= capacity, h + " holders, capacity " + capacity);
        acquired.increment();
        pauseOnLoop();
      } finally {
        holders.decrementAndGet();
      }
    }

    void eventRound() throws Exception {
      int k = Stress.random().nextInt(6);
      if (k == 0) {
        event.set();
      } else if (k == 1) {
        event.clear();
      } else if (k == 2) {
        try {
          Baton.timeout(
              Duration.ofNanos(Stress.random().nextInt(1_000, 500_000)),
              () -> {
                event.await();
                return null;
              });
        } catch (TimeoutException e) {
          timeouts.increment();
        }
      } else if (!event.await(Stress.tinyTimeout())) {
        timeouts.increment();
      }
    }

    void conditionRound() throws Exception {
      cond.acquire();
      try {
        if (Stress.chance(45)) {
          int waiting = cond.statistics().waiting(); // exact: nothing else runs now
          if (Stress.chance(20)) {
            cond.signalAll();
            issued += waiting;
          } else {
            int n = Stress.random().nextInt(0, 4);
            cond.signal(n);
            issued += Math.min(n, waiting);
          }
          pauseOnLoop();
        } else {
          boolean signalled;
          try {
            signalled = cond.await(Duration.ofNanos(Stress.random().nextInt(1_000, 1_000_000)));
          } catch (InterruptedException e) {
            failures.check(cond.lock().isHeldByCurrentThread(), "await threw without the lock");
            throw e;
          }
          failures.check(cond.lock().isHeldByCurrentThread(), "await returned without the lock");
          if (signalled) {
            delivered++;
            failures.check(delivered <= issued, "woke without a signal");
          } else {
            timeouts.increment();
          }
        }
      } finally {
        cond.release();
      }
    }

    void asyncRound() {
      boolean onLock = Stress.chance(50);
      CompletableFuture<Held> f = onLock ? lock.acquireAsync() : sem.acquireAsync();
      int k = Stress.random().nextInt(4);
      if (k == 0) {
        f.orTimeout(Stress.random().nextInt(1, 200), TimeUnit.MICROSECONDS);
      } else if (k == 1) {
        f.cancel(false);
      }
      futures.add(
          f.handle(
              (h, ex) -> {
                if (h != null) {
                  AtomicInteger holders = onLock ? lockHolders : semHolders;
                  int n = holders.incrementAndGet();
                  failures.check(n <= (onLock ? 1 : permits), n + " holders via acquireAsync");
                  acquired.increment();
                  holders.decrementAndGet();
                  h.close();
                }
                return null;
              }));
    }
  }
}
