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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Deadlock detection: what the report says about the stuck tasks, that their {@code finally} blocks
 * run, and that the loop does not cry deadlock while something can still wake a task.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DeadlockTest {
  private final List<String> trace = Collections.synchronizedList(new ArrayList<>());

  private void log(String s) {
    trace.add(s);
  }

  /** The line number of the statement right below the caller's: put the waiting call there. */
  private static int nextLine() {
    return new Throwable().getStackTrace()[1].getLineNumber() + 1;
  }

  private static String site(AtomicInteger line) {
    return "DeadlockTest.java:" + line.get();
  }

  /** The report's line about {@code task}, or a failure if it has none. */
  private static String lineAbout(DeadlockException e, String task) {
    for (String l : e.getMessage().split("\n")) {
      if (l.trim().startsWith("task " + task + " ")) {
        return l;
      }
    }
    throw new AssertionError("no line about task " + task + " in:\n" + e.getMessage());
  }

  private static void assertContains(String haystack, String needle) {
    assertTrue(haystack.contains(needle), "expected <" + needle + "> in:\n" + haystack);
  }

  // ---------------------------------------------------------------- reports

  @Test
  void lostConditionSignal_isReported_withTheTaskThePrimitiveAndBothLines() {
    AtomicInteger waitLine = new AtomicInteger();
    AtomicInteger signalLine = new AtomicInteger();
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          Condition ready = new Condition();
                          try (TaskGroup g = new TaskGroup()) {
                            g.spawn(
                                "producer",
                                () -> {
                                  try (Held h = ready.hold()) {
                                    signalLine.set(nextLine());
                                    ready.signal(); // nobody waits yet: the signal is lost
                                  }
                                  return null;
                                });
                            g.spawn(
                                "consumer",
                                () -> {
                                  Baton.sleep(Duration.ofSeconds(1));
                                  try (Held h = ready.hold()) {
                                    waitLine.set(nextLine());
                                    ready.await();
                                  } finally {
                                    log("consumer finally");
                                  }
                                  return null;
                                });
                          }
                        }));
    String consumer = lineAbout(e, "consumer");
    assertContains(consumer, "Condition");
    assertContains(consumer, site(waitLine));
    assertContains(e.getMessage(), "lost");
    assertContains(e.getMessage(), site(signalLine));
    assertContains(lineAbout(e, "main"), "TaskGroup");
    assertEquals(List.of("consumer finally"), trace);
    assertInstanceOf(RuntimeException.class, e, "unchecked");
  }

  @Test
  void lockCycle_betweenTwoTasks_isReported_andTheirFinallyBlocksRelease() {
    AtomicInteger aLine = new AtomicInteger();
    AtomicInteger bLine = new AtomicInteger();
    Lock first = new Lock();
    Lock second = new Lock();
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          try (TaskGroup g = new TaskGroup()) {
                            g.spawn(
                                "a",
                                () -> {
                                  try (Held one = first.hold()) {
                                    Baton.yieldNow(); // b takes the second lock meanwhile
                                    aLine.set(nextLine());
                                    try (Held two = second.hold()) {
                                      log("a got both");
                                    }
                                  } finally {
                                    log("a finally");
                                  }
                                  return null;
                                });
                            g.spawn(
                                "b",
                                () -> {
                                  try (Held two = second.hold()) {
                                    Baton.yieldNow();
                                    bLine.set(nextLine());
                                    try (Held one = first.hold()) {
                                      log("b got both");
                                    }
                                  } finally {
                                    log("b finally");
                                  }
                                  return null;
                                });
                          }
                        }));
    String a = lineAbout(e, "a");
    String b = lineAbout(e, "b");
    assertContains(a, "Lock");
    assertContains(a, site(aLine));
    assertContains(b, "Lock");
    assertContains(b, site(bLine));
    assertContains(e.getMessage(), "cycle");
    assertEquals(List.of("a finally", "b finally"), trace);
    assertFalse(first.isLocked(), "the stuck tasks' finally blocks released the locks");
    assertFalse(second.isLocked());
  }

  @Test
  void eventNobodySets_isReported_withTheTaskTheEventAndTheLine() {
    AtomicInteger waitLine = new AtomicInteger();
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                EventLoop.withVirtualTime()
                    .run(
                        () -> {
                          Event never = new Event();
                          Task<Void> waiter =
                              Baton.spawn(
                                  "waiter",
                                  () -> {
                                    try {
                                      waitLine.set(nextLine());
                                      never.await();
                                    } finally {
                                      log("waiter finally");
                                    }
                                    return null;
                                  });
                          waiter.join();
                        }));
    String w = lineAbout(e, "waiter");
    assertContains(w, "Event");
    assertContains(w, site(waitLine));
    assertContains(lineAbout(e, "main"), "waiter");
    assertEquals(List.of("waiter finally"), trace);
  }

  @Test
  void mainItselfStuck_isReported_onTheRealClockLoopToo() {
    AtomicInteger waitLine = new AtomicInteger();
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                Baton.run(
                    () -> {
                      Semaphore none = new Semaphore(0);
                      try {
                        waitLine.set(nextLine());
                        none.acquire();
                      } finally {
                        log("main finally");
                      }
                    }));
    String main = lineAbout(e, "main");
    assertContains(main, "Semaphore");
    assertContains(main, site(waitLine));
    assertEquals(List.of("main finally"), trace);
  }

  @Test
  void aDeadlockAfterTime_passed_isStillFoundAndTheClockStops() {
    EventLoop loop = EventLoop.withVirtualTime();
    assertThrows(
        DeadlockException.class,
        () ->
            loop.run(
                () -> {
                  Baton.sleep(Duration.ofMinutes(3));
                  new Event().await();
                }));
    assertEquals(Duration.ofMinutes(3), loop.elapsed());
  }

  // ---------------------------------------------------------------- no false deadlock

  @Test
  void noDeadlock_whileATimerIsPending() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Event later = new Event();
          Baton.spawn(
              () -> {
                Baton.sleep(Duration.ofHours(2));
                later.set();
              });
          later.await();
          assertFalse(new Event().await(Duration.ofSeconds(5)), "a timed wait times out instead");
        });
    assertEquals(Duration.ofHours(2).plusSeconds(5), loop.elapsed());
  }

  @Test
  void noDeadlock_whileToThreadWorkRuns() throws Exception {
    EventLoop.withVirtualTime()
        .run(
            () -> {
              Event done = new Event();
              Baton.spawn(
                  () -> {
                    String r =
                        Baton.toThread(
                            () -> {
                              Thread.sleep(30); // blocking work off the loop, on a real clock
                              return "worked";
                            });
                    log(r);
                    done.set();
                  });
              done.await(); // no task ready, no timer: only the work can end this wait
              log("main woke");
            });
    assertEquals(List.of("worked", "main woke"), trace);
  }

  @Test
  void noDeadlock_whileAnOutsideThreadThatUsedTheLockCanStillReleaseIt() throws Exception {
    Lock lock = new Lock();
    CountDownLatch held = new CountDownLatch(1);
    Thread outside =
        new Thread(
            () -> {
              try {
                lock.acquire();
                held.countDown();
                while (lock.statistics().waiting() == 0) {
                  Thread.sleep(1); // until the loop task queues up behind us
                }
                lock.release();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    outside.start();
    held.await();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              try (Held h = lock.hold()) { // no task ready, no timer: only the thread can help
                log("loop task got the lock");
              }
            });
    outside.join();
    assertEquals(List.of("loop task got the lock"), trace);
  }

  @Test
  void noDeadlock_whileAnOutsideThreadThatUsedTheEventCanStillSetIt() throws Exception {
    Event event = new Event();
    event.clear(); // used by this (outside) thread first
    CountDownLatch loopWaits = new CountDownLatch(1);
    Thread outside =
        new Thread(
            () -> {
              try {
                loopWaits.await();
                while (event.statistics().waiting() == 0) {
                  Thread.sleep(1);
                }
                event.set();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    outside.start();
    EventLoop.withVirtualTime()
        .run(
            () -> {
              loopWaits.countDown();
              event.await();
              log("set from outside");
            });
    outside.join();
    assertEquals(List.of("set from outside"), trace);
  }
}
