package dev.baton;

import dev.baton.internal.Args;
import dev.baton.internal.Diagnosable;
import dev.baton.internal.Fiber;
import dev.baton.internal.Gate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A scope that owns the tasks spawned in it and does not end before they do: {@code
 * asyncio.TaskGroup}, as try-with-resources.
 *
 * <p>As in asyncio, the first failure cancels the other tasks and the group ends only when all have
 * finished. Unlike asyncio, a failing child does not cancel the code inside the {@code try} block:
 * Java's try-with-resources would then report that interruption instead of the child's failure. And
 * the failure is thrown itself, unwrapped, with later ones suppressed, not as an {@code
 * ExceptionGroup}.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=taskgroup-blocking}
 *
 * <p>{@link #close()} blocks; there is no {@code CompletableFuture} face.
 *
 * <h2>Semantics</h2>
 *
 * {@link #close()} waits until every task of the group has finished. The first task that fails
 * (throws anything but a cancellation) cancels all the others at once; {@code close()} waits for
 * them to finish and then throws that first failure itself, unwrapped, with later failures added as
 * suppressed. Spawning into a group that is failing or closed throws {@link IllegalStateException}.
 *
 * <h2>Cancellation</h2>
 *
 * Tasks never outlive the group: if the task or thread waiting in {@code close()} is cancelled, or
 * the task that created the group was cancelled while the {@code try} block ran, the group cancels
 * its tasks, waits for them, and then propagates the cancellation as {@link InterruptedException}.
 * {@link #cancelAll()} cancels the tasks without closing the group.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions of the group's tasks happen-before the actions after {@code close()} returns or throws.
 *
 * <h2>Run modes</h2>
 *
 * Works on an event loop (tasks of that loop) and anywhere else (virtual threads).
 */
@SuppressWarnings("try") // close() may throw InterruptedException: the closer was cancelled
public final class TaskGroup implements AutoCloseable {
  private final ReentrantLock lock = new ReentrantLock();
  private final List<Fiber> children = new ArrayList<>();
  private final Gate idle =
      new Gate(
          new Diagnosable() {
            @Override
            public String kind() {
              return "TaskGroup";
            }

            @Override
            public String describe() {
              StringBuilder sb = new StringBuilder("waits for ");
              String sep = "";
              for (Task<?> t : tasks()) {
                if (!t.fiber().isFinished()) {
                  sb.append(sep).append("task ").append(t.name());
                  sep = ", ";
                }
              }
              return sb.append(" to finish").toString();
            }
          });

  /** Tasks not yet finished; the idle gate opens when it reaches 0 once the group is closing. */
  private final AtomicInteger running = new AtomicInteger();

  private volatile boolean closing;
  private boolean failing;
  private Throwable firstFailure;
  private final List<Throwable> laterFailures = new ArrayList<>();

  /** The task that created the group, and whether it had been cancelled already by then. */
  private final Fiber owner = Fiber.current();

  private final boolean ownerCancelledAtEntry = owner != null && owner.isCancelRequested();

  /** Creates an empty group. */
  public TaskGroup() {}

  /**
   * Spawns a task in this group.
   *
   * @param body what the task runs
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException if the group is closed or failing
   */
  public <T> Task<T> spawn(Callable<T> body) {
    return spawn(null, body);
  }

  /**
   * Spawns a named task in this group.
   *
   * @param name the task's name, shown in diagnostics; {@code null} for a generated one
   * @param body what the task runs
   * @param <T> the result type
   * @return the task
   * @throws IllegalStateException if the group is closed or failing
   */
  public <T> Task<T> spawn(String name, Callable<T> body) {
    Args.notNull(body, "body");
    return start(body, name);
  }

  private <T> Task<T> start(Object body, String name) {
    Fiber f;
    lock.lock();
    try {
      if (closing && running.get() == 0) {
        throw new IllegalStateException("this TaskGroup is closed");
      }
      if (failing) {
        throw new IllegalStateException("this TaskGroup is shutting down after a failure");
      }
      f = Baton.newFiber(body, name);
      f.onFinish(this::finished);
      children.add(f);
      running.incrementAndGet();
    } finally {
      lock.unlock();
    }
    Baton.startFiber(f); // outside the lock: a free task may finish before this returns
    return new Task<>(f);
  }

  /**
   * Spawns a task that returns nothing.
   *
   * @param body what the task runs
   * @return the task
   * @throws IllegalStateException if the group is closed or failing
   */
  public Task<Void> spawn(Body body) {
    Args.notNull(body, "body");
    return start(body, null);
  }

  /**
   * Spawns a named task that returns nothing.
   *
   * @param name the task's name, shown in diagnostics; {@code null} for a generated one
   * @param body what the task runs
   * @return the task
   * @throws IllegalStateException if the group is closed or failing
   */
  public Task<Void> spawn(String name, Body body) {
    Args.notNull(body, "body");
    return start(body, name);
  }

  private void finished(Fiber f) {
    List<Fiber> toCancel = null;
    Throwable t = f.failure();
    // A task cancelled by the group (or by anyone) that then throws something other than a
    // cancellation has failed too, as in asyncio: its failure is reported, not dropped.
    if (f.status() == Fiber.FAILED || (t != null && !isCancellation(t))) {
      lock.lock();
      try {
        if (firstFailure == null) {
          firstFailure = t;
          failing = true;
          toCancel = new ArrayList<>(children);
        } else if (!isCancellation(t)) {
          laterFailures.add(t);
        }
      } finally {
        lock.unlock();
      }
    }
    // Dekker with close(): we count down, then read closing; it sets closing, then reads the count.
    if (running.decrementAndGet() == 0 && closing) {
      idle.open();
    }
    if (toCancel != null) {
      for (Fiber c : toCancel) {
        if (c != f) {
          c.cancel();
        }
      }
    }
  }

  private static boolean isCancellation(Throwable t) {
    return t instanceof CancellationException || t instanceof InterruptedException;
  }

  /** Cancels every task of the group that has not finished. */
  public void cancelAll() {
    List<Fiber> all;
    lock.lock();
    try {
      all = new ArrayList<>(children);
    } finally {
      lock.unlock();
    }
    for (Fiber c : all) {
      c.cancel();
    }
  }

  /**
   * Waits for every task, then throws the first failure, if any.
   *
   * @throws InterruptedException if the caller was cancelled while waiting (the tasks were
   *     cancelled and have finished)
   * @throws Exception the first task's failure, with later ones suppressed
   */
  @Override
  public void close() throws Exception {
    closing = true;
    if (running.get() == 0) {
      idle.open();
    }
    InterruptedException cancelled = null;
    if (owner != null
        && owner == Fiber.current()
        && !ownerCancelledAtEntry
        && owner.isCancelRequested()) {
      // The owner was cancelled in the body and the body's wait consumed the interrupt (asyncio
      // aborts the group when its body raises CancelledError): do not wait for the tasks to end
      // on their own.
      cancelled = new InterruptedException("the task that owns this TaskGroup was cancelled");
      cancelAll();
    }
    for (; ; ) {
      try {
        if (cancelled == null) {
          idle.await(-1);
        } else {
          idle.awaitUninterruptibly();
        }
        break;
      } catch (InterruptedException e) {
        cancelled = e;
        cancelAll();
      }
    }
    Throwable first;
    lock.lock();
    try {
      first = firstFailure;
      if (first != null) {
        for (Throwable later : laterFailures) {
          if (later != first) {
            first.addSuppressed(later);
          }
        }
        laterFailures.clear();
      }
    } finally {
      lock.unlock();
    }
    if (cancelled != null) {
      if (first != null) {
        cancelled.addSuppressed(first);
      }
      throw cancelled;
    }
    if (first instanceof Exception e) {
      throw e;
    }
    if (first instanceof Error e) {
      throw e;
    }
  }

  /**
   * The tasks spawned in this group so far.
   *
   * @return a snapshot, in spawn order
   */
  public List<Task<?>> tasks() {
    lock.lock();
    try {
      List<Task<?>> out = new ArrayList<>(children.size());
      for (Fiber f : children) {
        out.add(new Task<>(f));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }
}
