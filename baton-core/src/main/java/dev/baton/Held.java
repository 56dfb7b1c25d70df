package dev.baton;

/**
 * Proof that a lock or permit is held; closing it releases what it holds, exactly once.
 *
 * <p>{@code Held} is what {@code async with lock:} becomes in Java: a try-with-resources guard.
 *
 * <pre>{@code
 * try (Held held = lock.hold()) {
 *   counter++;
 * } // released here, also on exceptions
 * }</pre>
 *
 * <p>A {@code Held} obtained from an {@code acquireAsync()} future may be closed from any thread. A
 * second {@link #close()} does nothing.
 */
public interface Held extends AutoCloseable {
  /** Releases what this guard holds; does nothing if it was already closed. Never throws. */
  @Override
  void close();
}
