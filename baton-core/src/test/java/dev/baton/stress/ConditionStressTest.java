package dev.baton.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.baton.Baton;
import dev.baton.Condition;
import dev.baton.Held;
import dev.baton.Lock;
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Randomized races on one {@link Condition}: signals racing cancels and timeouts of the waiters
 * they are aimed at, through every face of {@code await}.
 *
 * <h2>How signals are counted exactly</h2>
 *
 * A signal that finds nobody is lost by design, so a plain count of {@code signal()} calls cannot
 * be compared with the waiters that woke. The test makes every signal count: there are two kinds of
 * waiters.
 *
 * <ul>
 *   <li><b>Immune</b> waiters are never cancelled and never time out. Under the lock each counts
 *       itself in {@code immuneInQueue} and then awaits (blocking, long-timed, or {@code
 *       awaitAsync}); once signalled it counts itself out again.
 *   <li><b>Mortal</b> waiters use every face ({@code await}, tiny-timeout {@code await(Duration)},
 *       {@code awaitUntil}, {@code Baton.timeout} around {@code await}, {@code awaitAsync}) and are
 *       cancelled at random moments by interrupts, {@code Task.cancel}, future cancel, {@code
 *       orTimeout} and {@code completeExceptionally}.
 * </ul>
 *
 * Signallers, holding the lock, signal only while {@code immuneInQueue - (issued - delivered) > 0}:
 * more immune waiters are counted in than there are signals still on their way. Signals on their
 * way are exactly the waiters moved to the lock's queue and not yet returned, so at least that many
 * immune waiters are still in the condition's queue, and since an immune waiter cannot leave it
 * except by a signal, the signal must find a waiter. Every signal is therefore owed to exactly one
 * waiter that returns normally (or to the next one, if a cancel races it: "passed on, never lost"),
 * and at the end {@code delivered == issued} must hold exactly.
 *
 * <p>Checked as well: a waiter returns normally only with a signal issued for it ({@code delivered
 * <= issued} at every wake-up); every waiter holds the lock again when {@code await} returns,
 * returns {@code false} or throws; at most one thread is inside the lock at a time; a waiter
 * signalled after a cancel was sent returns with the interrupt status still set; at the end nothing
 * is queued on the condition or the lock.
 *
 * <p>How this test can fail: a signal delivered to a waiter that is cancelled in the same instant
 * and then dropped leaves {@code issued - delivered} stuck above zero; the signallers then stop one
 * signal short and the last immune waiter waits forever, which {@link Stress#awaitTrue} reports as
 * hung with the counts. A waiter woken twice, or without a signal, makes {@code delivered} overtake
 * {@code issued}.
 */
class ConditionStressTest {
  private static final int WORKERS = 2_000;
  private static final int IMMUNE = 300;

  enum Op {
    AWAIT,
    AWAIT_TIMED,
    AWAIT_UNTIL,
    TIMEOUT_BLOCK,
    ASYNC
  }

  static final class Target {
    final Op op;
    final boolean immune;
    final boolean asTask;
    final boolean doomed;
    final boolean roving;
    volatile Thread thread;
    volatile Task<?> task;
    volatile CompletableFuture<Held> future;
    volatile boolean armed;
    volatile boolean cancelSent;
    volatile boolean finished;

    Target(Op op, boolean immune, boolean asTask, boolean doomed, boolean roving) {
      this.op = op;
      this.immune = immune;
      this.asTask = asTask;
      this.doomed = doomed;
      this.roving = roving;
    }
  }

  private final LongAdder totalSignals = new LongAdder();
  private final LongAdder totalWithdrawn = new LongAdder();
  private final LongAdder totalTimedOut = new LongAdder();

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void condition_signalsRacingCancelsAndTimeouts_eachDeliveredToExactlyOneLiveWaiter()
      throws Exception {
    int iterations = Stress.scaled(20);
    long start = System.nanoTime();
    for (int i = 0; i < iterations; i++) {
      new Iteration(i).run();
    }
    Stress.report(
        "Condition",
        String.format(
            "%d iterations x %d waiters (%d immune); %,d signals delivered, %,d waits withdrawn,"
                + " %,d timed out",
            iterations,
            WORKERS,
            IMMUNE,
            totalSignals.sum(),
            totalWithdrawn.sum(),
            totalTimedOut.sum()),
        start);
  }

  private final class Iteration {
    final int index;
    final Lock lock = new Lock();
    final Condition cond = new Condition(lock);
    final Stress.Failures failures = new Stress.Failures();
    final AtomicInteger holders = new AtomicInteger();

    // Guarded by lock.
    int immuneInQueue;
    int immuneDone;
    long issued;
    long delivered;
    long withdrawn;
    long timedOut;

    // Written under the lock, read by the test thread after the threads are joined or to poll.
    volatile int immuneDonePublished;

    Iteration(int index) {
      this.index = index;
    }

    String state() {
      return String.format(
          "%s; immuneInQueue=%d immuneDone=%d/%d issued=%d delivered=%d withdrawn=%d timedOut=%d;"
              + " %s",
          cond,
          immuneInQueue,
          immuneDone,
          IMMUNE,
          issued,
          delivered,
          withdrawn,
          timedOut,
          failures);
    }

    void enter() {
      int h = holders.incrementAndGet();
      if (h != 1) {
        failures.fail(h + " holders of the condition's lock at once");
      }
    }

    void leave() {
      holders.decrementAndGet();
    }

    /** A normal wake-up: one signal delivered, never more than were issued. */
    void delivered(String who) {
      delivered++;
      if (delivered > issued) {
        failures.fail(who + " woke without a signal: delivered " + delivered + " > " + issued);
      }
    }

    void run() throws Exception {
      Target[] targets = new Target[WORKERS];
      Op[] ops = Op.values();
      for (int i = 0; i < WORKERS; i++) {
        boolean immune = i % (WORKERS / IMMUNE) == 0 && i / (WORKERS / IMMUNE) < IMMUNE;
        Op op =
            immune
                ? (Stress.chance(60) ? Op.AWAIT : Stress.chance(50) ? Op.AWAIT_TIMED : Op.ASYNC)
                : ops[Stress.random().nextInt(ops.length)];
        targets[i] =
            new Target(
                op,
                immune,
                Stress.chance(40),
                !immune && Stress.chance(40),
                !immune && Stress.chance(25));
      }
      int immuneCount = 0;
      for (Target t : targets) {
        immuneCount += t.immune ? 1 : 0;
      }
      assertEquals(IMMUNE, immuneCount);

      List<Thread> threads = new ArrayList<>();
      List<Task<?>> tasks = new ArrayList<>();
      for (int s = 0; s < 2; s++) {
        threads.add(Thread.ofVirtual().name("signaller-" + s).start(this::signalLoop));
      }
      for (int c = 0; c < 3; c++) {
        int first = c;
        threads.add(
            Thread.ofVirtual().name("canceller-" + c).start(() -> cancelLoop(targets, first, 3)));
      }
      threads.add(Thread.ofVirtual().name("rover").start(() -> roveLoop(targets)));
      for (Target t : targets) {
        Runnable body = () -> body(t);
        if (t.asTask) {
          Task<Void> task = Baton.spawn(body::run);
          t.task = task;
          tasks.add(task);
        } else {
          Thread th = Thread.ofVirtual().unstarted(body);
          t.thread = th;
          threads.add(th);
          th.start();
        }
      }
      // Every immune waiter must get its signal; a lost one shows here as a hang.
      Stress.awaitTrue(() -> immuneDonePublished == IMMUNE, Stress.ITERATION_BOUND, this::state);
      // Then cancel whatever mortal waiter is left (no signal can be owed to one now).
      Stress.awaitTrue(
          () -> {
            boolean all = true;
            for (Target t : targets) {
              if (!t.finished) {
                all = false;
                cancel(t, true);
              }
            }
            return all;
          },
          Stress.ITERATION_BOUND,
          this::state);
      Stress.joinAll(threads, tasks, Stress.ITERATION_BOUND, this::state);

      String where = "Condition iteration " + index;
      failures.assertNone(where);
      assertEquals(issued, delivered, where + ": signals issued vs delivered; " + state());
      assertEquals(0, immuneInQueue, where);
      assertEquals(0, holders.get(), where + ": holders");
      assertFalse(lock.isLocked(), where + ": lock left locked; " + state());
      assertEquals(0, cond.statistics().waiting(), where + ": condition queue; " + state());
      assertEquals(0, lock.statistics().waiting(), where + ": lock queue; " + state());
      totalSignals.add(delivered);
      totalWithdrawn.add(withdrawn + asyncWithdrawn.sum());
      totalTimedOut.add(timedOut);
    }

    void signalLoop() {
      try {
        for (; ; ) {
          lock.acquire();
          enter();
          try {
            if (immuneDone == IMMUNE) {
              return;
            }
            long budget = immuneInQueue - (issued - delivered);
            if (budget > 0) {
              int k = (int) Math.min(budget, Stress.random().nextInt(1, 4));
              if (k == 1 && Stress.chance(50)) {
                cond.signal();
              } else {
                cond.signal(k);
              }
              issued += k;
            }
          } finally {
            leave();
            lock.release();
          }
          Stress.jitter();
        }
      } catch (Throwable e) {
        failures.unexpected(e);
      }
    }

    void cancelLoop(Target[] targets, int first, int step) {
      for (int i = first; i < targets.length; i += step) {
        Target t = targets[i];
        if (!t.doomed) {
          continue;
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!t.armed && System.nanoTime() < deadline) {
          LockSupport.parkNanos(20_000); // not Thread.yield(): yielding threads starve new ones
        }
        Stress.jitter();
        cancel(t, false);
      }
    }

    /**
     * Cancels random roving targets again and again while they wait, so that some cancels land long
     * after the target was queued: in particular while a signalled waiter waits in the lock's
     * queue, the window where a signal can be lost to a cancel.
     */
    void roveLoop(Target[] targets) {
      while (immuneDonePublished < IMMUNE) {
        Target t = targets[Stress.random().nextInt(targets.length)];
        if (t.roving && t.armed && !t.finished) {
          cancel(t, false);
        }
        LockSupport.parkNanos(Stress.random().nextInt(2_000, 50_000));
      }
    }

    void cancel(Target t, boolean sweep) {
      if (t.immune) {
        return;
      }
      CompletableFuture<Held> f = t.future;
      if (f != null && (sweep || Stress.chance(75))) {
        switch (sweep ? 0 : Stress.random().nextInt(3)) {
          case 0 -> f.cancel(true);
          case 1 -> f.completeExceptionally(new TimeoutException("stress"));
          default -> f.orTimeout(Stress.random().nextInt(1, 100), TimeUnit.MICROSECONDS);
        }
        if (!sweep) {
          return;
        }
      }
      Task<?> task = t.task;
      if (task != null) {
        task.cancel();
        t.cancelSent = true;
      } else if (t.thread != null) {
        t.thread.interrupt();
        t.cancelSent = true;
      }
    }

    // ---------------------------------------------------------------- waiters

    void body(Target t) {
      t.armed = true;
      try {
        Stress.jitter();
        if (t.op == Op.ASYNC) {
          asyncWaiter(t);
        } else {
          blockingWaiter(t);
        }
      } catch (InterruptedException e) {
        // cancelled while acquiring the lock, before waiting: nothing to count
        failures.check(!lock.isHeldByCurrentThread(), "acquire threw but the lock is held");
      } catch (Throwable e) {
        failures.unexpected(e);
      } finally {
        t.finished = true;
      }
    }

    void blockingWaiter(Target t) throws Exception {
      lock.acquire();
      enter();
      try {
        if (t.immune) {
          immuneInQueue++;
        }
        boolean signalled;
        int[] evaluations = {0};
        leave();
        try {
          signalled =
              switch (t.op) {
                case AWAIT -> {
                  cond.await();
                  yield true;
                }
                case AWAIT_TIMED ->
                    cond.await(t.immune ? Duration.ofMinutes(5) : Stress.tinyTimeout());
                case AWAIT_UNTIL -> {
                  cond.awaitUntil(
                      () -> {
                        // Evaluated under the lock before waiting and after each wake-up.
                        if (evaluations[0]++ > 0) {
                          delivered(t.op.name());
                        }
                        return evaluations[0] > 1 && Stress.chance(40);
                      });
                  yield false; // its wake-ups were counted by the predicate
                }
                case TIMEOUT_BLOCK -> {
                  try {
                    Baton.timeout(
                        Duration.ofNanos(Stress.random().nextLong(1_000, 500_000)),
                        () -> {
                          cond.await();
                          return null;
                        });
                    yield true;
                  } catch (TimeoutException e) {
                    failures.check(lock.isHeldByCurrentThread(), "timed out without the lock");
                    enter();
                    timedOut++;
                    leave();
                    yield false;
                  }
                }
                case ASYNC -> throw new AssertionError();
              };
        } catch (InterruptedException e) {
          failures.check(
              lock.isHeldByCurrentThread(), t.op + " threw InterruptedException without the lock");
          enter();
          withdrawn++;
          failures.check(!t.immune, "an immune waiter was interrupted");
          return;
        }
        failures.check(lock.isHeldByCurrentThread(), t.op + " returned without the lock");
        enter();
        if (signalled) {
          // Under Baton.timeout on a plain thread, an interrupt from outside that coincides with
          // the expiry cannot be told apart from the timeout's own, which the block clears on
          // exit; a task's cancel can be told apart, so it is checked there too.
          if (t.cancelSent && (t.op != Op.TIMEOUT_BLOCK || t.asTask)) {
            failures.check(
                Thread.currentThread().isInterrupted(),
                t.op + ": signalled after a cancel, but the interrupt status was lost");
          }
          delivered(t.op.name());
          if (t.immune) {
            immuneInQueue--;
            immuneDonePublished = ++immuneDone;
          }
        } else if (t.op == Op.AWAIT_TIMED) {
          failures.check(!t.immune, "an immune waiter timed out");
          timedOut++;
        }
      } finally {
        leave();
        lock.release();
      }
    }

    void asyncWaiter(Target t) throws Exception {
      lock.acquire();
      enter();
      if (t.immune) {
        immuneInQueue++;
      }
      leave();
      CompletableFuture<Held> f = cond.awaitAsync(); // releases the lock
      t.future = f;
      if (!t.immune) {
        int k = Stress.random().nextInt(8);
        if (k == 0) {
          f.orTimeout(Stress.random().nextInt(1, 300), TimeUnit.MICROSECONDS);
        } else if (k == 1) {
          Stress.jitter();
          f.cancel(false);
        }
      }
      CompletableFuture<Void> done =
          f.handle(
              (held, ex) -> {
                if (held == null) {
                  // Withdrawn before the signal: the lock is not re-acquired for it.
                  failures.check(!t.immune, "an immune async waiter was withdrawn: " + ex);
                  asyncWithdrawn.increment();
                  return null;
                }
                try {
                  enter();
                  failures.check(lock.isLocked(), "an async waiter's Held without the lock");
                  delivered("ASYNC");
                  if (t.immune) {
                    immuneInQueue--;
                    immuneDonePublished = ++immuneDone;
                  }
                  leave();
                } finally {
                  held.close();
                }
                return null;
              });
      try {
        done.join();
      } catch (CompletionException e) {
        failures.unexpected(e.getCause());
      }
    }

    final LongAdder asyncWithdrawn = new LongAdder();
  }
}
