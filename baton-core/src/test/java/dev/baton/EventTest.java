package dev.baton;

import static dev.baton.TestSupport.eventually;
import static dev.baton.TestSupport.onLoop;
import static dev.baton.TestSupport.spawn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.TestSupport.Kind;
import dev.baton.TestSupport.Worker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Conformance tests for {@link Event}: DESIGN.md's fixed behaviours and CPython's {@code
 * EventTests} (test_locks.py), on a virtual-time loop and on plain threads.
 */
class EventTest {

  // ------------------------------------------------------------------ set wakes every waiter

  // mirrors EventTests.test_wait
  @Test
  void set_wakesEveryCurrentWaiter() throws Exception {
    List<Integer> result = new ArrayList<>();
    onLoop(
        () -> {
          Event ev = new Event();
          assertFalse(ev.isSet());
          Task<Void> t1 = spawn("c1", () -> record(ev, result, 1));
          Task<Void> t2 = spawn("c2", () -> record(ev, result, 2));
          Baton.yieldNow();
          assertEquals(List.of(), result);
          assertEquals(2, ev.statistics().waiting());

          Task<Void> t3 = spawn("c3", () -> record(ev, result, 3)); // ready, has not waited yet
          ev.set();
          assertEquals(0, ev.statistics().waiting(), "set() released every waiter at once");
          Baton.yieldNow();
          // c3 was ready before the set made c1 and c2 ready; it finds the event set
          assertEquals(List.of(3, 1, 2), result);
          assertTrue(t1.isDone() && t2.isDone() && t3.isDone());
          t1.join();
          t2.join();
          t3.join();
        });
  }

  private static void record(Event ev, List<Integer> result, int i) throws InterruptedException {
    ev.await();
    result.add(i);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void set_wakesEveryCurrentWaiter_threads(Kind kind) throws Exception {
    Event ev = new Event();
    List<Worker> waiters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiters.add(Worker.start(kind, "waiter-" + i, ev::await));
    }
    CompletableFuture<Void> async = ev.awaitAsync();
    eventually("all four wait", () -> ev.statistics().waiting() == 4);
    ev.set();
    assertEquals(0, ev.statistics().waiting());
    assertTrue(async.isDone(), "the async waiter is completed by set() itself");
    for (Worker w : waiters) {
      w.join();
    }
  }

  // mirrors EventTests.test_wait_on_set
  @Test
  void await_onSetEvent_returnsAtOnce() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Event ev = new Event();
              ev.set();
              ev.await(); // on a loop, a wait that waited would have nobody to wake it: deadlock
              assertTrue(ev.await(Duration.ZERO));
              assertTrue(ev.await(Duration.ofSeconds(1)));
              assertTrue(ev.awaitAsync().isDone());
              assertEquals(0, ev.statistics().waiting());
            });
    assertEquals(Duration.ZERO, loop.elapsed());
  }

  // mirrors EventTests.test_clear
  @Test
  void clear_unsetsTheFlag() {
    Event ev = new Event();
    assertFalse(ev.isSet());
    ev.set();
    assertTrue(ev.isSet());
    ev.clear();
    assertFalse(ev.isSet());
    assertEquals(new Event.Statistics(false, 0), ev.statistics());
  }

  // ------------------------------------------------------------------ set(); clear()

  // mirrors EventTests.test_clear_with_waiters
  @Test
  void setThenClear_beforeWaitersRun_releasesEachExactlyOnce() throws Exception {
    AtomicInteger wakes = new AtomicInteger();
    onLoop(
        () -> {
          Event ev = new Event();
          Task<Void> t =
              spawn(
                  "c1",
                  () -> {
                    ev.await();
                    wakes.incrementAndGet();
                  });
          Baton.yieldNow();
          assertEquals(1, ev.statistics().waiting());

          ev.set();
          ev.clear();
          assertFalse(ev.isSet());
          ev.set();
          ev.set();
          // unlike asyncio, whose waiter stays in _waiters until it runs, set() released it
          assertEquals(0, ev.statistics().waiting());

          Baton.yieldNow();
          assertEquals(1, wakes.get());
          assertTrue(t.isDone());
          t.join();
        });
    assertEquals(1, wakes.get(), "released exactly once");
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void setThenClear_beforeWaitersRun_releasesEachExactlyOnce_threads(Kind kind) throws Exception {
    Event ev = new Event();
    Event again = new Event();
    AtomicInteger wakes = new AtomicInteger();
    List<Worker> waiters = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      waiters.add(
          Worker.start(
              kind,
              "waiter-" + i,
              () -> {
                ev.await();
                wakes.incrementAndGet();
                again.await();
              }));
    }
    eventually("all wait", () -> ev.statistics().waiting() == 4);
    ev.set();
    ev.clear();
    eventually("each woke", () -> again.statistics().waiting() == 4);
    assertEquals(4, wakes.get(), "each waiter released exactly once, none lost to the clear");
    assertFalse(ev.isSet());
    assertEquals(0, ev.statistics().waiting());
    again.set();
    for (Worker w : waiters) {
      w.join();
    }
  }

  // ------------------------------------------------------------------ cancellation

  // mirrors EventTests.test_wait_cancel
  @Test
  void await_cancelled_leavesNoWaiter() throws Exception {
    onLoop(
        () -> {
          Event ev = new Event();
          AtomicBoolean threw = new AtomicBoolean();
          Task<Void> wait =
              spawn(
                  "wait",
                  () -> {
                    try {
                      ev.await();
                    } catch (InterruptedException e) {
                      threw.set(true);
                      throw e;
                    }
                  });
          Baton.yieldNow();
          assertEquals(1, ev.statistics().waiting());
          assertTrue(wait.cancel());
          assertEquals(0, ev.statistics().waiting(), "withdrawn before cancel() returned");
          assertThrows(CancellationException.class, wait::get);
          assertThrows(CancellationException.class, wait::join);
          assertTrue(threw.get());
          assertFalse(ev.isSet());
        });
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_interrupted_throwsAndLeavesNoWaiter(Kind kind) throws Exception {
    Event ev = new Event();
    Worker w = Worker.start(kind, "waiter", ev::await);
    eventually("the waiter waits", () -> ev.statistics().waiting() == 1);
    w.thread.interrupt();
    assertTrue(w.failure() instanceof InterruptedException);
    assertEquals(0, ev.statistics().waiting());
  }

  @Test
  void await_cancelledAfterSet_returnsNormallyWithInterruptStatus() throws Exception {
    Steps s = new Steps();
    onLoop(
        () -> {
          Event ev = new Event();
          Event other = new Event();
          Task<Void> t =
              spawn(
                  "waiter",
                  () -> {
                    s.expect(2);
                    ev.await(); // set, then cancelled before it ran: the set wins
                    s.expect(4);
                    s.check(Thread.currentThread().isInterrupted(), "interrupt status kept");
                    try {
                      other.await();
                      s.unreached("the next wait throws");
                    } catch (InterruptedException expected) {
                      s.expect(5);
                    }
                  });
          s.expect(1);
          Baton.yieldNow();
          s.expect(3);
          ev.set();
          assertTrue(t.cancel());
          assertThrows(CancellationException.class, t::join);
          s.expect(6);
        });
    s.finish(7);
  }

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_interruptedAfterSet_returnsNormallyWithInterruptStatus(Kind kind) throws Exception {
    Event ev = new Event();
    AtomicBoolean interruptSent = new AtomicBoolean();
    Worker w =
        Worker.start(
            kind,
            "waiter",
            () -> {
              ev.await();
              while (!interruptSent.get()) {
                Thread.onSpinWait();
              }
              assertTrue(Thread.currentThread().isInterrupted());
              assertThrows(InterruptedException.class, () -> new Event().await());
            });
    eventually("the waiter waits", () -> ev.statistics().waiting() == 1);
    ev.set();
    w.thread.interrupt();
    interruptSent.set(true);
    w.join();
  }

  /**
   * Regression: tasks woken by {@code set()} and then cancelled before their turn have their
   * interrupt status set while they wait for the baton; the loop must not spin on it. With as many
   * such tasks as carrier threads the loop used to hang.
   */
  @Test
  void set_thenCancelWokenTasksBeforeTheyRun_loopKeepsRunning() {
    int cancelled = Runtime.getRuntime().availableProcessors() + 1;
    assertTimeoutPreemptively(
        TestSupport.LIMIT,
        () ->
            onLoop(
                () -> {
                  Event ev = new Event();
                  AtomicInteger returned = new AtomicInteger();
                  List<Task<Void>> tasks = new ArrayList<>();
                  for (int i = 0; i <= cancelled; i++) {
                    tasks.add(
                        spawn(
                            "t" + i,
                            () -> {
                              ev.await();
                              returned.incrementAndGet();
                            }));
                  }
                  Baton.yieldNow();
                  ev.set();
                  for (int i = 1; i <= cancelled; i++) {
                    assertTrue(tasks.get(i).cancel());
                  }
                  tasks.get(0).join();
                  for (int i = 1; i <= cancelled; i++) {
                    assertThrows(CancellationException.class, tasks.get(i)::join);
                  }
                  assertEquals(cancelled + 1, returned.get(), "the set won over every cancel");
                }));
  }

  // ------------------------------------------------------------------ entry check

  @ParameterizedTest
  @EnumSource(Kind.class)
  void await_withInterruptStatusSet_throwsEvenIfSet(Kind kind) throws Exception {
    Event ev = new Event();
    ev.set();
    Worker.start(
            kind,
            "caller",
            () -> {
              Thread.currentThread().interrupt();
              assertThrows(InterruptedException.class, ev::await);
              Thread.currentThread().interrupt();
              assertThrows(InterruptedException.class, () -> ev.await(Duration.ofSeconds(1)));
              Thread.currentThread().interrupt();
              assertThrows(InterruptedException.class, () -> ev.await(Duration.ZERO));
              assertFalse(Thread.currentThread().isInterrupted());
              ev.await(); // and without it, returns at once
            })
        .join();
  }

  @Test
  void await_withInterruptStatusSet_throwsEvenIfSet_onLoop() throws Exception {
    onLoop(
        () -> {
          Event ev = new Event();
          ev.set();
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, ev::await);
          assertEquals(new Event.Statistics(true, 0), ev.statistics());
        });
  }

  // ------------------------------------------------------------------ timeouts, async

  @Test
  void awaitTimed_expires_returnsFalseAndLeavesNoWaiter() throws Exception {
    EventLoop loop =
        onLoop(
            () -> {
              Event ev = new Event();
              assertFalse(ev.await(Duration.ofSeconds(2)));
              assertEquals(0, ev.statistics().waiting());
              Task<Boolean> t = Baton.spawn("waiter", () -> ev.await(Duration.ofSeconds(5)));
              Baton.sleep(Duration.ofSeconds(1));
              ev.set();
              assertTrue(t.join());
            });
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  @Test
  void awaitAsync_cancel_withdrawsRequest() {
    Event ev = new Event();
    CompletableFuture<Void> f = ev.awaitAsync();
    CompletableFuture<Void> g = ev.awaitAsync();
    assertEquals(2, ev.statistics().waiting());
    assertTrue(f.cancel(false));
    assertEquals(1, ev.statistics().waiting());
    ev.set();
    assertTrue(f.isCancelled());
    assertTrue(g.isDone() && !g.isCompletedExceptionally());
  }

  // ------------------------------------------------------------------ across modes

  @ParameterizedTest
  @EnumSource(Kind.class)
  void set_fromPlainThread_wakesLoopTask(Kind kind) throws Exception {
    Event ev = new Event();
    ev.clear(); // used outside the loop: the loop knows a thread may still set it
    Worker setter =
        Worker.start(
            kind,
            "setter",
            () -> {
              eventually("the loop task waits", () -> ev.statistics().waiting() == 1);
              ev.set();
            });
    onLoop(ev::await);
    setter.join();
  }
}
