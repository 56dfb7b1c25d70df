package dev.baton.internal;

import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One task: a virtual thread plus the state the {@code Task} future, cancellation and the loop
 * need.
 *
 * <p>A fiber with a {@link #loop} runs only while it holds that loop's baton; one without runs
 * freely on the JVM's scheduler (parallel mode, or a task spawned outside any loop).
 *
 * <p>Outcome: {@code PENDING} moves once to {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED};
 * a successful {@link #cancel()} wins that race even while the body still runs, which is what keeps
 * the {@code Future} contract ({@code get()} throws at once). Separately, {@link #finished} opens
 * when the body has actually returned; joins, {@code gather} and {@code TaskGroup} wait on that.
 *
 * <p>Interruption: a cancel or an expired timeout first sets the thread's interrupt status, then
 * withdraws the waiter the fiber waits in (if any), so its blocking wait throws {@code
 * InterruptedException} and, on a loop, the task becomes ready again. {@link #interruptRequests}
 * counts the pending requests from timeouts and groups, as asyncio's {@code Task.cancelling()}
 * does, so nested timeouts can tell whose expiry an interrupt was.
 */
public final class Fiber implements Runnable {
  private static final ThreadLocal<Fiber> CURRENT = new ThreadLocal<>();
  private static final AtomicInteger COUNTER = new AtomicInteger();

  public static final int PENDING = 0;
  public static final int SUCCEEDED = 1;
  public static final int FAILED = 2;
  public static final int CANCELLED = 3;

  /** The loop this fiber runs on, or {@code null} for a free virtual thread. */
  public final Loop loop;

  public final String name;
  final Thread thread;

  /** Parallel mode: the run this free fiber belongs to, or {@code null}. */
  final Scope scope;

  private final Callable<?> body;

  /** The waiter this fiber is blocked in, if any: what a cancel withdraws. */
  volatile Waiter waiter;

  /** Loop only, touched by the baton holder: whether the thread was started. */
  boolean started;

  /** Loop only: the loop's list of live fibers, in spawn order. */
  Fiber prevLive;

  Fiber nextLive;

  private final AtomicInteger status = new AtomicInteger(PENDING);
  private Object result;
  private Throwable failure;
  private final Gate finished;
  private final AtomicInteger interruptRequests = new AtomicInteger();
  private volatile Consumer<Fiber> onFinish;

  public Fiber(Loop loop, Scope scope, Callable<?> body, String name) {
    this.loop = loop;
    this.scope = scope;
    if (scope != null) {
      scope.add(this);
    }
    this.body = body;
    this.name = name != null ? name : "Task-" + COUNTER.incrementAndGet();
    this.thread =
        loop != null
            ? loop.newThread(this.name, this)
            : Thread.ofVirtual().name(this.name).unstarted(this);
    this.finished = new Gate(this);
  }

  /** The fiber running on the calling thread, or {@code null}. */
  public static Fiber current() {
    return CURRENT.get();
  }

  public Thread thread() {
    return thread;
  }

  /** The scope a task spawned by this fiber joins (parallel mode). */
  public Scope scope() {
    return scope;
  }

  /** Starts a free fiber; loop fibers are started by their loop. */
  public void start() {
    thread.start();
  }

  /** Registers what to call when the body has returned (task groups); call before it can finish. */
  public void onFinish(Consumer<Fiber> action) {
    this.onFinish = action;
  }

  @Override
  public void run() {
    CURRENT.set(this);
    if (loop != null) {
      loop.enter(this);
    }
    try {
      if (status.get() == PENDING) { // a task cancelled before it ran never starts its body
        Object r = body.call();
        if (status.compareAndSet(PENDING, SUCCEEDED)) {
          result = r;
        }
      }
    } catch (Throwable t) {
      if (status.compareAndSet(PENDING, FAILED)) {
        failure = t;
      }
    } finally {
      finish();
    }
  }

  private void finish() {
    // status is final here; publish it (volatile writes in the gate) before waking joiners
    finished.open();
    Consumer<Fiber> action = onFinish;
    if (action != null) {
      action.accept(this);
    }
    if (scope != null) {
      scope.remove(this);
    }
    if (loop != null) {
      loop.exit(this);
    }
  }

  // ---------------------------------------------------------------- outcome

  public int status() {
    return status.get();
  }

  public boolean isFinished() {
    return finished.isOpen();
  }

  public Object result() {
    return result;
  }

  public Throwable failure() {
    return failure;
  }

  /** Waits until the body has returned. */
  public void join() throws InterruptedException {
    finished.await(-1);
  }

  /** Waits until the body has returned, at most {@code nanos}. */
  public boolean join(long nanos) throws InterruptedException {
    return finished.await(nanos);
  }

  public Gate finishedGate() {
    return finished;
  }

  /**
   * The outcome as a value or the original exception (unwrapped); {@link CancellationException} if
   * cancelled. Only after {@link #isFinished()} or a terminal {@link #status()}.
   */
  public Object outcome() throws Exception {
    switch (status.get()) {
      case SUCCEEDED:
        return result;
      case FAILED:
        if (failure instanceof Exception e) {
          throw e;
        }
        if (failure instanceof Error e) {
          throw e;
        }
        throw new RuntimeException(failure);
      case CANCELLED:
        throw new CancellationException("task " + name + " was cancelled");
      default:
        throw new IllegalStateException("task " + name + " has not finished");
    }
  }

  // ---------------------------------------------------------------- cancellation

  /** Cancels: marks the outcome cancelled (if still pending) and interrupts the body. */
  public boolean cancel() {
    if (!status.compareAndSet(PENDING, CANCELLED)) {
      return false;
    }
    interrupt();
    return true;
  }

  public boolean isCancelRequested() {
    return status.get() == CANCELLED;
  }

  /** A timeout expiry or a group's cancel: interrupts without deciding the outcome. */
  public void requestInterrupt() {
    interruptRequests.incrementAndGet();
    interrupt();
  }

  /** Takes back one {@link #requestInterrupt()}; returns how many remain. */
  public int consumeInterruptRequest() {
    return interruptRequests.decrementAndGet();
  }

  private void interrupt() {
    thread.interrupt(); // on a loop task this only marks it: a loop task runs when given the baton
    Waiter w = waiter;
    if (w != null && w.interruptibleByTask) {
      WaitQueue.cancel(w, Waiter.CANCELLED);
    }
  }

  @Override
  public String toString() {
    return "task " + name;
  }
}
