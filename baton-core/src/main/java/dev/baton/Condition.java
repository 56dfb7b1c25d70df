package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.FutureWaiter;
import dev.baton.internal.WaitQueue;
import dev.baton.internal.Waiter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * A place where tasks holding a {@link Lock} wait until another task signals them: {@code
 * asyncio.Condition}, with Java's names ({@code await}, {@code signal}, {@code signalAll}).
 *
 * <p>asyncio's {@code wait}, {@code wait_for(predicate)}, {@code notify(n)} and {@code notify_all}
 * are {@link #await()}, {@link #awaitUntil(BooleanSupplier)}, {@link #signal(int)} and {@link
 * #signalAll()}; {@code async with condition:} is try-with-resources on {@link #hold()}. Unlike
 * asyncio's, a signal moves the waiter straight into the lock's queue (Trio's design), a condition
 * belongs to no loop, and a task of an event loop stuck on a lost signal is reported (see below).
 *
 * {@snippet class=dev.baton.snippets.Snippets region=condition-blocking}
 *
 * <p>The non-blocking face: {@link #awaitAsync()} releases the lock and returns a future that
 * completes with a {@link Held} owning the lock again once signalled:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=condition-async}
 *
 * <h2>Semantics</h2>
 *
 * {@code await*} and {@code signal*} require the caller to own the lock, else {@link
 * IllegalMonitorStateException}. {@code await} releases the lock, waits for a signal, and
 * re-acquires the lock before it returns or throws, also when cancelled or timed out. A signal
 * moves the waiter straight into the lock's queue: from then on it can no longer be cancelled or
 * time out, so a signal is never lost to a waiter that is cancelled in the meantime, and a waiter
 * cancelled before the signal reached it is out of the queue already, so the signal goes to the
 * next one.
 *
 * <p>A signal sent while nobody waits is lost, as in every condition variable. Wait on shared state
 * with {@link #awaitUntil(BooleanSupplier)} instead of on the signal; if a lost signal leaves a
 * task of an event loop stuck, the loop's {@link DeadlockException} says so.
 *
 * <h2>Fairness</h2>
 *
 * {@code signal(n)} wakes at most {@code n} waiters, longest-waiting first; they then queue for the
 * lock behind the tasks already waiting for it, and the lock serves them in that order.
 *
 * <h2>Cancellation and timeouts</h2>
 *
 * Entry check and interrupt or {@link Task#cancel()} as for {@link Lock}, except that the lock is
 * always re-acquired before {@code await} throws. {@link #await(Duration)} returns {@code false}
 * when the deadline passes before a signal reached it. Cancelling the future of {@link
 * #awaitAsync()} before the signal withdraws it.
 *
 * <h2>Memory consistency</h2>
 *
 * That of its {@link Lock}: actions before a release (also the one inside {@code await})
 * happen-before the actions after the next acquire (also the one inside {@code await}).
 *
 * <h2>Run modes</h2>
 *
 * Works on the event loop, in parallel, on any thread, and from future callbacks; belongs to no
 * loop.
 */
public final class Condition {
  private final Lock lock;
  private final WaitQueue waiters;

  /** Creates a condition with its own new {@link Lock}. */
  public Condition() {
    this(new Lock());
  }

  /**
   * Creates a condition on an existing lock; several conditions may share one lock.
   *
   * @param lock the lock; must not be null
   */
  public Condition(Lock lock) {
    this.lock = Args.notNull(lock, "lock");
    this.waiters =
        new WaitQueue(
            new Diagnosable() {
              @Override
              public String kind() {
                return "Condition";
              }

              @Override
              public String describe() {
                Lock.Statistics l = lock.statistics();
                return "its lock is "
                    + (l.locked() ? "held by " + l.owner() : "free")
                    + ", "
                    + l.waiting()
                    + " waiting for the lock";
              }

              @Override
              public String lostSignalAdvice() {
                return "wait with awaitUntil(predicate) on shared state";
              }
            },
            lock.queue);
  }

  /**
   * The lock this condition belongs to.
   *
   * @return the lock
   */
  public Lock lock() {
    return lock;
  }

  /**
   * Acquires the underlying lock; see {@link Lock#acquire()}.
   *
   * @throws InterruptedException as {@link Lock#acquire()}
   */
  public void acquire() throws InterruptedException {
    lock.acquire();
  }

  /**
   * Acquires the underlying lock within a timeout; see {@link Lock#acquire(Duration)}.
   *
   * @param timeout how long to wait
   * @return whether the lock was acquired
   * @throws InterruptedException as {@link Lock#acquire(Duration)}
   */
  public boolean acquire(Duration timeout) throws InterruptedException {
    return lock.acquire(timeout);
  }

  /**
   * Releases the underlying lock; see {@link Lock#release()}.
   *
   * @throws IllegalStateException as {@link Lock#release()}
   */
  public void release() {
    lock.release();
  }

  /**
   * Whether the underlying lock is held.
   *
   * @return whether it is locked
   */
  public boolean isLocked() {
    return lock.isLocked();
  }

  /**
   * Acquires the underlying lock and returns its guard; see {@link Lock#hold()}.
   *
   * @return the guard
   * @throws InterruptedException as {@link Lock#acquire()}
   */
  public Held hold() throws InterruptedException {
    return lock.hold();
  }

  /**
   * Releases the lock, waits for a signal, and re-acquires the lock.
   *
   * @throws InterruptedException if the interrupt status was set on entry or the wait was
   *     cancelled; the lock is held again when it is thrown
   * @throws IllegalMonitorStateException if the caller does not own the lock
   */
  public void await() throws InterruptedException {
    await(-1);
  }

  /**
   * Like {@link #await()}, but gives up waiting for a signal after {@code timeout}; the lock is
   * re-acquired either way.
   *
   * @param timeout how long to wait for a signal
   * @return {@code true} if signalled, {@code false} if the timeout passed first
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalMonitorStateException if the caller does not own the lock
   */
  public boolean await(Duration timeout) throws InterruptedException {
    return await(Args.nanos(timeout, "timeout"));
  }

  /**
   * Waits until {@code predicate} is true: checks it under the lock before waiting and after each
   * wake-up ({@code asyncio.Condition.wait_for}).
   *
   * @param predicate the state to wait for, evaluated while holding the lock
   * @throws InterruptedException if the interrupt status was set on entry or the wait was cancelled
   * @throws IllegalMonitorStateException if the caller does not own the lock, even if the predicate
   *     is already true
   */
  public void awaitUntil(BooleanSupplier predicate) throws InterruptedException {
    Args.notNull(predicate, "predicate");
    if (Thread.interrupted()) { // the entry check, also when the predicate is already true
      throw new InterruptedException();
    }
    checkOwner();
    while (!predicate.getAsBoolean()) {
      await(-1);
    }
  }

  /**
   * Releases the lock without blocking and returns a future that completes, once this waiter has
   * been signalled and has the lock again, with a {@link Held} that owns the lock. Cancelling the
   * future before the signal withdraws the request (the lock is then not re-acquired for it).
   * Cancelling it after the signal reached it (while it waits for the lock) does not lose the
   * signal: when the lock comes back to this request, the signal is passed on to the next waiter.
   *
   * @return a future of the lock's guard
   * @throws IllegalMonitorStateException if the calling thread does not own the lock
   */
  public CompletableFuture<Held> awaitAsync() {
    checkOwner();
    Lock.Guard token = new Lock.Guard(lock, null);
    FutureWaiter<Held> w = new FutureWaiter<>(given -> passOn((Lock.Guard) given.value));
    w.value = token;
    waiters.lock();
    try {
      waiters.enqueue(w);
      lock.releaseUnderGuard();
    } finally {
      waiters.unlock();
    }
    return w.future();
  }

  /**
   * Wakes the longest waiter, if any.
   *
   * @throws IllegalMonitorStateException if the caller does not own the lock
   */
  public void signal() {
    signal(1);
  }

  /**
   * Wakes at most {@code n} waiters, longest-waiting first.
   *
   * @param n how many to wake; must not be negative
   * @throws IllegalArgumentException if {@code n} is negative
   * @throws IllegalMonitorStateException if the caller does not own the lock
   */
  public void signal(int n) {
    Args.notNegative(n, "n");
    checkOwner();
    waiters.lock();
    try {
      if (waiters.isEmpty()) {
        waiters.noteUnheardSignal();
        return;
      }
      for (int i = 0; i < n && !waiters.isEmpty(); i++) {
        waiters.requeue(waiters.head(), lock.queue);
        lock.markQueued();
      }
    } finally {
      waiters.unlock();
    }
  }

  /**
   * Wakes every waiter.
   *
   * @throws IllegalMonitorStateException if the caller does not own the lock
   */
  public void signalAll() {
    signal(Integer.MAX_VALUE);
  }

  /**
   * A snapshot of this condition's state.
   *
   * @return the statistics
   */
  public Statistics statistics() {
    waiters.lock();
    try {
      return new Statistics(waiters.size(), lock.statistics());
    } finally {
      waiters.unlock();
    }
  }

  /**
   * A snapshot of a {@link Condition}.
   *
   * @param waiting how many waited for a signal
   * @param lock the state of its lock
   */
  public record Statistics(int waiting, Lock.Statistics lock) {}

  @Override
  public String toString() {
    return "Condition[waiting=" + statistics().waiting() + ", " + lock + "]";
  }

  // ---------------------------------------------------------------- internals

  private void checkOwner() {
    waiters.touch();
    if (!lock.isHeldByCurrentThread()) {
      throw new IllegalMonitorStateException(
          "the Condition's lock must be held by the caller (" + Thread.currentThread() + ")");
    }
  }

  /**
   * The lock came back to an {@link #awaitAsync()} waiter whose future its user had completed
   * (cancel, {@code orTimeout}) after the signal reached it: pass the signal on to the next waiter,
   * as a cancelled blocking waiter would have consumed it by returning, then release the lock.
   */
  private void passOn(Lock.Guard token) {
    waiters.lock();
    try {
      if (waiters.isEmpty()) {
        waiters.noteUnheardSignal();
      } else {
        waiters.requeue(waiters.head(), lock.queue);
        lock.markQueued();
      }
    } finally {
      waiters.unlock();
    }
    token.close();
  }

  private boolean await(long nanos) throws InterruptedException {
    waiters.enterWait();
    checkOwner();
    Thread me = Thread.currentThread();
    Waiter w = Waiter.forCurrentThread();
    waiters.lock();
    try {
      waiters.enqueue(w);
      lock.releaseUnderGuard();
    } finally {
      waiters.unlock();
    }
    boolean signalled;
    try {
      signalled = w.block(nanos, true);
    } catch (InterruptedException e) {
      lock.acquire(me, -1, false);
      throw e;
    }
    if (!signalled) {
      lock.acquire(me, -1, false);
    }
    return signalled; // when signalled, the lock was handed to this waiter with the grant
  }
}
