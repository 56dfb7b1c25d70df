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
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Barrier}: CPython's {@code test_asyncio/test_locks.py} {@code BarrierTests}, one test per
 * Python test (named in a comment), on the event loop with virtual time; then Baton's own cases
 * (timeouts, the async face, exact indices, bad input, threads). {@code asyncio.sleep(0)} is {@link
 * Baton#yieldNow()}, {@code create_task} is {@link Baton#spawn(Body)}.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BarrierTest {
  private static final int N = 5; // BarrierTests.asyncSetUp

  private static void loop(Body body) throws Exception {
    EventLoop.withVirtualTime().run(body);
  }

  private static List<Task<Void>> spawn(int n, Body body) {
    List<Task<Void>> tasks = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tasks.add(Baton.spawn(body));
    }
    return tasks;
  }

  /** A task that awaits {@code barrier} and returns its index. */
  private static Task<Integer> arrive(Barrier barrier) {
    Callable<Integer> wait = barrier::await;
    return Baton.spawn(wait);
  }

  /** {@code gather_tasks}: spawns {@code n} tasks and waits for all, rethrowing a failure. */
  private static void gather(int n, Body body) throws Exception {
    for (Task<Void> t : spawn(n, body)) {
      t.join();
    }
  }

  private static <T> List<T> syncList() {
    return Collections.synchronizedList(new ArrayList<>());
  }

  // ---------------------------------------------------------------- CPython BarrierTests

  // test_barrier_parties
  @Test
  void constructor_partiesBelowOne_throwsIllegalArgumentException() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Barrier(0));
    assertTrue(e.getMessage().contains("parties"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new Barrier(-4));
    assertEquals(N, new Barrier(N).parties());
  }

  // test_barrier, test_repr
  @Test
  void stateAndToString_followFillingDrainingResettingBroken() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          assertEquals(Barrier.State.FILLING, barrier.state());
          assertTrue(barrier.toString().contains("filling"), barrier.toString());
          List<Task<Void>> waiters = new ArrayList<>();
          Body wait =
              () -> {
                try {
                  barrier.await();
                } catch (BrokenBarrierException expected) {
                }
              };
          waiters.addAll(spawn(2, wait));
          Baton.yieldNow();
          assertTrue(barrier.toString().contains("waiting=2/" + N), barrier.toString());
          assertEquals(Barrier.State.FILLING, barrier.state());

          waiters.addAll(spawn(barrier.parties() - barrier.waiting(), wait));
          Baton.yieldNow();
          assertEquals(Barrier.State.DRAINING, barrier.state());
          assertTrue(barrier.toString().contains("draining"), barrier.toString());

          waiters.addAll(spawn(2, wait));
          Baton.yieldNow();
          barrier.reset();
          assertEquals(Barrier.State.RESETTING, barrier.state());

          waiters.addAll(spawn(2, wait));
          Baton.yieldNow();
          barrier.abort();
          assertEquals(Barrier.State.BROKEN, barrier.state());
          assertTrue(barrier.isBroken());
          assertTrue(barrier.toString().contains("broken"), barrier.toString());
          for (Task<Void> t : waiters) {
            t.join();
          }
        });
  }

  // test_context_manager
  @Test
  void await_threeParties_returnEachIndexOnce() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          List<Integer> results = syncList();
          gather(3, () -> results.add(barrier.await()));
          assertEquals(List.of(0, 1, 2), results.stream().sorted().toList());
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_filling_one_task
  @Test
  void await_onePartyBarrier_passesAtOnce() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(1);
          assertEquals(0, barrier.await());
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_filling_one_task_twice
  @Test
  void await_onePartyBarrierTwice_bothPassWithIndexZero() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(1);
          Task<Integer> t1 = arrive(barrier);
          Baton.yieldNow();
          assertEquals(0, barrier.waiting());
          Task<Integer> t2 = arrive(barrier);
          Baton.yieldNow();
          assertEquals(t1.get(), t2.get());
          assertEquals(t1.isDone(), t2.isDone());
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_filling_task_by_task
  @Test
  void waiting_countsArrivals_untilTheTrip() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          Task<Integer> t1 = arrive(barrier);
          Baton.yieldNow();
          assertEquals(1, barrier.waiting());
          assertEquals(Barrier.State.FILLING, barrier.state());
          Task<Integer> t2 = arrive(barrier);
          Baton.yieldNow();
          assertEquals(2, barrier.waiting());
          Task<Integer> t3 = arrive(barrier);
          Baton.yieldNow();
          assertEquals(List.of(0, 1, 2), List.of(t1.get(), t2.get(), t3.get()));
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_filling_tasks_wait_twice
  @Test
  void await_twoCyclesInARow_everyPartyPassesBoth() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results = syncList();
          gather(
              N,
              () -> {
                barrier.await();
                results.add(true);
                barrier.await();
                results.add(false);
              });
          assertEquals(2 * N, results.size());
          assertEquals(N, Collections.frequency(results, true));
          assertEquals(N, Collections.frequency(results, false));
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_filling_tasks_check_return_value
  @Test
  void await_secondCycle_returnsEachIndexOnce() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Integer> second = syncList();
          gather(
              N,
              () -> {
                barrier.await();
                second.add(barrier.await());
              });
          assertEquals(List.of(0, 1, 2, 3, 4), second.stream().sorted().toList());
          assertEquals(0, barrier.waiting());
        });
  }

  // test_draining_state
  @Test
  void state_isDrainingUntilTheLastReleasedPartyHasLeft() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> draining = syncList();
          gather(
              N,
              () -> {
                barrier.await();
                draining.add(barrier.state() == Barrier.State.DRAINING);
              });
          assertEquals(N, draining.size());
          assertEquals(List.of(true, true, true, true, false), draining);
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_blocking_tasks_while_draining
  @Test
  void await_reenteringWhileDraining_waitsForTheDrain() throws Exception {
    loop(
        () -> {
          int rewait = 2;
          Barrier barrier = new Barrier(N);
          Barrier others = new Barrier(N - rewait);
          AtomicInteger rewaitLeft = new AtomicInteger(rewait);
          // Success means `others` was awaited exactly N - rewait times and nobody hangs.
          gather(
              N,
              () -> {
                barrier.await();
                if (rewaitLeft.getAndDecrement() > 0) {
                  assertEquals(0, barrier.waiting(), "a re-entry during the drain does not count");
                  barrier.await();
                } else {
                  others.await();
                  barrier.await();
                }
              });
          assertEquals(0, barrier.waiting());
        });
  }

  // test_filling_tasks_cancel_one
  @Test
  void await_cancellingOneFillingParty_removesItWithoutBreaking() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          List<Boolean> results = syncList();
          Body coro =
              () -> {
                barrier.await();
                results.add(true);
              };
          Task<Void> t1 = Baton.spawn(coro);
          Baton.yieldNow();
          assertEquals(1, barrier.waiting());
          Task<Void> t2 = Baton.spawn(coro);
          Baton.yieldNow();
          assertEquals(2, barrier.waiting());

          t1.cancel();
          assertEquals(1, barrier.waiting(), "withdrawn before cancel() returns");
          Baton.yieldNow();
          assertThrows(CancellationException.class, t1::get);
          assertTrue(t1.isCancelled());

          Task<Void> t3 = Baton.spawn(coro);
          Baton.yieldNow();
          assertEquals(2, barrier.waiting());
          Task<Void> t4 = Baton.spawn(coro);
          t2.join();
          t3.join();
          t4.join();
          assertEquals(List.of(true, true, true), results);
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
        });
  }

  // test_reset_barrier
  @Test
  void reset_unusedBarrier_leavesItFilling() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(1);
          Baton.spawn(barrier::reset);
          Baton.yieldNow();
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
          assertEquals(Barrier.State.FILLING, barrier.state());
        });
  }

  // test_reset_barrier_while_tasks_waiting
  @Test
  void reset_breaksEveryWaitingParty_thenFillsAgain() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results = syncList();
          List<Task<Void>> tasks =
              spawn(
                  N - 1,
                  () -> {
                    try {
                      barrier.await();
                    } catch (BrokenBarrierException e) {
                      results.add(true);
                    }
                  });
          Baton.yieldNow();
          Baton.spawn(barrier::reset);
          for (Task<Void> t : tasks) {
            t.join();
          }
          assertEquals(N - 1, results.size());
          assertEquals(0, barrier.waiting());
          assertEquals(Barrier.State.FILLING, barrier.state());
          assertFalse(barrier.isBroken());
        });
  }

  /**
   * test_reset_barrier_when_tasks_half_draining, with Baton's documented difference: a trip hands
   * the barrier over, so the parties it released pass even if reset() comes before they resume.
   * (asyncio breaks the N//2 parties that have not resumed yet.)
   */
  @Test
  void reset_whileDraining_doesNotBreakReleasedParties() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> broken = syncList();
          int restOfTasks = N / 2;
          AtomicInteger passed = new AtomicInteger();
          gather(
              N,
              () -> {
                try {
                  barrier.await();
                } catch (BrokenBarrierException e) {
                  broken.add(true);
                  return;
                }
                if (passed.incrementAndGet() == N - restOfTasks) {
                  barrier.reset(); // restOfTasks released parties have not resumed yet
                  assertEquals(Barrier.State.RESETTING, barrier.state());
                }
              });
          assertEquals(List.of(), broken);
          assertEquals(0, barrier.waiting());
          assertEquals(Barrier.State.FILLING, barrier.state());
          assertFalse(barrier.isBroken());
        });
  }

  /**
   * test_reset_barrier_when_tasks_half_draining_half_blocking, with the same difference: the
   * released parties pass; every party still meets the others in the next cycle.
   */
  @Test
  void reset_whileHalfDrainingHalfBlocking_everyoneMeetsInTheNextCycle() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          int blockingTasks = N / 2;
          AtomicInteger count = new AtomicInteger();
          gather(
              N,
              () -> {
                try {
                  barrier.await();
                } catch (BrokenBarrierException e) {
                  results1.add(true);
                  barrier.await();
                  return;
                }
                if (count.incrementAndGet() > blockingTasks) {
                  barrier.reset();
                  barrier.await();
                } else {
                  try {
                    barrier.await();
                  } catch (BrokenBarrierException e) {
                    results2.add(true);
                  }
                }
              });
          assertEquals(List.of(), results1); // asyncio: [True] * blockingTasks
          assertEquals(List.of(), results2);
          assertEquals(0, barrier.waiting());
          assertEquals(Barrier.State.FILLING, barrier.state());
          assertFalse(barrier.isBroken());
        });
  }

  // test_reset_barrier_while_tasks_waiting_and_waiting_again
  @Test
  void reset_brokenPartiesWaitAgain_andMeetANewcomer() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          List<Task<Void>> tasks =
              spawn(
                  N - 1,
                  () -> {
                    try {
                      barrier.await();
                    } catch (BrokenBarrierException e) {
                      results1.add(true);
                    } finally {
                      barrier.await();
                      results2.add(true);
                    }
                  });
          Baton.spawn(barrier::reset);
          Baton.yieldNow();
          Baton.spawn(
              () -> {
                barrier.await();
                results2.add(true);
              });
          for (Task<Void> t : tasks) {
            t.join();
          }
          assertFalse(barrier.isBroken());
          assertEquals(N - 1, results1.size());
          assertEquals(N, results2.size());
          assertEquals(0, barrier.waiting());
        });
  }

  // test_reset_barrier_while_tasks_draining
  @Test
  void reset_byTheLastPartyToLeave_doesNotBreakThoseWaitingForTheDrain() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          List<Boolean> results3 = syncList();
          AtomicInteger count = new AtomicInteger();
          gather(
              N,
              () -> {
                barrier.await();
                if (count.incrementAndGet() == N) {
                  barrier.reset(); // the last party left the barrier
                  barrier.await();
                } else {
                  try {
                    barrier.await();
                    results1.add(true);
                  } catch (Exception e) {
                    results2.add(true);
                  }
                }
                barrier.await();
                results3.add(true);
              });
          assertFalse(barrier.isBroken());
          assertEquals(N - 1, results1.size());
          assertEquals(0, results2.size());
          assertEquals(N, results3.size());
          assertEquals(0, barrier.waiting());
        });
  }

  // test_abort_barrier
  @Test
  void abort_unusedBarrier_breaksIt() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(1);
          Baton.spawn(barrier::abort);
          Baton.yieldNow();
          assertEquals(0, barrier.waiting());
          assertTrue(barrier.isBroken());
          assertThrows(BrokenBarrierException.class, barrier::await);
        });
  }

  /**
   * test_abort_barrier_when_tasks_half_draining_half_blocking, with Baton's difference: parties
   * released by the trip pass (asyncio breaks the N//2 that have not resumed); those waiting for
   * the drain are broken, as in asyncio.
   */
  @Test
  void abort_whileDraining_breaksThoseWaitingForTheDrain() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          int blockingTasks = N / 2;
          AtomicInteger count = new AtomicInteger();
          gather(
              N,
              () -> {
                try {
                  barrier.await();
                } catch (BrokenBarrierException e) {
                  results1.add(true);
                  return;
                }
                if (count.incrementAndGet() > blockingTasks) {
                  barrier.abort();
                } else {
                  try {
                    barrier.await();
                  } catch (BrokenBarrierException e) {
                    results2.add(true);
                  }
                }
              });
          assertTrue(barrier.isBroken());
          assertEquals(List.of(), results1); // asyncio: [True] * blockingTasks
          assertEquals(N - blockingTasks - 1, results2.size());
          assertEquals(0, barrier.waiting());
        });
  }

  // test_abort_barrier_when_exception
  @Test
  void abort_byAFailingParty_breaksTheOthers() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          gather(
              N,
              () -> {
                try {
                  int i = barrier.await();
                  if (i == N / 2) {
                    throw new IllegalStateException("boom");
                  }
                  barrier.await();
                  results1.add(true);
                } catch (BrokenBarrierException e) {
                  results2.add(true);
                } catch (IllegalStateException e) {
                  barrier.abort();
                }
              });
          assertTrue(barrier.isBroken());
          assertEquals(0, results1.size());
          assertEquals(N - 1, results2.size());
          assertEquals(0, barrier.waiting());
        });
  }

  // test_abort_barrier_when_exception_then_resetting
  @Test
  void reset_afterAbort_repairsTheBarrier() throws Exception {
    loop(
        () -> {
          Barrier barrier1 = new Barrier(N);
          Barrier barrier2 = new Barrier(N);
          List<Boolean> results1 = syncList();
          List<Boolean> results2 = syncList();
          List<Boolean> results3 = syncList();
          gather(
              N,
              () -> {
                try {
                  int i = barrier1.await();
                  if (i == N / 2) {
                    throw new IllegalStateException("boom");
                  }
                  barrier1.await();
                  results1.add(true);
                } catch (BrokenBarrierException e) {
                  results2.add(true);
                } catch (IllegalStateException e) {
                  barrier1.abort();
                }
                // Everyone has left barrier1 before the reset, and nobody enters it before.
                int i = barrier2.await();
                if (i == N / 2) {
                  barrier1.reset();
                }
                barrier2.await();
                barrier1.await();
                results3.add(true);
              });
          assertFalse(barrier1.isBroken());
          assertEquals(0, results1.size());
          assertEquals(N - 1, results2.size());
          assertEquals(N, results3.size());
          assertEquals(0, barrier1.waiting());
        });
  }

  // ---------------------------------------------------------------- Baton: indices

  @Test
  void await_afterACancelledParty_indicesAreStillEachGivenOnce() throws Exception {
    // asyncio numbers at arrival: after a cancel it would hand out index 1 twice here.
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          Task<Integer> a = arrive(barrier);
          Task<Integer> b = arrive(barrier);
          Baton.yieldNow();
          a.cancel();
          Task<Integer> c = arrive(barrier);
          Task<Integer> d = arrive(barrier);
          assertEquals(List.of(0, 1, 2), List.of(b.get(), c.get(), d.get()));
        });
  }

  @Test
  void await_indicesFollowArrivalOrder_trippingPartyGetsTheLast() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          Task<Integer> first = arrive(barrier);
          Task<Integer> second = arrive(barrier);
          Baton.yieldNow();
          assertEquals(2, barrier.await());
          assertEquals(0, first.get());
          assertEquals(1, second.get());
        });
  }

  // ---------------------------------------------------------------- Baton: timeouts

  @Test
  void awaitTimed_expires_removesThePartyWithoutBreaking() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Barrier barrier = new Barrier(2);
          assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofSeconds(3)));
          assertEquals(0, barrier.waiting());
          assertFalse(barrier.isBroken());
          Task<Integer> other = arrive(barrier);
          Baton.yieldNow();
          assertEquals(1, barrier.await(Duration.ofSeconds(1)));
          assertEquals(0, other.get());
        });
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  @Test
  void awaitTimed_zero_timesOutUnlessItTrips() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(2);
          assertThrows(TimeoutException.class, () -> barrier.await(Duration.ZERO));
          assertEquals(0, barrier.waiting());
          Task<Integer> other = arrive(barrier);
          Baton.yieldNow();
          assertEquals(1, barrier.await(Duration.ZERO));
          assertEquals(0, other.get());
        });
  }

  @Test
  void awaitTimed_whileDraining_theDeadlineCoversTheDrainAndTheNextCycle() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Barrier barrier = new Barrier(2);
          Task<Void> slow =
              Baton.spawn(
                  () -> {
                    barrier.await();
                  });
          Baton.yieldNow();
          assertEquals(1, barrier.await()); // slow is released but has not run: draining
          assertEquals(Barrier.State.DRAINING, barrier.state());
          // Re-enter with 5 s: waits for the drain (slow leaves at once), then for a partner
          // that never comes, 5 s in all.
          assertThrows(TimeoutException.class, () -> barrier.await(Duration.ofSeconds(5)));
          slow.join();
          assertEquals(Barrier.State.FILLING, barrier.state());
          assertEquals(0, barrier.waiting());
        });
    assertEquals(Duration.ofSeconds(5), loop.elapsed());
  }

  @Test
  void await_interruptStatusSet_throwsAtOnceEvenIfItWouldTrip() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(2);
          Task<Integer> other = arrive(barrier);
          Baton.yieldNow();
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, barrier::await);
          assertFalse(Thread.currentThread().isInterrupted());
          assertEquals(1, barrier.waiting(), "state unchanged");
          assertEquals(1, barrier.await());
          assertEquals(0, other.get());
        });
  }

  @Test
  void await_badTimeout_throwsAndLeavesTheBarrierUnchanged() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(2);
          Task<Integer> other = arrive(barrier);
          Baton.yieldNow();
          NullPointerException npe =
              assertThrows(NullPointerException.class, () -> barrier.await(null));
          assertTrue(npe.getMessage().contains("timeout"), npe.getMessage());
          IllegalArgumentException iae =
              assertThrows(
                  IllegalArgumentException.class, () -> barrier.await(Duration.ofSeconds(-1)));
          assertTrue(iae.getMessage().contains("timeout"), iae.getMessage());
          assertEquals(1, barrier.waiting());
          assertEquals(1, barrier.await());
          assertEquals(0, other.get());
        });
  }

  // ---------------------------------------------------------------- Baton: async face

  @Test
  void awaitAsync_tripsWithBlockingParties_andCompletesWithTheIndex() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(3);
          CompletableFuture<Integer> f = barrier.awaitAsync();
          assertFalse(f.isDone());
          Task<Integer> t = arrive(barrier);
          Baton.yieldNow();
          CompletableFuture<Integer> last = barrier.awaitAsync();
          assertEquals(2, last.getNow(-1));
          assertEquals(0, f.getNow(-1));
          assertEquals(1, t.get());
        });
  }

  @Test
  void awaitAsync_cancelledBeforeTheTrip_withdrawsWithoutBreaking() throws Exception {
    Barrier barrier = new Barrier(2);
    CompletableFuture<Integer> f = barrier.awaitAsync();
    assertEquals(1, barrier.waiting());
    assertTrue(f.cancel(false));
    assertEquals(0, barrier.waiting());
    assertFalse(barrier.isBroken());
    CompletableFuture<Integer> a = barrier.awaitAsync();
    CompletableFuture<Integer> b = barrier.awaitAsync();
    assertEquals(List.of(0, 1), List.of(a.get(), b.get()));
  }

  @Test
  void awaitAsync_cancelAfterTheTripBeforeTheResume_returnsFalseAndKeepsTheIndex()
      throws Exception {
    Barrier barrier = new Barrier(3);
    CompletableFuture<Integer> a = barrier.awaitAsync();
    CompletableFuture<Integer> b = barrier.awaitAsync();
    List<Boolean> cancelled = syncList();
    // The trip grants a and b in one step; a's callback runs before b is resumed, so this cancel
    // races a decided grant, and the grant wins.
    a.thenRun(() -> cancelled.add(b.cancel(false)));
    assertEquals(2, barrier.awaitAsync().get());
    assertEquals(List.of(false), cancelled);
    assertFalse(b.isCancelled());
    assertEquals(List.of(0, 1), List.of(a.get(), b.get()));
    assertEquals(Barrier.State.FILLING, barrier.state());
  }

  @Test
  void awaitAsync_onAbort_failsWithBrokenBarrierException() throws Exception {
    Barrier barrier = new Barrier(3);
    CompletableFuture<Integer> f = barrier.awaitAsync();
    barrier.abort();
    ExecutionException e = assertThrows(ExecutionException.class, f::get);
    assertInstanceOf(BrokenBarrierException.class, e.getCause());
    CompletableFuture<Integer> late = barrier.awaitAsync();
    assertInstanceOf(
        BrokenBarrierException.class, assertThrows(ExecutionException.class, late::get).getCause());
    barrier.reset();
    assertFalse(barrier.isBroken());
    assertEquals(Barrier.State.FILLING, barrier.state());
  }

  @Test
  void awaitAsync_arrivingWhileDraining_joinsTheNextCycleWhenTheDrainEnds() throws Exception {
    loop(
        () -> {
          Barrier barrier = new Barrier(2);
          Task<Integer> t = arrive(barrier);
          Baton.yieldNow();
          assertEquals(1, barrier.await()); // t released, not yet resumed
          CompletableFuture<Integer> next1 = barrier.awaitAsync();
          CompletableFuture<Integer> next2 = barrier.awaitAsync();
          assertFalse(next1.isDone());
          assertEquals(0, barrier.waiting());
          assertEquals(2, barrier.statistics().blocked());
          assertEquals(0, t.get()); // t leaves: the drain ends, the two futures trip
          assertEquals(0, next1.getNow(-1));
          assertEquals(1, next2.getNow(-1));
          assertEquals(Barrier.State.FILLING, barrier.state());
        });
  }

  // ---------------------------------------------------------------- Baton: threads, deadlock

  @Test
  void await_onPlatformAndVirtualThreads_manyCyclesStayConsistent() throws Exception {
    int parties = 4;
    int cycles = 200;
    Barrier barrier = new Barrier(parties);
    int[][] seen = new int[cycles][parties];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < parties; p++) {
      Thread.Builder b = p % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
      threads.add(
          b.start(
              () -> {
                try {
                  for (int c = 0; c < cycles; c++) {
                    int i = barrier.await();
                    synchronized (seen) {
                      seen[c][i]++;
                    }
                  }
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              }));
    }
    for (Thread t : threads) {
      assertTrue(t.join(Duration.ofSeconds(30)));
    }
    for (int c = 0; c < cycles; c++) {
      for (int i = 0; i < parties; i++) {
        assertEquals(1, seen[c][i], "cycle " + c + " index " + i);
      }
    }
  }

  @Test
  void await_onThread_interrupted_withdrawsWithoutBreaking() throws Exception {
    Barrier barrier = new Barrier(2);
    Thread t =
        Thread.ofVirtual()
            .start(
                () -> {
                  assertThrows(InterruptedException.class, barrier::await);
                });
    while (barrier.waiting() == 0) {
      Thread.onSpinWait();
    }
    t.interrupt();
    assertTrue(t.join(Duration.ofSeconds(10)));
    assertEquals(0, barrier.waiting());
    assertFalse(barrier.isBroken());
  }

  @Test
  void await_missingParty_isReportedAsADeadlock() {
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                loop(
                    () -> {
                      Barrier barrier = new Barrier(3);
                      Task<Integer> t = arrive(barrier);
                      barrier.await();
                      t.get();
                    }));
    assertTrue(e.getMessage().contains("Barrier.await"), e.getMessage());
    assertTrue(e.getMessage().contains("2 of 3 parties waiting"), e.getMessage());
  }
}
