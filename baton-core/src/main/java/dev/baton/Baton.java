package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Deadline;
import dev.baton.internal.Fiber;
import dev.baton.internal.Scope;
import dev.baton.internal.Waiter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * Entry points: run a program on an event loop or in parallel, and the task operations that work in
 * both ({@code spawn}, {@code gather}, {@code sleep}, {@code yieldNow}, {@code timeout}, {@code
 * toThread}).
 *
 * <p>{@link #run} is {@code asyncio.run}: one task at a time, in FIFO order, on a new {@link
 * EventLoop} with the real clock. The other methods are asyncio's {@code create_task}, {@code
 * gather}, {@code sleep}, {@code sleep(0)}, {@code timeout} and {@code to_thread}, acting on the
 * calling task: on its loop if it runs on one, as plain virtual-thread operations otherwise. Unlike
 * asyncio, the loop reports a deadlock ({@link DeadlockException}) instead of hanging, and {@link
 * #gather} never leaves orphans: on the first failure it cancels the other tasks and waits for
 * them.
 *
 * <p>A program: one task waits for an {@link Event} that another sets two seconds later.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=baton-blocking}
 *
 * <p>Every call here is blocking (it parks the calling virtual thread); the {@code
 * CompletableFuture} faces are on the primitives ({@link Lock#acquireAsync()} and the like).
 *
 * <p>Cancellation and timeouts: a task is cancelled by interrupting it ({@link Task#cancel()}); the
 * waiting calls here then throw {@link InterruptedException}. {@link #timeout} turns only its own
 * expiry into a {@link java.util.concurrent.TimeoutException}.
 *
 * <p>Run modes: {@link #run} (one loop, deterministic order, deadlock detection) and {@link
 * #runParallel} (every task a free virtual thread on all cores, no ordering or deadlock detection)
 * run the same code. Outside both, {@link #spawn}, {@link #gather} and {@link #sleep} work on plain
 * virtual threads.
 */
public final class Baton {
  private Baton() {}

  /**
   * Runs {@code main} on a new event loop with the real clock and returns its result ({@code
   * asyncio.run}). When {@code main} returns, tasks still alive are cancelled and waited for.
   *
   * @param main the first task
   * @param <T> the result type
   * @return what {@code main} returned
   * @throws DeadlockException if the loop's tasks deadlocked
   * @throws Exception what {@code main} threw, unwrapped
   */
  public static <T> T run(Callable<T> main) throws Exception {
    return EventLoop.create().run(main);
  }

  /**
   * Runs {@code main} on a new event loop; see {@link #run(Callable)}.
   *
   * @param main the first task
   * @throws Exception what {@code main} threw, unwrapped
   */
  public static void run(Body main) throws Exception {
    EventLoop.create().run(main);
  }

  /**
   * Runs {@code main} as a virtual thread, with every task it spawns a free virtual thread on all
   * cores: the same API as {@link #run(Callable)}, without the loop's ordering or deadlock
   * detection. When {@code main} returns, tasks still alive are cancelled and waited for.
   *
   * @param main the first task
   * @param <T> the result type
   * @return what {@code main} returned
   * @throws Exception what {@code main} threw, unwrapped
   */
  public static <T> T runParallel(Callable<T> main) throws Exception {
    Args.notNull(main, "main");
    Scope scope = new Scope();
    Fiber f = new Fiber(null, scope, main, "main");
    f.start();
    boolean interrupted = false;
    for (; ; ) {
      try {
        f.join();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
        f.cancel();
      }
    }
    scope.cancelAndJoinAll();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    @SuppressWarnings("unchecked")
    T r = (T) f.outcome();
    return r;
  }

  /**
   * Runs {@code main} in parallel; see {@link #runParallel(Callable)}.
   *
   * @param main the first task
   * @throws Exception what {@code main} threw, unwrapped
   */
  public static void runParallel(Body main) throws Exception {
    Args.notNull(main, "main");
    runParallel(callable(main));
  }

  /**
   * Starts a task: on the caller's event loop if it runs on one, else as a virtual thread ({@code
   * asyncio.create_task}). On a loop the task first runs when the caller next waits.
   *
   * @param body what the task runs
   * @param <T> the result type
   * @return the task
   */
  public static <T> Task<T> spawn(Callable<T> body) {
    return spawn(null, body);
  }

  /**
   * Starts a named task; see {@link #spawn(Callable)}.
   *
   * @param name the task's name, shown in diagnostics; {@code null} for a generated one
   * @param body what the task runs
   * @param <T> the result type
   * @return the task
   */
  public static <T> Task<T> spawn(String name, Callable<T> body) {
    Args.notNull(body, "body");
    return start(body, name);
  }

  private static <T> Task<T> start(Object body, String name) {
    Fiber f = newFiber(body, name);
    startFiber(f);
    return new Task<>(f);
  }

  /**
   * Starts a task that returns nothing; see {@link #spawn(Callable)}.
   *
   * @param body what the task runs
   * @return the task
   */
  public static Task<Void> spawn(Body body) {
    Args.notNull(body, "body");
    return start(body, null);
  }

  /**
   * Starts a named task that returns nothing; see {@link #spawn(Callable)}.
   *
   * @param name the task's name, shown in diagnostics; {@code null} for a generated one
   * @param body what the task runs
   * @return the task
   */
  public static Task<Void> spawn(String name, Body body) {
    Args.notNull(body, "body");
    return start(body, name);
  }

  /**
   * Runs the bodies as concurrent tasks and returns their results in argument order ({@code
   * asyncio.gather}). Unlike asyncio's, it never leaves orphans: on the first failure it cancels
   * the others, waits until they have finished, and throws that failure itself, unwrapped, with
   * later failures suppressed. If the caller is cancelled, the tasks are cancelled and waited for
   * too.
   *
   * @param bodies what the tasks run
   * @param <T> the common result type
   * @return the results, in order
   * @throws Exception the first failure
   */
  @SafeVarargs
  @SuppressWarnings("try")
  public static <T> List<T> gather(Callable<? extends T>... bodies) throws Exception {
    Args.notNull(bodies, "bodies");
    for (int i = 0; i < bodies.length; i++) {
      Args.notNull(bodies[i], "bodies[" + i + "]");
    }
    List<Task<? extends T>> tasks = new ArrayList<>(bodies.length);
    try (TaskGroup group = new TaskGroup()) {
      for (Callable<? extends T> body : bodies) {
        tasks.add(group.spawn(body));
      }
    }
    List<T> results = new ArrayList<>(tasks.size());
    for (Task<? extends T> t : tasks) {
      results.add(t.resultNow()); // every task succeeded, or close() would have thrown
    }
    return results;
  }

  /**
   * Suspends the calling task for {@code duration} on its clock ({@code asyncio.sleep}); on an
   * event loop with virtual time this takes no real time. A zero duration is {@link #yieldNow()}.
   *
   * @param duration how long; must not be negative
   * @throws InterruptedException if the caller was cancelled or its interrupt status was set
   */
  public static void sleep(Duration duration) throws InterruptedException {
    long nanos = Args.nanos(duration, "duration");
    if (nanos == 0) {
      yieldNow();
      return;
    }
    Waiter.forCurrentThread().block(nanos, true);
  }

  /**
   * Lets the other ready tasks run before the caller continues ({@code asyncio.sleep(0)}); off a
   * loop, {@link Thread#yield()}. A cancel or a timeout that arrives while the caller waits for its
   * turn makes it throw, as {@code asyncio.sleep(0)} raises {@code CancelledError}.
   *
   * @throws InterruptedException if the caller was cancelled or its interrupt status was set, on
   *     entry or while it yielded
   */
  public static void yieldNow() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    Fiber f = Fiber.current();
    if (f != null && f.loop != null) {
      f.loop.yieldNow(f);
    } else {
      Thread.yield();
    }
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }

  /**
   * Runs {@code body} in the calling task and interrupts it if it takes longer than {@code
   * duration} ({@code asyncio.timeout}). Only this block's own expiry becomes a {@link
   * TimeoutException}: a cancel of the task from outside, or the expiry of an enclosing timeout,
   * still propagates as {@link InterruptedException}. A body that finishes without waiting again
   * after the expiry returns its result normally.
   *
   * @param duration the time allowed; must not be negative
   * @param body the work
   * @param <T> the result type
   * @return what {@code body} returned
   * @throws TimeoutException if this timeout expired and interrupted the body
   * @throws Exception what {@code body} threw
   */
  public static <T> T timeout(Duration duration, Callable<T> body) throws Exception {
    long nanos = Args.nanos(duration, "duration");
    Args.notNull(body, "body");
    Deadline deadline = Deadline.arm(nanos);
    T result;
    try {
      result = body.call();
    } catch (InterruptedException e) {
      if (deadline.disarm()) {
        TimeoutException te = new TimeoutException("timed out after " + duration);
        te.initCause(e);
        throw te;
      }
      throw e;
    } catch (Throwable t) {
      deadline.disarm();
      throw t;
    }
    deadline.disarm();
    return result;
  }

  /**
   * Runs blocking work (JDBC, file I/O, {@code synchronized} code) on its own thread and waits for
   * it without holding the event loop's baton ({@code asyncio.to_thread}). Off a loop it simply
   * runs the work. While it runs, the loop does not declare a deadlock.
   *
   * @param work the blocking work
   * @param <T> the result type
   * @return what {@code work} returned
   * @throws InterruptedException if the caller was cancelled while waiting (the work's thread is
   *     interrupted)
   * @throws Exception what {@code work} threw
   */
  public static <T> T toThread(Callable<T> work) throws Exception {
    Args.notNull(work, "work");
    Fiber f = Fiber.current();
    if (f != null && f.loop != null) {
      return f.loop.offLoop(work);
    }
    return work.call();
  }

  /**
   * The task the caller runs in, or {@code null} on a thread that is not a Baton task.
   *
   * @return the current task's name, or {@code null}
   */
  public static String currentTaskName() {
    Fiber f = Fiber.current();
    return f == null ? null : f.name();
  }

  // ---------------------------------------------------------------- shared with TaskGroup

  static Fiber newFiber(Object body, String name) {
    Fiber cur = Fiber.current();
    if (cur != null && cur.loop != null) {
      return cur.loop.spawn(body, name);
    }
    return new Fiber(null, cur == null ? null : cur.scope(), body, name);
  }

  static void startFiber(Fiber f) {
    if (f.loop == null) {
      f.start();
    }
  }

  static Callable<Void> callable(Body body) {
    return () -> {
      body.run();
      return null;
    };
  }
}
