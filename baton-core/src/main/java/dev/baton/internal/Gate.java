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

  /**
   * Whether the last {@link #open()} found nobody waiting (a later close may make it a lost
   * signal).
   */
  private boolean openedForNobody;

  public Gate(Object primitive) {
    this.queue = new WaitQueue(primitive);
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
      openedForNobody = queue.isEmpty();
      if (openedForNobody) {
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
    queue.touch();
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
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
