package dev.baton.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * One request waiting in a {@link WaitQueue}: a one-shot cell whose state is settled by a single
 * compare-and-set.
 *
 * <pre>
 *                 grant (under the queue's guard)
 *   WAITING ───────────────────────────────────────▶ GRANTED ──▶ resume()
 *     │  │
 *     │  └── requeue (Condition.signal) ──▶ REQUEUED ──grant──▶ GRANTED
 *     │                                     (no longer cancellable)
 *     └── cancel (interrupt, Task.cancel, future.cancel) ──▶ CANCELLED
 *     └── deadline passed ──────────────────────────────────▶ TIMED_OUT
 * </pre>
 *
 * <p>Whoever moves the state out of {@code WAITING} decides the outcome; the loser of the race
 * observes the winner's result and never undoes it. A grant that beat a cancel is kept: the caller
 * returns holding the resource and its interrupt status stays set.
 *
 * <p>Subclasses are the three faces' resume strategies: {@link ThreadWaiter} unparks a thread,
 * {@link FutureWaiter} completes a {@code CompletableFuture}, {@link LoopWaiter} makes an
 * event-loop task ready. The blocking faces also implement {@link #block}, the one place where a
 * thread waits.
 */
public abstract class Waiter {
  public static final int WAITING = 0;
  public static final int GRANTED = 1;
  public static final int CANCELLED = 2;
  public static final int TIMED_OUT = 3;
  public static final int REQUEUED = 4;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private volatile int state;

  /** The queue this waiter is (or was last) linked in; guarded by that queue's guard. */
  WaitQueue queue;

  Waiter prev;
  Waiter next;

  /** Link in a queue's list of waiters to resume once its guard is released. */
  Waiter nextToResume;

  /**
   * What the primitive hands over with a grant (a queue item, a barrier index, a {@code Held}), or
   * what the waiter brings (an item to put). Written under the guard before the grant, read by the
   * waiter after it observed {@code GRANTED}.
   */
  public Object value;

  /** A small request argument a primitive may use (for example reader or writer). */
  public int kind;

  /** Whether a task cancel may withdraw this waiter (false while a condition re-acquires). */
  volatile boolean interruptibleByTask;

  /** The thread that made the request: the owner a {@code Lock} records, and a diagnostic. */
  public final Thread requester;

  protected Waiter(Thread requester) {
    this.requester = requester;
  }

  public final int state() {
    return state;
  }

  final boolean transition(int expect, int update) {
    return STATE.compareAndSet(this, expect, update);
  }

  /**
   * Makes the requester run again after the state left {@code WAITING}. Called exactly once per
   * settled outcome that someone other than the waiting thread decided, never under a guard.
   */
  abstract void resume();

  /**
   * Waits until this request is settled. Implemented by the blocking faces only.
   *
   * @param nanos how long to wait, or a negative value to wait without a deadline
   * @param interruptible whether an interrupt or a task cancel may withdraw the request
   * @return {@code true} if granted, {@code false} if the deadline passed first
   * @throws InterruptedException if the request was withdrawn by an interrupt or a cancel
   */
  public boolean block(long nanos, boolean interruptible) throws InterruptedException {
    throw new UnsupportedOperationException("not a blocking waiter");
  }

  /**
   * Creates the blocking waiter for the calling thread: a loop task's if it runs on an event loop,
   * else a parking one.
   */
  public static Waiter forCurrentThread() {
    Fiber f = Fiber.current();
    if (f != null && f.loop != null) {
      return new LoopWaiter(f);
    }
    return new ThreadWaiter(Thread.currentThread(), f);
  }
}
