package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * A first-in, first-out queue that producer tasks put items into and consumer tasks get them from,
 * waiting while it is full or empty: {@code asyncio.Queue}. {@link PriorityQueue} and {@link
 * LifoQueue} are the same queue with another order.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=queue-blocking}
 *
 * <p>The non-blocking face:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=queue-async}
 *
 * <h2>The name, and {@code java.util.Queue}</h2>
 *
 * The class keeps asyncio's name. A file that imports {@code java.util.*} and {@code dev.baton.*}
 * names it with a single-type import, {@code import dev.baton.Queue;}, which takes precedence over
 * both on-demand imports without renaming anything; a file that uses both types qualifies one.
 * ({@code PriorityQueue} and {@code java.util.PriorityQueue} likewise.) Code written against {@code
 * java.util.concurrent.BlockingQueue} takes the view {@link #asBlockingQueue()}.
 *
 * <h2>Operations</h2>
 *
 * <table class="striped">
 *   <caption>The faces of put and get</caption>
 *   <tr><th>asyncio</th><th>blocking</th><th>timed</th><th>async</th><th>non-waiting</th></tr>
 *   <tr><td>{@code await put(x)}</td><td>{@link #put}</td><td>{@link #offer(Object, Duration)}
 *       </td><td>{@link #putAsync}</td><td>{@link #putNow} throws, {@link #offer(Object)}
 *       returns {@code false}</td></tr>
 *   <tr><td>{@code await get()}</td><td>{@link #get}</td><td>{@link #poll(Duration)}</td>
 *       <td>{@link #getAsync}</td><td>{@link #getNow} throws, {@link #poll()} returns {@code
 *       null}</td></tr>
 *   <tr><td>{@code await join()}</td><td>{@link #join()}</td><td>{@link #join(Duration)}</td>
 *       <td>{@link #joinAsync}</td><td>{@link #unfinishedTasks()}</td></tr>
 * </table>
 *
 * <p>Items must not be {@code null} ({@code null} is "nothing" for {@link #poll()}). Every item put
 * counts as an unfinished task until a {@link #taskDone()} for it; {@link #join()} waits until none
 * is unfinished.
 *
 * <h2>Shutdown</h2>
 *
 * As asyncio 3.13: after {@link #shutdown()}, every put fails with {@link QueueShutdownException},
 * putters blocked at the time fail with it, and gets go on returning the items left, then fail with
 * it (getters blocked at the time fail at once, since the queue is empty when anyone waits). {@link
 * #shutdown(boolean) shutdown(true)} also drops the items left and counts each as done, so {@link
 * #join()} returns once the items already taken are done. The non-waiting forms report a shutdown
 * by the same exception, never by {@code false} or {@code null}.
 *
 * <h2>Differences from asyncio</h2>
 *
 * <ul>
 *   <li><b>Direct hand-off.</b> A put while a getter waits gives the item straight to the longest
 *       waiting getter, and a get from a full queue moves the longest waiting putter's item into
 *       the queue, in the same atomic step. asyncio wakes the waiter and lets it retry, which is
 *       where its lost-item bug bpo-23812 lived.
 *   <li>A bounded queue has a capacity of at least 1 ({@code new Queue<>()} is unbounded, for
 *       asyncio's {@code maxsize <= 0}). {@code taskDone()} too many times throws {@link
 *       IllegalStateException} (asyncio: {@code ValueError}).
 *   <li>Thread-safe and bound to no loop.
 * </ul>
 *
 * <h2>Fairness</h2>
 *
 * Blocked getters are served in arrival order, and so are blocked putters, whichever face they
 * used. A newcomer never barges: a put while putters wait queues behind them, a get while the queue
 * is empty queues behind the getters.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * A blocking put or get called with the interrupt status set throws {@link InterruptedException} at
 * once. An interrupt, {@link Task#cancel()}, an expired timeout ({@link #offer(Object, Duration)}
 * returns {@code false}, {@link #poll(Duration)} {@code null}) or cancelling the future withdraws
 * the request: a withdrawn getter received no item, a withdrawn putter placed none. One atomic step
 * decides between the hand-off and the withdrawal; if the hand-off came first, the call returns
 * normally (with the item, for a get) and the interrupt status stays set. A {@link #getAsync()}
 * future completed by its user after it had received an item gives the item back: it is served
 * next, to the longest waiting getter or the next get (the queue may then briefly hold one item
 * more than its capacity). A {@link #putAsync} future whose item was already placed cannot be
 * cancelled any more ({@code cancel} returns {@code false}): consumers may hold the item already.
 * No item is ever lost or duplicated by a cancel.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions before putting an item happen-before the actions after the get that returns it. Actions
 * before a {@code taskDone()} happen-before the actions after a {@code join()} it completed.
 *
 * <p>Works on the event loop, on any thread, and from future callbacks; belongs to no loop.
 *
 * @param <E> the type of the items
 */
public sealed class Queue<E> permits PriorityQueue, LifoQueue {
  private static final int OPEN = 0;
  private static final int SHUT_DOWN = 1;
  private static final int SHUT_DOWN_NOW = 2;

  private final QueueStore<E> store;
  private final int capacity;

  /*
   * Three queues on one guard. Invariants, under the guard:
   *  - getters wait only while the store is empty (a put hands its item to the head getter);
   *  - putters wait only while the store holds at least `capacity` items (a get admits the head
   *    putter's item as soon as there is room);
   *  - joiners wait only while unfinished > 0;
   *  - after a shutdown nobody waits in getters or putters.
   */
  private final WaitQueue getters;
  private final WaitQueue putters;
  private final WaitQueue joiners;

  /** Items in the store; written under the guard, read without it by {@link #size()}. */
  private volatile int count;

  private int unfinished;
  private volatile int shutdown = OPEN;

  /** Creates an unbounded queue: {@code asyncio.Queue()}. */
  public Queue() {
    this(QueueStore.fifo(), Integer.MAX_VALUE);
  }

  /**
   * Creates a queue that holds at most {@code capacity} items: {@code asyncio.Queue(maxsize)}.
   *
   * @param capacity the most items it holds; at least 1
   * @throws IllegalArgumentException if {@code capacity} is less than 1
   */
  public Queue(int capacity) {
    this(QueueStore.fifo(), Args.positive(capacity, "capacity"));
  }

  Queue(QueueStore<E> store, int capacity) {
    this.store = store;
    this.capacity = capacity;
    Diagnostics d = new Diagnostics();
    this.getters = new WaitQueue(d);
    this.putters = new WaitQueue(d, getters);
    this.joiners = new WaitQueue(d, getters);
  }

  // ---------------------------------------------------------------- put

  /**
   * Puts an item, waiting while the queue is full.
   *
   * @param item the item; not null
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   *     (the item was not put)
   * @throws QueueShutdownException if the queue is shut down, or was shut down while waiting (the
   *     item was not put)
   * @throws NullPointerException if {@code item} is null
   */
  public void put(E item) throws InterruptedException {
    put(item, -1L);
  }

  /**
   * Puts an item if there is room for it within {@code timeout}.
   *
   * @param item the item; not null
   * @param timeout how long to wait for room
   * @return {@code true} if put, {@code false} if the timeout passed first (the item was not put)
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws QueueShutdownException if the queue is shut down, or was shut down while waiting
   * @throws NullPointerException if {@code item} or {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public boolean offer(E item, Duration timeout) throws InterruptedException {
    check(item);
    return put(item, Args.nanos(timeout, "timeout"));
  }

  /**
   * Puts an item if there is room now, without waiting.
   *
   * @param item the item; not null
   * @return {@code true} if put, {@code false} if the queue is full
   * @throws QueueShutdownException if the queue is shut down
   * @throws NullPointerException if {@code item} is null
   */
  public boolean offer(E item) {
    check(item);
    touch();
    lock();
    try {
      return putIfRoom(item);
    } finally {
      unlock();
    }
  }

  /**
   * Puts an item if there is room now: {@code put_nowait}.
   *
   * @param item the item; not null
   * @throws IllegalStateException "queue full" if there is no room ({@code asyncio.QueueFull})
   * @throws QueueShutdownException if the queue is shut down
   * @throws NullPointerException if {@code item} is null
   */
  public void putNow(E item) {
    if (!offer(item)) {
      throw new IllegalStateException("queue full: it holds its capacity of " + capacity);
    }
  }

  /**
   * Puts an item without blocking. The future completes once the item is in the queue (at once if
   * there is room), or exceptionally with {@link QueueShutdownException} if the queue is or gets
   * shut down first. Cancelling it before the item was placed withdraws the put; once placed, the
   * put stands and {@code cancel} returns {@code false}.
   *
   * @param item the item; not null
   * @return a future that completes when the item is in the queue
   * @throws NullPointerException if {@code item} is null
   */
  public CompletableFuture<Void> putAsync(E item) {
    check(item);
    touch();
    FutureWaiter<Void> w = FutureWaiter.keepingGrant();
    lock();
    try {
      if (putIfRoom(item)) {
        return CompletableFuture.completedFuture(null);
      }
      w.value = item;
      putters.enqueue(w);
    } catch (QueueShutdownException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      unlock();
    }
    return w.future();
  }

  // ---------------------------------------------------------------- get

  /**
   * Removes and returns the next item, waiting while the queue is empty.
   *
   * @return the item
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   *     (no item was taken)
   * @throws QueueShutdownException if the queue is shut down and empty
   */
  public E get() throws InterruptedException {
    return get(-1L);
  }

  /**
   * Removes and returns the next item, waiting at most {@code timeout} for one.
   *
   * @param timeout how long to wait for an item
   * @return the item, or {@code null} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws QueueShutdownException if the queue is shut down and empty
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   */
  public E poll(Duration timeout) throws InterruptedException {
    return get(Args.nanos(timeout, "timeout"));
  }

  /**
   * Removes and returns the next item if there is one, without waiting.
   *
   * @return the item, or {@code null} if the queue is empty
   * @throws QueueShutdownException if the queue is shut down and empty
   */
  public E poll() {
    touch();
    lock();
    try {
      return takeIfAny();
    } finally {
      unlock();
    }
  }

  /**
   * Removes and returns the next item if there is one: {@code get_nowait}.
   *
   * @return the item
   * @throws NoSuchElementException "queue empty" if there is none ({@code asyncio.QueueEmpty})
   * @throws QueueShutdownException if the queue is shut down and empty
   */
  public E getNow() {
    E item = poll();
    if (item == null) {
      throw new NoSuchElementException("queue empty");
    }
    return item;
  }

  /**
   * Requests the next item without blocking. The future completes with it (at once if there is
   * one), or exceptionally with {@link QueueShutdownException} if the queue is shut down while
   * empty. Cancelling the future before it received an item withdraws the request; completing it
   * any way after it received one gives the item back to the queue, to be served next.
   *
   * @return a future of the item
   */
  public CompletableFuture<E> getAsync() {
    touch();
    FutureWaiter<E> w = new FutureWaiter<>(this::giveBack);
    lock();
    try {
      E item = takeIfAny();
      if (item != null) {
        return CompletableFuture.completedFuture(item);
      }
      getters.enqueue(w);
    } catch (QueueShutdownException e) {
      return CompletableFuture.failedFuture(e);
    } finally {
      unlock();
    }
    return w.future();
  }

  // ---------------------------------------------------------------- tasks

  /**
   * Marks one item taken from the queue as processed: {@code task_done}. When every item put has
   * been marked, {@link #join()} returns.
   *
   * @throws IllegalStateException if called more times than items were put (nothing changes)
   */
  public void taskDone() {
    touch();
    lock();
    try {
      if (unfinished == 0) {
        throw new IllegalStateException(
            "taskDone() called more times than items were put: no task is unfinished");
      }
      if (--unfinished == 0) {
        openJoiners();
      }
    } finally {
      unlock();
    }
  }

  /**
   * Waits until every item put has been marked with {@link #taskDone()}; returns at once if none is
   * unfinished.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public void join() throws InterruptedException {
    join(-1L);
  }

  /**
   * Like {@link #join()}, waiting at most {@code timeout}.
   *
   * @param timeout how long to wait
   * @return {@code true} if no task is unfinished, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public boolean join(Duration timeout) throws InterruptedException {
    return join(Args.nanos(timeout, "timeout"));
  }

  /**
   * A future that completes when no task is unfinished (at once if none is). Cancelling it
   * withdraws the request.
   *
   * @return the future
   */
  public CompletableFuture<Void> joinAsync() {
    touch();
    FutureWaiter<Void> w = new FutureWaiter<>(null);
    lock();
    try {
      if (unfinished == 0) {
        return CompletableFuture.completedFuture(null);
      }
      joiners.enqueue(w);
    } finally {
      unlock();
    }
    return w.future();
  }

  // ---------------------------------------------------------------- shutdown

  /**
   * Shuts the queue down, letting consumers drain it: same as {@code shutdown(false)}.
   *
   * @see #shutdown(boolean)
   */
  public void shutdown() {
    shutdown(false);
  }

  /**
   * Shuts the queue down: from now on every put fails with {@link QueueShutdownException}, and so
   * does every get once the queue is empty. Blocked putters and getters fail at once.
   *
   * @param immediate also drop the items left, counting each as done for {@link #join()}
   */
  public void shutdown(boolean immediate) {
    touch();
    lock();
    try {
      if (immediate) {
        int dropped = store.clear();
        count = 0;
        unfinished -= Math.min(unfinished, dropped);
        shutdown = SHUT_DOWN_NOW;
        if (unfinished == 0) {
          openJoiners();
        }
      } else if (shutdown == OPEN) {
        shutdown = SHUT_DOWN;
      }
      failAll(getters, "the queue was shut down while get() waited");
      failAll(putters, "the queue was shut down while put() waited; the item was not put");
    } finally {
      unlock();
    }
  }

  /**
   * Whether {@link #shutdown()} was called.
   *
   * @return whether the queue is shut down
   */
  public boolean isShutdown() {
    return shutdown != OPEN;
  }

  // ---------------------------------------------------------------- state

  /**
   * The number of items in the queue ({@code qsize}).
   *
   * @return the size
   */
  public int size() {
    return count;
  }

  /**
   * Whether the queue holds no item.
   *
   * @return whether it is empty
   */
  public boolean isEmpty() {
    return count == 0;
  }

  /**
   * Whether the queue holds its capacity; never true for an unbounded queue.
   *
   * @return whether it is full
   */
  public boolean isFull() {
    return count >= capacity;
  }

  /**
   * The most items the queue holds ({@code maxsize}); {@link Integer#MAX_VALUE} if unbounded.
   *
   * @return the capacity
   */
  public int capacity() {
    return capacity;
  }

  /**
   * The number of items put and not yet marked with {@link #taskDone()}.
   *
   * @return the unfinished tasks
   */
  public int unfinishedTasks() {
    lock();
    try {
      return unfinished;
    } finally {
      unlock();
    }
  }

  /**
   * A view of this queue as a {@link BlockingQueue}, for code written against {@code
   * java.util.concurrent}. It is the same queue: {@code put}/{@code take}/{@code offer}/{@code
   * poll} are this queue's {@link #put}, {@link #get}, {@link #offer(Object, Duration)} and {@link
   * #poll(Duration)} (a negative timeout means "do not wait", as {@code BlockingQueue} requires),
   * with the same fairness and cancellation. Differences: a shutdown is reported by {@link
   * QueueShutdownException}, also from {@code offer} and {@code poll}; its iterator is a snapshot
   * and does not remove; {@link #taskDone()} stays on this queue.
   *
   * @return the view
   */
  public BlockingQueue<E> asBlockingQueue() {
    return new QueueView<>(this);
  }

  /**
   * A snapshot of this queue's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    lock();
    try {
      return new Statistics(
          count,
          capacity,
          unfinished,
          getters.size(),
          putters.size(),
          joiners.size(),
          shutdown != OPEN);
    } finally {
      unlock();
    }
  }

  /**
   * A snapshot of a {@link Queue}.
   *
   * @param size items in the queue
   * @param capacity the most it holds ({@link Integer#MAX_VALUE}: unbounded)
   * @param unfinishedTasks items put and not yet marked done
   * @param waitingGetters blocked gets
   * @param waitingPutters blocked puts
   * @param waitingJoiners blocked joins
   * @param shutdown whether it was shut down
   */
  public record Statistics(
      int size,
      int capacity,
      int unfinishedTasks,
      int waitingGetters,
      int waitingPutters,
      int waitingJoiners,
      boolean shutdown) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    return getClass().getSimpleName()
        + "[size="
        + s.size()
        + (capacity == Integer.MAX_VALUE ? "" : "/" + capacity)
        + ", unfinished="
        + s.unfinishedTasks()
        + ", getters="
        + s.waitingGetters()
        + ", putters="
        + s.waitingPutters()
        + (s.shutdown() ? ", shut down" : "")
        + "]";
  }

  // ---------------------------------------------------------------- for the BlockingQueue view

  E peek() {
    lock();
    try {
      return store.peek();
    } finally {
      unlock();
    }
  }

  boolean remove(Object o) {
    if (o == null) {
      return false;
    }
    touch();
    lock();
    try {
      if (!store.remove(o)) {
        return false;
      }
      count--;
      admitPutters();
      return true;
    } finally {
      unlock();
    }
  }

  List<E> snapshot() {
    lock();
    try {
      return store.snapshot();
    } finally {
      unlock();
    }
  }

  /** Takes up to {@code max} items that are available now, including waiting putters' items. */
  List<E> drain(int max) {
    touch();
    List<E> out = new ArrayList<>();
    lock();
    try {
      while (out.size() < max && count > 0) {
        out.add(takeIfAny());
      }
    } finally {
      unlock();
    }
    return out;
  }

  // ---------------------------------------------------------------- internals

  private void check(E item) {
    Args.notNull(item, "item");
    store.check(item);
  }

  private void touch() {
    getters.touch();
    putters.touch();
    joiners.touch();
  }

  /**
   * Every blocking operation's entry: records the use of all three queues, then the entry check.
   */
  private void enterWait() throws InterruptedException {
    putters.touch();
    joiners.touch();
    getters.enterWait();
  }

  private void lock() {
    getters.lock();
  }

  /** Releases the guard and resumes whatever was granted on any of the three queues. */
  private void unlock() {
    getters.unlock();
  }

  private boolean put(E item, long nanos) throws InterruptedException {
    check(item);
    enterWait();
    Waiter w;
    lock();
    try {
      if (putIfRoom(item)) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      w = Waiter.forCurrentThread();
      w.value = item;
      putters.enqueue(w);
    } finally {
      unlock();
    }
    if (!w.block(nanos, true)) {
      return false;
    }
    rethrowFailure(w.value);
    return true;
  }

  private E get(long nanos) throws InterruptedException {
    enterWait();
    Waiter w;
    lock();
    try {
      E item = takeIfAny();
      if (item != null) {
        return item;
      }
      if (nanos == 0) {
        return null;
      }
      w = Waiter.forCurrentThread();
      getters.enqueue(w);
    } finally {
      unlock();
    }
    if (!w.block(nanos, true)) {
      return null;
    }
    rethrowFailure(w.value);
    @SuppressWarnings("unchecked")
    E item = (E) w.value;
    return item;
  }

  private boolean join(long nanos) throws InterruptedException {
    enterWait();
    Waiter w;
    lock();
    try {
      if (unfinished == 0) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      w = Waiter.forCurrentThread();
      joiners.enqueue(w);
    } finally {
      unlock();
    }
    return w.block(nanos, true);
  }

  /**
   * Under the guard: places {@code item} with the longest waiting getter, or in the store if there
   * is room and no putter is ahead; {@code false} if it has to wait.
   */
  private boolean putIfRoom(E item) {
    if (shutdown != OPEN) {
      throw new QueueShutdownException("put on a shut-down queue");
    }
    Waiter g = getters.head();
    if (g != null) { // then the store is empty: hand the item over
      g.value = item;
      unfinished++;
      getters.grant(g);
      return true;
    }
    if (count >= capacity || !putters.isEmpty()) {
      return false;
    }
    store.add(item); // may throw (a comparator): then nothing changed
    count++;
    unfinished++;
    return true;
  }

  /** Under the guard: takes the next item and lets a waiting putter in; {@code null} if empty. */
  private E takeIfAny() {
    if (count == 0) {
      if (shutdown != OPEN) {
        throw new QueueShutdownException("get from a shut-down queue that is empty");
      }
      return null;
    }
    E item = store.take();
    count--;
    admitPutters();
    return item;
  }

  /** Under the guard: moves waiting putters' items into the store while there is room. */
  private void admitPutters() {
    Waiter p;
    while (count < capacity && (p = putters.head()) != null) {
      @SuppressWarnings("unchecked")
      E item = (E) p.value;
      try {
        store.add(item);
      } catch (RuntimeException e) { // a comparator refused it: that put fails, the next goes on
        p.value = new FutureWaiter.Failure(e);
        putters.grant(p);
        continue;
      }
      p.value = null;
      count++;
      unfinished++;
      putters.grant(p);
    }
  }

  /** A getter's future was completed by its user after it received {@code w.value}. */
  private void giveBack(Waiter w) {
    @SuppressWarnings("unchecked")
    E item = (E) w.value;
    lock();
    try {
      if (shutdown == SHUT_DOWN_NOW) { // dropped like the rest, and counted as done
        if (unfinished > 0 && --unfinished == 0) {
          openJoiners();
        }
        return;
      }
      Waiter g = getters.head();
      if (g != null) {
        g.value = item;
        getters.grant(g);
        return;
      }
      store.putBack(item);
      count++;
    } finally {
      unlock();
    }
  }

  private void openJoiners() {
    while (joiners.grantHead() != null) {}
  }

  private static void failAll(WaitQueue q, String why) {
    Waiter w;
    while ((w = q.head()) != null) {
      w.value = new FutureWaiter.Failure(new QueueShutdownException(why));
      q.grant(w);
    }
  }

  /** A blocking face's grant that carries a failure throws it, with the caller's stack. */
  private static void rethrowFailure(Object v) {
    if (v instanceof FutureWaiter.Failure f) {
      Throwable cause = f.cause();
      if (cause instanceof QueueShutdownException) {
        throw new QueueShutdownException(cause.getMessage());
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      throw (Error) cause;
    }
  }

  /** What a deadlock report says about this queue. */
  private final class Diagnostics implements Diagnosable {
    @Override
    public String kind() {
      return Queue.this.getClass().getSimpleName();
    }

    @Override
    public String describe() {
      return count
          + (capacity == Integer.MAX_VALUE ? " items, unbounded" : " of " + capacity + " items")
          + ", "
          + unfinished
          + " unfinished tasks"
          + (shutdown != OPEN ? ", shut down" : "");
    }
  }
}
