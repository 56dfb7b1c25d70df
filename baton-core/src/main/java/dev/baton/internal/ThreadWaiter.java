package dev.baton.internal;

import java.util.concurrent.locks.LockSupport;

/**
 * The blocking face off the event loop: the requesting thread (platform or virtual) parks until its
 * waiter is settled. Interrupts and deadlines are turned into a withdrawal here, once, for every
 * primitive.
 */
final class ThreadWaiter extends Waiter {
  private final Fiber fiber;

  ThreadWaiter(Thread thread, Fiber fiber) {
    super(thread);
    this.fiber = fiber;
  }

  @Override
  void resume() {
    LockSupport.unpark(requester);
  }

  @Override
  public boolean block(long nanos, boolean interruptible) throws InterruptedException {
    Fiber f = fiber;
    if (f != null) {
      interruptibleByTask = interruptible;
      f.waiter = this;
    }
    try {
      return await(nanos, interruptible);
    } finally {
      if (f != null) {
        f.waiter = null;
      }
    }
  }

  private boolean await(long nanos, boolean interruptible) throws InterruptedException {
    final long deadline = nanos >= 0 ? System.nanoTime() + nanos : 0L;
    boolean interruptedAfterGrant = false;
    for (; ; ) {
      int s = state();
      if (s == GRANTED) {
        if (interruptedAfterGrant) {
          requester.interrupt(); // the grant won; keep the interrupt for the next wait
        }
        return true;
      }
      if (s == CANCELLED) {
        Thread.interrupted();
        throw new InterruptedException();
      }
      if (s == TIMED_OUT) {
        return false;
      }
      if (Thread.interrupted()) {
        if (s == WAITING && interruptible && WaitQueue.withdraw(this, CANCELLED)) {
          throw new InterruptedException();
        }
        interruptedAfterGrant = true; // settled (or requeued) first, or not interruptible
        continue;
      }
      if (s == WAITING && nanos >= 0) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          if (WaitQueue.withdraw(this, TIMED_OUT)) {
            return false;
          }
          continue;
        }
        LockSupport.parkNanos(this, remaining);
      } else {
        LockSupport.park(this);
      }
    }
  }
}
