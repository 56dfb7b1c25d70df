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
import dev.baton.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * Found by {@link LoopStressTest}: the loop hung with cancelled tasks RUNNABLE in {@code
   * Loop.park} and the baton holder unable to get a carrier thread.
   *
   * <p>A loop task waits for its turn by parking until the loop names it. Cancelling it sets its
   * interrupt status, and {@code LockSupport.park} returns at once while that status is set, so a
   * cancelled task spun on its carrier until its turn came. With as many cancelled tasks as the
   * virtual-thread scheduler has carriers, the task whose turn it was could never be mounted.
   * (Fixed on main by 8b44d1a, "a cancelled task waiting for the baton no longer spins", while this
   * test was being written; kept as its regression test.)
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void loop_cancelledWaitingTasks_doNotSpinOrStarveTheBatonHolder() throws Exception {
    int spinners = 2 * Runtime.getRuntime().availableProcessors() + 2;
    Stress.runBounded(
        "loop",
        Duration.ofSeconds(10),
        () -> {
          EventLoop.withVirtualTime()
              .run(
                  () -> {
                    Lock lock = new Lock();
                    Event go = new Event();
                    lock.acquire();
                    List<Task<Void>> waiters = new ArrayList<>();
                    for (int i = 0; i < spinners; i++) {
                      waiters.add(Baton.spawn(() -> lock.acquire()));
                    }
                    Task<Void> next = Baton.spawn(() -> go.await());
                    Baton.yieldNow(); // everyone queues
                    go.set(); // `next` is ready first...
                    for (Task<Void> w : waiters) {
                      w.cancel(); // ...then the cancelled waiters
                    }
                    lock.release();
                    next.join(); // `next` must get a carrier to run
                    for (Task<Void> w : waiters) {
                      assertTrue(w.isCancelled());
                    }
                  });
          return null;
        });
  }

  /**
   * Found by {@link LoopAndThreadsStressTest} at scale 20: the loop hung, its driver waiting for a
   * baton that had been handed to a task whose body had already returned.
   *
   * <p>A loop task queues its waiter, releases the primitive's guard, and only then blocks. A grant
   * from a thread outside the loop in that window made the task ready through the loop's inbox; the
   * task saw its waiter granted, did not park, and ran on. The inbox entry stayed behind: later it
   * gave the task an extra turn it was not waiting for, or, once the task had finished, handed the
   * baton to a dead thread. The window is a few instructions wide in the stress test; here a
   * callback that runs inside {@code await} (the lock handed to an async waiter) holds it open
   * while a platform thread signals and releases.
   */
  @Test
  @Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void loopWaiter_grantedFromOutsideBeforeItBlocks_consumesItsWakeUp() throws Exception {
    Stress.runBounded(
        "loop",
        Duration.ofSeconds(10),
        () -> {
          EventLoop.create()
              .run(
                  () -> {
                    Lock lock = new Lock();
                    Condition cond = new Condition(lock);
                    lock.acquire();
                    lock.acquireAsync() // queued; await() below hands the lock to it
                        .thenAccept(
                            held -> {
                              // Runs on this task's thread inside cond.await(), after it queued
                              // on the condition and before it blocks.
                              held.close();
                              Thread outside =
                                  Thread.ofPlatform()
                                      .start(
                                          () -> {
                                            try {
                                              lock.acquire();
                                              cond.signal();
                                              lock.release(); // grants this task from outside
                                            } catch (InterruptedException e) {
                                              throw new AssertionError(e);
                                            }
                                          });
                              try {
                                outside.join();
                              } catch (InterruptedException e) {
                                throw new AssertionError(e);
                              }
                            });
                    assertTrue(cond.await(Duration.ofSeconds(5)));
                    lock.release();
                  });
          return null;
        });
  }
}
