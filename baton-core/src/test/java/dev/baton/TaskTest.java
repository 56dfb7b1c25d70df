package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Task}: cancellation, the {@code Future} contract, and how {@code run} ends tasks. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  private static final Duration HOUR = Duration.ofHours(1);

  // ---------------------------------------------------------------- cancel interrupts

  @Test
  void cancel_interruptsASleepingTask() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> t =
              Baton.spawn(
                  () -> {
                    try {
                      Baton.sleep(HOUR);
                      log("slept");
                    } catch (InterruptedException e) {
                      log("interrupted");
                      throw e;
                    }
                  });
          Baton.yieldNow();
          assertTrue(t.cancel());
          assertTrue(t.isDone());
          assertTrue(t.isCancelled());
          assertThrows(CancellationException.class, t::join);
        });
    assertEquals(List.of("interrupted"), trace);
    assertEquals(Duration.ZERO, loop.elapsed(), "the hour-long sleep was cut short");
  }

  @Test
  void cancel_interruptsATaskWaitingOnAnEvent_andTheWaitThrowsInterruptedException()
      throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Event never = new Event();
              Task<String> t =
                  Baton.spawn(
                      () -> {
                        try {
                          never.await();
                          return "woke";
                        } catch (InterruptedException e) {
                          return "interrupted";
                        }
                      });
              Baton.yieldNow();
              t.cancel();
              assertThrows(CancellationException.class, t::get);
              t.fiber().join();
              assertEquals(0, never.statistics().waiting());
            });
  }

  @Test
  void cancel_whileTheTaskIsReadyInYieldNow_theYieldThrows() throws Exception {
    // asyncio: cancelling a task suspended in sleep(0) raises CancelledError out of that sleep(0).
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Void> t =
                  Baton.spawn(
                      () -> {
                        try {
                          Baton.yieldNow();
                          log("yield returned");
                        } catch (InterruptedException e) {
                          log("yield threw");
                        }
                      });
              Baton.yieldNow(); // t starts and yields: it is now in the ready queue behind main
              t.cancel();
              t.fiber().join();
            });
    assertEquals(List.of("yield threw"), trace);
  }

  @Test
  void cancel_ofARunningTaskItself_makesItsNextWaitThrow() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              AtomicReference<Task<Void>> self = new AtomicReference<>();
              Event start = new Event();
              self.set(
                  Baton.spawn(
                      () -> {
                        start.await();
                        assertTrue(self.get().cancel());
                        log("still running after cancelling itself");
                        try {
                          Baton.sleep(Duration.ofSeconds(1));
                          log("slept");
                        } catch (InterruptedException e) {
                          log("next wait threw");
                        }
                      }));
              start.set();
              self.get().fiber().join();
              assertTrue(self.get().isCancelled());
            });
    assertEquals(List.of("still running after cancelling itself", "next wait threw"), trace);
  }

  @Test
  void cancel_fromAThreadOutsideTheLoop_wakesTheTask() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Event never = new Event();
          Task<Void> t =
              Baton.spawn(
                  () -> {
                    try {
                      never.await();
                    } finally {
                      log("t finally");
                    }
                  });
          Baton.yieldNow();
          Thread outside = new Thread(() -> assertTrue(t.cancel()));
          outside.start();
          outside.join(); // holds the baton: the wake-up must still reach the loop afterwards
          assertTrue(t.isCancelled());
          assertThrows(CancellationException.class, t::join);
        });
    assertEquals(List.of("t finally"), trace);
  }

  // ---------------------------------------------------------------- withdrawal

  @Test
  void cancel_withdrawsTheTaskFromALocksQueueBeforeCancelReturns() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Lock lock = new Lock();
              lock.acquire();
              Task<String> a =
                  Baton.spawn(
                      "a",
                      () -> {
                        lock.acquire();
                        lock.release();
                        return "a acquired";
                      });
              Task<String> b =
                  Baton.spawn(
                      "b",
                      () -> {
                        lock.acquire();
                        log("b owns");
                        lock.release();
                        return "b acquired";
                      });
              Baton.yieldNow(); // a, then b, queue for the lock
              assertEquals(2, lock.statistics().waiting());
              assertTrue(a.cancel());
              assertEquals(1, lock.statistics().waiting(), "a left the queue inside cancel()");
              lock.release(); // goes straight to b, not to the cancelled a
              assertTrue(lock.isLocked());
              assertFalse(lock.tryAcquire());
              assertEquals("b acquired", b.get());
              assertThrows(CancellationException.class, a::get);
              assertFalse(lock.isLocked());
            });
    assertEquals(List.of("b owns"), trace);
  }

  @Test
  void cancel_withdrawsTheTaskFromASemaphoresQueueBeforeCancelReturns() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Semaphore sem = new Semaphore(0);
              List<Task<Void>> ts = new ArrayList<>();
              for (int i = 0; i < 3; i++) {
                int id = i;
                ts.add(
                    Baton.spawn(
                        () -> {
                          sem.acquire();
                          log("t" + id + " got a permit");
                        }));
              }
              Baton.yieldNow();
              assertEquals(3, sem.statistics().waiting());
              ts.get(0).cancel();
              ts.get(1).cancel();
              assertEquals(1, sem.statistics().waiting());
              sem.release();
              assertEquals(0, sem.availablePermits(), "the permit went to t2 at once");
              ts.get(2).get();
              assertEquals(0, sem.availablePermits());
            });
    assertEquals(List.of("t2 got a permit"), trace);
  }

  // ---------------------------------------------------------------- the Future contract

  @Test
  void cancel_bodySwallowsTheInterrupt_futureIsStillCancelledAndGetThrowsAtOnce() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<String> t =
              Baton.spawn(
                  () -> {
                    try {
                      Baton.sleep(HOUR);
                    } catch (InterruptedException swallowed) {
                      log("swallowed");
                    }
                    Baton.sleep(Duration.ofSeconds(10)); // keeps working after the cancel
                    log("body returned");
                    return "ignored result";
                  });
          Baton.yieldNow();
          assertTrue(t.cancel());
          assertFalse(t.cancel(), "a second cancel does nothing");
          assertTrue(t.isDone());
          assertTrue(t.isCancelled());
          assertThrows(CancellationException.class, t::get);
          assertThrows(CancellationException.class, () -> t.get(1, TimeUnit.SECONDS));
          assertEquals(Duration.ZERO, loop.elapsed(), "get() did not wait for the body");
          assertEquals(List.of(), trace, "the body has not even run its catch block yet");
          assertThrows(CancellationException.class, t::join); // join waits for the body
          assertEquals(Duration.ofSeconds(10), loop.elapsed());
          assertEquals(List.of("swallowed", "body returned"), trace);
          assertTrue(t.isCancelled(), "the late result does not undo the cancel");
        });
  }

  @Test
  void cancel_beforeTheTaskFirstRan_theBodyNeverRuns() throws Exception {
    AtomicBoolean ran = new AtomicBoolean();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Integer> t =
                  Baton.spawn(
                      () -> {
                        ran.set(true);
                        return 1;
                      });
              assertTrue(t.cancel());
              assertTrue(t.isCancelled());
              assertThrows(CancellationException.class, t::get);
              assertThrows(CancellationException.class, t::join);
              Baton.sleep(Duration.ofSeconds(1));
            });
    assertFalse(ran.get());
  }

  @Test
  void cancel_afterCompletion_returnsFalseAndKeepsTheResult() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Integer> t = Baton.spawn(() -> 7);
              assertEquals(7, t.get());
              assertFalse(t.cancel());
              assertFalse(t.isCancelled());
              assertTrue(t.isDone());
              assertEquals(7, t.get());
              assertEquals(7, t.join());
            });
  }

  @Test
  void get_ofAFailedTask_wrapsTheFailure_joinRethrowsItUnwrapped() throws Exception {
    IOException boom = new IOException("boom");
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Void> t =
                  Baton.spawn(
                      () -> {
                        Baton.sleep(Duration.ofSeconds(1));
                        throw boom;
                      });
              ExecutionException e = assertThrows(ExecutionException.class, t::get);
              assertSame(boom, e.getCause());
              assertSame(boom, assertThrows(IOException.class, t::join));
              assertTrue(t.isDone());
              assertFalse(t.isCancelled());
            });
  }

  @Test
  void getWithTimeout_onTheLoop_timesOutOnTheLoopClock() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<String> t =
              Baton.spawn(
                  () -> {
                    Baton.sleep(Duration.ofSeconds(10));
                    return "late";
                  });
          assertThrows(TimeoutException.class, () -> t.get(3, TimeUnit.SECONDS));
          assertEquals(Duration.ofSeconds(3), loop.elapsed());
          assertFalse(t.isDone(), "a timed-out get does not cancel the task");
          assertEquals("late", t.get(1, TimeUnit.MINUTES));
          assertEquals(Duration.ofSeconds(10), loop.elapsed());
        });
  }

  @Test
  void names_givenAtSpawnGeneratedOtherwise_mainIsMain() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              assertEquals("main", Baton.currentTaskName());
              Task<String> named = Baton.spawn("fetcher", Baton::currentTaskName);
              Task<String> anon = Baton.spawn(Baton::currentTaskName);
              assertEquals("fetcher", named.name());
              assertEquals("fetcher", named.get());
              assertTrue(anon.name().startsWith("Task-"), anon.name());
              assertEquals(anon.name(), anon.get());
              assertTrue(named.toString().contains("fetcher"), named.toString());
            });
    assertEquals(null, Baton.currentTaskName(), "the test thread is no task");
  }

  // ---------------------------------------------------------------- how run ends

  @Test
  void run_whenMainReturns_cancelsLeftoverTasks_waitsForThemToFinish_thenReturns()
      throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    List<Task<Void>> leftovers = new ArrayList<>();
    String r =
        loop.run(
            () -> {
              leftovers.add(
                  Baton.spawn(
                      "sleeper",
                      () -> {
                        try {
                          Baton.sleep(HOUR);
                        } finally {
                          log("sleeper finally");
                        }
                        return null;
                      }));
              leftovers.add(
                  Baton.spawn(
                      "slow cleanup",
                      () -> {
                        try {
                          new Event().await();
                        } finally {
                          Baton.sleep(Duration.ofSeconds(5)); // interrupt status was consumed
                          log("slow cleanup finally");
                        }
                        return null;
                      }));
              Baton.yieldNow();
              log("main returns");
              return "main result";
            });
    assertEquals("main result", r);
    assertEquals(List.of("main returns", "sleeper finally", "slow cleanup finally"), trace);
    assertEquals(Duration.ofSeconds(5), loop.elapsed(), "run waited for the slow cleanup");
    for (Task<Void> t : leftovers) {
      assertTrue(t.isCancelled());
      assertTrue(t.fiber().isFinished());
    }
  }

  @Test
  void run_leftoverThatNeverStarted_neverRunsItsBody() throws Exception {
    // run cancels the tasks left over as soon as main returns, and a task cancelled before it
    // first ran never runs its body. (asyncio.run would still give a task already scheduled in the
    // loop's current batch its first step.)
    AtomicBoolean ran = new AtomicBoolean();
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(() -> Baton.spawn(() -> ran.set(true)));
    assertFalse(ran.get());
    assertEquals(Duration.ZERO, loop.elapsed());
  }

  @Test
  void run_whenMainReturns_stopsALeftoverThatKeepsYielding() {
    // asyncio.run stops the loop when main completes even if other tasks are always ready, then
    // cancels them; a polling task must not keep run from returning.
    EventLoop loop = EventLoop.withVirtualTime();
    String r =
        assertTimeoutPreemptively(
            Duration.ofSeconds(20),
            () ->
                loop.run(
                    () -> {
                      Baton.spawn(
                          () -> {
                            try {
                              while (true) {
                                Baton.yieldNow();
                              }
                            } finally {
                              log("poller finally");
                            }
                          });
                      Baton.yieldNow();
                      return "main done";
                    }));
    assertEquals("main done", r);
    assertEquals(List.of("poller finally"), trace);
  }

  @Test
  void run_rethrowsMainsExceptionUnwrapped() {
    IOException checked = new IOException("checked");
    assertSame(
        checked,
        assertThrows(
            IOException.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          Baton.sleep(Duration.ofSeconds(1));
                          throw checked;
                        })));
    IllegalArgumentException unchecked = new IllegalArgumentException("unchecked");
    assertSame(
        unchecked,
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Baton.run(
                    () -> {
                      throw unchecked;
                    })));
    AssertionError error = new AssertionError("an error");
    assertSame(
        error,
        assertThrows(
            AssertionError.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          throw error;
                        })));
  }

  @Test
  void run_mainFails_leftoversAreStillCancelledAndWaitedFor() {
    IllegalStateException boom = new IllegalStateException("main failed");
    EventLoop loop = EventLoop.withVirtualTime();
    assertSame(
        boom,
        assertThrows(
            IllegalStateException.class,
            () ->
                loop.run(
                    () -> {
                      Baton.spawn(
                          () -> {
                            try {
                              Baton.sleep(HOUR);
                            } finally {
                              log("leftover finally");
                            }
                          });
                      Baton.yieldNow();
                      throw boom;
                    })));
    assertEquals(List.of("leftover finally"), trace);
    assertEquals(Duration.ZERO, loop.elapsed());
  }

  @Test
  void cancellingManyTasksOutOfTurn_doesNotStallTheLoop() {
    // A cancel interrupts the task's thread while it is parked waiting for its turn. An
    // interrupted virtual thread's park() returns at once; if the task spun on that, the tasks
    // cancelled first (here the last in the ready queue) would occupy every carrier thread and
    // the task whose turn it is could never run.
    assertTimeoutPreemptively(
        Duration.ofSeconds(20),
        () -> {
          for (int round = 0; round < 10; round++) {
            EventLoop.withVirtualTime()
                .run(
                    () -> {
                      List<Task<Void>> ts = new ArrayList<>();
                      for (int i = 0; i < 64; i++) {
                        ts.add(
                            Baton.spawn(
                                () -> {
                                  Baton.yieldNow();
                                  Baton.sleep(HOUR);
                                }));
                      }
                      Baton.yieldNow(); // every task has started and yielded: all are ready
                      for (int i = ts.size() - 1; i >= 0; i--) {
                        ts.get(i).cancel();
                      }
                      Baton.yieldNow();
                      for (Task<Void> t : ts) {
                        assertThrows(CancellationException.class, t::join);
                      }
                    });
          }
        });
  }
}
