package dev.baton.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
  /**
   * The free fiber of the calling thread. Loop fibers are not recorded here: the one running on a
   * loop's baton is the loop's {@code running} field, which spares each of a loop's (possibly
   * 100,000) tasks a thread-local map of its own.
   */
  private static final ThreadLocal<Fiber> FREE = new ThreadLocal<>();

  private static final AtomicInteger COUNTER = new AtomicInteger();

  public static final int PENDING = 0;
  public static final int SUCCEEDED = 1;
  public static final int FAILED = 2;
  public static final int CANCELLED = 3;

  /** The loop this fiber runs on, or {@code null} for a free virtual thread. */
  public final Loop loop;

  /** The given name, or {@code null} for a generated {@code Task-N} (built only when asked for). */
  private final String givenName;

  private final int id;
  final Thread thread;

  /** Parallel mode: the run this free fiber belongs to, or {@code null}. */
  final Scope scope;

  /** A {@code Callable}, or a {@code dev.baton.Body} run as is (no adapter object per task). */
  private final Object body;

  /** The waiter this fiber is blocked in, if any: what a cancel withdraws. */
  volatile Waiter waiter;

  /** Loop only, touched by the baton holder: whether the thread was started. */
  boolean started;

  /** The list of live fibers this one is in: its loop's (spawn order), or its scope's stripe. */
  Fiber prevLive;

  Fiber nextLive;

  private static final VarHandle STATUS;
  private static final VarHandle INTERRUPT_REQUESTS;
  private static final VarHandle FINISHED_GATE;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      STATUS = l.findVarHandle(Fiber.class, "status", int.class);
      INTERRUPT_REQUESTS = l.findVarHandle(Fiber.class, "interruptRequests", int.class);
      FINISHED_GATE = l.findVarHandle(Fiber.class, "finishedGate", Gate.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  // Fields are kept few and plain: a loop may hold 100,000 parked fibers.
  private volatile int status;
  private Object result;
  private Throwable failure;
  private volatile boolean finished;

  /** Created by the first join that has to wait; most tasks are never joined before they finish. */
  private volatile Gate finishedGate;

  private volatile int interruptRequests;
  private volatile Consumer<Fiber> onFinish;

  public Fiber(Loop loop, Scope scope, Object body, String name) {
    this.loop = loop;
    this.scope = scope;
    this.body = body;
    this.givenName = name;
    this.id = COUNTER.incrementAndGet(); // before joining the scope: it picks the stripe
    // Threads of generated names stay unnamed, as plain virtual threads are: 50 bytes less per
    // task.
    this.thread =
        loop != null ? loop.newThread(name, this) : Loop.newVirtualThread(name, this, null);
    if (scope != null) {
      scope.add(this);
    }
  }

  /** The fiber running on the calling thread, or {@code null}. */
  public static Fiber current() {
    Thread t = Thread.currentThread();
    if (!t.isVirtual()) {
      return null; // every fiber is a virtual thread
    }
    Fiber f = Loop.fiberOnBaton(t);
    if (f != null) {
      return f;
    }
    return FREE.get();
  }

  /**
   * A name for a thread in diagnostics: its task's name if it runs a task of the loop whose baton
   * the caller holds, else the thread's name (a named task's), else {@code thread #id}. Never
   * {@code Thread.toString()}, which changes with the thread's state.
   */
  public static String nameOf(Thread t) {
    Fiber f = Loop.findFiber(t);
    if (f != null) {
      return f.name();
    }
    String n = t.getName();
    return n.isEmpty() ? "thread #" + t.threadId() : n;
  }

  int id() {
    return id;
  }

  /** {@code main}, the name given at spawn, or {@code Task-N}. */
  public String name() {
    return givenName != null ? givenName : "Task-" + id;
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
    if (loop != null) {
      loop.enter(this);
    } else {
      FREE.set(this);
    }
    try {
      if (status == PENDING) { // a task cancelled before it ran never starts its body
        Object r;
        if (body instanceof Callable<?> c) {
          r = c.call();
        } else {
          ((dev.baton.Body) body).run();
          r = null;
        }
        result = r; // written before the CAS publishes it; ignored if a cancel won
        STATUS.compareAndSet(this, PENDING, SUCCEEDED);
      }
    } catch (Throwable t) {
      failure = t; // kept even if a cancel decided the outcome first: a group still reports it
      STATUS.compareAndSet(this, PENDING, FAILED);
    } finally {
      finish();
    }
  }

  private void finish() {
    // status is final here. Dekker with join(): we write finished, then read the gate; a joiner
    // publishes the gate, then reads finished; one of us sees the other.
    finished = true;
    Gate g = finishedGate;
    if (g != null) {
      g.open();
    }
    Consumer<Fiber> action = onFinish;
    if (action != null) {
      action.accept(this);
    }
    if (scope != null) {
      scope.remove(this);
    }
    if (loop == null) {
      FREE.remove();
    } else {
      loop.exit(this);
    }
  }

  // ---------------------------------------------------------------- outcome

  public int status() {
    return status;
  }

  public boolean isFinished() {
    return finished;
  }

  public Object result() {
    return result;
  }

  /**
   * What the body threw, or {@code null}: the outcome if {@link #status()} is {@code FAILED}, and
   * also recorded when the task had been cancelled before the body threw.
   */
  public Throwable failure() {
    return failure;
  }

  /** Waits until the body has returned. */
  public void join() throws InterruptedException {
    join(-1);
  }

  /**
   * Waits until the body has returned, whatever interrupts come; see {@link
   * Gate#awaitUninterruptibly}.
   */
  public void joinUninterruptibly() {
    if (!finished) {
      gate().awaitUninterruptibly();
    }
  }

  /** Waits until the body has returned, at most {@code nanos} (negative: no limit). */
  public boolean join(long nanos) throws InterruptedException {
    if (finished) {
      if (Thread.interrupted()) {
        throw new InterruptedException(); // the entry check, as every wait
      }
      return true;
    }
    return gate().await(nanos);
  }

  /** The join gate, created by the first join that has to wait. */
  private Gate gate() {
    Gate g = finishedGate;
    if (g == null) {
      FINISHED_GATE.compareAndSet(this, null, new Gate(this));
      g = finishedGate;
      if (finished) {
        g.open(); // we may have published the gate after finish() looked for it
      }
    }
    return g;
  }

  /**
   * The outcome as a value or the original exception (unwrapped); {@link CancellationException} if
   * cancelled. Only after {@link #isFinished()} or a terminal {@link #status()}.
   */
  public Object outcome() throws Exception {
    switch (status) {
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
        throw new CancellationException("task " + name() + " was cancelled");
      default:
        throw new IllegalStateException("task " + name() + " has not finished");
    }
  }

  // ---------------------------------------------------------------- cancellation

  /** Cancels: marks the outcome cancelled (if still pending) and interrupts the body. */
  public boolean cancel() {
    if (!STATUS.compareAndSet(this, PENDING, CANCELLED)) {
      return false;
    }
    interrupt();
    return true;
  }

  public boolean isCancelRequested() {
    return status == CANCELLED;
  }

  /** A timeout expiry or a group's cancel: interrupts without deciding the outcome. */
  public void requestInterrupt() {
    INTERRUPT_REQUESTS.getAndAdd(this, 1);
    interrupt();
  }

  /** How many {@link #requestInterrupt()} calls have not been taken back. */
  public int interruptRequests() {
    return interruptRequests;
  }

  /** Takes back one {@link #requestInterrupt()}; returns how many remain. */
  public int consumeInterruptRequest() {
    return (int) INTERRUPT_REQUESTS.getAndAdd(this, -1) - 1;
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
    return "task " + name();
  }
}
