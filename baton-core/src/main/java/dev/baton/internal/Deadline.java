package dev.baton.internal;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The expiry of one {@code Baton.timeout} block.
 *
 * <p>On expiry it interrupts the task the way a cancel does (interrupt status, then withdrawal of
 * the waiter it waits in) but without deciding the task's outcome, and counts one interrupt request
 * on the task. On exit the block takes its request back; the interrupt was its own only if no
 * request made while it was armed is left (an outer timeout that expired too) and the task was not
 * cancelled while it was armed. Requests and a cancel that came before the block was entered (an
 * expired outer timeout whose cleanup runs this block, a cancel the task handled) do not count:
 * asyncio compares {@code cancelling()} with its level at entry (gh-102780). That is what lets
 * nested timeouts and an outside cancel each surface as themselves. Timers run on the task's loop
 * clock, or on one shared daemon thread off the loop.
 */
public final class Deadline {
  private static final class Shared {
    static final ScheduledThreadPoolExecutor TIMERS = create();

    private static ScheduledThreadPoolExecutor create() {
      ScheduledThreadPoolExecutor e =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "baton-timeouts");
                t.setDaemon(true);
                return t;
              });
      e.setRemoveOnCancelPolicy(true);
      return e;
    }
  }

  private final Fiber fiber;
  private final Thread thread;
  private final int requestsAtEntry;
  private final boolean cancelledAtEntry;
  private final ReentrantLock lock = new ReentrantLock();
  private boolean done;
  private boolean fired;
  private Loop.Timer loopTimer;
  private ScheduledFuture<?> threadTimer;

  private Deadline(Fiber fiber, Thread thread) {
    this.fiber = fiber;
    this.thread = thread;
    this.requestsAtEntry = fiber == null ? 0 : fiber.interruptRequests();
    this.cancelledAtEntry = fiber != null && fiber.isCancelRequested();
  }

  /** Arms a deadline for the calling thread or task, {@code nanos} from now on its clock. */
  public static Deadline arm(long nanos) {
    Fiber f = Fiber.current();
    Deadline d = new Deadline(f, Thread.currentThread());
    if (nanos == Long.MAX_VALUE) {
      return d; // never expires
    }
    if (f != null && f.loop != null) {
      d.loopTimer = f.loop.schedule(nanos, d::expire);
    } else {
      d.threadTimer = Shared.TIMERS.schedule(d::expire, nanos, TimeUnit.NANOSECONDS);
    }
    return d;
  }

  private void expire() {
    lock.lock();
    try {
      if (done) {
        return;
      }
      fired = true;
      if (fiber != null) {
        fiber.requestInterrupt();
      } else {
        thread.interrupt();
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Disarms on exit from the block. Returns {@code true} if this deadline expired and the interrupt
   * it caused is not shadowed by a request or a cancel made since it was armed; the interrupt
   * status is then cleared, since it was this block's alone.
   */
  public boolean disarm() {
    lock.lock();
    try {
      done = true;
    } finally {
      lock.unlock();
    }
    if (loopTimer != null) {
      fiber.loop.cancelTimer(loopTimer);
    } else if (threadTimer != null) {
      threadTimer.cancel(false);
    }
    if (!fired) {
      return false;
    }
    boolean mine =
        fiber == null
            || (fiber.consumeInterruptRequest() <= requestsAtEntry
                && (cancelledAtEntry || !fiber.isCancelRequested()));
    if (mine) {
      Thread.interrupted();
    }
    return mine;
  }
}
