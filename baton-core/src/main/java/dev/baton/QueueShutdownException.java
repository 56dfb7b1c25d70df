package dev.baton;

/**
 * Thrown by the operations of a {@link Queue} that was {@linkplain Queue#shutdown() shut down}:
 * {@code asyncio.QueueShutDown}.
 *
 * <p>After {@code shutdown()}, every put fails with it, and a get fails with it once the queue is
 * empty (at once after {@code shutdown(true)}, which drops the items). Putters and getters blocked
 * at the time of the shutdown fail with it too; an async face completes its future exceptionally
 * with it.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=queueshutdownexception-blocking}
 *
 * <p>It is an {@link IllegalStateException}, as {@code java.util.Queue.add} on a full queue throws
 * one: the state of the queue does not allow the operation.
 */
public final class QueueShutdownException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused
   */
  public QueueShutdownException(String message) {
    super(message);
  }
}
