package dev.baton;

/**
 * Thrown by {@link Baton#run} and {@link EventLoop#run} when no task of the loop can ever proceed.
 *
 * <p>asyncio and Trio hang in the same situation.
 *
 * <p>The loop declares a deadlock only when no task is ready, no timer is pending, no {@link
 * Baton#toThread} work is in flight, and every waiting task waits on a primitive that no thread
 * outside the loop has used. It then cancels the stuck tasks (their {@code finally} blocks run) and
 * throws this exception, whose message names each stuck task, the call and primitive it waits in,
 * the {@code File.java:line} where it waits, and a cause in plain words where one is recognisable.
 * Here a consumer waits for a signal that was sent before it waited:
 *
 * {@snippet class=dev.baton.snippets.Snippets region=deadlockexception-blocking}
 *
 * <p>It prints (the example's lines numbered from 1, as if it were {@code Main.java}):
 *
 * {@snippet lang=text file=dev/baton/snippets/deadlock-report.txt}
 *
 * <p>The fix here is {@link Condition#awaitUntil(java.util.function.BooleanSupplier)} on shared
 * state. {@link Baton#runParallel} has no deadlock detection and throws no {@code
 * DeadlockException}.
 */
public final class DeadlockException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception with its report.
   *
   * @param report the report
   */
  public DeadlockException(String report) {
    super(report);
  }
}
