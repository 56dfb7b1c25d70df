package dev.baton;

import dev.baton.internal.Args;
import java.util.Comparator;

/**
 * A {@link Queue} that serves the lowest item first: {@code asyncio.PriorityQueue}, ordered by the
 * items' natural order or by a {@link Comparator}.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=priorityqueue-blocking}
 *
 * <p>The non-blocking face is {@link Queue}'s:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=priorityqueue-async}
 *
 * <h2>Order</h2>
 *
 * The lowest item by the comparator (or natural order) comes out first; items that compare equal
 * come out in the order they were put (asyncio's {@code heapq} does not promise that, which is why
 * asyncio code puts {@code (priority, counter, item)} tuples). An item given back by a cancelled
 * {@link #getAsync()} is served before the items equal to it. Without a comparator, an item that is
 * not {@link Comparable} is refused with {@link ClassCastException} before anything changes. A
 * comparator that throws leaves the queue unchanged; its exception reaches the caller of the put
 * (or the get) that made the comparison.
 *
 * <p>Everything else (capacity, the faces, unfinished tasks and {@code join}, shutdown, fairness
 * among blocked putters and getters, cancellation, memory consistency) is exactly {@link Queue}'s.
 * The name is asyncio's; see {@link Queue} for living with {@code java.util.PriorityQueue}.
 *
 * @param <E> the type of the items
 */
public final class PriorityQueue<E> extends Queue<E> {
  /** Creates an unbounded priority queue of {@link Comparable} items, natural order. */
  public PriorityQueue() {
    super(QueueStore.priority(null), Integer.MAX_VALUE);
  }

  /**
   * Creates a priority queue of {@link Comparable} items that holds at most {@code capacity}.
   *
   * @param capacity the most items it holds; at least 1
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public PriorityQueue(int capacity) {
    super(QueueStore.priority(null), Args.positive(capacity, "capacity"));
  }

  /**
   * Creates an unbounded priority queue ordered by {@code comparator}.
   *
   * @param comparator the order, lowest first; not null
   * @throws NullPointerException if {@code comparator} is null
   */
  public PriorityQueue(Comparator<? super E> comparator) {
    super(QueueStore.priority(Args.notNull(comparator, "comparator")), Integer.MAX_VALUE);
  }

  /**
   * Creates a priority queue ordered by {@code comparator} that holds at most {@code capacity}.
   *
   * @param capacity the most items it holds; at least 1
   * @param comparator the order, lowest first; not null
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   * @throws NullPointerException if {@code comparator} is null
   */
  public PriorityQueue(int capacity, Comparator<? super E> comparator) {
    super(QueueStore.priority(checked(capacity, comparator)), capacity);
  }

  /** Checks the arguments in their order, so the first bad one is the one reported. */
  private static <E> Comparator<? super E> checked(int capacity, Comparator<? super E> comparator) {
    Args.positive(capacity, "capacity");
    return Args.notNull(comparator, "comparator");
  }
}
