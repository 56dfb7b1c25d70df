package dev.baton;

/**
 * Thrown by {@link Baton#run} and {@link EventLoop#run} when no task of the loop can ever proceed.
 *
 * <p>The loop declares a deadlock only when no task is ready, no timer is pending, no {@link
 * Baton#toThread} work is in flight, and every waiting task waits on a primitive that no thread
 * outside the loop has used. It then cancels the stuck tasks (their {@code finally} blocks run) and
 * throws this exception, whose message names each stuck task, the call and primitive it waits in,
 * the {@code File.java:line} where it waits, and a cause in plain words where one is recognisable:
 *
 * <pre>
 * deadlock: no task can ever proceed; cancelled 2 stuck tasks
 *   task consumer waits in Condition.await at Consumer.java:20: Condition (lock free, 0 waiting for it)
 *   task main waits in Baton.gather at Main.java:9: waits for task consumer to finish
 *   cause: the signal at Producer.java:12 came before the wait at Consumer.java:20 and was lost: ...
 * </pre>
 *
 * <p>asyncio and Trio hang in the same situation.
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
