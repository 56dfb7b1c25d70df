package dev.baton;

import dev.baton.internal.Args;

/**
 * A {@link Queue} that serves the most recently put item first: {@code asyncio.LifoQueue}.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=lifoqueue-blocking}
 *
 * <p>The non-blocking face is {@link Queue}'s:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=lifoqueue-async}
 *
 * <p>Everything else (capacity, blocking, timed and async faces, unfinished tasks and {@code join},
 * shutdown, fairness among blocked putters and getters, cancellation, memory consistency) is
 * exactly {@link Queue}'s; only the order of the items differs. An item given back by a cancelled
 * {@link #getAsync()} returns to the top.
 *
 * @param <E> the type of the items
 */
public final class LifoQueue<E> extends Queue<E> {
  /** Creates an unbounded LIFO queue. */
  public LifoQueue() {
    super(QueueStore.lifo(), Integer.MAX_VALUE);
  }

  /**
   * Creates a LIFO queue that holds at most {@code capacity} items.
   *
   * @param capacity the most items it holds; at least 1
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public LifoQueue(int capacity) {
    super(QueueStore.lifo(), Args.positive(capacity, "capacity"));
  }
}
