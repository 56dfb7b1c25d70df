package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link LifoQueue}: CPython's {@code LifoQueueTests}, {@code LifoQueueJoinTests} and {@code
 * LifoQueueShutdownTests} (the latter two through {@link QueueContract}), plus the LIFO details of
 * hand-off and give-back.
 */
class LifoQueueTest extends QueueContract {
  @Override
  Queue<Integer> newQueue() {
    return new LifoQueue<>();
  }

  @Override
  Queue<Integer> newQueue(int capacity) {
    return new LifoQueue<>(capacity);
  }

  // LifoQueueTests.test_order
  @Test
  void items_comeOutLastInFirstOut() throws Exception {
    loop(
        () -> {
          LifoQueue<Integer> q = new LifoQueue<>();
          for (int i : new int[] {1, 3, 2}) {
            q.put(i);
          }
          assertEquals(List.of(2, 3, 1), List.of(q.get(), q.get(), q.get()));
        });
  }

  @Test
  void admittedPutter_goesOnTop() {
    LifoQueue<Integer> q = new LifoQueue<>(2);
    q.putNow(1);
    q.putNow(2);
    CompletableFuture<Void> p = q.putAsync(3);
    assertEquals(2, q.getNow()); // admits 3 on top of 1
    assertTrue(p.isDone());
    assertEquals(List.of(3, 1), List.of(q.getNow(), q.getNow()));
  }

  @Test
  void givenBackItem_returnsToTheTop_andIsServedNext() throws Exception {
    LifoQueue<Integer> q = new LifoQueue<>();
    CompletableFuture<Integer> g1 = q.getAsync();
    CompletableFuture<Integer> g2 = q.getAsync();
    g1.thenRun(
        () -> {
          q.putNow(2); // handed to g2
          g2.cancel(false); // before g2 resumed: 2 comes back
          q.putNow(3);
        });
    q.putNow(1);
    assertTrue(g2.isCancelled());
    // g2 gives 2 back when it is resumed, after 3 was put: 2 lands on top.
    assertEquals(List.of(2, 3), List.of(q.getNow(), q.getNow()));
  }

  @Test
  void asBlockingQueue_iteratesTopFirst() {
    LifoQueue<Integer> q = new LifoQueue<>();
    q.putNow(1);
    q.putNow(2);
    q.putNow(3);
    assertEquals(List.of(3, 2, 1), List.copyOf(q.asBlockingQueue()));
  }
}
