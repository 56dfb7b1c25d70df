package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every kind of queue ({@link Queue}, {@link LifoQueue}, {@link PriorityQueue}) must do: the
 * behaviours of CPython's {@code test_asyncio/test_queues.py} mixins that run on all three kinds
 * ({@code _QueueJoinTestMixin}, {@code _QueueShutdownTestMixin}, named per test), and Baton's own
 * (direct hand-off, FIFO waiters, the three faces, cancel safety, bad input). Items are Integers so
 * that a priority queue can order them; no test here depends on the order of several items.
 *
 * <p>Runs on the event loop with virtual time unless a test is about threads.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
abstract class QueueContract {
  /** An unbounded queue of this kind. */
  abstract Queue<Integer> newQueue();

  /** A bounded queue of this kind. */
  abstract Queue<Integer> newQueue(int capacity);

  static void loop(Body body) throws Exception {
    EventLoop.withVirtualTime().run(body);
  }

  /** {@code create_task} for a body with a result (Baton.spawn is overloaded). */
  static <T> Task<T> task(Callable<T> body) {
    return Baton.spawn(body);
  }

  static <T> List<T> syncList() {
    return Collections.synchronizedList(new ArrayList<>());
  }

  // ---------------------------------------------------------------- _QueueJoinTestMixin

  // test_task_done_underflow
  @Test
  void taskDone_moreThanPut_throwsAndLeavesStateUnchanged() {
    Queue<Integer> q = newQueue();
    IllegalStateException e = assertThrows(IllegalStateException.class, q::taskDone);
    assertTrue(e.getMessage().contains("taskDone()"), e.getMessage());
    q.putNow(1);
    q.getNow();
    q.taskDone();
    assertThrows(IllegalStateException.class, q::taskDone);
    assertEquals(0, q.unfinishedTasks());
  }

  // test_task_done
  @Test
  void join_returnsWhenWorkersMarkedEveryItemDone() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          for (int i = 0; i < 100; i++) {
            q.putNow(i);
          }
          int[] accumulator = {0};
          List<Task<Void>> workers = new ArrayList<>();
          Body worker =
              () -> {
                while (true) {
                  int item = q.get();
                  accumulator[0] += item;
                  q.taskDone();
                }
              };
          for (int w = 0; w < 2; w++) {
            workers.add(Baton.spawn(worker));
          }
          q.join();
          assertEquals(4950, accumulator[0]);
          for (Task<Void> w : workers) {
            w.cancel();
          }
        });
  }

  // test_join_empty_queue
  @Test
  void join_onEmptyQueue_returnsAtOnceTwice() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          q.join();
          q.join();
          assertTrue(q.join(Duration.ZERO));
          assertTrue(q.joinAsync().isDone());
        });
  }

  // test_format (join): the unfinished count is part of the description
  @Test
  void toString_showsUnfinishedTasksAndShutdown() {
    Queue<Integer> q = newQueue(4);
    q.putNow(1);
    assertTrue(q.toString().contains("size=1/4"), q.toString());
    assertTrue(q.toString().contains("unfinished=1"), q.toString());
    assertFalse(q.toString().contains("shut down"), q.toString());
    q.shutdown();
    assertTrue(q.toString().contains("shut down"), q.toString());
  }

  // ---------------------------------------------------------------- _QueueShutdownTestMixin

  // test_shutdown_empty
  @Test
  void shutdown_empty_failsTheWaitingGetterAndEveryLaterPutAndGet() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          Task<Integer> getTask = task(q::get);
          Baton.yieldNow(); // the get waits before the shutdown
          q.shutdown(false);
          assertEquals(0, q.size());
          q.join();
          Baton.yieldNow();
          assertTrue(getTask.isDone());
          assertThrows(QueueShutdownException.class, getTask::join);

          assertThrows(QueueShutdownException.class, () -> q.put(1));
          assertThrows(QueueShutdownException.class, () -> q.putNow(1));
          assertThrows(QueueShutdownException.class, () -> q.offer(1));
          assertThrows(QueueShutdownException.class, q::get);
          assertThrows(QueueShutdownException.class, q::getNow);
          assertThrows(QueueShutdownException.class, () -> q.poll());
          assertTrue(q.isShutdown());
        });
  }

  // test_shutdown_nonempty
  @Test
  void shutdown_nonEmpty_failsThePutterAndLetsGettersDrain() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          Task<Void> joinTask = Baton.spawn(() -> q.join());
          Task<Void> putTask = Baton.spawn(() -> q.put(2));
          Baton.yieldNow();
          assertFalse(putTask.isDone());

          q.shutdown(false); // unfinished tasks: 1 -> 1
          assertEquals(1, q.size());
          Baton.yieldNow();
          assertTrue(putTask.isDone());
          assertThrows(QueueShutdownException.class, putTask::join);

          assertEquals(1, q.get());
          Baton.yieldNow();
          assertFalse(joinTask.isDone());

          assertThrows(QueueShutdownException.class, () -> q.put(3));
          assertThrows(QueueShutdownException.class, () -> q.putNow(3));
          assertThrows(QueueShutdownException.class, q::get);
          assertThrows(QueueShutdownException.class, q::getNow);

          q.taskDone();
          Baton.yieldNow();
          assertTrue(joinTask.isDone());
          joinTask.join();
          assertThrows(IllegalStateException.class, q::taskDone);
        });
  }

  // test_shutdown_immediate
  @Test
  void shutdownImmediate_dropsItemsAndCountsThemDone() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          q.putNow(1);
          Task<Void> joinTask = Baton.spawn(() -> q.join());
          q.shutdown(true); // unfinished tasks: 1 -> 0
          assertEquals(0, q.size());
          Baton.yieldNow();
          assertTrue(joinTask.isDone());
          joinTask.join();
          assertThrows(QueueShutdownException.class, () -> q.put(2));
          assertThrows(QueueShutdownException.class, () -> q.putNow(2));
          assertThrows(QueueShutdownException.class, q::get);
          assertThrows(QueueShutdownException.class, q::getNow);
          assertThrows(IllegalStateException.class, q::taskDone);
        });
  }

  // test_shutdown_immediate_with_unfinished
  @Test
  void shutdownImmediate_withATakenItem_joinWaitsForItsTaskDone() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          q.putNow(7);
          q.putNow(7);
          Task<Void> joinTask = Baton.spawn(() -> q.join());
          assertEquals(7, q.get());
          q.shutdown(true); // unfinished tasks: 2 -> 1
          assertEquals(0, q.size());
          Baton.yieldNow();
          assertFalse(joinTask.isDone());
          assertThrows(QueueShutdownException.class, () -> q.put(1));
          assertThrows(QueueShutdownException.class, q::get);
          q.taskDone();
          assertThrows(IllegalStateException.class, q::taskDone);
          Baton.yieldNow();
          assertTrue(joinTask.isDone());
          joinTask.join();
        });
  }

  // ---------------------------------------------------------------- Baton: hand-off and FIFO

  @Test
  void put_withWaitingGetter_handsTheItemStraightOver() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          Task<Integer> getter = task(q::get);
          Baton.yieldNow();
          q.putNow(5);
          assertEquals(0, q.size(), "handed over, never stored");
          assertEquals(1, q.unfinishedTasks());
          assertEquals(0, q.statistics().waitingGetters());
          q.putNow(6); // room: the getter no longer needs the slot
          assertEquals(5, getter.get());
          assertEquals(6, q.getNow());
        });
  }

  @Test
  void get_fromFullQueue_admitsTheLongestWaitingPutterAtOnce() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          Task<Void> p2 = Baton.spawn(() -> q.put(2));
          Baton.yieldNow();
          Task<Void> p3 = Baton.spawn(() -> q.put(3));
          Baton.yieldNow();
          assertEquals(2, q.statistics().waitingPutters());
          assertEquals(1, q.getNow());
          assertEquals(1, q.size(), "p2's item is in");
          assertEquals(1, q.statistics().waitingPutters());
          assertEquals(2, q.getNow());
          assertEquals(3, q.getNow());
          p2.join();
          p3.join();
          assertEquals(3, q.unfinishedTasks());
        });
  }

  @Test
  void getters_areServedInArrivalOrder_acrossFaces() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          Task<Integer> a = task(q::get);
          Baton.yieldNow();
          CompletableFuture<Integer> b = q.getAsync();
          Task<Integer> c = task(q::get);
          Baton.yieldNow();
          q.putNow(10);
          q.putNow(20);
          q.putNow(30);
          assertEquals(10, a.get());
          assertEquals(20, b.get());
          assertEquals(30, c.get());
        });
  }

  @Test
  void newPut_whilePuttersWait_queuesBehindThem() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          Task<Void> p = Baton.spawn(() -> q.put(2));
          Baton.yieldNow();
          assertFalse(q.offer(3), "no barging past a waiting putter");
          assertEquals(1, q.getNow());
          p.join();
          assertFalse(q.offer(3));
          assertEquals(2, q.getNow());
          assertTrue(q.offer(3));
        });
  }

  // ---------------------------------------------------------------- Baton: timed faces

  @Test
  void pollTimed_expires_returnsNullAndLeavesNoGetter() throws Exception {
    // also test_cancelled_getters_not_being_held_in_self_getters
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = newQueue(5);
          assertNull(q.poll(Duration.ofMillis(100)));
          assertEquals(0, q.statistics().waitingGetters());
          assertNull(q.poll(Duration.ZERO));
        });
    assertEquals(Duration.ofMillis(100), loop.elapsed());
  }

  @Test
  void offerTimed_expires_returnsFalseAndPutsNothing() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          assertFalse(q.offer(2, Duration.ofSeconds(2)));
          assertFalse(q.offer(2, Duration.ZERO));
          assertEquals(0, q.statistics().waitingPutters());
          assertEquals(1, q.size());
          assertEquals(1, q.unfinishedTasks());
          assertEquals(1, q.getNow());
          assertTrue(q.isEmpty());
        });
    assertEquals(Duration.ofSeconds(2), loop.elapsed());
  }

  @Test
  void offerTimed_roomWithinTheTimeout_puts() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          Baton.spawn(
              () -> {
                Baton.sleep(Duration.ofSeconds(1));
                q.getNow();
              });
          assertTrue(q.offer(2, Duration.ofSeconds(5)));
          assertEquals(2, q.getNow());
        });
    assertEquals(Duration.ofSeconds(1), loop.elapsed());
  }

  @Test
  void joinTimed_expires_returnsFalse() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = newQueue();
          q.putNow(1);
          assertFalse(q.join(Duration.ofSeconds(3)));
          q.getNow();
          q.taskDone();
          assertTrue(q.join(Duration.ofSeconds(3)));
        });
    assertEquals(Duration.ofSeconds(3), loop.elapsed());
  }

  // ---------------------------------------------------------------- Baton: cancellation

  @Test
  void put_interruptStatusSet_throwsAndPutsNothing() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, () -> q.put(1));
          assertTrue(q.isEmpty());
          assertEquals(0, q.unfinishedTasks());
          Thread.currentThread().interrupt();
          assertThrows(InterruptedException.class, q::get);
        });
  }

  @Test
  void get_cancelledBeforeAPut_receivesNothing_theNextGetterDoes() throws Exception {
    // test_get_cancelled_race
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          Task<Integer> t1 = task(q::get);
          Task<Integer> t2 = task(q::get);
          Baton.yieldNow();
          t1.cancel();
          Baton.yieldNow();
          assertTrue(t1.isDone());
          q.put(1);
          Baton.yieldNow();
          assertEquals(1, t2.get());
        });
  }

  @Test
  void get_cancelledAfterTheHandOff_theBodyStillHasTheItem() throws Exception {
    // test_get_cancel_drop_one_pending_reader. Baton hands the item over at the put; a cancel that
    // comes after it cannot take it back: the get returns it (interrupt status set) and the body
    // keeps it, so retrying only when the body saw no item never drops one.
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          List<Integer> received = syncList();
          Task<Void> reader =
              Baton.spawn(
                  () -> {
                    received.add(q.get());
                  });
          Baton.yieldNow();
          q.putNow(1);
          q.putNow(2);
          reader.cancel();
          assertThrows(CancellationException.class, reader::get);
          Baton.yieldNow();
          assertEquals(List.of(1), received);
          assertEquals(2, q.getNow());
        });
  }

  @Test
  void get_manyReadersOneCancelled_everyItemReachesExactlyOneBody() throws Exception {
    // test_get_cancel_drop_many_pending_readers, with Baton's hand-off (see above)
    loop(
        () -> {
          Queue<Integer> q = newQueue();
          List<Integer> received = syncList();
          Task<Void> r1 =
              Baton.spawn(
                  () -> {
                    received.add(q.get());
                  });
          Task<Void> r2 =
              Baton.spawn(
                  () -> {
                    received.add(q.get());
                  });
          Task<Void> r3 =
              Baton.spawn(
                  () -> {
                    received.add(q.get());
                  });
          Baton.yieldNow();
          q.putNow(1);
          q.putNow(2);
          r1.cancel();
          assertThrows(CancellationException.class, r1::get);
          r2.join();
          assertEquals(Set.of(1, 2), Set.copyOf(received));
          assertEquals(2, received.size());
          q.putNow(3);
          r3.join();
          assertEquals(3, received.get(2));
        });
  }

  @Test
  void put_cancelledAfterItWasAdmitted_theItemIsInOnce() throws Exception {
    // test_put_cancel_drop and test_cancelled_put_silence_value_error_exception: the get admitted
    // the putter's item before the cancel, so the put stands; nothing to retry, nothing doubled.
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          List<Boolean> putReturned = syncList();
          Task<Void> writer =
              Baton.spawn(
                  () -> {
                    q.put(2);
                    putReturned.add(Thread.currentThread().isInterrupted());
                  });
          Baton.yieldNow();
          assertEquals(1, q.getNow());
          writer.cancel();
          assertThrows(CancellationException.class, writer::get);
          Baton.yieldNow();
          assertEquals(List.of(true), putReturned, "put returned, interrupt status kept");
          assertEquals(2, q.getNow());
          assertEquals(0, q.size());
        });
  }

  @Test
  void put_cancelledWhileWaiting_leavesThePuttersQueue() throws Exception {
    // test_cancelled_puts_not_being_held_in_self_putters
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          q.putNow(1);
          Task<Void> putTask = Baton.spawn(() -> q.put(1));
          Baton.yieldNow();
          assertEquals(1, q.statistics().waitingPutters());
          putTask.cancel();
          assertThrows(CancellationException.class, putTask::get);
          assertEquals(0, q.statistics().waitingPutters());
          assertEquals(1, q.size());
          assertEquals(1, q.unfinishedTasks());
        });
  }

  // ---------------------------------------------------------------- Baton: async faces

  @Test
  void getAsync_completesOnPut_andCancelBeforeWithdraws() throws Exception {
    Queue<Integer> q = newQueue();
    CompletableFuture<Integer> cancelled = q.getAsync();
    CompletableFuture<Integer> f = q.getAsync();
    assertTrue(cancelled.cancel(false));
    assertEquals(1, q.statistics().waitingGetters());
    q.putNow(4);
    assertEquals(4, f.getNow(null));
    assertEquals(0, q.size());
  }

  @Test
  void getAsync_completedByItsUserAfterTheHandOff_givesTheItemBackToTheNextGetter()
      throws Exception {
    Queue<Integer> q = newQueue();
    CompletableFuture<Integer> g1 = q.getAsync();
    CompletableFuture<Integer> g2 = q.getAsync();
    CompletableFuture<Integer> g3 = q.getAsync();
    List<Boolean> cancelled = syncList();
    // g1's callback runs while g2 has been handed 2 but not resumed yet: its cancel succeeds on
    // the future, and the item must go to g3 instead of being lost.
    g1.thenRun(
        () -> {
          q.putNow(2);
          cancelled.add(g2.cancel(false));
        });
    q.putNow(1);
    assertEquals(List.of(true), cancelled);
    assertTrue(g2.isCancelled());
    assertEquals(1, g1.get());
    assertEquals(2, g3.getNow(null));
    assertEquals(2, q.unfinishedTasks());
  }

  @Test
  void getAsync_givenBackWithNoGetter_isServedNext() throws Exception {
    Queue<Integer> q = newQueue();
    CompletableFuture<Integer> g1 = q.getAsync();
    CompletableFuture<Integer> g2 = q.getAsync();
    g1.thenRun(
        () -> {
          q.putNow(2);
          g2.complete(-1); // completed by its user after it was handed 2
          q.putNow(3);
        });
    q.putNow(1);
    assertEquals(-1, g2.get());
    assertEquals(2, q.size());
    assertEquals(Set.of(2, 3), Set.of(q.getNow(), q.getNow()));
    assertEquals(3, q.unfinishedTasks());
  }

  @Test
  void putAsync_waitsForRoom_andCancelBeforeWithdrawsTheItem() throws Exception {
    Queue<Integer> q = newQueue(1);
    q.putNow(1);
    CompletableFuture<Void> withdrawn = q.putAsync(2);
    CompletableFuture<Void> p = q.putAsync(3);
    assertTrue(withdrawn.cancel(false));
    assertEquals(1, q.getNow());
    assertTrue(p.isDone());
    assertEquals(3, q.getNow());
    assertTrue(q.isEmpty());
    assertEquals(2, q.unfinishedTasks());
  }

  @Test
  void putAsync_completesWhenItsItemIsPlaced_thenCannotBeCancelled() throws Exception {
    Queue<Integer> q = newQueue(1);
    q.putNow(1);
    CompletableFuture<Void> p = q.putAsync(2);
    assertFalse(p.isDone());
    assertEquals(1, q.getNow()); // admits 2
    assertTrue(p.isDone());
    assertFalse(p.cancel(false));
    assertEquals(2, q.getNow());
  }

  @Test
  void putAsync_cancelRacingTheAdmission_theGrantWins() throws Exception {
    Queue<Integer> q = newQueue(1);
    q.putNow(1);
    CompletableFuture<Integer> g = q.getAsync(); // gets 1 at once
    assertEquals(1, g.getNow(null));
    q.putNow(1);
    CompletableFuture<Void> p2 = q.putAsync(2);
    CompletableFuture<Void> p3 = q.putAsync(3);
    List<Boolean> cancelled = syncList();
    // The get admits 2; p2's callback takes 2, which admits 3, and cancels p3 before p3 has been
    // resumed: the admission was decided first, so the put stands and cancel returns false.
    p2.thenRun(
        () -> {
          assertEquals(2, q.getNow());
          cancelled.add(p3.cancel(false));
        });
    assertEquals(1, q.getNow());
    assertEquals(List.of(false), cancelled);
    assertFalse(p3.isCancelled());
    assertEquals(3, q.getNow());
    assertTrue(q.isEmpty());
  }

  @Test
  void asyncFaces_onShutdown_failWithQueueShutdownException() throws Exception {
    Queue<Integer> q = newQueue(1);
    CompletableFuture<Integer> g = q.getAsync();
    q.shutdown();
    assertInstanceOf(
        QueueShutdownException.class, assertThrows(ExecutionException.class, g::get).getCause());
    assertInstanceOf(
        QueueShutdownException.class,
        assertThrows(ExecutionException.class, () -> q.putAsync(1).get()).getCause());
    assertInstanceOf(
        QueueShutdownException.class,
        assertThrows(ExecutionException.class, () -> q.getAsync().get()).getCause());

    Queue<Integer> full = newQueue(1);
    full.putNow(1);
    CompletableFuture<Void> p = full.putAsync(2);
    full.shutdown();
    assertInstanceOf(
        QueueShutdownException.class, assertThrows(ExecutionException.class, p::get).getCause());
    assertEquals(1, full.getNow(), "non-immediate: the item left is still served");
    assertEquals(1, full.unfinishedTasks(), "the failed put never counted");
  }

  @Test
  void getAsync_givenBackAfterImmediateShutdown_isDroppedAndCountedDone() throws Exception {
    Queue<Integer> q = newQueue();
    CompletableFuture<Integer> g1 = q.getAsync();
    CompletableFuture<Integer> g2 = q.getAsync();
    g1.thenRun(
        () -> {
          q.putNow(2);
          q.shutdown(true);
          g2.cancel(false);
        });
    q.putNow(1);
    assertTrue(g2.isCancelled());
    assertEquals(1, q.unfinishedTasks(), "item 1 is out with g1; item 2 was dropped");
    q.taskDone();
    assertTrue(q.joinAsync().isDone());
  }

  @Test
  void joinAsync_completesWhenTheLastTaskIsDone() {
    Queue<Integer> q = newQueue();
    q.putNow(1);
    q.putNow(2);
    CompletableFuture<Void> j = q.joinAsync();
    q.getNow();
    q.taskDone();
    assertFalse(j.isDone());
    q.getNow();
    q.taskDone();
    assertTrue(j.isDone());
  }

  @Test
  void shutdownImmediate_failsBlockedPuttersAndGettersOfBothFaces() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = newQueue(1);
          Task<Integer> getter = task(q::get);
          CompletableFuture<Integer> asyncGetter = q.getAsync();
          Baton.yieldNow();
          q.shutdown(true);
          assertThrows(QueueShutdownException.class, getter::join);
          assertTrue(asyncGetter.isCompletedExceptionally());

          Queue<Integer> full = newQueue(1);
          full.putNow(1);
          Task<Void> putter = Baton.spawn(() -> full.put(2));
          Baton.yieldNow();
          full.shutdown(true);
          assertThrows(QueueShutdownException.class, putter::join);
          assertEquals(0, full.size());
          assertEquals(0, full.unfinishedTasks());
        });
  }

  // ---------------------------------------------------------------- Baton: bad input

  @Test
  void nullItem_throwsNullPointerExceptionNamingItAndChangesNothing() throws Exception {
    Queue<Integer> q = newQueue(2);
    q.putNow(1);
    for (var call :
        List.<org.junit.jupiter.api.function.Executable>of(
            () -> q.put(null),
            () -> q.putNow(null),
            () -> q.offer(null),
            () -> q.offer(null, Duration.ofSeconds(1)),
            () -> q.putAsync(null))) {
      NullPointerException e = assertThrows(NullPointerException.class, call);
      assertTrue(e.getMessage().contains("item"), e.getMessage());
    }
    assertEquals(1, q.size());
    assertEquals(1, q.unfinishedTasks());
  }

  @Test
  void badTimeout_throwsNamingItAndChangesNothing() throws Exception {
    Queue<Integer> q = newQueue(1);
    q.putNow(1);
    assertTrue(
        assertThrows(NullPointerException.class, () -> q.offer(2, null))
            .getMessage()
            .contains("timeout"));
    assertTrue(
        assertThrows(IllegalArgumentException.class, () -> q.poll(Duration.ofMillis(-1)))
            .getMessage()
            .contains("timeout"));
    assertThrows(IllegalArgumentException.class, () -> q.join(Duration.ofMillis(-1)));
    assertEquals(1, q.size());
    assertEquals(0, q.statistics().waitingPutters());
  }

  @Test
  void capacityBelowOne_throwsIllegalArgumentException() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> newQueue(0));
    assertTrue(e.getMessage().contains("capacity"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> newQueue(-3));
    assertEquals(Integer.MAX_VALUE, newQueue().capacity());
  }

  @Test
  void nonWaitingForms_reportFullAndEmptyClearly() {
    Queue<Integer> q = newQueue(1);
    assertTrue(
        assertThrows(NoSuchElementException.class, q::getNow).getMessage().contains("empty"));
    assertNull(q.poll());
    q.putNow(1);
    assertTrue(q.isFull());
    IllegalStateException full = assertThrows(IllegalStateException.class, () -> q.putNow(2));
    assertTrue(full.getMessage().contains("full"), full.getMessage());
    assertFalse(full instanceof QueueShutdownException);
    assertFalse(q.offer(2));
    assertEquals(1, q.size());
    assertEquals(1, q.unfinishedTasks());
  }

  // ---------------------------------------------------------------- Baton: threads, view

  @Test
  void producersAndConsumersOnThreads_deliverEveryItemOnce() throws Exception {
    Queue<Integer> q = newQueue(8);
    int producers = 4;
    int perProducer = 2_000;
    boolean[] seen = new boolean[producers * perProducer];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int base = p * perProducer;
      threads.add(
          (p % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual())
              .start(
                  () -> {
                    try {
                      for (int i = 0; i < perProducer; i++) {
                        q.put(base + i);
                      }
                    } catch (InterruptedException e) {
                      throw new AssertionError(e);
                    }
                  }));
    }
    List<Thread> consumers = new ArrayList<>();
    for (int c = 0; c < 3; c++) {
      consumers.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      while (true) {
                        int item = q.get();
                        synchronized (seen) {
                          assertFalse(seen[item], "duplicate " + item);
                          seen[item] = true;
                        }
                        q.taskDone();
                      }
                    } catch (QueueShutdownException done) {
                      // drained
                    } catch (InterruptedException e) {
                      throw new AssertionError(e);
                    }
                  }));
    }
    for (Thread t : threads) {
      assertTrue(t.join(Duration.ofSeconds(30)));
    }
    assertTrue(q.join(Duration.ofSeconds(30)));
    q.shutdown();
    for (Thread t : consumers) {
      assertTrue(t.join(Duration.ofSeconds(30)));
    }
    for (int i = 0; i < seen.length; i++) {
      assertTrue(seen[i], "lost " + i);
    }
  }

  @Test
  void asBlockingQueue_isTheSameQueue() throws Exception {
    Queue<Integer> q = newQueue(2);
    var view = q.asBlockingQueue();
    assertTrue(view.offer(1));
    view.put(2);
    assertEquals(2, q.size());
    assertEquals(0, view.remainingCapacity());
    assertFalse(view.offer(3, -1, TimeUnit.SECONDS), "a negative timeout does not wait");
    assertThrows(IllegalStateException.class, () -> view.add(3));
    assertEquals(2, view.size());
    assertEquals(Set.of(1, 2), Set.copyOf(List.copyOf(view)));
    assertTrue(view.contains(1));
    List<Integer> drained = new ArrayList<>();
    assertEquals(2, view.drainTo(drained));
    assertEquals(Set.of(1, 2), Set.copyOf(drained));
    assertNull(view.poll(0, TimeUnit.SECONDS));
    assertEquals(2, q.unfinishedTasks(), "taskDone stays on the Baton queue");
    assertEquals(Integer.MAX_VALUE, newQueue().asBlockingQueue().remainingCapacity());
  }

  @Test
  void asBlockingQueue_removeMakesRoomForAWaitingPutter() throws Exception {
    Queue<Integer> q = newQueue(1);
    q.putNow(1);
    CompletableFuture<Void> p = q.putAsync(2);
    assertTrue(q.asBlockingQueue().remove(1));
    assertTrue(p.isDone());
    assertEquals(2, q.asBlockingQueue().take());
    assertFalse(q.asBlockingQueue().remove(9));
  }

  @Test
  void get_onEmptyQueueInTheLoop_isReportedAsADeadlock() {
    DeadlockException e =
        assertThrows(
            DeadlockException.class,
            () ->
                loop(
                    () -> {
                      Queue<Integer> q = newQueue(3);
                      q.get();
                    }));
    String kind = newQueue().getClass().getSimpleName();
    assertTrue(e.getMessage().contains("Queue.get"), e.getMessage()); // the declaring class
    assertTrue(e.getMessage().contains(": " + kind + " ("), e.getMessage());
    assertTrue(e.getMessage().contains("0 of 3 items"), e.getMessage());
  }
}
