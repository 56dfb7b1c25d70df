package dev.baton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * {@link PriorityQueue}: CPython's {@code PriorityQueueTests}, {@code PriorityQueueJoinTests} and
 * {@code PriorityQueueShutdownTests} (the latter two through {@link QueueContract}), plus Baton's
 * order guarantees: comparators, stable ties, refusal of non-comparable items, and a throwing
 * comparator that leaves the queue intact.
 */
class PriorityQueueTest extends QueueContract {
  @Override
  Queue<Integer> newQueue() {
    return new PriorityQueue<>();
  }

  @Override
  Queue<Integer> newQueue(int capacity) {
    return new PriorityQueue<>(capacity);
  }

  record Job(int priority, String name) {}

  // PriorityQueueTests.test_order
  @Test
  void items_comeOutLowestFirst() throws Exception {
    loop(
        () -> {
          PriorityQueue<Integer> q = new PriorityQueue<>();
          for (int i : new int[] {1, 3, 2}) {
            q.put(i);
          }
          assertEquals(List.of(1, 2, 3), List.of(q.get(), q.get(), q.get()));
        });
  }

  @Test
  void manyRandomItems_comeOutSorted() {
    PriorityQueue<Integer> q = new PriorityQueue<>();
    Random random = new Random(42);
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      int x = random.nextInt(500);
      items.add(x);
      q.putNow(x);
      if (i % 7 == 0) { // interleave takes
        items.sort(null);
        assertEquals(items.remove(0), q.getNow());
      }
    }
    items.sort(null);
    List<Integer> out = new ArrayList<>();
    while (!q.isEmpty()) {
      out.add(q.getNow());
    }
    assertEquals(items, out);
  }

  @Test
  void comparator_ordersItems_andTiesComeOutInInsertionOrder() {
    PriorityQueue<Job> q = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
    q.putNow(new Job(5, "report"));
    q.putNow(new Job(1, "page"));
    q.putNow(new Job(5, "email"));
    q.putNow(new Job(1, "restart"));
    q.putNow(new Job(3, "deploy"));
    List<String> names = new ArrayList<>();
    while (!q.isEmpty()) {
      names.add(q.getNow().name());
    }
    assertEquals(List.of("page", "restart", "deploy", "report", "email"), names);
  }

  @Test
  void nonComparableItem_withoutComparator_isRefusedAndNothingChanges() {
    PriorityQueue<Object> q = new PriorityQueue<>();
    q.putNow(1);
    ClassCastException e = assertThrows(ClassCastException.class, () -> q.putNow(new Object()));
    assertTrue(e.getMessage().contains("Comparator"), e.getMessage());
    assertEquals(1, q.size());
    assertEquals(1, q.unfinishedTasks());
    assertEquals(1, q.getNow());
  }

  @Test
  void throwingComparator_leavesTheQueueIntact() {
    Comparator<Integer> picky =
        (a, b) -> {
          if (a == 13 || b == 13) {
            throw new IllegalArgumentException("unlucky");
          }
          return Integer.compare(a, b);
        };
    PriorityQueue<Integer> q = new PriorityQueue<>(picky);
    for (int i : new int[] {8, 3, 9, 1, 7, 2, 6, 4, 5}) {
      q.putNow(i);
    }
    assertThrows(IllegalArgumentException.class, () -> q.putNow(13));
    assertEquals(9, q.size());
    assertEquals(9, q.unfinishedTasks());
    List<Integer> out = new ArrayList<>();
    while (!q.isEmpty()) {
      out.add(q.getNow());
    }
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), out);
  }

  @Test
  void throwingComparator_onAnAdmittedPutter_failsThatPutOnly() throws Exception {
    Comparator<Integer> picky =
        (a, b) -> {
          if (a == 13 || b == 13) {
            throw new IllegalArgumentException("unlucky");
          }
          return Integer.compare(a, b);
        };
    PriorityQueue<Integer> q = new PriorityQueue<>(2, picky);
    q.putNow(1);
    q.putNow(2);
    CompletableFuture<Void> bad = q.putAsync(13);
    CompletableFuture<Void> good = q.putAsync(0);
    assertEquals(1, q.getNow()); // room for one: 13 is refused, 0 goes in
    assertTrue(bad.isCompletedExceptionally());
    assertTrue(good.isDone() && !good.isCompletedExceptionally());
    assertEquals(List.of(0, 2), List.of(q.getNow(), q.getNow()));
    assertEquals(3, q.unfinishedTasks());
  }

  @Test
  void givenBackItem_isServedBeforeEqualItems() throws Exception {
    PriorityQueue<Job> q = new PriorityQueue<>(Comparator.comparingInt(Job::priority));
    CompletableFuture<Job> g1 = q.getAsync();
    CompletableFuture<Job> g2 = q.getAsync();
    g1.thenRun(
        () -> {
          q.putNow(new Job(1, "given back"));
          g2.cancel(false);
          q.putNow(new Job(1, "later"));
        });
    q.putNow(new Job(0, "first"));
    assertTrue(g2.isCancelled());
    assertEquals("given back", q.getNow().name());
    assertEquals("later", q.getNow().name());
  }

  @Test
  void handOffToAWaitingGetter_needsNoComparison() {
    Comparator<Integer> never =
        (a, b) -> {
          throw new AssertionError("compared");
        };
    PriorityQueue<Integer> q = new PriorityQueue<>(never);
    CompletableFuture<Integer> g = q.getAsync();
    q.putNow(5);
    assertEquals(5, g.getNow(null));
  }

  @Test
  void nullComparator_throwsNullPointerExceptionNamingIt() {
    NullPointerException e =
        assertThrows(NullPointerException.class, () -> new PriorityQueue<Integer>(null));
    assertTrue(e.getMessage().contains("comparator"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PriorityQueue<Integer>(0, null));
  }

  @Test
  void asBlockingQueue_removeKeepsTheHeapOrdered() {
    PriorityQueue<Integer> q = new PriorityQueue<>();
    for (int i : new int[] {5, 1, 4, 2, 3}) {
      q.putNow(i);
    }
    assertTrue(q.asBlockingQueue().remove(2));
    assertEquals(List.of(1, 3, 4, 5), List.of(q.getNow(), q.getNow(), q.getNow(), q.getNow()));
  }
}
