package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A counter of permits that tasks take and give back, served first come, first served: {@code
 * asyncio.Semaphore}.
 *
 * <p>Differences from asyncio: {@link #release()} with waiters hands the permit straight to the
 * longest waiter (direct hand-off), so the permit count never goes up while anyone waits and no
 * newcomer can take a permit meant for a waiter; {@code async with sem:} is try-with-resources on
 * {@link #hold()}; there is a {@code CompletableFuture} face; and a semaphore belongs to no loop.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=semaphore-blocking}
 *
 * <p>The non-blocking face yields a {@link Held} that returns one permit when closed, from any
 * thread:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=semaphore-async}
 *
 * <h2>Semantics</h2>
 *
 * Permits are not owned: any task or thread may release. {@link #isLocked()} is true when an
 * acquire would wait. Unlike {@link BoundedSemaphore}, a plain semaphore may be released more often
 * than acquired, as asyncio's may.
 *
 * <h2>Fairness</h2>
 *
 * Strict FIFO for all three faces. A newcomer never barges past waiters: {@link #tryAcquire()}
 * fails while anyone waits.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * As {@link Lock}: entry check, withdrawal on interrupt, timeout or future cancel, and a hand-off
 * that won the race is kept (the interrupt status stays set). No permit is ever lost or created by
 * a cancel racing a release.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions before a release happen-before the actions after an acquire that received that permit.
 *
 * <h2>Run modes</h2>
 *
 * Works on the event loop, in parallel, on any thread, and from future callbacks; belongs to no
 * loop.
 */
public class Semaphore {
  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Semaphore.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** {@link #state}: no permit free, and waiters may be queued, so a release takes the guard. */
  private static final int QUEUED = -1;

  /**
   * The free permits, or {@link #QUEUED}. A count of 0 or more means nobody waits, so the lock-free
   * fast paths (a CAS on this word) never barge past a waiter. Only a guard holder moves it to or
   * from {@code QUEUED}, and while it is {@code QUEUED} only guard holders change it.
   */
  private volatile int state;

  final WaitQueue queue;

  /**
   * Creates a semaphore.
   *
   * @param permits the initial number of permits; must not be negative
   * @throws IllegalArgumentException if {@code permits} is negative
   */
  public Semaphore(int permits) {
    this.state = Args.notNegative(permits, "permits");
    this.queue =
        new WaitQueue(
            new Diagnosable() {
              @Override
              public String kind() {
                return Semaphore.this.getClass().getSimpleName();
              }

              @Override
              public String describe() {
                return availablePermits() + " permits free";
              }
            });
  }

  /**
   * Takes a permit, waiting as long as it takes.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public void acquire() throws InterruptedException {
    acquire(-1);
  }

  /**
   * Takes a permit if one becomes available within {@code timeout}.
   *
   * @param timeout how long to wait
   * @return {@code true} if a permit was taken, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public boolean acquire(Duration timeout) throws InterruptedException {
    return acquire(Args.nanos(timeout, "timeout"));
  }

  /**
   * Takes a permit only if one is free and nobody waits.
   *
   * @return whether a permit was taken
   */
  public boolean tryAcquire() {
    queue.touch();
    return takeIfFree();
  }

  /**
   * Takes a permit and returns a guard that gives it back: {@code try (Held p = sem.hold())}.
   *
   * @return the guard; closing it releases one permit, once
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   */
  public Held hold() throws InterruptedException {
    acquire();
    return new Permit();
  }

  /**
   * Requests a permit without blocking. The future completes with a {@link Held} that releases the
   * permit when closed; cancelling the future before that withdraws the request.
   *
   * @return a future of the permit's guard
   */
  public CompletableFuture<Held> acquireAsync() {
    queue.touch();
    Permit permit = new Permit();
    FutureWaiter<Held> w = new FutureWaiter<>(given -> ((Permit) given.value).close());
    w.value = permit;
    if (takeIfFree()) {
      return CompletableFuture.completedFuture(permit);
    }
    queue.lock();
    try {
      if (takeOrMarkQueued()) {
        return CompletableFuture.completedFuture(permit);
      }
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.future();
  }

  /**
   * Gives a permit back: to the longest waiter if there is one, else to the count.
   *
   * @throws IllegalStateException for a {@link BoundedSemaphore} released above its initial value
   */
  public void release() {
    queue.touch();
    for (int s; (s = state) != QUEUED; ) {
      checkRelease(s);
      if (STATE.compareAndSet(this, s, s + 1)) {
        return; // nobody waits
      }
    }
    queue.lock();
    try {
      Waiter head = queue.head();
      if (head != null) {
        queue.grant(head); // direct hand-off: the count stays at none free
        if (queue.isEmpty()) {
          state = 0;
        }
        return;
      }
      // Nobody waits: every waiter withdrew, or another release got here first and left QUEUED, in
      // which case fast paths may be changing the count again: add with a CAS.
      for (; ; ) {
        int st = state;
        int free = st == QUEUED ? 0 : st;
        checkRelease(free);
        if (STATE.compareAndSet(this, st, free + 1)) {
          return;
        }
      }
    } finally {
      queue.unlock();
    }
  }

  /** Hook for {@link BoundedSemaphore}: called under the guard before the count goes up. */
  void checkRelease(int free) {
    if (free == Integer.MAX_VALUE) {
      throw new IllegalStateException("permit count would overflow");
    }
  }

  /**
   * Whether an acquire would wait now.
   *
   * @return {@code true} if no permit is free
   */
  public boolean isLocked() {
    return state <= 0;
  }

  /**
   * The number of permits free now.
   *
   * @return the free permits
   */
  public int availablePermits() {
    return Math.max(state, 0);
  }

  /**
   * A snapshot of this semaphore's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    queue.lock();
    try {
      return new Statistics(availablePermits(), queue.size());
    } finally {
      queue.unlock();
    }
  }

  /**
   * A snapshot of a {@link Semaphore}.
   *
   * @param available free permits
   * @param waiting how many requests waited
   */
  public record Statistics(int available, int waiting) {}

  @Override
  public String toString() {
    Statistics s = statistics();
    return getClass().getSimpleName()
        + "[permits="
        + s.available()
        + ", waiting="
        + s.waiting()
        + "]";
  }

  private boolean acquire(long nanos) throws InterruptedException {
    queue.enterWait();
    if (takeIfFree()) {
      return true;
    }
    Waiter w;
    queue.lock();
    try {
      if (takeOrMarkQueued()) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      w = Waiter.forCurrentThread();
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.block(nanos, true);
  }

  /** Takes a permit with a CAS if one is free (which implies nobody waits). */
  private boolean takeIfFree() {
    for (int s; (s = state) > 0; ) {
      if (STATE.compareAndSet(this, s, s - 1)) {
        return true;
      }
    }
    return false;
  }

  /** Under the guard: takes a free permit, or marks the state queued (the caller then enqueues). */
  private boolean takeOrMarkQueued() {
    for (; ; ) {
      int s = state;
      if (s > 0) {
        if (STATE.compareAndSet(this, s, s - 1)) {
          return true;
        }
      } else if (s == QUEUED || STATE.compareAndSet(this, 0, QUEUED)) {
        return false;
      }
    }
  }

  /** One permit's guard: releases once. */
  private final class Permit implements Held {
    private final AtomicBoolean closed = new AtomicBoolean();

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        release();
      }
    }
  }
}
