package dev.baton.internal;

import java.util.concurrent.CompletableFuture;

/**
 * A flag that waiters wait to see raised: the engine behind {@code Event} and task completion.
 *
 * <p>Invariant: while the gate is open nobody waits. {@link #open()} grants every current waiter in
 * the same guarded step that raises the flag, so a {@link #close()} that follows at once cannot
 * take the wake-up back from any of them (asyncio's {@code set(); clear()} guarantee).
 */
public final class Gate {
  private final WaitQueue queue;
  private volatile boolean open;

  private final boolean reportsLostSignals;

  /** A gate whose opens that reach nobody are not worth reporting (task completion, groups). */
  public Gate(Object primitive) {
    this(primitive, false);
  }

  /**
   * @param reportsLostSignals whether an open that finds nobody waiting is recorded for deadlock
   *     reports (an {@code Event} that is set and cleared again before anyone waited)
   */
  public Gate(Object primitive, boolean reportsLostSignals) {
    this.queue = new WaitQueue(primitive);
    this.reportsLostSignals = reportsLostSignals;
  }

  public WaitQueue queue() {
    return queue;
  }

  public boolean isOpen() {
    return open;
  }

  /** Raises the flag and wakes every waiter. */
  public void open() {
    queue.touch();
    if (open) {
      return;
    }
    queue.lock();
    try {
      open = true;
      if (reportsLostSignals && queue.isEmpty()) {
        queue.noteUnheardSignal();
      }
      while (queue.grantHead() != null) {}
    } finally {
      queue.unlock();
    }
  }

  /** Lowers the flag; waiters already woken stay woken. */
  public void close() {
    queue.touch();
    open = false;
  }

  /**
   * Waits until the gate is open.
   *
   * @param nanos a deadline in nanoseconds, or negative for none
   * @return whether it opened in time
   */
  public boolean await(long nanos) throws InterruptedException {
    queue.enterWait();
    if (open) {
      return true;
    }
    Waiter w = Waiter.forCurrentThread();
    queue.lock();
    try {
      if (open) {
        return true;
      }
      if (nanos == 0) {
        return false;
      }
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.block(nanos, true);
  }

  /**
   * Waits until the gate is open, ignoring cancels and interrupts (cleanup that must finish: a
   * group or a run waiting for the tasks it cancelled); the interrupt status is set again after.
   */
  public void awaitUninterruptibly() {
    boolean interrupted = false;
    for (; ; ) {
      try {
        await(-1);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** A future that completes when the gate opens; cancelling it withdraws the request. */
  public CompletableFuture<Void> awaitAsync() {
    queue.touch();
    if (open) {
      return CompletableFuture.completedFuture(null);
    }
    FutureWaiter<Void> w = new FutureWaiter<>(null);
    queue.lock();
    try {
      if (open) {
        return CompletableFuture.completedFuture(null);
      }
      queue.enqueue(w);
    } finally {
      queue.unlock();
    }
    return w.future();
  }

  public int waiting() {
    queue.lock();
    try {
      return queue.size();
    } finally {
      queue.unlock();
    }
  }
}
