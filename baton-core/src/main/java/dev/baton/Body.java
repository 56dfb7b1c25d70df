package dev.baton;

/**
 * A task body that returns nothing: {@code void run() throws Exception}.
 *
 * <pre>{@code
 * Baton.run(() -> {
 *   Baton.sleep(Duration.ofSeconds(1));
 *   System.out.println("done");
 * });
 * }</pre>
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
