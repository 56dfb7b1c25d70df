package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The event loop itself: FIFO ready order, waking without switching, determinism, the virtual
 * clock, the real clock, and where a loop may be run from.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  // ---------------------------------------------------------------- ready order

  @Test
  void readyTasks_runInFifoOrder_andYieldGoesToTheBack() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              List<Task<Void>> tasks = new ArrayList<>();
              for (String n : List.of("a", "b", "c")) {
                tasks.add(
                    Baton.spawn(
                        () -> {
                          log(n + "1");
                          Baton.yieldNow();
                          log(n + "2");
                          Baton.yieldNow();
                          log(n + "3");
                        }));
              }
              log("m1");
              Baton.yieldNow();
              log("m2");
              Baton.yieldNow();
              log("m3");
              for (Task<Void> t : tasks) {
                t.get();
              }
            });
    assertEquals(
        List.of("m1", "a1", "b1", "c1", "m2", "a2", "b2", "c2", "m3", "a3", "b3", "c3"), trace);
  }

  @Test
  void spawn_doesNotSwitch_theTaskFirstRunsWhenTheSpawnerWaits() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Task<Void> t = Baton.spawn(() -> log("child runs"));
              log("after spawn");
              assertFalse(t.isDone());
              log("still main");
              t.get();
              log("joined");
            });
    assertEquals(List.of("after spawn", "still main", "child runs", "joined"), trace);
  }

  @Test
  void eventSet_wakesWithoutSwitching_theSetterRunsOnToItsOwnNextWait() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Event event = new Event();
              List<Task<Void>> waiters = new ArrayList<>();
              for (String n : List.of("w1", "w2", "w3")) {
                waiters.add(
                    Baton.spawn(
                        () -> {
                          log(n + " waits");
                          event.await();
                          log(n + " woke");
                        }));
              }
              Baton.yieldNow(); // all three now wait, in spawn order
              event.set();
              log("setter after set");
              log("setter still running");
              Baton.yieldNow();
              log("setter back");
              for (Task<Void> t : waiters) {
                t.get();
              }
            });
    assertEquals(
        List.of(
            "w1 waits",
            "w2 waits",
            "w3 waits",
            "setter after set",
            "setter still running",
            "w1 woke",
            "w2 woke",
            "w3 woke",
            "setter back"),
        trace);
  }

  @Test
  void lockRelease_handsOffWithoutSwitching() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Lock lock = new Lock();
              lock.acquire();
              Task<Void> t =
                  Baton.spawn(
                      () -> {
                        log("t waits");
                        lock.acquire();
                        log("t owns");
                        lock.release();
                      });
              Baton.yieldNow();
              lock.release();
              log("releaser runs on, locked=" + lock.isLocked());
              assertFalse(lock.tryAcquire(), "the lock went to the waiter, not back to the pool");
              t.get();
            });
    assertEquals(List.of("t waits", "releaser runs on, locked=true", "t owns"), trace);
  }

  @Test
  void timers_fireInDeadlineOrder_tiesInTheOrderTheyWereSet() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Baton.gather(
              sleeper(loop, "c", 3),
              sleeper(loop, "a", 1),
              sleeper(loop, "b1", 2),
              sleeper(loop, "b2", 2));
        });
    assertEquals(List.of("a@1", "b1@2", "b2@2", "c@3"), trace);
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  private java.util.concurrent.Callable<Void> sleeper(EventLoop loop, String name, int seconds) {
    return () -> {
      Baton.sleep(Duration.ofSeconds(seconds));
      log(name + "@" + loop.elapsed().toSeconds());
      return null;
    };
  }

  // ---------------------------------------------------------------- determinism

  /** Several tasks that sleep, yield, contend for a lock and a semaphore, and signal an event. */
  private static List<String> program() throws Exception {
    List<String> out = Collections.synchronizedList(new ArrayList<>());
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Lock lock = new Lock();
          Semaphore slots = new Semaphore(2);
          Event go = new Event();
          Condition changed = new Condition(lock);
          int[] shared = new int[1];
          try (TaskGroup group = new TaskGroup()) {
            for (int i = 0; i < 6; i++) {
              int id = i;
              group.spawn(
                  "w" + id,
                  () -> {
                    out.add("w" + id + " start@" + loop.elapsed().toMillis());
                    go.await();
                    for (int round = 0; round < 3; round++) {
                      try (Held permit = slots.hold()) {
                        out.add("w" + id + " slot r" + round);
                        Baton.sleep(Duration.ofMillis(10 * ((id + round) % 3 + 1)));
                        try (Held held = lock.hold()) {
                          shared[0] += id;
                          out.add(
                              "w" + id + " lock " + shared[0] + "@" + loop.elapsed().toMillis());
                          changed.signalAll();
                          Baton.yieldNow();
                        }
                      }
                      Baton.yieldNow();
                    }
                    return id;
                  });
            }
            group.spawn(
                "watcher",
                () -> {
                  try (Held held = lock.hold()) {
                    changed.awaitUntil(() -> shared[0] >= 30);
                    out.add("watcher saw " + shared[0] + "@" + loop.elapsed().toMillis());
                  }
                  return null;
                });
            Baton.sleep(Duration.ofSeconds(1));
            out.add("main sets go");
            go.set();
          }
          out.add("done " + shared[0]);
        });
    out.add("elapsed " + loop.elapsed());
    return out;
  }

  @Test
  void sameProgram_hundredRuns_sameTrace() throws Exception {
    List<String> first = program();
    assertTrue(first.size() > 30, "the program did something: " + first);
    for (int run = 1; run < 100; run++) {
      assertEquals(first, program(), "run " + run + " diverged");
    }
  }

  // ---------------------------------------------------------------- virtual time

  @Test
  void virtualTime_minutesOfSleepTakeMilliseconds() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    long t0 = System.nanoTime();
    String r =
        loop.run(
            () -> {
              Baton.gather(
                  () -> {
                    Baton.sleep(Duration.ofMinutes(5));
                    return null;
                  },
                  () -> {
                    for (int i = 0; i < 30; i++) {
                      Baton.sleep(Duration.ofMinutes(1));
                    }
                    return null;
                  });
              return "done";
            });
    long realMillis = (System.nanoTime() - t0) / 1_000_000;
    assertEquals("done", r);
    assertEquals(Duration.ofMinutes(30), loop.elapsed());
    assertTrue(realMillis < 2_000, "30 virtual minutes took " + realMillis + " ms of real time");
  }

  @Test
  void virtualTime_elapsedReportsLoopTime_andKeepsItsValueAfterRun() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    assertEquals(Duration.ZERO, loop.elapsed());
    assertTrue(loop.isVirtualTime());
    loop.run(
        () -> {
          assertEquals(Duration.ZERO, loop.elapsed());
          Baton.sleep(Duration.ofSeconds(90));
          assertEquals(Duration.ofSeconds(90), loop.elapsed());
          Baton.sleep(Duration.ofMillis(1500));
          assertEquals(Duration.ofMillis(91_500), loop.elapsed());
        });
    assertEquals(Duration.ofMillis(91_500), loop.elapsed());
    assertEquals(Duration.ofMillis(91_500), loop.elapsed(), "frozen, not running on");
  }

  @Test
  void virtualTime_standsStillWhileTasksRun() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Duration before = loop.elapsed();
          long x = 0;
          for (int i = 0; i < 5_000_000; i++) {
            x += i ^ (x >>> 3);
          }
          Baton.yieldNow(); // a switch with nothing to wait for does not move the clock either
          assertEquals(before, loop.elapsed(), "work and yields cost no virtual time " + x);
        });
    assertEquals(Duration.ZERO, loop.elapsed());
  }

  @Test
  void virtualTime_readyTasksRunBeforeTheClockJumps() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Task<Void> spinner =
              Baton.spawn(
                  () -> {
                    for (int i = 0; i < 1000; i++) {
                      Baton.yieldNow();
                    }
                    log("spinner done@" + loop.elapsed().toNanos());
                  });
          Baton.sleep(Duration.ofNanos(1));
          log("sleeper woke@" + loop.elapsed().toNanos());
          spinner.get();
        });
    assertEquals(List.of("spinner done@0", "sleeper woke@1"), trace);
  }

  // ---------------------------------------------------------------- real clock

  @Test
  void realClock_tinySleepsWakeInOrder() throws Exception {
    EventLoop loop = EventLoop.create();
    assertFalse(loop.isVirtualTime());
    long t0 = System.nanoTime();
    String r =
        loop.run(
            () -> {
              Baton.gather(
                  () -> {
                    Baton.sleep(Duration.ofMillis(20));
                    log("slow");
                    return null;
                  },
                  () -> {
                    Baton.sleep(Duration.ofMillis(2));
                    log("fast");
                    return null;
                  });
              return Baton.currentTaskName();
            });
    long real = System.nanoTime() - t0;
    assertEquals("main", r);
    assertEquals(List.of("fast", "slow"), trace);
    Duration elapsed = loop.elapsed();
    assertTrue(elapsed.compareTo(Duration.ofMillis(20)) >= 0, "elapsed " + elapsed);
    assertTrue(elapsed.toNanos() <= real, "elapsed " + elapsed + " exceeds real time " + real);
    assertEquals(elapsed, loop.elapsed(), "frozen after run");
  }

  @Test
  void batonRun_usesTheRealClockLoop() throws Exception {
    int r =
        Baton.run(
            () -> {
              Baton.sleep(Duration.ofMillis(1));
              Baton.yieldNow();
              return 42;
            });
    assertEquals(42, r);
  }

  // ---------------------------------------------------------------- where a loop may run

  @Test
  void run_nestedInsideALoopTask_throwsIllegalStateException() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          assertThrows(IllegalStateException.class, () -> Baton.run(() -> 1));
          assertThrows(IllegalStateException.class, () -> Baton.run(() -> {}));
          assertThrows(IllegalStateException.class, () -> EventLoop.withVirtualTime().run(() -> 1));
          assertThrows(IllegalStateException.class, () -> loop.run(() -> 1));
          Baton.sleep(Duration.ofSeconds(1)); // the outer loop still works afterwards
        });
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void run_whileAlreadyRunningOnAnotherThread_throwsIllegalStateException() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          IllegalStateException e =
              Baton.toThread(
                  () -> assertThrows(IllegalStateException.class, () -> loop.run(() -> 1)));
          assertTrue(e.getMessage().contains("already running"), e.getMessage());
        });
  }

  @Test
  void interruptingTheThreadThatRunsTheLoop_cancelsMain_andKeepsTheInterruptStatus()
      throws Exception {
    // As Baton.runParallel does, and as Ctrl-C cancels the main task of asyncio.run.
    CountDownLatch working = new CountDownLatch(1);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptedAfter = new AtomicBoolean();
    Thread runner =
        new Thread(
            () -> {
              try {
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          try {
                            Baton.toThread(
                                () -> {
                                  working.countDown();
                                  new CountDownLatch(1).await(); // until interrupted
                                  return null;
                                });
                          } finally {
                            log("main finally");
                          }
                        });
              } catch (Throwable t) {
                thrown.set(t);
              }
              interruptedAfter.set(Thread.currentThread().isInterrupted());
            });
    runner.start();
    working.await();
    runner.interrupt();
    runner.join(10_000);
    assertFalse(runner.isAlive(), "run did not end");
    assertInstanceOf(CancellationException.class, thrown.get());
    assertTrue(interruptedAfter.get(), "the caller's interrupt status is kept");
    assertEquals(List.of("main finally"), trace);
  }

  @Test
  void aLoop_canRunAgainAfterItFinished() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    assertEquals(
        1,
        loop.run(
            () -> {
              Baton.sleep(Duration.ofSeconds(5));
              return 1;
            }));
    assertEquals(
        2,
        loop.run(
            () -> {
              Baton.sleep(Duration.ofSeconds(2));
              return 2;
            }));
    assertEquals(Duration.ofSeconds(2), loop.elapsed(), "elapsed counts from the latest run");
  }

  @Test
  void nullMain_isRejected() {
    EventLoop loop = EventLoop.withVirtualTime();
    assertThrows(NullPointerException.class, () -> loop.run((Body) null));
    assertThrows(
        NullPointerException.class, () -> loop.run((java.util.concurrent.Callable<?>) null));
  }
}
