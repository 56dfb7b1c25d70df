package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Queue}: CPython's {@code test_asyncio/test_queues.py} {@code QueueBasicTests}, {@code
 * QueueGetTests} and {@code QueuePutTests} (one test per Python test, named in a comment), plus the
 * {@link QueueContract} every kind of queue passes.
 */
class QueueTest extends QueueContract {
  @Override
  Queue<Integer> newQueue() {
    return new Queue<>();
  }

  @Override
  Queue<Integer> newQueue(int capacity) {
    return new Queue<>(capacity);
  }

  // ---------------------------------------------------------------- QueueBasicTests

  // test_repr, test_str
  @Test
  void toString_namesKindSizeAndWaiters() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          assertTrue(q.toString().startsWith("Queue["), q.toString());
          Task<Integer> getter = task(q::get);
          Baton.yieldNow();
          assertTrue(q.toString().contains("getters=1"), q.toString());
          q.putNow(0);
          assertEquals(0, getter.get());

          Queue<Integer> bounded = new Queue<>(1);
          bounded.putNow(1);
          Task<Void> putter = Baton.spawn(() -> bounded.put(2));
          Baton.yieldNow();
          assertTrue(bounded.toString().contains("putters=1"), bounded.toString());
          bounded.getNow();
          putter.join();
          assertTrue(bounded.toString().contains("size=1/1"), bounded.toString());
        });
  }

  // test_empty
  @Test
  void isEmpty_followsPutAndGet() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          assertTrue(q.isEmpty());
          q.put(1);
          assertFalse(q.isEmpty());
          assertEquals(1, q.get());
          assertTrue(q.isEmpty());
        });
  }

  // test_full
  @Test
  void isFull_neverForUnbounded_trueAtCapacity() throws Exception {
    loop(
        () -> {
          assertFalse(new Queue<Integer>().isFull());
          Queue<Integer> q = new Queue<>(1);
          q.put(1);
          assertTrue(q.isFull());
        });
  }

  // test_order
  @Test
  void items_comeOutFirstInFirstOut() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          for (int i : new int[] {1, 3, 2}) {
            q.put(i);
          }
          assertEquals(List.of(1, 3, 2), List.of(q.get(), q.get(), q.get()));
        });
  }

  // test_maxsize
  @Test
  void put_blocksAtCapacity_andResumesWhenAGetMakesRoom() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>(2);
          assertEquals(2, q.capacity());
          List<Integer> haveBeenPut = syncList();
          Task<Boolean> t =
              task(
                  () -> {
                    for (int i = 0; i < 3; i++) {
                      q.put(i);
                      haveBeenPut.add(i);
                    }
                    return true;
                  });
          Baton.yieldNow();
          Baton.yieldNow();
          assertEquals(List.of(0, 1), haveBeenPut); // blocked after two items
          assertEquals(0, q.get());
          Baton.yieldNow();
          assertEquals(List.of(0, 1, 2), haveBeenPut);
          assertEquals(1, q.get());
          assertEquals(2, q.get());
          assertTrue(t.isDone());
          assertTrue(t.get());
        });
  }

  // ---------------------------------------------------------------- QueueGetTests

  // test_blocking_get
  @Test
  void get_withAnItem_returnsIt() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          q.putNow(1);
          assertEquals(1, q.get());
        });
  }

  // test_get_with_putters
  @Test
  void get_fromFullQueueWithAPutter_returnsTheHeadAndCompletesThePutter() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>(1);
          q.put(1);
          var putter = q.putAsync(2);
          assertEquals(1, q.get());
          assertTrue(putter.isDone());
          assertEquals(null, putter.get());
        });
  }

  // test_blocking_get_wait
  @Test
  void get_waitsUntilAPutTenMillisLater() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = new Queue<>();
          Event started = new Event();
          boolean[] finished = {false};
          Task<Integer> getTask =
              task(
                  () -> {
                    started.set();
                    int res = q.get();
                    finished[0] = true;
                    return res;
                  });
          started.await();
          assertFalse(finished[0]);
          Baton.spawn(
              () -> {
                Baton.sleep(Duration.ofMillis(10));
                q.putNow(1);
              });
          assertEquals(1, getTask.get());
          assertTrue(finished[0]);
        });
    assertEquals(Duration.ofMillis(10), loop.elapsed());
  }

  // test_nonblocking_get
  @Test
  void getNow_withAnItem_returnsIt() {
    Queue<Integer> q = new Queue<>();
    q.putNow(1);
    assertEquals(1, q.getNow());
  }

  // test_nonblocking_get_exception
  @Test
  void getNow_onEmpty_throwsNoSuchElementException() {
    assertThrows(NoSuchElementException.class, () -> new Queue<Integer>().getNow());
  }

  // test_get_with_waiting_putters
  @Test
  void get_withWaitingPutters_servesThemInOrder() throws Exception {
    loop(
        () -> {
          Queue<String> q = new Queue<>(1);
          Baton.spawn(() -> q.put("a"));
          Baton.spawn(() -> q.put("b"));
          assertEquals("a", q.get());
          assertEquals("b", q.get());
        });
  }

  // test_why_are_getters_waiting
  @Test
  void producerAndConsumer_throughACapacityOneQueue_finish() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>(1);
          int n = 5;
          try (TaskGroup tg = new TaskGroup()) {
            tg.spawn(
                () -> {
                  for (int i = 0; i < n; i++) {
                    q.put(i);
                  }
                });
            tg.spawn(
                () -> {
                  for (int i = 0; i < n; i++) {
                    q.get();
                  }
                });
          }
        });
  }

  // ---------------------------------------------------------------- QueuePutTests

  // test_blocking_put
  @Test
  void put_unbounded_neverWaits() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          q.put(1);
          assertEquals(1, q.get());
        });
  }

  // test_blocking_put_wait
  @Test
  void put_waitsUntilAGetTenMillisLater() throws Exception {
    EventLoop loop = EventLoop.withVirtualTime();
    loop.run(
        () -> {
          Queue<Integer> q = new Queue<>(1);
          Event started = new Event();
          boolean[] finished = {false};
          Baton.spawn(
              () -> {
                Baton.sleep(Duration.ofMillis(10));
                q.getNow();
              });
          Task<Void> putTask =
              Baton.spawn(
                  () -> {
                    started.set();
                    q.put(1);
                    q.put(2);
                    finished[0] = true;
                  });
          started.await();
          assertFalse(finished[0]);
          putTask.join();
          assertTrue(finished[0]);
        });
    assertEquals(Duration.ofMillis(10), loop.elapsed());
  }

  // test_nonblocking_put
  @Test
  void putNow_thenGetNow_roundTrips() {
    Queue<Integer> q = new Queue<>();
    q.putNow(1);
    assertEquals(1, q.getNow());
  }

  // test_nonblocking_put_exception
  @Test
  void putNow_onFull_throwsIllegalStateException() {
    Queue<Integer> q = new Queue<>(1);
    q.putNow(1);
    assertThrows(IllegalStateException.class, () -> q.putNow(2));
  }

  // test_put_cancelled
  @Test
  void put_ofAnAwaitedTask_isSeenByAGet() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>();
          Task<Boolean> t =
              task(
                  () -> {
                    q.put(1);
                    return true;
                  });
          assertEquals(1, q.get());
          assertTrue(t.isDone());
          assertTrue(t.get());
        });
  }

  // test_put_cancelled_race
  @Test
  void put_cancelledWhileWaiting_othersStillGoInOrder() throws Exception {
    loop(
        () -> {
          Queue<String> q = new Queue<>(1);
          Task<Void> putA = Baton.spawn(() -> q.put("a"));
          Task<Void> putB = Baton.spawn(() -> q.put("b"));
          Task<Void> putC = Baton.spawn(() -> q.put("X"));
          Baton.yieldNow();
          assertTrue(putA.isDone());
          assertFalse(putB.isDone());
          putC.cancel();
          Baton.yieldNow();
          assertTrue(putC.isDone());
          assertThrows(CancellationException.class, putC::get);
          assertEquals("a", q.getNow());
          Baton.yieldNow();
          assertEquals("b", q.getNow());
          putB.join();
          assertTrue(q.isEmpty());
        });
  }

  // test_put_with_waiting_getters
  @Test
  void put_withAWaitingGetter_reachesIt() throws Exception {
    loop(
        () -> {
          Queue<String> q = new Queue<>();
          Task<String> t = task(q::get);
          Baton.yieldNow();
          q.put("a");
          assertEquals("a", t.get());
        });
  }

  // test_why_are_putters_waiting
  @Test
  void fourPutters_andAGetterThatEmptiesTheQueue_allFinish() throws Exception {
    loop(
        () -> {
          Queue<Integer> q = new Queue<>(2);
          try (TaskGroup tg = new TaskGroup()) {
            tg.spawn(
                () -> {
                  Baton.yieldNow();
                  int num = q.size();
                  for (int i = 0; i < num; i++) {
                    q.getNow();
                  }
                });
            for (int i = 0; i < 4; i++) {
              int item = i;
              tg.spawn(() -> q.put(item));
            }
          }
          assertEquals(2, q.size());
        });
  }

  // ---------------------------------------------------------------- Baton: the BlockingQueue view

  @Test
  void asBlockingQueue_feedsAThreadPoolExecutor() throws Exception {
    Queue<Runnable> work = new Queue<>(16);
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, work.asBlockingQueue());
    List<Integer> done = syncList();
    try {
      for (int i = 0; i < 10; i++) {
        int k = i;
        pool.execute(() -> done.add(k));
      }
    } finally {
      pool.shutdown();
      assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
    }
    assertEquals(10, done.size());
  }

  @Test
  void asBlockingQueue_interoperatesWithDrainToAndTimedPoll() throws Exception {
    Queue<String> q = new Queue<>();
    var view = q.asBlockingQueue();
    for (String s : List.of("x", "y", "z")) {
      view.put(s);
    }
    LinkedBlockingQueue<String> sink = new LinkedBlockingQueue<>();
    assertEquals(2, view.drainTo(sink, 2));
    assertEquals(List.of("x", "y"), new ArrayList<>(sink));
    assertEquals("z", view.poll(1, TimeUnit.SECONDS));
    assertEquals(List.of(), List.copyOf(view));
  }
}
