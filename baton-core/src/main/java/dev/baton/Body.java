package dev.baton;

/**
 * A task body that returns nothing: {@code void run() throws Exception}.
 *
 * <p>It is an {@code async def} without a result; unlike {@link Runnable}, it may throw checked
 * exceptions such as {@link InterruptedException}. A lambda without a {@code return} value is a
 * {@code Body}; one that returns a value is a {@link java.util.concurrent.Callable}. {@link
 * Baton#run}, {@link Baton#spawn}, {@link TaskGroup#spawn} and {@link EventLoop#run} take either.
 *
 * {@snippet class=dev.baton.snippets.Snippets region=body-blocking}
 */
@FunctionalInterface
public interface Body {
  /**
   * Runs the body.
   *
   * @throws Exception anything the body throws
   */
  void run() throws Exception;
}
