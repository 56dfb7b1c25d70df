package dev.baton.internal;

/**
 * The blocking face of a task on a deterministic event loop: instead of parking on its own, the
 * task hands the loop's baton to the next ready task, and a grant makes it ready again. A deadline
 * is a timer on the loop's clock (real or virtual) that withdraws the waiter.
 */
final class LoopWaiter extends Waiter {
  private final Fiber fiber;

  /** Set by {@link #resume()} just before it makes the task ready. */
  private volatile boolean resumed;

  LoopWaiter(Fiber fiber) {
    super(fiber.thread);
    this.fiber = fiber;
  }

  @Override
  void resume() {
    resumed = true;
    fiber.loop.makeReady(fiber);
  }

  @Override
  public boolean block(long nanos, boolean interruptible) throws InterruptedException {
    Fiber f = fiber;
    Loop loop = f.loop;
    interruptibleByTask = interruptible;
    f.waiter = this;
    // Task.cancel interrupts first and reads f.waiter second; we publish f.waiter first and check
    // the interrupt second, so one of us always sees the other.
    boolean interrupted = Thread.interrupted();
    if (interrupted && interruptible && WaitQueue.withdraw(this, CANCELLED)) {
      f.waiter = null;
      throw new InterruptedException();
    }
    Loop.Timer timer = null;
    if (nanos >= 0 && state() == WAITING) {
      timer = loop.schedule(nanos, () -> WaitQueue.cancel(this, TIMED_OUT));
    }
    // Whoever settles this waiter from here on (a grant, a cancel, the timer) resumes it, and a
    // resume makes the task ready exactly once. Wait for that turn even if the outcome is already
    // decided (a thread outside the loop may have granted it before this task got here): a ready
    // entry left behind would later give the task a turn it is not waiting for, or hand the baton
    // to it after it has finished.
    do {
      loop.park(f);
    } while (!resumed);
    f.waiter = null;
    if (timer != null) {
      loop.cancelTimer(timer);
    }
    switch (state()) {
      case GRANTED:
        if (interrupted) {
          requester.interrupt();
        }
        return true;
      case TIMED_OUT:
        if (interrupted) {
          requester.interrupt();
        }
        return false;
      default:
        Thread.interrupted();
        throw new InterruptedException();
    }
  }
}
