package dev.baton;

import dev.baton.internal.Fiber;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A running task: a virtual thread started by {@link Baton#spawn} or a {@link TaskGroup}, seen as a
 * {@link Future}.
 *
 * <p>It is {@code asyncio.Task}, with Java's conventions: cancelling interrupts the task, and its
 * wait throws {@link InterruptedException} where asyncio's raises {@code CancelledError}; {@link
 * #get()} wraps a failure in {@link ExecutionException} as every {@code Future} does, and {@link
 * #join()} rethrows it unwrapped, as {@code await task} does.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=task-blocking}
 *
 * <p>A {@code Task} is a {@link Future}, not a {@code CompletableFuture}: waiting for it parks the
 * caller.
 *
 * <h2>Cancellation</h2>
 *
 * {@link #cancel()} interrupts the task: the wait it is blocked in (any Baton primitive, {@link
 * Baton#sleep}, a join) is withdrawn before {@code cancel()} returns and throws {@link
 * InterruptedException}, so a {@code release()} right after the cancel goes to the next waiter. A
 * task that is not waiting gets its interrupt status set, and its next wait throws. The {@code
 * Future} contract holds at once: after a successful {@code cancel()}, {@link #isDone()} and {@link
 * #isCancelled()} are true and {@link #get()} throws {@link CancellationException}, even while the
 * body is still running its {@code finally} blocks or swallowed the interrupt. {@link #join()}
 * waits until the body has actually returned. A task cancelled before it first ran never runs its
 * body.
 *
 * <h2>Memory consistency</h2>
 *
 * Actions of the task happen-before the actions after a {@link #get()} or {@link #join()} that
 * returns its outcome.
 *
 * <h2>Run modes</h2>
 *
 * On an event loop a task is one of the loop's tasks and first runs when its spawner next waits;
 * elsewhere ({@link Baton#runParallel}, or a plain thread) it is a virtual thread that starts at
 * once.
 *
 * @param <T> the result type
 */
public final class Task<T> implements Future<T> {
  private final Fiber fiber;

  Task(Fiber fiber) {
    this.fiber = fiber;
  }

  Fiber fiber() {
    return fiber;
  }

  /**
   * The task's name: {@code main}, a name given at spawn, or {@code Task-N}.
   *
   * @return the name
   */
  public String name() {
    return fiber.name();
  }

  /**
   * Cancels the task, as {@link #cancel()}.
   *
   * @param mayInterruptIfRunning ignored: cancelling always interrupts
   * @return whether this call cancelled the task
   */
  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    return fiber.cancel();
  }

  /**
   * Cancels the task unless it has already completed.
   *
   * @return {@code true} if this call cancelled it; {@code false} if it had already completed or
   *     been cancelled
   */
  public boolean cancel() {
    return fiber.cancel();
  }

  @Override
  public boolean isCancelled() {
    return fiber.status() == Fiber.CANCELLED;
  }

  @Override
  public boolean isDone() {
    return fiber.status() != Fiber.PENDING;
  }

  /**
   * Waits for the task and returns its result.
   *
   * @return the result
   * @throws CancellationException if the task was cancelled (at once, without waiting)
   * @throws ExecutionException if the body threw; the cause is what it threw
   * @throws InterruptedException if the calling task or thread was cancelled while waiting
   */
  @Override
  public T get() throws InterruptedException, ExecutionException {
    if (!isCancelled()) {
      fiber.join();
    }
    return report();
  }

  /**
   * Waits at most {@code timeout} for the task and returns its result.
   *
   * @throws TimeoutException if the task had not finished in time
   */
  @Override
  public T get(long timeout, TimeUnit unit)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (!isCancelled() && !fiber.join(Math.max(0, unit.toNanos(timeout)))) {
      throw new TimeoutException(
          "task " + name() + " did not finish within " + timeout + " " + unit);
    }
    return report();
  }

  /**
   * Waits until the body has returned, then returns its result or rethrows what it threw,
   * unwrapped.
   *
   * @return the result
   * @throws CancellationException if the task was cancelled
   * @throws Exception what the body threw
   */
  public T join() throws Exception {
    fiber.join();
    @SuppressWarnings("unchecked")
    T r = (T) fiber.outcome();
    return r;
  }

  private T report() throws ExecutionException {
    int s = fiber.status();
    if (s == Fiber.CANCELLED) {
      throw new CancellationException("task " + name() + " was cancelled");
    }
    if (s == Fiber.FAILED) {
      throw new ExecutionException(fiber.failure());
    }
    @SuppressWarnings("unchecked")
    T r = (T) fiber.result();
    return r;
  }

  @Override
  public String toString() {
    String state =
        switch (fiber.status()) {
          case Fiber.SUCCEEDED -> "succeeded";
          case Fiber.FAILED -> "failed: " + fiber.failure();
          case Fiber.CANCELLED -> fiber.isFinished() ? "cancelled" : "cancelling";
          default -> "running";
        };
    return "Task[" + name() + ", " + state + "]";
  }
}
